package app

import (
	"context"

	"cubby/internal/db"
	"cubby/internal/notify"
	"cubby/internal/store"
)

// Story notifications (issue 14): a published Class Story post tells the
// parents of the class's students, a School Story post every family of
// the school (through the notification job when they are many); a comment
// tells the post's author. Each person's choice decides how (stories:
// the daily digest unless they choose otherwise).

// storyAudience lists the parents a post is news for (custody applied).
func (a *App) storyAudience(ctx context.Context, q db.Querier, p *store.StoryPost) ([]int64, error) {
	if p.ClassID != 0 {
		return store.ParentsOfClass(ctx, q, p.ClassID, a.keepEligible())
	}
	return store.ParentsOfSchool(ctx, q, p.SchoolID, a.keepEligible())
}

// notifyStory tells a post's families, inside the transaction that
// publishes it.
func (a *App) notifyStory(ctx context.Context, tx db.Querier, p *store.StoryPost) error {
	to, err := a.storyAudience(ctx, tx, p)
	if err != nil {
		return err
	}
	at := p.CreatedAt
	if p.PublishedAt != nil {
		at = *p.PublishedAt
	}
	return a.Notify(ctx, tx, Notice{Kind: notify.KindStory, SchoolID: p.SchoolID, RefID: p.ID, ActorID: p.AuthorID, To: to, At: at})
}

// notifyComment tells a post's author of a comment on it, inside the
// comment's transaction.
func (a *App) notifyComment(ctx context.Context, tx db.Querier, p *store.StoryPost, c *store.StoryComment) error {
	if p.AuthorID == 0 || p.AuthorID == c.AuthorID {
		return nil
	}
	return a.Notify(ctx, tx, Notice{Kind: notify.KindStoryComment, SchoolID: p.SchoolID, RefID: p.ID, ActorID: c.AuthorID,
		To: []int64{p.AuthorID}, At: c.CreatedAt})
}
