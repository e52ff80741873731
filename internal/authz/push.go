package authz

// The installable app's device information (issue 14). A person's push
// subscriptions are their own: only they list or remove them, which the
// store's queries enforce by their user id. These are the decisions about
// a school.

// CanSetErrorReports: a school's leaders turn its members' JavaScript
// error reports on or off.
func CanSetErrorReports(a *Actor, schoolID int64) bool {
	return a.LoggedIn() && a.IsLeaderOf(schoolID)
}

// CanReportErrors: a logged-in person reports errors unless one of their
// schools turned reports off (offSchools lists those of theirs that did);
// a visitor reports nothing, since no school decided for them.
func CanReportErrors(a *Actor, offSchools []int64) bool {
	return a.LoggedIn() && len(offSchools) == 0
}
