package app

import (
	"context"
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
	"time"

	"cubby/internal/authz"
	"cubby/internal/notify"
	"cubby/internal/store"
)

// StoryItem is a post as one reader may see it.
type StoryItem struct {
	Post store.StoryPost
	// Attachments are those the reader may see: families and students
	// get ready ones showing no child whose media consent is withdrawn;
	// staff also see ones still being prepared, failed or withheld.
	Attachments []StoryAttachmentView
	Counts      store.StoryCounts
	Comments    []store.StoryComment
	// Seen is "seen by N of M families", for those who may see it.
	Seen *store.Seen
	// Progress is how many files are ready, out of all, while the post
	// waits for them (its author sees it).
	Ready, Total int

	CanReact, CanComment, CanEdit, CanModerate bool
	// CanDelete and CanReport are per comment id.
	CanDelete, CanReport map[int64]bool
}

// StoryAttachmentView is an attachment with the tags the reader may see.
type StoryAttachmentView struct {
	store.StoryAttachment
	Tags []store.StoryTag
	// Withheld: a child in it no longer has media consent, so families
	// do not see it.
	Withheld bool
}

// StoryPage is a page of a feed.
type StoryPage struct {
	Items []StoryItem
	Next  string // opaque cursor of the next page, "" at the end
}

// StoryFeedOf selects whose feed: a reader's own feed (zero), one class's
// Class Story, or one school's School Story.
type StoryFeedOf struct {
	ClassID  int64
	SchoolID int64
}

// Feed is the reader's story feed, newest first: a parent's children's
// classes and schools, a student's classes that show their story, a
// teacher's classes and schools, everything of a leader's schools. With
// of set, only that class's or school's story (which the reader must be
// able to follow). cursor is the Next of the previous page.
func (a *App) Feed(ctx context.Context, s *Session, of StoryFeedOf, cursor string, limit int) (*StoryPage, error) {
	if limit <= 0 || limit > storyFeedMaxPage {
		limit = 20
	}
	before, err := parseTimeCursor(cursor)
	if err != nil {
		return nil, err
	}
	sources, err := a.feedSources(ctx, s)
	if err != nil {
		return nil, err
	}
	if of.ClassID != 0 || of.SchoolID != 0 {
		if sources, err = a.narrow(ctx, s, sources, of); err != nil {
			return nil, err
		}
	}
	posts, err := store.StoryFeed(ctx, a.db.R, sources, before, limit)
	if err != nil {
		return nil, err
	}
	page := &StoryPage{}
	if len(posts) == limit {
		last := posts[len(posts)-1]
		page.Next = timeCursor(*last.PublishedAt, last.ID)
	}
	page.Items, err = a.storyItems(ctx, s, posts, true)
	if err != nil || before != nil {
		return page, err
	}
	// The first page starts with the reader's own posts still waiting for
	// their photos, in the stories it shows, so they can watch them.
	pending, err := store.PendingStoryPosts(ctx, a.db.R, s.User.ID)
	if err != nil || len(pending) == 0 {
		return page, err
	}
	var mine []store.StoryPost
	for _, p := range pending {
		for _, src := range sources {
			if src.ClassID == p.ClassID && (src.ClassID != 0 || src.SchoolID == p.SchoolID) || src.All && src.SchoolID == p.SchoolID {
				mine = append(mine, p)
				break
			}
		}
	}
	items, err := a.storyItems(ctx, s, mine, false)
	page.Items = append(items, page.Items...)
	return page, err
}

// narrow keeps the sources of one class's or school's story, refusing one
// the reader does not follow.
func (a *App) narrow(ctx context.Context, s *Session, sources []store.FeedSource, of StoryFeedOf) ([]store.FeedSource, error) {
	var out []store.FeedSource
	for _, src := range sources {
		switch {
		case of.ClassID != 0 && src.ClassID == of.ClassID:
			out = append(out, src)
		case of.ClassID != 0 && src.All:
			if c, err := store.ClassRefByID(ctx, a.db.R, of.ClassID); err == nil && c.SchoolID == src.SchoolID {
				out = append(out, store.FeedSource{ClassID: of.ClassID, SchoolID: c.SchoolID})
			}
		case of.ClassID == 0 && src.ClassID == 0 && src.SchoolID == of.SchoolID:
			out = append(out, store.FeedSource{SchoolID: src.SchoolID, Until: src.Until})
		}
	}
	if len(out) == 0 {
		return nil, ErrNotFound
	}
	return out[:1], nil
}

