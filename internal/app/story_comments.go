package app

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"cubby/internal/authz"
	"cubby/internal/db"
	"cubby/internal/store"
)

// Likes, comments and reports on story posts (authz/story.go decides).

// LikeStory records the actor's like; liking twice is ErrConflict.
func (a *App) LikeStory(ctx context.Context, s *Session, postID int64) error {
	p, ref, err := a.storyPost(ctx, s, postID)
	if err != nil {
		return err
	}
	if !authz.CanReactToStory(s.Actor, ref) {
		return ErrForbidden
	}
	if err := store.AddStoryLike(ctx, a.db.W, p.SchoolID, p.ID, s.User.ID, a.Now()); err != nil {
		if errors.Is(err, ErrConflict) {
			return refused("story.liked_already", ErrConflict)
		}
		return err
	}
	return nil
}

// UnlikeStory takes the actor's like back.
func (a *App) UnlikeStory(ctx context.Context, s *Session, postID int64) error {
	p, _, err := a.storyPost(ctx, s, postID)
	if err != nil {
		return err
	}
	ok, err := store.RemoveStoryLike(ctx, a.db.W, p.ID, s.User.ID)
	if err == nil && !ok {
		err = ErrNotFound
	}
	return err
}

// CommentOnStory adds the actor's comment to a post that takes comments.
func (a *App) CommentOnStory(ctx context.Context, s *Session, postID int64, text string) (*store.StoryComment, error) {
	p, ref, err := a.storyPost(ctx, s, postID)
	if err != nil {
		return nil, err
	}
	if !authz.CanReactToStory(s.Actor, ref) {
		return nil, ErrForbidden
	}
	if !authz.CanCommentOnStory(s.Actor, ref) {
		return nil, refused("story.comments_off", ErrConflict)
	}
	text = normText(text)
	v := &ValidationError{}
	switch {
	case text == "":
		v.Add("comment", "validation.required")
	case utf8.RuneCountInString(text) > StoryMaxComment:
		v.Add("comment", "validation.too_long", "max", StoryMaxComment)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	c := &store.StoryComment{SchoolID: p.SchoolID, PostID: p.ID, AuthorID: s.User.ID, Body: text, CreatedAt: a.Now()}
	err = a.db.Tx(ctx, func(tx db.Querier) error {
		if err := store.CreateStoryComment(ctx, tx, c); err != nil {
			return err
		}
		return a.notifyComment(ctx, tx, p, c)
	})
	if err != nil {
		return nil, err
	}
	a.notified(p.AuthorID)
	return store.StoryCommentByID(ctx, a.db.R, c.ID)
}

// commentOf loads a comment and its post, for an actor who may see it.
func (a *App) commentOf(ctx context.Context, s *Session, commentID int64) (*store.StoryComment, authz.StoryPost, error) {
	c, err := store.StoryCommentByID(ctx, a.db.R, commentID)
	if err != nil {
		return nil, authz.StoryPost{}, err
	}
	_, ref, err := a.storyPost(ctx, s, c.PostID)
	return c, ref, err
}

// DeleteStoryComment removes a comment: its writer, the post's author, or a
// leader of the school.
func (a *App) DeleteStoryComment(ctx context.Context, s *Session, commentID int64) error {
	c, ref, err := a.commentOf(ctx, s, commentID)
	if err != nil {
		return err
	}
	if !authz.CanDeleteStoryComment(s.Actor, ref, c.AuthorID) {
		return ErrForbidden
	}
	return store.DeleteStoryComment(ctx, a.db.W, c.ID)
}

// ReportStoryComment tells the school's leaders that a comment should not
// be there; reporting one comment twice is ErrConflict.
func (a *App) ReportStoryComment(ctx context.Context, s *Session, commentID int64, reason string) error {
	c, ref, err := a.commentOf(ctx, s, commentID)
	if err != nil {
		return err
	}
	if !authz.CanReportStoryComment(s.Actor, ref, c.AuthorID) {
		return ErrForbidden
	}
	reason = strings.TrimSpace(reason)
	if utf8.RuneCountInString(reason) > StoryMaxReason {
		v := &ValidationError{}
		v.Add("reason", "validation.too_long", "max", StoryMaxReason)
		return v
	}
	err = store.CreateStoryReport(ctx, a.db.W, &store.StoryReport{SchoolID: c.SchoolID, CommentID: c.ID, ReporterID: s.User.ID, Reason: reason, CreatedAt: a.Now()})
	if errors.Is(err, ErrConflict) {
		return refused("story.reported_already", ErrConflict)
	}
	return err
}

// StoryReports is a school's queue of reported comments, for its leaders.
func (a *App) StoryReports(ctx context.Context, s *Session, schoolID int64) ([]store.StoryReport, error) {
	if !authz.CanReviewStoryReports(s.Actor, schoolID) {
		return nil, ErrNotFound
	}
	return store.OpenStoryReports(ctx, a.db.R, schoolID)
}

// ResolveStoryReport is a leader's answer to a report: remove the comment
// (its reports go with it), or keep it and dismiss every report of it.
func (a *App) ResolveStoryReport(ctx context.Context, s *Session, reportID int64, remove bool) error {
	r, err := store.StoryReportByID(ctx, a.db.R, reportID)
	if err != nil {
		return err
	}
	if !authz.CanReviewStoryReports(s.Actor, r.SchoolID) {
		return ErrNotFound
	}
	return a.db.Tx(ctx, func(tx db.Querier) error {
		if remove {
			return store.DeleteStoryComment(ctx, tx, r.CommentID)
		}
		return store.DismissStoryReports(ctx, tx, r.CommentID, s.User.ID, a.Now())
	})
}
