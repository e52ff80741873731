package authz

// Restriction of processing (GDPR Art. 18). The person the records are
// about — the student, or a parent acting for them — asks; a leader of the
// student's school decides, sets one directly on a request made on paper,
// and lifts it. While it is in force the records are only stored: the
// people who must still see them to handle the request (the student, their
// parents and the school's leaders) see them; teachers, who would use
// them, do not.

// CanAskRestriction: a parent of the student, or the student themself (the
// right is theirs; Cubby already lets students export their own data).
func CanAskRestriction(a *Actor, studentID int64) bool {
	if !a.LoggedIn() {
		return false
	}
	if a.Kind == Student {
		return a.StudentID == studentID
	}
	if a.Kind != Parent {
		return false
	}
	_, ok := a.Children[studentID]
	return ok
}

// CanDecideRestriction: the leaders of the student's school grant,
// decline, set and lift restrictions. Teachers do not: a restriction is
// about what the whole school does with the records.
func CanDecideRestriction(a *Actor, s StudentRef) bool {
	return a.LoggedIn() && a.IsLeaderOf(s.SchoolID)
}

// CanSeeRestriction: who reads a restriction and its ground, request and
// reason — the people who may ask for one and those who decide.
func CanSeeRestriction(a *Actor, s StudentRef) bool {
	return CanAskRestriction(a, s.ID) || CanDecideRestriction(a, s)
}

// CanViewRestrictedRecords: while a student's processing is restricted,
// their points, attendance and reports stay visible only to the student,
// their parents and the school's leaders. A teacher who could see them
// otherwise (CanViewStudentRecords) cannot.
func CanViewRestrictedRecords(a *Actor, s StudentRef) bool {
	if !CanViewStudentRecords(a, s) {
		return false
	}
	return IsFamilyOf(a, s.ID) || a.IsLeaderOf(s.SchoolID)
}