// feedSources lists the stories a reader follows.
func (a *App) feedSources(ctx context.Context, s *Session) ([]store.FeedSource, error) {
	act := s.Actor
	var out []store.FeedSource
	switch act.Kind {
	case authz.Parent:
		kids := familyOf(act)
		ms, err := store.StoryMemberships(ctx, a.db.R, kids)
		if err != nil {
			return nil, err
		}
		stays, err := store.StudentSchoolStays(ctx, a.db.R, kids)
		if err != nil {
			return nil, err
		}
		out = mergeSources(ms, false)
		var schools []store.StoryMembership
		for _, id := range kids {
			if st, ok := stays[id]; ok {
				schools = append(schools, st)
			}
		}
		out = append(out, mergeSources(schools, true)...)
	case authz.Student:
		ids, err := store.StoryClassesForStudents(ctx, a.db.R, act.StudentID)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			out = append(out, store.FeedSource{ClassID: id, SchoolID: act.StudentSchoolID})
		}
	case authz.Teacher, authz.Leader:
		led := map[int64]bool{}
		for _, id := range act.SchoolIDs() {
			if act.IsLeaderOf(id) {
				led[id] = true
				out = append(out, store.FeedSource{SchoolID: id, All: true})
			} else {
				out = append(out, store.FeedSource{SchoolID: id})
			}
		}
		classes := make([]int64, 0, len(act.Classes))
		for id, school := range act.Classes {
			if !led[school] {
				classes = append(classes, id)
			}
		}
		slices.Sort(classes)
		for _, id := range classes {
			out = append(out, store.FeedSource{ClassID: id, SchoolID: act.Classes[id]})
		}
	}
	return out, nil
}

// mergeSources turns memberships into one source per class (or school),
// following it until the last of the family's children left it.
func mergeSources(ms []store.StoryMembership, school bool) []store.FeedSource {
	byKey := map[int64]*store.FeedSource{}
	var order []int64
	for _, m := range ms {
		key := m.ClassID
		if school {
			key = m.SchoolID
		}
		src, ok := byKey[key]
		if !ok {
			src = &store.FeedSource{SchoolID: m.SchoolID, Until: m.RemovedAt}
			if !school {
				src.ClassID = m.ClassID
			}
			byKey[key] = src
			order = append(order, key)
			continue
		}
		if src.Until != nil && (m.RemovedAt == nil || m.RemovedAt.After(*src.Until)) {
			src.Until = m.RemovedAt
		}
	}
	slices.Sort(order)
	out := make([]store.FeedSource, len(order))
	for i, k := range order {
		out[i] = *byKey[k]
	}
	return out
}

// StoryPost is one post with its comments, as the reader may see it.
func (a *App) StoryPost(ctx context.Context, s *Session, postID int64) (*StoryItem, error) {
	p, _, err := a.storyPost(ctx, s, postID)
	if err != nil {
		return nil, err
	}
	items, err := a.storyItems(ctx, s, []store.StoryPost{*p}, false)
	if err != nil {
		return nil, err
	}
	a.readNotificationsOf(ctx, s, p.ID, notify.KindStory, notify.KindStoryComment)
	return &items[0], nil
}

