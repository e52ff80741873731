// Package authz decides who may see and do what. Its functions are pure:
// they look only at the Actor (who is asking, with their relationships
// loaded once per request) and the target, so every rule can be
// table-tested without a database. Handlers and templates never decide
// access themselves; the app layer asks here.
package authz

import "slices"

// Kind is an account type.
type Kind string

const (
	Visitor Kind = ""
	Teacher Kind = "teacher"
	Parent  Kind = "parent"
	Leader  Kind = "leader"
	Student Kind = "student"
)

// Staff describes an actor's active place in one school.
type Staff struct {
	Leader   bool
	Verified bool
	// RequireTwoFactor: the school requires two-factor login of its staff.
	RequireTwoFactor bool
}

// Actor is the person making a request and what they are connected to.
// The zero value is a logged-out visitor.
type Actor struct {
	UserID int64
	Kind   Kind
	// Schools maps school id → active staff membership.
	Schools map[int64]Staff
	// Classes maps each class the actor teaches → its school.
	Classes map[int64]int64
	// Children maps each student the actor is guardian of → its school.
	Children map[int64]int64
	// StudentID is the actor's own student profile, if a student.
	StudentID       int64
	StudentSchoolID int64
	// StudentEligible: the student holds the rights over their own
	// records (an "eligible student", custody.go).
	StudentEligible bool
	// EmailVerified is false until the person opened the link sent to
	// their address; unverified accounts cannot message or invite anyone.
	EmailVerified bool
}

// LoggedIn reports whether the actor is a signed-in user.
func (a *Actor) LoggedIn() bool { return a != nil && a.UserID != 0 }

