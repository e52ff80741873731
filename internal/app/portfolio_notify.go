package app

import (
	"context"
	"time"

	"cubby/internal/db"
	"cubby/internal/notify"
	"cubby/internal/store"
)

// Portfolio notifications (issues 13 and 14): work reaching the family
// (approved, or posted where approval is off) tells the student and their
// parents; a comment on it tells the student, their parents and the
// class's teachers. The one who acted is never told, and each person's
// choice decides how.

// notifyPortfolio tells the people of a piece of work about it, inside
// the transaction that approved it or added the comment, and returns
// those told at once (the parents are told by the notification job), whose
// open pages hear of it once the transaction committed (a.notified).
func (a *App) notifyPortfolio(ctx context.Context, tx db.Querier, kind string, it *store.PortfolioItem, actorID int64, at time.Time) ([]int64, error) {
	student, err := store.StudentByID(ctx, tx, it.StudentID)
	if err != nil {
		return nil, err
	}
	to := []int64{student.UserID}
	if kind == notify.KindPortfolioComment && it.ClassID != 0 {
		teachers, err := store.ClassTeachers(ctx, tx, it.ClassID)
		if err != nil {
			return nil, err
		}
		for _, t := range teachers {
			to = append(to, t.UserID)
		}
	}
	to = without(to, actorID)
	n := Notice{Kind: kind, SchoolID: it.SchoolID, RefID: it.ID, ActorID: actorID, StudentID: it.StudentID, At: at}
	direct := n
	direct.To = to
	if err := a.Notify(ctx, tx, direct); err != nil {
		return nil, err
	}
	n.ToParents = true
	return to, a.Notify(ctx, tx, n)
}
