package authz

// Messages (issue 12). Who may start a conversation with whom:
//
//   - a teacher and the parents of a student of a class they teach, either
//     side starting it (a group holds all of the student's parents);
//   - a school's leaders and the families of its students; parents start a
//     conversation with the leaders (the office) only where the school
//     allows it;
//   - staff of the same school with each other (the one starting it must
//     be confirmed by the school, or lead it);
//   - never a parent and another parent, nor a parent and staff who neither
//     teach their child nor lead the child's school;
//   - a teacher and a student of a class they teach, only where the school
//     turned it on and from the grade it set; the teacher starts it, the
//     student answers, and the student's parents read along (they write
//     to the teacher in their own conversation). Students start nothing
//     and reach no other student or parent.
//
// A parent's children are Actor.Children and MessagePeer.Children, from
// which custody blocks and the end of parents' rights have already been
// taken (custody.go), so a blocked parent reaches no one through that
// child. A member of staff who blocked a parent is not reached by them.
// Everyone writing needs a proven email address (CanContactOthers).

// MessagePeer is the person someone would write to, with what the app
// found about them.
type MessagePeer struct {
	UserID int64
	Kind   Kind
	// Schools are the peer's active staff places.
	Schools map[int64]Staff
	// Classes are the classes the peer teaches → their school.
	Classes map[int64]int64
	// Children are the students a parent peer acts for → their school.
	Children map[int64]int64
}

// MessageFacts are what a decision needs beyond the two people.
type MessageFacts struct {
	// ClassesOf maps each child involved (the parent's) to the classes
	// they are on now.
	ClassesOf map[int64][]int64
	// Office lists the schools whose parents may write to the leaders.
	Office map[int64]bool
	// Blocked: the member of staff involved has blocked the parent.
	Blocked bool
}

func isStaff(k Kind) bool { return k == Teacher || k == Leader }

// CanMessage decides whether the actor may start a conversation with the
// peer about student (0: not about a child, as between staff) in school.
func CanMessage(a *Actor, p MessagePeer, schoolID, studentID int64, f MessageFacts) bool {
	if !CanContactOthers(a) || p.UserID == 0 || p.UserID == a.UserID {
		return false
	}
	switch {
	case isStaff(a.Kind) && isStaff(p.Kind):
		if studentID != 0 {
			return false
		}
		mine, ok := a.Schools[schoolID]
		_, theirs := p.Schools[schoolID]
		return ok && theirs && (mine.Verified || mine.Leader)
	case isStaff(a.Kind) && p.Kind == Parent:
		return staffReachesFamily(a.Classes, a.Schools, p.Children, schoolID, studentID, f, true)
	case a.Kind == Parent && isStaff(p.Kind):
		if f.Blocked {
			return false
		}
		return staffReachesFamily(p.Classes, p.Schools, a.Children, schoolID, studentID, f, f.Office[schoolID])
	}
	return false
}

// staffReachesFamily: the student is one of the parent's children, at the
// school, and the member of staff teaches one of the student's classes now
// or (where leaders are in reach) leads the school.
func staffReachesFamily(classes map[int64]int64, schools map[int64]Staff, children map[int64]int64, schoolID, studentID int64, f MessageFacts, leadersInReach bool) bool {
	if sid, ok := children[studentID]; !ok || sid != schoolID {
		return false
	}
	for _, c := range f.ClassesOf[studentID] {
		if classes[c] == schoolID {
			return true
		}
	}
	return leadersInReach && schools[schoolID].Leader
}

// Conversation is what a decision about an existing conversation needs.
type Conversation struct {
	SchoolID  int64
	Kind      string // direct, group, announcement, student
	StudentID int64  // the child a family conversation is about, or 0
	// Member: the actor is in it; Recipient: as an announcement's
	// recipient, who reads it and replies privately.
	Member    bool
	Recipient bool
	// Blocked: a member of staff in it blocked the actor (a parent).
	Blocked bool
	// ParentReceipts: the school shows parents when staff read.
	ParentReceipts bool
	// Scheduled: an announcement whose sending time has not come yet.
	Scheduled bool
	// Observer: the actor is a student's parent reading along.
	Observer bool
	// StudentsOn: the school lets teachers and this conversation's
	// student write (on, and the student in the grade it set); off, a
	// student conversation is read-only.
	StudentsOn bool
}

// ConvStudent is the kind of a teacher's conversation with a student.
const ConvStudent = "student"

// CanSeeConversation: its members; a parent only while they act for the
// child it is about (a custody block takes it away); an announcement's
// recipients once it is sent (its sender sees it scheduled); a student
// only their own conversations with a teacher.
func CanSeeConversation(a *Actor, c Conversation) bool {
	if !a.LoggedIn() || !c.Member || (c.Recipient && c.Scheduled) {
		return false
	}
	switch a.Kind {
	case Student:
		return c.Kind == ConvStudent && a.StudentID != 0 && c.StudentID == a.StudentID
	case Parent:
		if c.StudentID != 0 {
			_, ok := a.Children[c.StudentID]
			return ok
		}
	}
	return true
}

// CanWriteInConversation: members who see it write in it, except an
// announcement's recipients (they reply privately), a parent blocked by a
// member of staff in it, and anyone without a proven address. In a
// student conversation, the teacher and the student write while the school
// allows it; the parents reading along never do.
func CanWriteInConversation(a *Actor, c Conversation) bool {
	if !CanSeeConversation(a, c) || c.Recipient || c.Observer || c.Blocked {
		return false
	}
	if c.Kind == ConvStudent {
		if !c.StudentsOn {
			return false
		}
		if a.Kind == Student {
			return a.StudentID == c.StudentID
		}
		return isStaff(a.Kind) && CanContactOthers(a)
	}
	return CanContactOthers(a)
}

