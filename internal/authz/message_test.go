package authz

import "testing"

// The messaging matrix, in school 1: teacher 1 teaches class 10 (student
// 100, whose parents are 9 and 19), teacher 2 teaches class 11 (student
// 101, parent 29), leader 5 leads the school; school 2 has its own leader
// 6 and teacher 3.
func TestMessageMatrix(t *testing.T) {
	t.Parallel()
	staff := map[int64]Staff{1: {Verified: true}}
	teacher := &Actor{UserID: 1, Kind: Teacher, EmailVerified: true, Classes: map[int64]int64{10: 1}, Schools: staff}
	teacher2 := &Actor{UserID: 2, Kind: Teacher, EmailVerified: true, Classes: map[int64]int64{11: 1}, Schools: staff}
	unconfirmed := &Actor{UserID: 4, Kind: Teacher, EmailVerified: true, Schools: map[int64]Staff{1: {}}}
	unverifiedEmail := &Actor{UserID: 7, Kind: Teacher, Classes: map[int64]int64{10: 1}, Schools: staff}
	leader := &Actor{UserID: 5, Kind: Leader, EmailVerified: true, Schools: map[int64]Staff{1: {Leader: true, Verified: true}}}
	otherLeader := &Actor{UserID: 6, Kind: Leader, EmailVerified: true, Schools: map[int64]Staff{2: {Leader: true, Verified: true}}}
	otherTeacher := &Actor{UserID: 3, Kind: Teacher, EmailVerified: true, Classes: map[int64]int64{20: 2}, Schools: map[int64]Staff{2: {Verified: true}}}
	parent := &Actor{UserID: 9, Kind: Parent, EmailVerified: true, Children: map[int64]int64{100: 1}}
	coParent := &Actor{UserID: 19, Kind: Parent, EmailVerified: true, Children: map[int64]int64{100: 1}}
	// A parent a custody block cut from student 100: their link is gone
	// from Children (ChildrenOf).
	blockedParent := &Actor{UserID: 39, Kind: Parent, EmailVerified: true, Children: map[int64]int64{}}
	otherParent := &Actor{UserID: 29, Kind: Parent, EmailVerified: true, Children: map[int64]int64{101: 1}}
	student := &Actor{UserID: 8, Kind: Student, EmailVerified: true, StudentID: 100, StudentSchoolID: 1}
	peer := func(a *Actor) MessagePeer {
		return MessagePeer{UserID: a.UserID, Kind: a.Kind, Schools: a.Schools, Classes: a.Classes, Children: a.Children}
	}
	facts := MessageFacts{ClassesOf: map[int64][]int64{100: {10}, 101: {11}}}
	office := facts
	office.Office = map[int64]bool{1: true}
	blocked := facts
	blocked.Blocked = true
	cases := []struct {
		name      string
		from, to  *Actor
		student   int64
		f         MessageFacts
		want      bool
		schoolArg int64
	}{
		{"teacher to a parent of a student of their class", teacher, parent, 100, facts, true, 1},
		{"parent to their child's teacher", parent, teacher, 100, facts, true, 1},
		{"teacher to the other parent of the child", teacher, coParent, 100, facts, true, 1},
		{"teacher to a parent of another class", teacher, otherParent, 101, facts, false, 1},
		{"teacher naming a child the parent does not have", teacher, otherParent, 100, facts, false, 1},
		{"parent to a teacher who does not teach their child", parent, teacher2, 100, facts, false, 1},
		{"parent to another parent", parent, coParent, 100, facts, false, 1},
		{"parent to another class's parent", parent, otherParent, 100, facts, false, 1},
		{"teacher to a parent cut by a custody block", teacher, blockedParent, 100, facts, false, 1},
		{"parent cut by a custody block to the teacher", blockedParent, teacher, 100, facts, false, 1},
		{"parent blocked by the teacher", parent, teacher, 100, blocked, false, 1},
		{"the teacher who blocked still writes", teacher, parent, 100, blocked, true, 1},
		{"leader to any family of the school", leader, otherParent, 101, facts, true, 1},
		{"leader of another school to a family", otherLeader, parent, 100, facts, false, 1},
		{"leader naming the wrong school", leader, parent, 100, facts, false, 2},
		{"parent to the office, not allowed", parent, leader, 100, facts, false, 1},
		{"parent to the office, allowed", parent, leader, 100, office, true, 1},
		{"parent to the office of another school", parent, otherLeader, 100, MessageFacts{Office: map[int64]bool{2: true}}, false, 2},
		{"teacher to teacher of the school", teacher, teacher2, 0, facts, true, 1},
		{"teacher to leader", teacher, leader, 0, facts, true, 1},
		{"leader to teacher", leader, teacher2, 0, facts, true, 1},
		{"teacher to another school's teacher", teacher, otherTeacher, 0, facts, false, 1},
		{"another school's teacher, their school named", otherTeacher, teacher, 0, facts, false, 2},
		{"staff the school has not confirmed", unconfirmed, teacher, 0, facts, false, 1},
		{"to staff the school has not confirmed", teacher, unconfirmed, 0, facts, true, 1},
		{"staff about a child, to staff", teacher, teacher2, 100, facts, false, 1},
		{"teacher without a proven email", unverifiedEmail, parent, 100, facts, false, 1},
		{"student to teacher (off)", student, teacher, 100, facts, false, 1},
		{"teacher to student (off)", teacher, student, 100, facts, false, 1},
		{"to oneself", teacher, teacher, 0, facts, false, 1},
		{"visitor", &Actor{}, teacher, 0, facts, false, 1},
	}
	for _, c := range cases {
		if got := CanMessage(c.from, peer(c.to), c.schoolArg, c.student, c.f); got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
}

// Inside a conversation: reading, writing, replying, receipts, reports.
func TestConversationRules(t *testing.T) {
	t.Parallel()
	teacher := &Actor{UserID: 1, Kind: Teacher, EmailVerified: true, Classes: map[int64]int64{10: 1}, Schools: map[int64]Staff{1: {Verified: true}}}
	parent := &Actor{UserID: 9, Kind: Parent, EmailVerified: true, Children: map[int64]int64{100: 1}}
	cut := &Actor{UserID: 9, Kind: Parent, EmailVerified: true, Children: map[int64]int64{}}
	unverified := &Actor{UserID: 9, Kind: Parent, Children: map[int64]int64{100: 1}}
	family := Conversation{SchoolID: 1, Kind: "direct", StudentID: 100, Member: true, ParentReceipts: true}
	announcement := Conversation{SchoolID: 1, Kind: "announcement", Member: true, Recipient: true, ParentReceipts: true}
	stranger := family
	stranger.Member = false
	noReceipts := family
	noReceipts.ParentReceipts = false
	blocked := family
	blocked.Blocked = true
	blockedAnn := announcement
	blockedAnn.Blocked = true
	// name → see, write, reply, receipts, report the teacher's message
	cases := []struct {
		name string
		a    *Actor
		c    Conversation
		want [5]bool
	}{
		{"parent in a family conversation", parent, family, [5]bool{true, true, false, true, true}},
		{"parent, school hides receipts from parents", parent, noReceipts, [5]bool{true, true, false, false, true}},
		{"teacher, school hides receipts from parents", &Actor{UserID: 2, Kind: Teacher, EmailVerified: true}, noReceipts, [5]bool{true, true, false, true, true}},
		{"parent cut from the child by a custody block", cut, family, [5]bool{false, false, false, false, false}},
		{"not a member", parent, stranger, [5]bool{false, false, false, false, false}},
		{"parent blocked by the teacher", parent, blocked, [5]bool{true, false, false, true, true}},
		{"parent without a proven email", unverified, family, [5]bool{true, false, false, true, true}},
		{"announcement recipient", parent, announcement, [5]bool{true, false, true, true, true}},
		{"announcement recipient the sender blocked", parent, blockedAnn, [5]bool{true, false, false, true, true}},
		{"the teacher's own message", teacher, family, [5]bool{true, true, false, true, false}},
	}
	for _, c := range cases {
		got := [5]bool{CanSeeConversation(c.a, c.c), CanWriteInConversation(c.a, c.c), CanReplyToAnnouncement(c.a, c.c),
			CanSeeReceipts(c.a, c.c), CanReportMessage(c.a, c.c, 1)}
		if got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
	if !CanEditMessage(teacher, family, 1) || CanEditMessage(parent, family, 1) || CanEditMessage(teacher, family, 0) {
		t.Error("only the sender edits their message")
	}
}

// Announcements, blocks, reviews and settings.
func TestMessageAdminRules(t *testing.T) {
	t.Parallel()
	teacher := &Actor{UserID: 1, Kind: Teacher, EmailVerified: true, Classes: map[int64]int64{10: 1}, Schools: map[int64]Staff{1: {Verified: true}}}
	leader := &Actor{UserID: 5, Kind: Leader, EmailVerified: true, Schools: map[int64]Staff{1: {Leader: true, Verified: true}}}
	parent := &Actor{UserID: 9, Kind: Parent, EmailVerified: true, Children: map[int64]int64{100: 1}}
	class := ClassRef{ID: 10, SchoolID: 1}
	checks := []struct {
		name string
		got  bool
		want bool
	}{
		{"teacher announces to their class", CanAnnounceToClass(teacher, class), true},
		{"teacher announces to another class", CanAnnounceToClass(teacher, ClassRef{ID: 11, SchoolID: 1}), false},
		{"leader announces to a class they do not teach", CanAnnounceToClass(leader, class), false},
		{"leader announces to the school", CanAnnounceToSchool(leader, 1), true},
		{"teacher announces to the school", CanAnnounceToSchool(teacher, 1), false},
		{"parent announces", CanAnnounceToClass(parent, class) || CanAnnounceToSchool(parent, 1), false},
		{"teacher blocks a parent", CanBlockParent(teacher, 1), true},
		{"teacher of another school blocks", CanBlockParent(teacher, 2), false},
		{"parent blocks", CanBlockParent(parent, 1), false},
		{"blocker lifts their block", CanLiftMessageBlock(teacher, 1, 1), true},
		{"leader lifts a teacher's block", CanLiftMessageBlock(leader, 1, 1), true},
		{"another teacher lifts it", CanLiftMessageBlock(&Actor{UserID: 2, Kind: Teacher}, 1, 1), false},
		{"leader reviews", CanReviewMessages(leader, 1), true},
		{"teacher reviews", CanReviewMessages(teacher, 1), false},
		{"leader sets messaging", CanSetMessaging(leader, 1), true},
		{"teacher sets quiet hours", CanSetQuietHours(teacher), true},
		{"parent sets quiet hours", CanSetQuietHours(parent), true},
		{"visitor sets quiet hours", CanSetQuietHours(&Actor{}), false},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}
}

// Teacher ↔ student messages: who may start one, in school 1 where teacher
// 1 teaches class 10 (student 100) and teacher 2 class 11.
func TestStudentMessagingRules(t *testing.T) {
	t.Parallel()
	staff := map[int64]Staff{1: {Verified: true}}
	teacher := &Actor{UserID: 1, Kind: Teacher, EmailVerified: true, Classes: map[int64]int64{10: 1}, Schools: staff}
	teacher2 := &Actor{UserID: 2, Kind: Teacher, EmailVerified: true, Classes: map[int64]int64{11: 1}, Schools: staff}
	leader := &Actor{UserID: 5, Kind: Leader, EmailVerified: true, Schools: map[int64]Staff{1: {Leader: true, Verified: true}}}
	teachingLeader := &Actor{UserID: 6, Kind: Leader, EmailVerified: true, Classes: map[int64]int64{10: 1}, Schools: map[int64]Staff{1: {Leader: true, Verified: true}}}
	unverified := &Actor{UserID: 7, Kind: Teacher, Classes: map[int64]int64{10: 1}, Schools: staff}
	parent := &Actor{UserID: 9, Kind: Parent, EmailVerified: true, Children: map[int64]int64{100: 1}}
	student := &Actor{UserID: 8, Kind: Student, EmailVerified: true, StudentID: 101, StudentSchoolID: 1}
	ava := StudentRef{ID: 100, SchoolID: 1, Classes: []int64{10}}
	on := StudentFacts{Enabled: true, MinGrade: 6, Grade: 7, HasGrade: true}
	off := on
	off.Enabled = false
	young := on
	young.Grade = 5
	noGrade := StudentFacts{Enabled: true, MinGrade: 6}
	atGrade := on
	atGrade.Grade = 6
	cases := []struct {
		name string
		a    *Actor
		st   StudentRef
		f    StudentFacts
		want StudentMessaging
	}{
		{"teacher of the class, on, grade 7 of 6", teacher, ava, on, StudentReachable},
		{"exactly the school's grade", teacher, ava, atGrade, StudentReachable},
		{"school has not turned it on", teacher, ava, off, StudentMessagingOff},
		{"below the school's grade", teacher, ava, young, StudentBelowGrade},
		{"no class of the student has a grade", teacher, ava, noGrade, StudentBelowGrade},
		{"another class's teacher learns nothing of the switch", teacher2, ava, off, StudentNotReached},
		{"another class's teacher, on", teacher2, ava, on, StudentNotReached},
		{"a leader who does not teach the class", leader, ava, on, StudentNotReached},
		{"a leader who teaches the class", teachingLeader, ava, on, StudentReachable},
		{"teacher without a proven email", unverified, ava, on, StudentNotReached},
		{"a parent", parent, ava, on, StudentNotReached},
		{"a student to another student", student, ava, on, StudentNotReached},
		{"the class of another school", teacher, StudentRef{ID: 100, SchoolID: 2, Classes: []int64{10}}, on, StudentNotReached},
		{"visitor", &Actor{}, ava, on, StudentNotReached},
	}
	for _, c := range cases {
		if got := CanMessageStudent(c.a, c.st, c.f); got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
	if !StudentMayWrite(on) || StudentMayWrite(off) || StudentMayWrite(young) || StudentMayWrite(noGrade) {
		t.Error("StudentMayWrite: only on and at the grade")
	}
}

// Inside a student conversation: the teacher and the student write while
// the school allows it, the parents read along, and off it is read-only.
func TestStudentConversationRules(t *testing.T) {
	t.Parallel()
	teacher := &Actor{UserID: 1, Kind: Teacher, EmailVerified: true, Classes: map[int64]int64{10: 1}, Schools: map[int64]Staff{1: {Verified: true}}}
	student := &Actor{UserID: 8, Kind: Student, StudentID: 100, StudentSchoolID: 1}
	otherStudent := &Actor{UserID: 18, Kind: Student, StudentID: 101, StudentSchoolID: 1}
	parent := &Actor{UserID: 9, Kind: Parent, EmailVerified: true, Children: map[int64]int64{100: 1}}
	cut := &Actor{UserID: 9, Kind: Parent, EmailVerified: true, Children: map[int64]int64{}}
	conv := Conversation{SchoolID: 1, Kind: ConvStudent, StudentID: 100, Member: true, StudentsOn: true, ParentReceipts: true}
	reading := conv
	reading.Observer = true
	off := conv
	off.StudentsOn = false
	offReading := off
	offReading.Observer = true
	// A student is in no other kind of conversation: were they made a
	// member of one, they still would not see it.
	direct := Conversation{SchoolID: 1, Kind: "direct", StudentID: 100, Member: true}
	// name → see, write, edit own, report the other's message
	cases := []struct {
		name   string
		a      *Actor
		c      Conversation
		sender int64
		want   [4]bool
	}{
		{"teacher, on", teacher, conv, 8, [4]bool{true, true, true, true}},
		{"student, on (no email needed)", student, conv, 1, [4]bool{true, true, true, true}},
		{"parent reading along", parent, reading, 1, [4]bool{true, false, false, true}},
		{"parent cut by a custody block", cut, reading, 1, [4]bool{false, false, false, false}},
		{"another student, were they a member", otherStudent, conv, 1, [4]bool{false, false, false, false}},
		{"teacher, turned off", teacher, off, 8, [4]bool{true, false, false, true}},
		{"student, turned off", student, off, 1, [4]bool{true, false, false, true}},
		{"parent, turned off", parent, offReading, 1, [4]bool{true, false, false, true}},
		{"student in a family conversation", student, direct, 1, [4]bool{false, false, false, false}},
	}
	for _, c := range cases {
		own := c.a.UserID
		got := [4]bool{CanSeeConversation(c.a, c.c), CanWriteInConversation(c.a, c.c), CanEditMessage(c.a, c.c, own), CanReportMessage(c.a, c.c, c.sender)}
		if got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
}
