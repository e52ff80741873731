package authz

// Portfolios. A piece of work belongs to the student who made it. Who
// sees it:
//   - the student themself, whatever its state (waiting, returned,
//     approved), with the teacher's private comments;
//   - the student's parents, only once a teacher approved it (Children:
//     custody blocks and the end of parents' rights apply), never the
//     teacher's private comments;
//   - the teachers of the class it was posted in and of the student's
//     current classes (so the portfolio follows the student into next
//     year's class), and the school's leaders: they review it;
//   - no other student, ever; no other parent.
// While the student's processing is restricted, teachers lose sight of it
// as of every other record (CanViewRestrictedRecords); the family and the
// leaders keep it.

// Item states.
const (
	PortfolioPending  = "pending"
	PortfolioReturned = "returned"
	PortfolioApproved = "approved"
)

// PortfolioItem is what a decision about one piece of work needs.
type PortfolioItem struct {
	SchoolID  int64
	StudentID int64
	// ClassID is the class it was posted in (its teachers review it);
	// StudentClasses the student's current classes.
	ClassID        int64
	StudentClasses []int64
	Status         string
	// Restricted: the student's processing is restricted now.
	Restricted bool
	// CommentsOff: the class switched families' comments off.
	CommentsOff bool
}

// Approved reports whether families may see the item.
func (p PortfolioItem) Approved() bool { return p.Status == PortfolioApproved }

// teachesStudentOf: the actor teaches the class the item was posted in or
// one of the student's current classes.
func teachesStudentOf(a *Actor, p PortfolioItem) bool {
	if _, ok := a.Classes[p.ClassID]; ok && p.ClassID != 0 {
		return true
	}
	for _, c := range p.StudentClasses {
		if _, ok := a.Classes[c]; ok {
			return true
		}
	}
	return false
}

// CanReviewPortfolioItem: the teachers of the item's class or of the
// student's classes, and the school's leaders, approve, return and delete
// it. A restriction takes it from the teachers.
func CanReviewPortfolioItem(a *Actor, p PortfolioItem) bool {
	if !a.LoggedIn() || (a.Kind != Teacher && a.Kind != Leader) {
		return false
	}
	if a.IsLeaderOf(p.SchoolID) {
		return true
	}
	return teachesStudentOf(a, p) && !p.Restricted
}

// CanSeePortfolioItem decides who sees a piece of work.
func CanSeePortfolioItem(a *Actor, p PortfolioItem) bool {
	if !a.LoggedIn() {
		return false
	}
	switch a.Kind {
	case Student:
		return a.StudentID != 0 && a.StudentID == p.StudentID
	case Parent:
		_, mine := a.Children[p.StudentID]
		return mine && p.Approved()
	}
	return CanReviewPortfolioItem(a, p)
}

// CanSeePortfolioReviews: the teacher's private comments (a return, an
// approval) are for the student and the staff reviewing, never families.
func CanSeePortfolioReviews(a *Actor, p PortfolioItem) bool {
	if !CanSeePortfolioItem(a, p) {
		return false
	}
	return a.Kind == Student || CanReviewPortfolioItem(a, p)
}

// CanReactToPortfolio: parents and staff who see approved work like it;
// the student reads the likes and comments on their own work.
func CanReactToPortfolio(a *Actor, p PortfolioItem) bool {
	return p.Approved() && CanSeePortfolioItem(a, p) && a.Kind != Student
}

// CanCommentOnPortfolio: as for likes, while the class takes comments.
// Staff comment even with families' comments off (a teacher's word on the
// work stays possible).
func CanCommentOnPortfolio(a *Actor, p PortfolioItem) bool {
	if !CanReactToPortfolio(a, p) {
		return false
	}
	return !p.CommentsOff || a.Kind == Teacher || a.Kind == Leader
}

// CanDeletePortfolioItem: the student deletes their own work (it is
// theirs), and those who review it delete it from the queue or the
// portfolio.
func CanDeletePortfolioItem(a *Actor, p PortfolioItem) bool {
	if !a.LoggedIn() {
		return false
	}
	if a.Kind == Student {
		return a.StudentID != 0 && a.StudentID == p.StudentID
	}
	return CanReviewPortfolioItem(a, p)
}

