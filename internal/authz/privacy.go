package authz

// Who may act on privacy requests: erasing a student who left, setting a
// school's retention periods, answering a correction request, asking for
// one. Exports and account deletion are one's own and need no policy.

// CanEraseStudent: leaders of the student's school.
func CanEraseStudent(a *Actor, schoolID int64) bool {
	return a.LoggedIn() && a.Kind == Leader && a.IsLeaderOf(schoolID)
}

// CanSeeSchoolPrivacy: a school's privacy page (its retention periods
// and the students who left) is for its leaders.
func CanSeeSchoolPrivacy(a *Actor, schoolID int64) bool {
	return a.LoggedIn() && a.IsLeaderOf(schoolID)
}

// CanSetRetention: leaders of the school.
func CanSetRetention(a *Actor, schoolID int64) bool {
	return a.LoggedIn() && a.IsLeaderOf(schoolID)
}

// CanRequestCorrection: a parent of the student (while they act for the
// child: not blocked, and not after the rights passed to the student
// unless the deployment keeps parents' access), or an eligible student
// about their own records.
func CanRequestCorrection(a *Actor, studentID int64) bool {
	if IsEligibleStudent(a) {
		return a.StudentID == studentID
	}
	if !a.LoggedIn() || a.Kind != Parent {
		return false
	}
	_, ok := a.Children[studentID]
	return ok
}

// CanDecideCorrection: the teachers of a class the student is in and the
// school's leaders — the people responsible for the student's records.
func CanDecideCorrection(a *Actor, s StudentRef) bool {
	if !a.LoggedIn() {
		return false
	}
	if a.IsLeaderOf(s.SchoolID) {
		return true
	}
	for _, c := range s.Classes {
		if _, ok := a.Classes[c]; ok {
			return true
		}
	}
	return false
}
