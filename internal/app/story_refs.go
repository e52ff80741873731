package app

import (
	"context"

	"cubby/internal/authz"
	"cubby/internal/store"
)

// What a story page needs to know about the thing a form acts on — which
// class, post or school it belongs to, to name it or to return there —
// for a reader who may see it, and ErrNotFound for anyone else.

// StoryClass is a class whose story the reader follows, or whose story
// settings they see (its teachers and the school's leaders).
func (a *App) StoryClass(ctx context.Context, s *Session, classID int64) (*store.Class, error) {
	if c, err := a.viewClass(ctx, s, classID); err == nil {
		return c, nil
	}
	sources, err := a.feedSources(ctx, s)
	if err != nil {
		return nil, err
	}
	if _, err := a.narrow(ctx, s, sources, StoryFeedOf{ClassID: classID}); err != nil {
		return nil, err
	}
	return store.ClassRefByID(ctx, a.db.R, classID)
}

// StoryCommentPost is the post a comment the reader sees is on.
func (a *App) StoryCommentPost(ctx context.Context, s *Session, commentID int64) (int64, error) {
	c, _, err := a.commentOf(ctx, s, commentID)
	if err != nil {
		return 0, err
	}
	return c.PostID, nil
}

// StoryAttachmentPost is the post a photo or file the reader sees is in.
func (a *App) StoryAttachmentPost(ctx context.Context, s *Session, publicID string) (int64, error) {
	at, err := store.StoryAttachmentByPublicID(ctx, a.db.R, publicID)
	if err != nil {
		return 0, err
	}
	if _, _, err := a.storyPost(ctx, s, at.PostID); err != nil {
		return 0, err
	}
	return at.PostID, nil
}

// StoryReportSchool is the school of a report on a comment, for the leaders
// who review its reports.
func (a *App) StoryReportSchool(ctx context.Context, s *Session, reportID int64) (int64, error) {
	r, err := store.StoryReportByID(ctx, a.db.R, reportID)
	if err != nil {
		return 0, err
	}
	if !authz.CanReviewStoryReports(s.Actor, r.SchoolID) {
		return 0, ErrNotFound
	}
	return r.SchoolID, nil
}
