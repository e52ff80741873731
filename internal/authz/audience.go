package authz

// Audience is who a route of the web or API table is for. Every route
// declares one (web.Route.Access, api.Op.Access); a route without one
// fails TestEveryRouteDeclaresAccess. The handler still decides each
// request through the app's authz functions: the audience is what the
// authorization matrix (internal/web/authz_matrix_test.go) holds it to.
// The matrix fills the route's path with the records of a class, its
// student and her family in one school, and asks as every account type of
// that school and of a second one; an account type the audience does not
// name must be refused (404, or 403 where existence is no secret) and
// must change nothing.
type Audience string

const (
	// ForAnyone: visitors too. The route is Public.
	ForAnyone Audience = "anyone"
	// ForSelf: any logged-in person, about their own account and records
	// (settings, their notifications, devices, exports, consents). An id
	// in the path names one of the caller's records; nobody else's.
	ForSelf Audience = "self"
	// ForStaff: teachers and leaders, on their own schools' records. A path
	// naming a school, class or student of a school admits that school's
	// staff only.
	ForStaff Audience = "staff"
	// ForLeaders: school leaders, of the school the path names.
	ForLeaders Audience = "leaders"
	// ForClassTeachers: the teachers of the class the path names (or the
	// class of the record it names) and, for most such routes, the
	// leaders of its school (a class's own skills and avatars are its
	// teachers' alone).
	ForClassTeachers Audience = "class-teachers"
	// ForFamily: a student's own records: the student, their parents, and the
	// staff of their school (class teachers, verified staff, leaders).
	ForFamily Audience = "family"
	// ForCommunity: a class's or school's shared records (its Class Story,
	// activities): the class's students and their parents, and the
	// school's staff.
	ForCommunity Audience = "community"
	// ForParticipants: the people of a conversation: the teacher, the parent
	// or student they write with (a parent reads along with their child),
	// and the school's leaders, who moderate.
	ForParticipants Audience = "participants"
)

// Valid reports whether a is one of the audiences above; the zero value,
// a route that declares none, is not.
func (a Audience) Valid() bool {
	switch a {
	case ForAnyone, ForSelf, ForStaff, ForLeaders, ForClassTeachers, ForFamily, ForCommunity, ForParticipants:
		return true
	}
	return false
}