// StudentMessaging is the answer to whether a member of staff may write
// to a student.
type StudentMessaging int

const (
	// StudentReachable: they may.
	StudentReachable StudentMessaging = iota
	// StudentNotReached: the actor does not teach the student (or is not
	// staff): to them the student is not there.
	StudentNotReached
	// StudentMessagingOff: the school has not turned student messages on.
	StudentMessagingOff
	// StudentBelowGrade: the student is below the grade the school set,
	// or in no class with a grade.
	StudentBelowGrade
)

// StudentFacts are what a decision about writing to a student needs.
type StudentFacts struct {
	Enabled  bool // the school turned student messages on
	MinGrade int  // from this grade up
	Grade    int  // the student's grade (their classes' highest)
	HasGrade bool // false: none of their classes has a grade
}

// CanMessageStudent decides whether the actor may start a conversation
// with a student: a teacher of one of the student's current classes (a
// leader too only if they teach it), with a proven address, where the
// school turned it on and the student is in the grade it set or above.
// Who does not teach the student learns nothing of the school's switches.
func CanMessageStudent(a *Actor, st StudentRef, f StudentFacts) StudentMessaging {
	if !CanContactOthers(a) || !isStaff(a.Kind) || st.ID == 0 {
		return StudentNotReached
	}
	teaches := false
	for _, c := range st.Classes {
		if a.Classes[c] == st.SchoolID {
			teaches = true
		}
	}
	switch {
	case !teaches:
		return StudentNotReached
	case !f.Enabled:
		return StudentMessagingOff
	case !f.HasGrade || f.Grade < f.MinGrade:
		return StudentBelowGrade
	}
	return StudentReachable
}

// StudentMayWrite: the school allows its student conversations now for
// this student (on, and the student in its grade); otherwise they are
// read-only.
func StudentMayWrite(f StudentFacts) bool {
	return f.Enabled && f.HasGrade && f.Grade >= f.MinGrade
}

// CanReplyToAnnouncement: a recipient who sees it answers the sender
// privately, unless the sender blocked them.
func CanReplyToAnnouncement(a *Actor, c Conversation) bool {
	return CanSeeConversation(a, c) && CanContactOthers(a) && c.Recipient && !c.Blocked
}

// CanSeeReceipts: staff see who read their messages and when; parents
// too, unless the school turned it off for parents.
func CanSeeReceipts(a *Actor, c Conversation) bool {
	return CanSeeConversation(a, c) && (a.Kind != Parent || c.ParentReceipts)
}

// CanReportMessage: anyone who sees a message someone else wrote reports
// it to the school's leaders.
func CanReportMessage(a *Actor, c Conversation, senderID int64) bool {
	return CanSeeConversation(a, c) && senderID != a.UserID
}

// CanEditMessage: only its sender corrects a message (the app also holds
// them to the first five minutes).
func CanEditMessage(a *Actor, c Conversation, senderID int64) bool {
	if c.Kind == ConvStudent && !CanWriteInConversation(a, c) {
		return false // read-only once the school turned it off
	}
	return CanSeeConversation(a, c) && senderID != 0 && senderID == a.UserID
}

// CanCancelAnnouncement: its sender calls a scheduled announcement off
// until its time comes; once it has gone it can only be corrected.
func CanCancelAnnouncement(a *Actor, c Conversation, senderID int64) bool {
	return c.Kind == "announcement" && c.Scheduled && CanSeeConversation(a, c) && senderID != 0 && senderID == a.UserID
}

// CanAnnounceToClass: a class's teachers write to all of its families.
func CanAnnounceToClass(a *Actor, c ClassRef) bool {
	return CanContactOthers(a) && CanTeachClass(a, c)
}

// CanAnnounceToSchool: a school's leaders write to all of its families or
// all of its staff, and only they mark an announcement urgent.
func CanAnnounceToSchool(a *Actor, schoolID int64) bool {
	return CanContactOthers(a) && a.IsLeaderOf(schoolID)
}

// CanBlockParent: staff block a parent of a student of their school from
// writing to them.
func CanBlockParent(a *Actor, schoolID int64) bool {
	if !a.LoggedIn() || !isStaff(a.Kind) {
		return false
	}
	_, ok := a.Schools[schoolID]
	return ok
}

// CanLiftMessageBlock: who made the block, or a leader of its school.
func CanLiftMessageBlock(a *Actor, schoolID, blockerID int64) bool {
	return a.LoggedIn() && (a.UserID == blockerID || a.IsLeaderOf(schoolID))
}

// CanReviewMessages: a school's leaders see its blocks and reported
// messages, and export a conversation's history for a safeguarding case
// (which the family's access log then shows).
func CanReviewMessages(a *Actor, schoolID int64) bool {
	return a.LoggedIn() && a.IsLeaderOf(schoolID)
}

// CanSetMessaging: a school's leaders set its messaging switches.
func CanSetMessaging(a *Actor, schoolID int64) bool { return CanReviewMessages(a, schoolID) }

// CanSetQuietHours: everyone sets quiet hours, during which nothing is
// emailed or pushed to them (issue 14); staff's also tell families
// writing to them when they are back.
func CanSetQuietHours(a *Actor) bool { return a.LoggedIn() }
