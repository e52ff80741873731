package app

import (
	"context"
	"errors"
	"slices"
	"strings"
	"unicode/utf8"

	"cubby/internal/authz"
	"cubby/internal/db"
	"cubby/internal/store"
)

// Class Story and School Story (issue 11). Teachers post to their class's
// Class Story, leaders and verified staff to School Story: text and up to
// ten photos, videos or files. Photos are re-encoded without metadata in
// the background (story_media.go) and a post reaches families only once
// they are ready. Children are tagged in photos only with their family's
// media consent for the post's audience (story_consent.go). Who sees,
// likes, comments and reports is decided in authz/story.go.

// Limits of a post.
const (
	StoryMaxText     = 5000
	StoryMaxFiles    = 10
	StoryMaxComment  = 1000
	StoryMaxReason   = 500
	storyFeedMaxPage = 50
)

// Media consent purposes in the consent ledger, per audience.
const (
	PurposeStoryPhotosClass  = "story_photos_class"
	PurposeStoryPhotosSchool = "story_photos_school"
)

// StoryDraft is what a post is made of.
type StoryDraft struct {
	Text        string
	CommentsOff bool
	// Files arrive with the post; Uploads name files uploaded before it
	// (StoryUpload's public ids). Attachments keep that order: files
	// first, then uploads.
	Files   []StoryFile
	Uploads []string
	// Tags lists the children tagged in each attachment, by position;
	// TagAll tags children in every photo and video of the post.
	Tags   [][]int64
	TagAll []int64
}

// storyAudience is where a post goes.
type storyAudience struct {
	SchoolID int64
	ClassID  int64 // 0: School Story
}

// PostClassStory posts to a class's Class Story, for its teachers.
func (a *App) PostClassStory(ctx context.Context, s *Session, classID int64, d StoryDraft) (*store.StoryPost, error) {
	c, err := a.viewClass(ctx, s, classID)
	if err != nil {
		return nil, err
	}
	if !authz.CanPostClassStory(s.Actor, authz.ClassRef{ID: c.ID, SchoolID: c.SchoolID}) {
		return nil, ErrForbidden
	}
	if c.ArchivedAt != nil {
		return nil, ErrArchived
	}
	return a.postStory(ctx, s, storyAudience{SchoolID: c.SchoolID, ClassID: c.ID}, d)
}

// PostSchoolStory posts to a school's School Story, for its leaders and
// verified staff.
func (a *App) PostSchoolStory(ctx context.Context, s *Session, schoolID int64, d StoryDraft) (*store.StoryPost, error) {
	if !authz.CanViewSchool(s.Actor, schoolID) {
		return nil, ErrNotFound
	}
	if !authz.CanPostSchoolStory(s.Actor, schoolID) {
		return nil, ErrForbidden
	}
	return a.postStory(ctx, s, storyAudience{SchoolID: schoolID}, d)
}

func normText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.TrimSpace(s)
}

