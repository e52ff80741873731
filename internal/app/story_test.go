package app_test

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"cubby/internal/app"
	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

// storyWorld is the demo school with its people logged in: Ms. Alvarez
// teaches Class 3 (Ava Martin), Mr. Park Class 4 (Elena Martin); Helen
// Martin is their mother; Maya's parent has a child in Class 4 only.
type storyWorld struct {
	env                            *testenv.Env
	ctx                            context.Context
	teacher, teacher2, leader      *app.Session
	parent, mayaParent, student    *app.Session
	class3, class4, schoolID       int64
	ava, elena, mateo, liam, sofia store.Student
}

func newStoryWorld(t *testing.T, env *testenv.Env) *storyWorld {
	t.Helper()
	w := &storyWorld{env: env, ctx: context.Background()}
	w.teacher = session(t, env, demo.TeacherEmail)
	w.teacher2 = session(t, env, demo.Teacher2Email)
	w.leader = session(t, env, demo.LeaderEmail)
	w.parent = session(t, env, demo.ParentEmail)
	w.mayaParent = session(t, env, "parent.maya@demo.cubby.test")
	w.student = session(t, env, demo.StudentUsername)
	w.schoolID = w.leader.Actor.SchoolIDs()[0]
	for id := range w.teacher.Actor.Classes {
		w.class3 = id
	}
	for id := range w.teacher2.Actor.Classes {
		w.class4 = id
	}
	r3, err := store.StudentsOfClass(w.ctx, env.DB.R, w.class3)
	must(t, err)
	r4, err := store.StudentsOfClass(w.ctx, env.DB.R, w.class4)
	must(t, err)
	byName := map[string]store.Student{}
	for _, st := range append(r3, r4...) {
		byName[st.FirstName] = st
	}
	w.ava, w.elena, w.mateo, w.liam, w.sofia = byName["Ava"], byName["Elena"], byName["Mateo"], byName["Liam"], byName["Sofia"]
	return w
}

// refresh logs a person in again, so their actor reflects what changed.
func (w *storyWorld) refresh(t *testing.T, who string) *app.Session { return session(t, w.env, who) }

func sees(t *testing.T, a *app.App, s *app.Session, postID int64) bool {
	t.Helper()
	_, err := a.StoryPost(context.Background(), s, postID)
	if err != nil && !errors.Is(err, app.ErrNotFound) {
		t.Fatal(err)
	}
	return err == nil
}

func feedIDs(t *testing.T, a *app.App, s *app.Session) map[int64]bool {
	t.Helper()
	page, err := a.Feed(context.Background(), s, app.StoryFeedOf{}, "", 50)
	must(t, err)
	out := map[int64]bool{}
	for _, it := range page.Items {
		out[it.Post.ID] = true
	}
	return out
}

