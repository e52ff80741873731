package authz

// Custody restrictions and eligible students (DSR-4, ACL-6). Who is a
// student's family for access purposes is decided once per request, when
// the Actor is built: ChildrenOf turns the parent's stored links into
// Actor.Children, so every rule that looks at Children — records, reports,
// live points, export, corrections, the access log, switching to the
// child — honours a custody block or the end of parents' rights at once,
// without a rule of its own.

// ParentAccess is what a deployment does with parents' access when their
// child becomes an eligible student (CUBBY_ELIGIBLE_PARENT_ACCESS).
type ParentAccess string

const (
	// ParentAccessEnd: the rights pass to the student and parents lose
	// access to the student's records (FERPA 34 CFR 99.5(a); under GDPR
	// an adult's data is theirs). The default.
	ParentAccessEnd ParentAccess = "end"
	// ParentAccessKeep: parents keep what they had, as FERPA allows for a
	// dependent student (34 CFR 99.31(a)(8)); the student gains their own
	// rights beside them.
	ParentAccessKeep ParentAccess = "keep"
)

// ParentAccessOf reads the setting; anything but "keep" ends access, so a
// missing setting fails closed.
func ParentAccessOf(s string) ParentAccess {
	if ParentAccess(s) == ParentAccessKeep {
		return ParentAccessKeep
	}
	return ParentAccessEnd
}

// ChildLink is a parent's stored connection to a student, with what
// decides whether it still gives access.
type ChildLink struct {
	StudentID, SchoolID int64
	// Eligible: the student holds the rights over their own records.
	Eligible bool
	// Blocked: a school leader restricted this parent from this student.
	Blocked bool
}

// ChildrenOf is the students a parent acts for: every link, less those a
// custody block cuts, less eligible students when the deployment ends
// parents' access at that point.
func ChildrenOf(links []ChildLink, policy ParentAccess) map[int64]int64 {
	out := map[int64]int64{}
	for _, l := range links {
		if l.Blocked || (l.Eligible && policy != ParentAccessKeep) {
			continue
		}
		out[l.StudentID] = l.SchoolID
	}
	return out
}

// CanManageCustody: the school's leaders see, add and lift custody blocks
// on its students, and no one else learns that one exists — teachers
// included, who see only that a connection is refused.
func CanManageCustody(a *Actor, schoolID int64) bool {
	return a.LoggedIn() && a.Kind == Leader && a.IsLeaderOf(schoolID)
}

// CanSetEligible: the school's leaders record that a student now holds
// their own rights (and undo a mistake).
func CanSetEligible(a *Actor, schoolID int64) bool { return CanManageCustody(a, schoolID) }

// CanFileOnBehalf: a school's leaders file a data request for a parent
// (or eligible student) who asked the school in person, by phone or on
// paper (DSR-4: "a school admin on a parent's behalf"). The person they
// file for must hold the right themself (CanRequestCorrection).
func CanFileOnBehalf(a *Actor, schoolID int64) bool { return CanManageCustody(a, schoolID) }

// IsEligibleStudent reports whether the actor is a student who holds the
// rights over their own records.
func IsEligibleStudent(a *Actor) bool {
	return a.LoggedIn() && a.Kind == Student && a.StudentID != 0 && a.StudentEligible
}