func (a *App) postStory(ctx context.Context, s *Session, to storyAudience, d StoryDraft) (*store.StoryPost, error) {
	text := normText(d.Text)
	v := &ValidationError{}
	if utf8.RuneCountInString(text) > StoryMaxText {
		v.Add("text", "validation.too_long", "max", StoryMaxText)
	}
	n := len(d.Files) + len(d.Uploads)
	if text == "" && n == 0 {
		v.Add("text", "story.empty")
	}
	if n > StoryMaxFiles {
		v.Add("files", "story.too_many_files", "max", StoryMaxFiles)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	uploads, err := a.usableUploads(ctx, s, to, d.Uploads)
	if err != nil {
		return nil, err
	}
	// Files that came with the post are checked (type from content, size,
	// pixels) before anything is stored, so a bad one stores nothing.
	incoming, err := a.inspectFiles(d.Files)
	if err != nil {
		return nil, err
	}
	atts := append(incoming, uploads...)
	tags, err := a.checkTags(ctx, to, atts, d)
	if err != nil {
		a.dropIncoming(incoming)
		return nil, err
	}
	if err := a.storeIncoming(incoming); err != nil {
		a.dropIncoming(incoming)
		return nil, err
	}
	now := a.Now()
	post := &store.StoryPost{SchoolID: to.SchoolID, ClassID: to.ClassID, AuthorID: s.User.ID, Body: text, CommentsOff: d.CommentsOff, CreatedAt: now}
	processing := slices.ContainsFunc(atts, func(p *pendingFile) bool { return p.needsProcessing() })
	if !processing {
		post.PublishedAt = &now
	}
	err = a.db.Tx(ctx, func(tx db.Querier) error {
		if err := store.CreateStoryPost(ctx, tx, post); err != nil {
			return err
		}
		for i, p := range atts {
			att := p.attachment(to.SchoolID, post.ID, i, now)
			if err := store.CreateStoryAttachment(ctx, tx, att); err != nil {
				return err
			}
			for _, sid := range tags[i] {
				if err := store.AddStoryTag(ctx, tx, to.SchoolID, post.ID, att.ID, sid, now); err != nil {
					return err
				}
			}
			if p.upload != nil {
				if ok, err := store.DeleteStoryUpload(ctx, tx, p.upload.ID); err != nil || !ok {
					if err == nil {
						err = ErrConflict // posted twice at once
					}
					return err
				}
			}
		}
		if post.PublishedAt == nil {
			return nil // families are told when its photos are ready
		}
		return a.notifyStory(ctx, tx, post)
	})
	if err != nil {
		a.dropIncoming(incoming)
		return nil, err
	}
	if processing {
		a.processStoryLater(post.ID)
	} else {
		a.announceStory(ctx, post)
	}
	return store.StoryPostByID(ctx, a.db.R, post.ID)
}

// checkTags validates the tags of every attachment: only photos and videos
// are tagged, only children of the class (or school), and only children
// whose families agreed to photos for this audience and whose processing
// is not restricted. It returns the student ids per attachment.
func (a *App) checkTags(ctx context.Context, to storyAudience, atts []*pendingFile, d StoryDraft) ([][]int64, error) {
	out := make([][]int64, len(atts))
	var all []int64
	for i, p := range atts {
		if p.kind == store.AttachFile {
			continue
		}
		var ids []int64
		if i < len(d.Tags) {
			ids = append(ids, d.Tags[i]...)
		}
		ids = append(ids, d.TagAll...)
		slices.Sort(ids)
		out[i] = slices.Compact(ids)
		all = append(all, out[i]...)
	}
	v := &ValidationError{}
	for i := len(atts); i < len(d.Tags); i++ {
		if len(d.Tags[i]) > 0 {
			v.Add("tags", "story.tag_no_photo")
		}
	}
	if len(d.TagAll) > 0 && !slices.ContainsFunc(atts, func(p *pendingFile) bool { return p.kind != store.AttachFile }) {
		v.Add("tags", "story.tag_no_photo")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	slices.Sort(all)
	all = slices.Compact(all)
	if len(all) == 0 {
		return out, nil
	}
	status, err := a.consentOf(ctx, to, all)
	if err != nil {
		return nil, err
	}
	var missing, restricted []string
	for _, id := range all {
		st, ok := status[id]
		switch {
		case !ok:
			// Not a child of this class or school: nothing about them is
			// said, not even their name.
			v.Add("tags", "story.tag_not_here")
			return nil, v
		case st.Restricted:
			restricted = append(restricted, st.Name)
		case !st.Consent:
			missing = append(missing, st.Name)
		}
	}
	if len(missing) > 0 {
		v.Add("tags", "story.no_media_consent", "names", strings.Join(missing, ", "), "count", len(missing))
	}
	if len(restricted) > 0 {
		v.Add("tags_restricted", "story.tag_restricted", "names", strings.Join(restricted, ", "), "count", len(restricted))
	}
	if err := v.Err(); err != nil {
		return nil, &TagRefusedError{ValidationError: v, Missing: missing, Restricted: restricted}
	}
	return out, nil
}

// TagRefusedError refuses a post that tags children without media consent
// (or whose processing is restricted), naming them, so the author can
// untag them or remove the photo. It is a ValidationError (400).
type TagRefusedError struct {
	*ValidationError
	Missing, Restricted []string
}

func (e *TagRefusedError) Unwrap() error { return e.ValidationError }

// usableUploads resolves earlier uploads: the actor's own, for the same
// class or school; anything else does not exist for them.
func (a *App) usableUploads(ctx context.Context, s *Session, to storyAudience, ids []string) ([]*pendingFile, error) {
	var out []*pendingFile
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		u, err := store.StoryUploadByPublicID(ctx, a.db.R, id)
		if errors.Is(err, ErrNotFound) || (err == nil && (u.UploadedBy != s.User.ID || u.SchoolID != to.SchoolID || u.ClassID != to.ClassID)) {
			v := &ValidationError{}
			v.Add("uploads", "story.upload_unknown")
			return nil, v
		}
		if err != nil {
			return nil, err
		}
		out = append(out, &pendingFile{upload: u, kind: u.Kind, name: u.Name, contentType: u.ContentType, size: u.Size,
			width: u.Width, height: u.Height, sourceKey: u.SourceKey})
	}
	return out, nil
}

// storyPost loads a post the actor may see, with the facts authz needs.
func (a *App) storyPost(ctx context.Context, s *Session, postID int64) (*store.StoryPost, authz.StoryPost, error) {
	p, err := store.StoryPostByID(ctx, a.db.R, postID)
	if err != nil {
		return nil, authz.StoryPost{}, err
	}
	ref, err := a.storyRef(ctx, s, p)
	if err != nil {
		return nil, ref, err
	}
	if !authz.CanSeeStory(s.Actor, ref) {
		return nil, ref, ErrNotFound
	}
	return p, ref, nil
}

// storyRef says what authz needs about a post and the actor's family.
func (a *App) storyRef(ctx context.Context, s *Session, p *store.StoryPost) (authz.StoryPost, error) {
	ref := authz.StoryPost{SchoolID: p.SchoolID, ClassID: p.ClassID, AuthorID: p.AuthorID, StudentsSee: p.StudentsSee, CommentsOff: p.CommentsClosed()}
	fam := familyOf(s.Actor)
	if p.PublishedAt == nil || len(fam) == 0 {
		return ref, nil
	}
	var err error
	if p.ClassID != 0 {
		ref.FamilyInClass, err = store.InClassAt(ctx, a.db.R, p.ClassID, fam, *p.PublishedAt)
	} else if s.Actor.Kind == authz.Parent {
		ref.FamilyInSchool, err = store.InSchoolAt(ctx, a.db.R, p.SchoolID, fam, *p.PublishedAt)
	}
	return ref, err
}

// familyOf lists the students through whom the actor follows stories: a
// parent's children (less those a custody block cuts), or a student
// themself.
func familyOf(a *authz.Actor) []int64 {
	switch a.Kind {
	case authz.Parent:
		out := make([]int64, 0, len(a.Children))
		for id := range a.Children {
			out = append(out, id)
		}
		slices.Sort(out)
		return out
	case authz.Student:
		if a.StudentID != 0 {
			return []int64{a.StudentID}
		}
	}
	return nil
}

// EditStory changes a post's text, for its author; the post shows as edited.
func (a *App) EditStory(ctx context.Context, s *Session, postID int64, text string) (*store.StoryPost, error) {
	p, ref, err := a.storyPost(ctx, s, postID)
	if err != nil {
		return nil, err
	}
	if !authz.CanEditStory(s.Actor, ref) {
		return nil, ErrForbidden
	}
	text = normText(text)
	v := &ValidationError{}
	if utf8.RuneCountInString(text) > StoryMaxText {
		v.Add("text", "validation.too_long", "max", StoryMaxText)
	}
	if text == "" {
		if atts, err := store.AttachmentsOfPost(ctx, a.db.R, p.ID); err != nil {
			return nil, err
		} else if len(atts) == 0 {
			v.Add("text", "story.empty")
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if text == p.Body {
		return p, nil // nothing changed, nothing marked
	}
	if err := store.UpdateStoryBody(ctx, a.db.W, p.ID, text, a.Now()); err != nil {
		return nil, err
	}
	return store.StoryPostByID(ctx, a.db.R, p.ID)
}

// DeleteStory removes a post with its files, likes and comments: its
// author, or a leader of the school.
func (a *App) DeleteStory(ctx context.Context, s *Session, postID int64) error {
	p, ref, err := a.storyPost(ctx, s, postID)
	if err != nil {
		return err
	}
	if !authz.CanModerateStory(s.Actor, ref) {
		return ErrForbidden
	}
	var keys []string
	err = a.db.Tx(ctx, func(tx db.Querier) error {
		if keys, err = store.StoryFileKeys(ctx, tx, "post_id = $1", p.ID); err != nil {
			return err
		}
		return store.DeleteStoryPost(ctx, tx, p.ID)
	})
	if err != nil {
		return err
	}
	a.removeFiles(keys)
	return nil
}

// RemoveStoryAttachment takes a photo or file out of a post, for its author
// or a leader; a post left with nothing is refused (delete it instead).
func (a *App) RemoveStoryAttachment(ctx context.Context, s *Session, publicID string) error {
	att, err := store.StoryAttachmentByPublicID(ctx, a.db.R, publicID)
	if err != nil {
		return err
	}
	p, ref, err := a.storyPost(ctx, s, att.PostID)
	if err != nil {
		return err
	}
	if !authz.CanModerateStory(s.Actor, ref) {
		return ErrForbidden
	}
	atts, err := store.AttachmentsOfPost(ctx, a.db.R, p.ID)
	if err != nil {
		return err
	}
	if len(atts) == 1 && p.Body == "" {
		v := &ValidationError{}
		v.Add("text", "story.empty")
		return v
	}
	if err := store.DeleteStoryAttachment(ctx, a.db.W, att.ID); err != nil {
		return err
	}
	a.removeFiles([]string{att.SourceKey, att.FileKey})
	a.publishIfReady(ctx, p.ID)
	return nil
}

// UntagStory removes a child's tag from a photo, for the post's author or
// a leader.
func (a *App) UntagStory(ctx context.Context, s *Session, publicID string, studentID int64) error {
	att, err := store.StoryAttachmentByPublicID(ctx, a.db.R, publicID)
	if err != nil {
		return err
	}
	_, ref, err := a.storyPost(ctx, s, att.PostID)
	if err != nil {
		return err
	}
	if !authz.CanModerateStory(s.Actor, ref) {
		return ErrForbidden
	}
	ok, err := store.RemoveStoryTag(ctx, a.db.W, att.ID, studentID)
	if err == nil && !ok {
		err = ErrNotFound
	}
	return err
}

// SetStoryCommentsOff switches one post's comments, for its author or a
// leader.
func (a *App) SetStoryCommentsOff(ctx context.Context, s *Session, postID int64, off bool) error {
	p, ref, err := a.storyPost(ctx, s, postID)
	if err != nil {
		return err
	}
	if !authz.CanModerateStory(s.Actor, ref) {
		return ErrForbidden
	}
	return store.SetStoryCommentsOff(ctx, a.db.W, p.ID, off)
}

// ClassStorySettings reads a class's story switches, for its teachers and
// the school's leaders.
func (a *App) ClassStorySettings(ctx context.Context, s *Session, classID int64) (store.StorySettings, error) {
	if _, err := a.viewClass(ctx, s, classID); err != nil {
		return store.StorySettings{}, err
	}
	return store.ClassStorySettings(ctx, a.db.R, classID)
}

// SetClassStorySettings changes whether students see the class's story and
// whether it takes comments.
func (a *App) SetClassStorySettings(ctx context.Context, s *Session, classID int64, in store.StorySettings) error {
	c, err := a.viewClass(ctx, s, classID)
	if err != nil {
		return err
	}
	if !authz.CanSetClassStory(s.Actor, authz.ClassRef{ID: c.ID, SchoolID: c.SchoolID}) {
		return ErrForbidden
	}
	return store.SetClassStorySettings(ctx, a.db.W, c.ID, in)
}

// SchoolStorySettings reads a school's story switches, for its staff.
func (a *App) SchoolStorySettings(ctx context.Context, s *Session, schoolID int64) (store.StorySettings, error) {
	if !authz.CanViewSchool(s.Actor, schoolID) {
		return store.StorySettings{}, ErrNotFound
	}
	return store.SchoolStorySettings(ctx, a.db.R, schoolID)
}

// SetSchoolStorySettings changes a school's comments switch and what
// happens to a departed member of staff's posts, for its leaders.
func (a *App) SetSchoolStorySettings(ctx context.Context, s *Session, schoolID int64, in store.StorySettings) error {
	if !authz.CanViewSchool(s.Actor, schoolID) {
		return ErrNotFound
	}
	if !authz.CanSetSchoolStory(s.Actor, schoolID) {
		return ErrForbidden
	}
	if in.Departed != "remove" && in.Departed != "keep" {
		v := &ValidationError{}
		v.Add("departed", "story.bad_departed")
		return v
	}
	return store.SetSchoolStorySettings(ctx, a.db.W, schoolID, in)
}

// removeFiles deletes files (and their derivatives) after the rows naming
// them are gone; a failure is logged, never shown.
func (a *App) removeFiles(keys []string) {
	for _, k := range keys {
		if k == "" || a.Privacy.Files == nil {
			continue
		}
		if err := a.Privacy.Files.Remove(k); err != nil {
			a.Log.Error("story: remove file", "err", err)
		}
	}
}