// Who sees a Class Story and a School Story post, on both engines, through
// the post itself and through each person's feed.
func TestStoryWhoSees(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			w, a := newStoryWorld(t, env), env.App
			var before int
			must(t, env.DB.R.QueryRow(`SELECT count(*) FROM story_posts`).Scan(&before))
			class, err := a.PostClassStory(w.ctx, w.teacher, w.class3, app.StoryDraft{Text: "  We planted sunflowers today.  "})
			must(t, err)
			if class.Body != "We planted sunflowers today." || class.PublishedAt == nil || class.AuthorName() != "Ms. Alvarez" {
				t.Errorf("class post: %+v (author %q)", class, class.AuthorName())
			}
			school, err := a.PostSchoolStory(w.ctx, w.leader, w.schoolID, app.StoryDraft{Text: "Sports day is on Friday."})
			must(t, err)
			if school.AuthorName() != "Dr. Owusu" {
				t.Errorf("the leader's title and name: %q", school.AuthorName())
			}
			stranger := loginAs(t, env, signUpParent(t, env, "stranger@example.org"), "a long enough password")
			cases := []struct {
				name          string
				s             *app.Session
				class, school bool
			}{
				{"author", w.teacher, true, true},
				{"teacher of another class", w.teacher2, false, true},
				{"leader", w.leader, true, true},
				{"parent of a child in the class", w.parent, true, true},
				{"parent of a child in another class", w.mayaParent, false, true},
				{"student, story hidden from students", w.student, false, false},
				{"parent of no child here", stranger, false, false},
			}
			for _, c := range cases {
				if got := sees(t, a, c.s, class.ID); got != c.class {
					t.Errorf("%s sees the class post: %v", c.name, got)
				}
				if got := sees(t, a, c.s, school.ID); got != c.school {
					t.Errorf("%s sees the school post: %v", c.name, got)
				}
				feed := feedIDs(t, a, c.s)
				if feed[class.ID] != c.class || feed[school.ID] != c.school {
					t.Errorf("%s's feed: %v (class %d, school %d)", c.name, feed, class.ID, school.ID)
				}
			}
			// Students see their Class Story once the teacher turns it on.
			must(t, a.SetClassStorySettings(w.ctx, w.teacher, w.class3, store.StorySettings{StudentsSee: true}))
			if !sees(t, a, w.student, class.ID) || !feedIDs(t, a, w.student)[class.ID] {
				t.Error("the student does not see the class story with 'students see Class Story' on")
			}
			if err := a.SetClassStorySettings(w.ctx, w.teacher2, w.class3, store.StorySettings{}); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("another class's teacher changes the settings: %v", err)
			}
			// Who may post where.
			if _, err := a.PostClassStory(w.ctx, w.teacher2, w.class3, app.StoryDraft{Text: "x"}); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("a post to another teacher's class: %v", err)
			}
			if _, err := a.PostClassStory(w.ctx, w.leader, w.class3, app.StoryDraft{Text: "x"}); !errors.Is(err, app.ErrForbidden) {
				t.Errorf("a leader posts to a Class Story: %v", err)
			}
			if _, err := a.PostSchoolStory(w.ctx, w.parent, w.schoolID, app.StoryDraft{Text: "x"}); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("a parent posts to School Story: %v", err)
			}
			if _, err := a.PostSchoolStory(w.ctx, w.teacher, w.schoolID+1000, app.StoryDraft{Text: "x"}); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("a post to another school: %v", err)
			}
			var ve *app.ValidationError
			if _, err := a.PostClassStory(w.ctx, w.teacher, w.class3, app.StoryDraft{Text: "  \n "}); !errors.As(err, &ve) || ve.Fields["text"].Key != "story.empty" {
				t.Errorf("an empty post: %v", err)
			}
			if _, err := a.PostClassStory(w.ctx, w.teacher, w.class3, app.StoryDraft{Text: strings.Repeat("a", app.StoryMaxText+1)}); !errors.As(err, &ve) {
				t.Errorf("a post too long: %v", err)
			}
			var n int
			must(t, env.DB.R.QueryRow(`SELECT count(*) FROM story_posts`).Scan(&n))
			if n != before+2 {
				t.Errorf("%d posts stored, want the 2 accepted besides the demo's %d", n, before)
			}
		})
	}
}

// signUpParent makes a parent account with no child, returning its email.
func signUpParent(t *testing.T, env *testenv.Env, email string) string {
	t.Helper()
	_, _, err := env.App.SignUp(context.Background(), app.Signup{Kind: store.KindParent, FirstName: "Sam", LastName: "Stranger",
		Email: email, Password: "a long enough password", Language: "en", Session: "api"})
	must(t, err)
	return email
}