// SchoolIDs lists every school the actor is connected to, in any role.
func (a *Actor) SchoolIDs() []int64 {
	seen := map[int64]bool{}
	var out []int64
	add := func(id int64) {
		if id != 0 && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	for id := range a.Schools {
		add(id)
	}
	for _, id := range a.Children {
		add(id)
	}
	add(a.StudentSchoolID)
	slices.Sort(out)
	return out
}

// IsLeaderOf reports whether the actor leads school id.
func (a *Actor) IsLeaderOf(schoolID int64) bool { return a.Schools[schoolID].Leader }

// ClassRef identifies a class and its school for a decision.
type ClassRef struct{ ID, SchoolID int64 }

// CanListClasses: teachers and leaders have class lists; parents and
// students reach classes only through a child or themselves.
func CanListClasses(a *Actor) bool {
	return a.LoggedIn() && (a.Kind == Teacher || a.Kind == Leader)
}

// CanViewClass: the class's own teachers and the school's leaders.
func CanViewClass(a *Actor, c ClassRef) bool {
	if !a.LoggedIn() {
		return false
	}
	if _, ok := a.Classes[c.ID]; ok {
		return true
	}
	return a.IsLeaderOf(c.SchoolID)
}

// CanViewSchool: active staff of the school.
func CanViewSchool(a *Actor, schoolID int64) bool {
	if !a.LoggedIn() {
		return false
	}
	_, ok := a.Schools[schoolID]
	return ok
}

// StudentRef identifies a student, their school and current classes.
type StudentRef struct {
	ID       int64
	SchoolID int64
	Classes  []int64
}

// CanViewStudentRecords decides who sees a student's feedback points and
// attendance, exactly as the data-transparency page promises: teachers of
// the student's class, verified teachers and leaders of the student's
// school, the student themself, and the student's parents — no one else.
func CanViewStudentRecords(a *Actor, s StudentRef) bool {
	if !a.LoggedIn() {
		return false
	}
	if a.StudentID != 0 && a.StudentID == s.ID {
		return true
	}
	if _, ok := a.Children[s.ID]; ok {
		return true
	}
	for _, c := range s.Classes {
		if _, ok := a.Classes[c]; ok {
			return true
		}
	}
	st, ok := a.Schools[s.SchoolID]
	return ok && (st.Leader || st.Verified)
}

// CanContactOthers: messaging and inviting reach people outside Cubby's
// walls, so they need a proven email address (students never invite).
func CanContactOthers(a *Actor) bool {
	return a.LoggedIn() && a.EmailVerified && a.Kind != Student
}

// CanUseTwoFactor: staff, who see many children's records, can turn on
// two-factor login.
func CanUseTwoFactor(a *Actor) bool {
	return a.LoggedIn() && (a.Kind == Teacher || a.Kind == Leader)
}

// CanCreateClass: active staff of the school.
func CanCreateClass(a *Actor, schoolID int64) bool {
	return a.LoggedIn() && (a.Kind == Teacher || a.Kind == Leader) && CanViewSchool(a, schoolID)
}

// CanTeachClass: the class's own teachers manage its roster, give points
// and take attendance. (Leaders see every class, and correct attendance,
// but points come from the people in the room.)
func CanTeachClass(a *Actor, c ClassRef) bool {
	if !a.LoggedIn() {
		return false
	}
	_, ok := a.Classes[c.ID]
	return ok
}

// CanCorrectAttendance: a class's teachers (for today) and the school's
// leaders (any day).
func CanCorrectAttendance(a *Actor, c ClassRef) bool {
	return CanTeachClass(a, c) || (a.LoggedIn() && a.IsLeaderOf(c.SchoolID))
}

// CanManageSchoolSkills: leaders set the skills every class of the school shows.
func CanManageSchoolSkills(a *Actor, schoolID int64) bool {
	return a.LoggedIn() && a.IsLeaderOf(schoolID)
}

// IsFamilyOf reports whether the actor is the student or one of their
// parents — the people a class's "hide points from families" applies to.
func IsFamilyOf(a *Actor, studentID int64) bool {
	if !a.LoggedIn() {
		return false
	}
	if a.StudentID == studentID {
		return true
	}
	_, ok := a.Children[studentID]
	return ok
}

// CanConnectChild: parents connect to children with a parent code.
func CanConnectChild(a *Actor) bool { return a.LoggedIn() && a.Kind == Parent }

// CanManageClassTeachers: a class's teachers add and remove co-teachers;
// the school's leaders staff every class of their school.
func CanManageClassTeachers(a *Actor, c ClassRef) bool {
	return CanTeachClass(a, c) || (a.LoggedIn() && a.IsLeaderOf(c.SchoolID))
}

// CanRollOverClass: a class's teachers, or the school's leaders, start
// next year's class from it and archive it.
func CanRollOverClass(a *Actor, c ClassRef) bool { return CanManageClassTeachers(a, c) }

// CanImportRoster: active staff bring in their school's rosters (a
// OneRoster export creates classes, as staff may).
func CanImportRoster(a *Actor, schoolID int64) bool { return CanCreateClass(a, schoolID) }

// CanMergeStudents: two profiles of one child in the same school are
// merged by the school's leaders, or by a teacher of either profile's
// current class (who is the one to notice the duplicate on their roster).
func CanMergeStudents(a *Actor, keep, drop StudentRef) bool {
	if !a.LoggedIn() || keep.SchoolID != drop.SchoolID {
		return false
	}
	if a.IsLeaderOf(keep.SchoolID) {
		return true
	}
	if _, staff := a.Schools[keep.SchoolID]; !staff {
		return false
	}
	for _, c := range append(append([]int64{}, keep.Classes...), drop.Classes...) {
		if CanTeachClass(a, ClassRef{ID: c, SchoolID: keep.SchoolID}) {
			return true
		}
	}
	return false
}

// CanManageSchoolSettings: leaders change school-wide settings such as
// showing students by initials.
func CanManageSchoolSettings(a *Actor, schoolID int64) bool {
	return a.LoggedIn() && a.IsLeaderOf(schoolID)
}

// CanJoinSchool: teachers and school leaders ask to join schools, or add
// one that is missing.
func CanJoinSchool(a *Actor) bool { return a.LoggedIn() && (a.Kind == Teacher || a.Kind == Leader) }

// CanViewDirectory: the School Directory (staff, requests, students) is
// for the school's leaders and, read-only, its verified teachers. Staff
// the school has not confirmed yet see only their own place in it.
func CanViewDirectory(a *Actor, schoolID int64) bool {
	if !a.LoggedIn() {
		return false
	}
	st, ok := a.Schools[schoolID]
	return ok && (st.Leader || st.Verified)
}

// CanManageStaff: leaders approve and decline join requests, remove staff,
// grant and revoke leader rights, and set how people join the school.
func CanManageStaff(a *Actor, schoolID int64) bool { return a.LoggedIn() && a.IsLeaderOf(schoolID) }

// CanConfirmSchool: a school added by a teacher stays unverified until a
// leader whose own place the school confirmed says it exists as described.
func CanConfirmSchool(a *Actor, schoolID int64) bool {
	if !a.LoggedIn() {
		return false
	}
	st, ok := a.Schools[schoolID]
	return ok && st.Leader && st.Verified
}

// CanInviteTeacher: active staff with a verified email invite colleagues
// to their school.
func CanInviteTeacher(a *Actor, schoolID int64) bool {
	return CanContactOthers(a) && (a.Kind == Teacher || a.Kind == Leader) && CanViewSchool(a, schoolID)
}

// CanInviteParent: a student's class teachers and the school's leaders,
// with a verified email, invite the student's parents.
func CanInviteParent(a *Actor, s StudentRef) bool {
	if !CanContactOthers(a) {
		return false
	}
	if a.IsLeaderOf(s.SchoolID) {
		return true
	}
	for _, c := range s.Classes {
		if CanTeachClass(a, ClassRef{ID: c, SchoolID: s.SchoolID}) {
			return true
		}
	}
	return false
}

// CanAskToJoinClass: a student (one who signed up on their own has no
// class yet) asks to join a class with its code.
func CanAskToJoinClass(a *Actor) bool { return a.LoggedIn() && a.Kind == Student }

// CanAdmitToClass: a class's teachers and the school's leaders let a
// student who asked into the class, or decline.
func CanAdmitToClass(a *Actor, c ClassRef) bool {
	return CanTeachClass(a, c) || (a.LoggedIn() && a.IsLeaderOf(c.SchoolID))
}
