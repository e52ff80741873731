package app

import (
	"context"

	"cubby/internal/store"
)

// The operator's side of help requests (`cubby helpdesk`): the requests about
// no school, or about a school with no active leader, which no one in a
// school can answer. Like the operator's other commands these take no
// session; whoever can run the command owns the server.

// OperatorHelpRequests lists the operator's requests, waiting ones first;
// status "" means all.
func (a *App) OperatorHelpRequests(ctx context.Context, status string) ([]store.HelpRequest, error) {
	if status != "" && !oneOf(HelpStatuses, status) {
		v := &ValidationError{}
		v.Add("status", "help.status_unknown")
		return nil, v
	}
	return store.HelpRequestsForOperator(ctx, a.db.R, status, helpInboxMax)
}

// OperatorHelpRequest opens one of the operator's requests with its whole
// history; a request a school's leaders answer is ErrNotFound here.
func (a *App) OperatorHelpRequest(ctx context.Context, id int64) (*HelpThread, error) {
	r, err := a.operatorHelp(ctx, id)
	if err != nil {
		return nil, err
	}
	return a.helpThread(ctx, r, true)
}

// OperatorActOnHelpRequest answers, notes or changes the status of one of
// the operator's requests, as ActOnHelpRequest does for leaders.
func (a *App) OperatorActOnHelpRequest(ctx context.Context, id int64, act HelpAction) (*store.HelpRequest, error) {
	r, err := a.operatorHelp(ctx, id)
	if err != nil {
		return nil, err
	}
	return r, a.actOnHelp(ctx, r, 0, "", act)
}

func (a *App) operatorHelp(ctx context.Context, id int64) (*store.HelpRequest, error) {
	mine, err := store.HelpRequestToOperator(ctx, a.db.R, id)
	if err != nil {
		return nil, err
	}
	if !mine {
		return nil, ErrNotFound
	}
	return store.HelpRequestByID(ctx, a.db.R, id)
}