// A child who leaves the class stops bringing new posts to their family,
// and a custody block takes the class's and the school's stories away.
func TestStoryFamilyChanges(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			w, a := newStoryWorld(t, env), env.App
			before, err := a.PostClassStory(w.ctx, w.teacher, w.class3, app.StoryDraft{Text: "Before Ava left"})
			must(t, err)
			must(t, a.RemoveStudent(w.ctx, w.teacher, w.class3, w.ava.ID))
			after, err := a.PostClassStory(w.ctx, w.teacher, w.class3, app.StoryDraft{Text: "After Ava left"})
			must(t, err)
			feed := feedIDs(t, a, w.parent)
			if !feed[before.ID] || feed[after.ID] || !sees(t, a, w.parent, before.ID) || sees(t, a, w.parent, after.ID) {
				t.Errorf("after the child left: feed %v, before %d after %d", feed, before.ID, after.ID)
			}
			// A custody block on Helen for Elena: Class 4's story goes; the
			// school's stays, since Ava (who left only her class) is still
			// at the school.
			c4, err := a.PostClassStory(w.ctx, w.teacher2, w.class4, app.StoryDraft{Text: "Explorers"})
			must(t, err)
			school, err := a.PostSchoolStory(w.ctx, w.leader, w.schoolID, app.StoryDraft{Text: "School news"})
			must(t, err)
			if !sees(t, a, w.parent, c4.ID) {
				t.Fatal("Helen does not see Elena's class story before the block")
			}
			_, err = a.BlockGuardian(w.ctx, w.leader, w.elena.ID, app.BlockInput{GuardianID: w.parent.User.ID, Reason: "court_order"})
			must(t, err)
			helen := w.refresh(t, demo.ParentEmail)
			if sees(t, a, helen, c4.ID) || feedIDs(t, a, helen)[c4.ID] {
				t.Error("a blocked parent still sees the child's class story")
			}
			if !sees(t, a, helen, school.ID) {
				t.Error("Helen lost the School Story though Ava is still at the school")
			}
		})
	}
}

