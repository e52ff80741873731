package authz

// Help requests (issue 18): anyone asks, logged in or not; a request about
// a school is answered by the school's leaders. Requests about no school,
// or about a school without an active leader, belong to the deployment's
// operator, who answers on the command line (`cubby helpdesk`) and so never
// passes through these functions.

// CanAskForHelp: anyone may ask, visitors included (a nil or zero actor).
func CanAskForHelp(a *Actor) bool { return true }

// CanAnswerHelp: the school's leaders read its help inbox, answer, write
// internal notes and change a request's status.
func CanAnswerHelp(a *Actor, schoolID int64) bool {
	return a.LoggedIn() && schoolID != 0 && a.IsLeaderOf(schoolID)
}

// CanSeeOwnHelpRequest: a logged-in person sees their own request, its
// status and the answers sent to them, never the internal notes.
func CanSeeOwnHelpRequest(a *Actor, requesterID int64) bool {
	return a.LoggedIn() && requesterID != 0 && a.UserID == requesterID
}