// CanRevisePortfolioItem: the student improves their own work while it
// waits or after it was returned; approved work is done (they post a new
// piece, or delete it).
func CanRevisePortfolioItem(a *Actor, p PortfolioItem) bool {
	return a.LoggedIn() && a.Kind == Student && a.StudentID != 0 && a.StudentID == p.StudentID && !p.Approved()
}

// CanDeletePortfolioComment: the commenter, or whoever reviews the work.
func CanDeletePortfolioComment(a *Actor, p PortfolioItem, commenterID int64) bool {
	if !CanSeePortfolioItem(a, p) {
		return false
	}
	return (commenterID != 0 && commenterID == a.UserID) || CanReviewPortfolioItem(a, p)
}

// CanPostToPortfolio: only the student posts to their own portfolio —
// not a parent, not a teacher, not another student. The student must be
// in the class they post in (PortfolioClass).
func CanPostToPortfolio(a *Actor, studentID int64) bool {
	return a.LoggedIn() && a.Kind == Student && a.StudentID != 0 && a.StudentID == studentID
}

// CanSeePortfolioOf: whose portfolio page one may open — the student, the
// student's parents (approved work only, decided per item), the teachers
// of the student's current classes and the school's leaders.
func CanSeePortfolioOf(a *Actor, s StudentRef) bool {
	if !a.LoggedIn() {
		return false
	}
	switch a.Kind {
	case Student:
		return a.StudentID == s.ID
	case Parent:
		_, ok := a.Children[s.ID]
		return ok
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

// PortfolioActivity is what a decision about an activity needs.
type PortfolioActivity struct {
	SchoolID, ClassID int64
	// Assigned: the actor (a student) is on the class's roster and the
	// activity is for the whole class or names them.
	Assigned bool
}

// CanSetActivities: a class's teachers (co-teachers alike) set, change and
// remove its activities.
func CanSetActivities(a *Actor, c ClassRef) bool { return CanTeachClass(a, c) }

// CanSeeActivity: the class's teachers and the school's leaders, and the
// students it is for.
func CanSeeActivity(a *Actor, p PortfolioActivity) bool {
	if !a.LoggedIn() {
		return false
	}
	if a.Kind == Student {
		return p.Assigned
	}
	return CanViewClass(a, ClassRef{ID: p.ClassID, SchoolID: p.SchoolID})
}

// CanSeePortfolioQueue: the class's teachers and the school's leaders see
// the work waiting for approval.
func CanSeePortfolioQueue(a *Actor, c ClassRef) bool {
	return a.LoggedIn() && (a.Kind == Teacher || a.Kind == Leader) && CanViewClass(a, c)
}

// CanSetPortfolioClass: a class's teachers and the school's leaders switch
// its approval (where the school allows) and families' comments.
func CanSetPortfolioClass(a *Actor, c ClassRef) bool { return CanManageClassTeachers(a, c) }

// CanSetPortfolioSchool: the school's leaders decide from which grade
// teachers may turn approval off.
func CanSetPortfolioSchool(a *Actor, schoolID int64) bool {
	return a.LoggedIn() && a.IsLeaderOf(schoolID)
}

// ApprovalAllowedOff reports whether a class may skip approval: the school
// set a grade from which teachers may turn it off (nil: never), and the
// class has a grade at or above it (a class without a grade never does,
// so a young class cannot skip approval by leaving its grade unset).
func ApprovalAllowedOff(schoolMinGrade, classGrade *int) bool {
	return schoolMinGrade != nil && classGrade != nil && *classGrade >= *schoolMinGrade
}

// PortfolioNeedsApproval: work waits for a teacher unless the class turned
// approval off where the school allows it. A school that later raises its
// grade brings approval back at once, whatever the class's switch says.
func PortfolioNeedsApproval(schoolMinGrade, classGrade *int, classOff bool) bool {
	return !(classOff && ApprovalAllowedOff(schoolMinGrade, classGrade))
}