// Comments, likes, moderation, reports and editing.
func TestStoryConversation(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			w, a := newStoryWorld(t, env), env.App
			p, err := a.PostClassStory(w.ctx, w.teacher, w.class3, app.StoryDraft{Text: "Our class play"})
			must(t, err)
			sofiaParent := session(t, env, "parent.sofia@demo.cubby.test")
			must(t, a.LikeStory(w.ctx, w.parent, p.ID))
			var re *app.RefusedError
			if err := a.LikeStory(w.ctx, w.parent, p.ID); !errors.As(err, &re) || !errors.Is(err, app.ErrConflict) {
				t.Errorf("a like twice: %v", err)
			}
			if err := a.LikeStory(w.ctx, w.mayaParent, p.ID); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("a like on a post the parent cannot see: %v", err)
			}
			c, err := a.CommentOnStory(w.ctx, w.parent, p.ID, " Bravo! ")
			must(t, err)
			if c.Body != "Bravo!" || c.AuthorName() != "Mrs. Martin" {
				t.Errorf("comment %+v as %q", c, c.AuthorName())
			}
			if _, err := a.CommentOnStory(w.ctx, w.mayaParent, p.ID, "hello"); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("a comment on a post the parent cannot see: %v", err)
			}
			must(t, a.SetClassStorySettings(w.ctx, w.teacher, w.class3, store.StorySettings{StudentsSee: true}))
			if _, err := a.CommentOnStory(w.ctx, w.student, p.ID, "hi"); !errors.Is(err, app.ErrForbidden) {
				t.Errorf("a student comments: %v", err)
			}
			it, err := a.StoryPost(w.ctx, w.parent, p.ID)
			must(t, err)
			if it.Counts.Likes != 1 || !it.Counts.Liked || it.Counts.Comments != 1 || len(it.Comments) != 1 || !it.CanComment || it.CanModerate || it.Seen != nil {
				t.Errorf("the parent's view: %+v", it)
			}
			// Another parent reports the comment; the leader sees it and
			// dismisses it, then a second report is removed with the comment.
			if err := a.ReportStoryComment(w.ctx, w.parent, c.ID, "mine"); !errors.Is(err, app.ErrForbidden) {
				t.Errorf("reporting one's own comment: %v", err)
			}
			must(t, a.ReportStoryComment(w.ctx, sofiaParent, c.ID, "Not for this post"))
			if err := a.ReportStoryComment(w.ctx, sofiaParent, c.ID, ""); !errors.Is(err, app.ErrConflict) {
				t.Errorf("reporting twice: %v", err)
			}
			if _, err := a.StoryReports(w.ctx, w.teacher, w.schoolID); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("a teacher reads the reports: %v", err)
			}
			reports, err := a.StoryReports(w.ctx, w.leader, w.schoolID)
			must(t, err)
			if len(reports) != 1 || reports[0].Comment.Body != "Bravo!" || reports[0].Reason != "Not for this post" {
				t.Fatalf("reports: %+v", reports)
			}
			must(t, a.ResolveStoryReport(w.ctx, w.leader, reports[0].ID, false))
			if reports, _ = a.StoryReports(w.ctx, w.leader, w.schoolID); len(reports) != 0 {
				t.Errorf("a dismissed report is still open: %+v", reports)
			}
			// Deleting: not another parent, yes the author of the post.
			if err := a.DeleteStoryComment(w.ctx, sofiaParent, c.ID); !errors.Is(err, app.ErrForbidden) {
				t.Errorf("another parent deletes a comment: %v", err)
			}
			must(t, a.DeleteStoryComment(w.ctx, w.teacher, c.ID))
			// Comments off: per post, per class, per school.
			must(t, a.SetStoryCommentsOff(w.ctx, w.teacher, p.ID, true))
			if _, err := a.CommentOnStory(w.ctx, w.parent, p.ID, "hi"); !errors.As(err, &re) || re.Key != "story.comments_off" {
				t.Errorf("a comment with the post's comments off: %v", err)
			}
			if it, _ := a.StoryPost(w.ctx, w.parent, p.ID); it.CanComment {
				t.Error("the comment box is offered with comments off")
			}
			if err := a.SetStoryCommentsOff(w.ctx, w.teacher2, p.ID, false); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("another teacher switches comments: %v", err)
			}
			must(t, a.SetStoryCommentsOff(w.ctx, w.leader, p.ID, false))
			must(t, a.SetClassStorySettings(w.ctx, w.teacher, w.class3, store.StorySettings{CommentsOff: true}))
			if _, err := a.CommentOnStory(w.ctx, w.parent, p.ID, "hi"); !errors.Is(err, app.ErrConflict) {
				t.Errorf("a comment with the class's comments off: %v", err)
			}
			must(t, a.SetClassStorySettings(w.ctx, w.teacher, w.class3, store.StorySettings{}))
			if err := a.SetSchoolStorySettings(w.ctx, w.teacher, w.schoolID, store.StorySettings{CommentsOff: true, Departed: "remove"}); !errors.Is(err, app.ErrForbidden) {
				t.Errorf("a teacher switches the school's comments: %v", err)
			}
			must(t, a.SetSchoolStorySettings(w.ctx, w.leader, w.schoolID, store.StorySettings{CommentsOff: true, Departed: "remove"}))
			if _, err := a.CommentOnStory(w.ctx, w.parent, p.ID, "hi"); !errors.Is(err, app.ErrConflict) {
				t.Errorf("a comment with the school's comments off: %v", err)
			}
			// Editing marks the post; only its author edits; a leader deletes.
			if _, err := a.EditStory(w.ctx, w.leader, p.ID, "changed"); !errors.Is(err, app.ErrForbidden) {
				t.Errorf("a leader edits someone's post: %v", err)
			}
			edited, err := a.EditStory(w.ctx, w.teacher, p.ID, "Our class play, Friday at 2")
			must(t, err)
			if edited.EditedAt == nil || edited.Body != "Our class play, Friday at 2" {
				t.Errorf("edited: %+v", edited)
			}
			// The teacher sees how many families have seen it: Helen has.
			mine, err := a.StoryPost(w.ctx, w.teacher, p.ID)
			must(t, err)
			if mine.Seen == nil || mine.Seen.Families != 1 || mine.Seen.Of < 2 {
				t.Errorf("seen: %+v", mine.Seen)
			}
			if err := a.DeleteStory(w.ctx, w.parent, p.ID); !errors.Is(err, app.ErrForbidden) {
				t.Errorf("a parent deletes a post: %v", err)
			}
			must(t, a.DeleteStory(w.ctx, w.leader, p.ID))
			if sees(t, a, w.teacher, p.ID) {
				t.Error("the deleted post is still there")
			}
		})
	}
}