// storyItems assembles what the reader may see of each post, with a few
// queries for the whole page, and records that a parent has seen them.
func (a *App) storyItems(ctx context.Context, s *Session, posts []store.StoryPost, fromFeed bool) ([]StoryItem, error) {
	if len(posts) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(posts))
	for i, p := range posts {
		ids[i] = p.ID
	}
	atts, err := store.AttachmentsOfPosts(ctx, a.db.R, ids)
	if err != nil {
		return nil, err
	}
	tags, err := store.TagsOfPosts(ctx, a.db.R, ids)
	if err != nil {
		return nil, err
	}
	counts, err := store.CountsOfPosts(ctx, a.db.R, ids, s.User.ID)
	if err != nil {
		return nil, err
	}
	comments, err := store.CommentsOfPosts(ctx, a.db.R, ids)
	if err != nil {
		return nil, err
	}
	// Which tagged children still have media consent for the post's
	// audience: photos of a child whose family withdrew it are withheld.
	var tagged []int64
	for _, list := range tags {
		for _, t := range list {
			tagged = append(tagged, t.StudentUserID)
		}
	}
	classOK, err := store.MediaConsented(ctx, a.db.R, tagged, purposesFor(1)...)
	if err != nil {
		return nil, err
	}
	schoolOK, err := store.MediaConsented(ctx, a.db.R, tagged, purposesFor(0)...)
	if err != nil {
		return nil, err
	}
	family := map[int64]bool{}
	for _, id := range familyOf(s.Actor) {
		family[id] = true
	}
	var seenPosts []store.StoryPost
	out := make([]StoryItem, 0, len(posts))
	for _, p := range posts {
		var ref authz.StoryPost
		if fromFeed {
			// The feed holds only posts the reader follows, so its family
			// facts are known without a query per post.
			ref = feedRef(s.Actor, &p)
		} else if ref, err = a.storyRef(ctx, s, &p); err != nil {
			return nil, err
		}
		staff := authz.CanSeeStoryTags(s.Actor, ref)
		it := StoryItem{Post: p, Counts: counts[p.ID], Comments: comments[p.ID],
			CanReact: authz.CanReactToStory(s.Actor, ref), CanComment: authz.CanCommentOnStory(s.Actor, ref),
			CanEdit: authz.CanEditStory(s.Actor, ref), CanModerate: authz.CanModerateStory(s.Actor, ref),
			CanDelete: map[int64]bool{}, CanReport: map[int64]bool{}}
		consented := classOK
		if p.ClassID == 0 {
			consented = schoolOK
		}
		for _, at := range atts[p.ID] {
			it.Total++
			if at.Status == store.AttachReady {
				it.Ready++
			}
			v := StoryAttachmentView{StoryAttachment: at}
			for _, t := range tags[p.ID] {
				if t.AttachmentID != at.ID {
					continue
				}
				if !consented[t.StudentUserID] {
					v.Withheld = true
				}
				// Families see only their own children's tags.
				if staff || family[t.StudentID] {
					v.Tags = append(v.Tags, t)
				}
			}
			if !staff && !it.CanEdit && (at.Status != store.AttachReady || v.Withheld) {
				continue
			}
			it.Attachments = append(it.Attachments, v)
		}
		for _, c := range it.Comments {
			it.CanDelete[c.ID] = authz.CanDeleteStoryComment(s.Actor, ref, c.AuthorID)
			it.CanReport[c.ID] = authz.CanReportStoryComment(s.Actor, ref, c.AuthorID)
		}
		if authz.CanSeeStoryReadCounts(s.Actor, ref) && p.PublishedAt != nil {
			seenPosts = append(seenPosts, p)
		}
		out = append(out, it)
	}
	if len(seenPosts) > 0 {
		seen, err := store.SeenByFamilies(ctx, a.db.R, seenPosts)
		if err != nil {
			return nil, err
		}
		for i := range out {
			if x, ok := seen[out[i].Post.ID]; ok {
				out[i].Seen = &x
			}
		}
	}
	if s.Actor.Kind == authz.Parent {
		var unread []store.StoryPost
		for _, p := range posts {
			if !counts[p.ID].Seen {
				unread = append(unread, p)
			}
		}
		if len(unread) > 0 {
			if err := store.MarkStoryRead(ctx, a.db.W, unread, s.User.ID, a.Now()); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// feedRef is storyRef for a post read from the reader's own feed.
func feedRef(a *authz.Actor, p *store.StoryPost) authz.StoryPost {
	ref := authz.StoryPost{SchoolID: p.SchoolID, ClassID: p.ClassID, AuthorID: p.AuthorID, StudentsSee: p.StudentsSee, CommentsOff: p.CommentsClosed()}
	family := len(familyOf(a)) > 0
	ref.FamilyInClass = family && p.ClassID != 0
	ref.FamilyInSchool = family && p.ClassID == 0 && a.Kind == authz.Parent
	return ref
}

// timeCursor and parseTimeCursor keep a list's position opaque: the time
// and id of the last item shown (the story feed, the inbox).
func timeCursor(at time.Time, id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(at.UnixMicro(), 10) + "." + strconv.FormatInt(id, 10)))
}

// parseTimeCursor reads a cursor; none ("") is nil.
func parseTimeCursor(c string) (*store.TimeCursor, error) {
	if c == "" {
		return nil, nil
	}
	bad := func() error {
		v := &ValidationError{}
		v.Add("cursor", "validation.invalid_cursor")
		return v
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return nil, bad()
	}
	t, n, found := strings.Cut(string(b), ".")
	micros, err1 := strconv.ParseInt(t, 10, 64)
	id, err2 := strconv.ParseInt(n, 10, 64)
	if !found || err1 != nil || err2 != nil || id <= 0 {
		return nil, bad()
	}
	return &store.TimeCursor{At: time.UnixMicro(micros).UTC(), ID: id}, nil
}
