package app_test

import (
	"testing"

	"cubby/internal/app"
)

// touchHelp gives the privacy fixture's parent a help request to the
// school, answered and noted by the leader and closed, and a request they
// sent before logging in with their address and a phone number, so the
// export, erasure and retention tests see every column of help_requests
// and help_request_events.
func touchHelp(t *testing.T, f *family) {
	t.Helper()
	a := f.env.App
	r, err := a.SubmitHelpRequest(f.ctx, f.parent, app.HelpInput{Topic: "child", Body: "Which class is my child in?", SchoolID: f.schoolID, IP: "192.0.2.80"})
	must(t, err)
	for _, act := range []app.HelpAction{{Kind: "note", Body: "Check the roster."}, {Kind: "reply", Body: "Class 3."}, {Kind: "status", Status: "closed"}} {
		_, err := a.ActOnHelpRequest(f.ctx, f.leader, f.schoolID, r.ID, act)
		must(t, err)
	}
	_, err = a.SubmitHelpRequest(f.ctx, nil, app.HelpInput{Topic: "login", Body: "I cannot log in.", SchoolID: f.schoolID,
		Email: parentEmail, Phone: "+1 415 555 2671", Language: "en", IP: "192.0.2.81"})
	must(t, err)
}