// putFile writes a file into the test's file store.
func putFile(t *testing.T, env *testenv.Env, key, content string) {
	t.Helper()
	fw, err := env.Files.Create(key)
	must(t, err)
	_, err = io.WriteString(fw, content)
	must(t, err)
	must(t, fw.Close())
}

// photoUpload stores an upload as the upload endpoint would, for tests of
// tagging that do not need a real photo.
func photoUpload(t *testing.T, env *testenv.Env, s *app.Session, schoolID, classID int64) string {
	t.Helper()
	key := "story/" + app.NewToken()
	putFile(t, env, key, "photo bytes")
	u := &store.StoryUpload{SchoolID: schoolID, ClassID: classID, UploadedBy: s.User.ID, PublicID: app.NewToken(), Kind: store.AttachPhoto,
		Name: "photo.jpg", ContentType: "image/jpeg", Size: 11, SourceKey: key, CreatedAt: env.App.Now()}
	must(t, store.CreateStoryUpload(context.Background(), env.DB.W, u))
	return u.PublicID
}

// Tags are refused for children without media consent (named), for
// children of another class (not named), and for restricted children.
func TestStoryTagsNeedMediaConsent(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			w, a := newStoryWorld(t, env), env.App
			up := photoUpload(t, env, w.teacher, w.schoolID, w.class3)
			var before int
			must(t, env.DB.R.QueryRow(`SELECT count(*) FROM story_posts`).Scan(&before))
			var tr *app.TagRefusedError
			_, err := a.PostClassStory(w.ctx, w.teacher, w.class3, app.StoryDraft{Text: "Painting", Uploads: []string{up}, TagAll: []int64{w.mateo.ID, w.liam.ID}})
			if !errors.As(err, &tr) || len(tr.Missing) != 2 || !slices.Contains(tr.Missing, "Mateo Garcia") || !slices.Contains(tr.Missing, "Liam Smith") {
				t.Fatalf("tags without consent: %v %+v", err, tr)
			}
			var ve *app.ValidationError
			if !errors.As(err, &ve) || ve.Fields["tags"].Key != "story.no_media_consent" {
				t.Errorf("not a validation error naming the tags: %v", err)
			}
			// The composer shows who cannot be in photos: all but Ava, whose
			// mother agreed in the demo.
			list, err := a.StoryTaggables(w.ctx, w.teacher, 0, w.class3)
			must(t, err)
			consented := 0
			for _, c := range list {
				if c.Consent {
					consented++
					if c.StudentID != w.ava.ID {
						t.Errorf("%s shows as consented", c.Name)
					}
				}
			}
			if len(list) != 25 || consented != 1 {
				t.Errorf("taggables: %d, %d with consent", len(list), consented)
			}
			// Helen's answer for Ava is hers: another parent cannot give it,
			// and a "no" withdraws it.
			if err := a.SetMediaConsent(w.ctx, w.mayaParent, w.ava.ID, true, true, "api"); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("another child's parent answers for Ava: %v", err)
			}
			must(t, a.SetMediaConsent(w.ctx, w.parent, w.ava.ID, false, false, "api"))
			if _, err = a.PostClassStory(w.ctx, w.teacher, w.class3, app.StoryDraft{Uploads: []string{up}, TagAll: []int64{w.ava.ID}}); !errors.As(err, &tr) || tr.Missing[0] != "Ava Martin" {
				t.Errorf("Ava after her consent was withdrawn: %v", err)
			}
			must(t, a.SetMediaConsent(w.ctx, w.parent, w.ava.ID, true, false, "api"))
			_, err = a.PostClassStory(w.ctx, w.teacher, w.class3, app.StoryDraft{Uploads: []string{up}, TagAll: []int64{w.ava.ID, w.mateo.ID}})
			if !errors.As(err, &tr) || len(tr.Missing) != 1 || tr.Missing[0] != "Mateo Garcia" {
				t.Errorf("Mateo without consent: %v %+v", err, tr)
			}
			// A child of another class is refused without being named.
			_, err = a.PostClassStory(w.ctx, w.teacher, w.class3, app.StoryDraft{Uploads: []string{up}, TagAll: []int64{w.elena.ID}})
			if !errors.As(err, &ve) || ve.Fields["tags"].Key != "story.tag_not_here" {
				t.Errorf("a tag of another class's child: %v", err)
			}
			// A school post needs consent to the whole school.
			sup := photoUpload(t, env, w.leader, w.schoolID, 0)
			if _, err := a.PostSchoolStory(w.ctx, w.leader, w.schoolID, app.StoryDraft{Uploads: []string{sup}, TagAll: []int64{w.ava.ID}}); !errors.As(err, &tr) {
				t.Errorf("a school post of a child with class consent only: %v", err)
			}
			// Someone else's upload does not exist for the teacher.
			if _, err := a.PostClassStory(w.ctx, w.teacher, w.class3, app.StoryDraft{Uploads: []string{sup}}); !errors.As(err, &ve) || ve.Fields["uploads"].Key != "story.upload_unknown" {
				t.Errorf("another's upload: %v", err)
			}
			var n int
			must(t, env.DB.R.QueryRow(`SELECT count(*) FROM story_posts`).Scan(&n))
			if n != before {
				t.Fatalf("%d posts stored by refused attempts", n-before)
			}
			p, err := a.PostClassStory(w.ctx, w.teacher, w.class3, app.StoryDraft{Text: "Ava's painting", Uploads: []string{up}, TagAll: []int64{w.ava.ID}})
			must(t, err)
			a.WaitJobs()
			tags, err := store.TagsOfPosts(w.ctx, env.DB.R, []int64{p.ID})
			must(t, err)
			if len(tags[p.ID]) != 1 || tags[p.ID][0].StudentID != w.ava.ID {
				t.Errorf("tags stored: %+v", tags)
			}
			if _, err := store.StoryUploadByPublicID(w.ctx, env.DB.R, up); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("the upload is still waiting after being posted: %v", err)
			}
			// Families never see other children's tags.
			it, err := a.StoryPost(w.ctx, w.teacher, p.ID)
			must(t, err)
			if len(it.Attachments) != 1 || len(it.Attachments[0].Tags) != 1 {
				t.Errorf("the teacher's view of the photo: %+v", it.Attachments)
			}
			// Restricted processing: no tag, whatever the consent.
			sofiaParent := session(t, env, "parent.sofia@demo.cubby.test")
			must(t, a.SetMediaConsent(w.ctx, sofiaParent, w.sofia.ID, true, true, "api"))
			_, err = a.SetRestriction(w.ctx, w.leader, w.sofia.ID, app.GroundObjection, "Objects to photos")
			must(t, err)
			up2 := photoUpload(t, env, w.teacher, w.schoolID, w.class3)
			_, err = a.PostClassStory(w.ctx, w.teacher, w.class3, app.StoryDraft{Uploads: []string{up2}, TagAll: []int64{w.sofia.ID}})
			if !errors.As(err, &tr) || len(tr.Restricted) != 1 {
				t.Errorf("a restricted child tagged: %v", err)
			}
		})
	}
}

