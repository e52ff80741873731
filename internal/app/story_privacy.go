package app

import (
	"context"

	"cubby/internal/db"
	"cubby/internal/store"
)

// What erasure does to stories beyond the inventory's plan, which then
// runs as for every table (story_*.yaml): a departed member of staff's
// posts are removed with their account, unless their school chose to keep
// them under its name; a child's erasure removes their tags (the plan)
// and, first, every photo that tags only them — a photo that also shows
// other children stays for them, without the child's tag.

// eraseStoriesFirst runs inside the erasure's transaction, before the
// plan, and returns the files to remove once it commits.
func (a *App) eraseStoriesFirst(ctx context.Context, tx db.Querier, u *store.User) ([]string, error) {
	switch u.Kind {
	case store.KindStudent:
		atts, err := store.SoleTagAttachments(ctx, tx, u.ID)
		if err != nil {
			return nil, err
		}
		var keys []string
		for _, at := range atts {
			if err := store.DeleteStoryAttachment(ctx, tx, at.ID); err != nil {
				return nil, err
			}
			for _, k := range []string{at.SourceKey, at.FileKey} {
				if k != "" {
					keys = append(keys, k)
				}
			}
		}
		return keys, nil
	case store.KindTeacher, store.KindLeader:
		// Posts kept lead to no one any more, so the plan leaves them.
		_, err := store.KeepStoryPostsUnderSchool(ctx, tx, u.ID)
		return nil, err
	}
	return nil, nil
}