// Erasure: a child's removes the photos that tag only them; a teacher's
// removes their posts, or keeps them under the school's name.
func TestStoryErasure(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			w, a := newStoryWorld(t, env), env.App
			must(t, a.SetMediaConsent(w.ctx, w.parent, w.ava.ID, true, true, "api"))
			must(t, a.SetMediaConsent(w.ctx, w.parent, w.elena.ID, true, true, "api"))
			mateoUser := w.mateo.UserID
			// Consent for Mateo, recorded as a school official would.
			must(t, store.AddConsent(w.ctx, env.DB.W, &store.Consent{SubjectUserID: mateoUser, GrantorRole: "school_official", Purpose: app.PurposeStoryPhotosClass,
				NoticeVersion: "v", Method: "paper", GrantedAt: a.Now()}))
			alone, group := photoUpload(t, env, w.teacher, w.schoolID, w.class3), photoUpload(t, env, w.teacher, w.schoolID, w.class3)
			p, err := a.PostClassStory(w.ctx, w.teacher, w.class3, app.StoryDraft{Text: "Two photos", Uploads: []string{alone, group},
				Tags: [][]int64{{w.ava.ID}, {w.ava.ID, w.mateo.ID}}})
			must(t, err)
			a.WaitJobs()
			atts, err := store.AttachmentsOfPost(w.ctx, env.DB.R, p.ID)
			must(t, err)
			if len(atts) != 2 {
				t.Fatalf("attachments: %+v", atts)
			}
			// Give both a processed file, as the pipeline would have.
			for i := range atts {
				atts[i].FileKey = "story/" + app.NewToken()
				putFile(t, env, atts[i].FileKey, "processed")
				putFile(t, env, atts[i].FileKey+".thumb", "thumb")
				must(t, store.SetAttachmentReady(w.ctx, env.DB.W, &atts[i]))
			}
			must(t, a.EraseNow(w.ctx, w.ava.UserID))
			left, err := store.AttachmentsOfPost(w.ctx, env.DB.R, p.ID)
			must(t, err)
			if len(left) != 1 || left[0].ID != atts[1].ID {
				t.Fatalf("after Ava's erasure: %+v", left)
			}
			tags, _ := store.TagsOfPosts(w.ctx, env.DB.R, []int64{p.ID})
			if len(tags[p.ID]) != 1 || tags[p.ID][0].StudentID != w.mateo.ID {
				t.Errorf("tags after Ava's erasure: %+v", tags)
			}
			if _, err := env.Files.Open(atts[0].FileKey); err == nil {
				t.Error("the photo of Ava alone is still in the file store")
			}
			if _, err := env.Files.Open(atts[0].FileKey + ".thumb"); err == nil {
				t.Error("its thumbnail is still in the file store")
			}

			// Mr. Park's school keeps a departed teacher's posts.
			kept, err := a.PostClassStory(w.ctx, w.teacher2, w.class4, app.StoryDraft{Text: "Explorers' trip"})
			must(t, err)
			must(t, a.SetSchoolStorySettings(w.ctx, w.leader, w.schoolID, store.StorySettings{Departed: "keep"}))
			must(t, a.EraseNow(w.ctx, w.teacher2.User.ID))
			got, err := store.StoryPostByID(w.ctx, env.DB.R, kept.ID)
			if err != nil || got.AuthorID != 0 || got.AuthorName() != "" || got.Body != "Explorers' trip" {
				t.Errorf("the kept post: %+v %v", got, err)
			}
			// Ms. Alvarez's are removed with her, files and all.
			must(t, a.SetSchoolStorySettings(w.ctx, w.leader, w.schoolID, store.StorySettings{Departed: "remove"}))
			must(t, a.EraseNow(w.ctx, w.teacher.User.ID))
			if _, err := store.StoryPostByID(w.ctx, env.DB.R, p.ID); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("the departed teacher's post: %v", err)
			}
			if _, err := env.Files.Open(atts[1].FileKey); err == nil {
				t.Error("the departed teacher's photo is still in the file store")
			}
		})
	}
}

// The feed is newest first and pages by cursor.
func TestStoryFeedPages(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			w, a := newStoryWorld(t, env), env.App
			start := a.Now()
			var ids []int64
			for i := range 25 {
				at(env, start.Add(time.Duration(i)*time.Minute))
				p, err := a.PostClassStory(w.ctx, w.teacher, w.class3, app.StoryDraft{Text: "post " + itoa(int64(i))})
				must(t, err)
				ids = append(ids, p.ID)
			}
			page, err := a.Feed(w.ctx, w.parent, app.StoryFeedOf{}, "", 20)
			must(t, err)
			if len(page.Items) != 20 || page.Items[0].Post.ID != ids[24] || page.Next == "" {
				t.Fatalf("first page: %d items, first %d, next %q", len(page.Items), page.Items[0].Post.ID, page.Next)
			}
			next, err := a.Feed(w.ctx, w.parent, app.StoryFeedOf{}, page.Next, 20)
			must(t, err)
			// Then the last five, and the demo's three older posts.
			if len(next.Items) != 8 || next.Items[0].Post.ID != ids[4] || next.Items[4].Post.ID != ids[0] || next.Next != "" {
				t.Errorf("second page: %d items", len(next.Items))
			}
			var ve *app.ValidationError
			if _, err := a.Feed(w.ctx, w.parent, app.StoryFeedOf{}, "not-a-cursor", 20); !errors.As(err, &ve) {
				t.Errorf("a bad cursor: %v", err)
			}
			if _, err := a.Feed(w.ctx, w.mayaParent, app.StoryFeedOf{ClassID: w.class3}, "", 20); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("another class's story for a parent: %v", err)
			}
			one, err := a.Feed(w.ctx, w.leader, app.StoryFeedOf{ClassID: w.class3}, "", 5)
			must(t, err)
			if len(one.Items) != 5 {
				t.Errorf("the leader's view of one class: %d", len(one.Items))
			}
		})
	}
}

// Read counts are counted per post, for a page of Class Story and School
// Story posts at once: a post one family opened, one no one opened, and a
// School Story post counted over the whole school's families.
func TestStorySeenPerPost(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			w, a := newStoryWorld(t, env), env.App
			opened, err := a.PostClassStory(w.ctx, w.teacher, w.class3, app.StoryDraft{Text: "Opened"})
			must(t, err)
			unopened, err := a.PostClassStory(w.ctx, w.teacher, w.class3, app.StoryDraft{Text: "Not opened"})
			must(t, err)
			school, err := a.PostSchoolStory(w.ctx, w.leader, w.schoolID, app.StoryDraft{Text: "For everyone"})
			must(t, err)
			for _, id := range []int64{opened.ID, school.ID} {
				_, err := a.StoryPost(w.ctx, w.parent, id)
				must(t, err)
			}
			page, err := a.Feed(w.ctx, w.leader, app.StoryFeedOf{}, "", 20)
			must(t, err)
			seen := map[int64]app.StoryItem{}
			for _, it := range page.Items {
				seen[it.Post.ID] = it
			}
			o, u, s := seen[opened.ID].Seen, seen[unopened.ID].Seen, seen[school.ID].Seen
			if o == nil || u == nil || s == nil {
				t.Fatalf("read counts missing: %v %v %v", o, u, s)
			}
			if o.Families != 1 || u.Families != 0 || o.Of < 2 || o.Of != u.Of {
				t.Errorf("class posts: opened %+v, unopened %+v", *o, *u)
			}
			// Helen's two children (Ava and Elena) are both at the school:
			// families are counted per child.
			if s.Families != 2 || s.Of <= o.Of {
				t.Errorf("school post: %+v (a class has %d families)", *s, o.Of)
			}
		})
	}
}
