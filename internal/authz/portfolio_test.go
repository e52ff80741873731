package authz

import "testing"

// The portfolio matrix: student 100 (in class 10 of school 1 this year,
// class 9 last year) and a piece of their work posted in class 10, in each
// state, against everyone who might ask.
func TestPortfolioMatrix(t *testing.T) {
	t.Parallel()
	teacher := &Actor{UserID: 1, Kind: Teacher, Classes: map[int64]int64{10: 1}, Schools: map[int64]Staff{1: {}}}
	coTeacher := &Actor{UserID: 11, Kind: Teacher, Classes: map[int64]int64{10: 1}, Schools: map[int64]Staff{1: {Verified: true}}}
	lastYear := &Actor{UserID: 12, Kind: Teacher, Classes: map[int64]int64{9: 1}, Schools: map[int64]Staff{1: {Verified: true}}}
	nextYear := &Actor{UserID: 13, Kind: Teacher, Classes: map[int64]int64{20: 1}, Schools: map[int64]Staff{1: {Verified: true}}}
	otherTeacher := &Actor{UserID: 2, Kind: Teacher, Classes: map[int64]int64{11: 1}, Schools: map[int64]Staff{1: {Verified: true}}}
	leader := &Actor{UserID: 5, Kind: Leader, Schools: map[int64]Staff{1: {Leader: true, Verified: true}}}
	otherLeader := &Actor{UserID: 6, Kind: Leader, Schools: map[int64]Staff{2: {Leader: true}}}
	parent := &Actor{UserID: 9, Kind: Parent, Children: ChildrenOf([]ChildLink{{StudentID: 100, SchoolID: 1}}, ParentAccessEnd)}
	blocked := &Actor{UserID: 19, Kind: Parent, Children: ChildrenOf([]ChildLink{{StudentID: 100, SchoolID: 1, Blocked: true}}, ParentAccessEnd)}
	ended := &Actor{UserID: 29, Kind: Parent, Children: ChildrenOf([]ChildLink{{StudentID: 100, SchoolID: 1, Eligible: true}}, ParentAccessEnd)}
	otherParent := &Actor{UserID: 8, Kind: Parent, Children: map[int64]int64{101: 1}}
	student := &Actor{UserID: 7, Kind: Student, StudentID: 100, StudentSchoolID: 1}
	classmate := &Actor{UserID: 17, Kind: Student, StudentID: 101, StudentSchoolID: 1}

	people := []struct {
		name string
		a    *Actor
	}{
		{"visitor", &Actor{}}, {"student", student}, {"classmate", classmate}, {"parent", parent},
		{"blocked parent", blocked}, {"parent of an eligible student", ended}, {"another child's parent", otherParent},
		{"teacher", teacher}, {"co-teacher", coTeacher}, {"last year's teacher", lastYear}, {"next year's teacher", nextYear},
		{"teacher of another class", otherTeacher}, {"leader", leader}, {"leader of another school", otherLeader},
	}
	// name → sees pending, sees returned, sees approved, reviews, sees reviews, likes approved, comments approved, deletes, revises pending
	want := map[string][9]bool{
		"visitor":                       {},
		"student":                       {true, true, true, false, true, false, false, true, true},
		"classmate":                     {},
		"parent":                        {false, false, true, false, false, true, true, false, false},
		"blocked parent":                {},
		"parent of an eligible student": {},
		"another child's parent":        {},
		"teacher":                       {true, true, true, true, true, true, true, true, false},
		"co-teacher":                    {true, true, true, true, true, true, true, true, false},
		"last year's teacher":           {},
		"next year's teacher":           {true, true, true, true, true, true, true, true, false},
		"teacher of another class":      {},
		"leader":                        {true, true, true, true, true, true, true, true, false},
		"leader of another school":      {},
	}
	base := PortfolioItem{SchoolID: 1, StudentID: 100, ClassID: 10, StudentClasses: []int64{10}}
	for _, p := range people {
		item := func(status string) PortfolioItem {
			it := base
			it.Status = status
			if p.name == "next year's teacher" {
				it.StudentClasses = []int64{20} // the student moved up; the work was posted in class 10
			}
			return it
		}
		pending, returned, approved := item(PortfolioPending), item(PortfolioReturned), item(PortfolioApproved)
		got := [9]bool{CanSeePortfolioItem(p.a, pending), CanSeePortfolioItem(p.a, returned), CanSeePortfolioItem(p.a, approved),
			CanReviewPortfolioItem(p.a, pending), CanSeePortfolioReviews(p.a, returned), CanReactToPortfolio(p.a, approved),
			CanCommentOnPortfolio(p.a, approved), CanDeletePortfolioItem(p.a, pending), CanRevisePortfolioItem(p.a, pending)}
		if p.name == "last year's teacher" {
			// Last year's class is not the item's class nor the student's now.
			got = [9]bool{}
			for _, st := range []string{PortfolioPending, PortfolioApproved} {
				it := base
				it.Status = st
				if CanSeePortfolioItem(p.a, it) {
					t.Errorf("last year's teacher sees %s work of a student who moved on", st)
				}
			}
		}
		if got != want[p.name] {
			t.Errorf("%s: got %v, want %v", p.name, got, want[p.name])
		}
		// Nobody likes or comments on work not yet approved.
		for _, st := range []string{PortfolioPending, PortfolioReturned} {
			if CanReactToPortfolio(p.a, item(st)) || CanCommentOnPortfolio(p.a, item(st)) {
				t.Errorf("%s may react to %s work", p.name, st)
			}
		}
		// Approved work can never be revised, only replaced.
		if CanRevisePortfolioItem(p.a, approved) {
			t.Errorf("%s may revise approved work", p.name)
		}
	}

	// Families' comments off: parents cannot comment, staff still can.
	off := base
	off.Status, off.CommentsOff = PortfolioApproved, true
	if CanCommentOnPortfolio(parent, off) || !CanReactToPortfolio(parent, off) {
		t.Error("with comments off a parent still comments, or no longer likes")
	}
	if !CanCommentOnPortfolio(teacher, off) {
		t.Error("with families' comments off the teacher cannot comment")
	}

	// A restriction of processing hides the work from teachers, not from
	// the family or the leaders.
	r := base
	r.Status, r.Restricted = PortfolioApproved, true
	for _, a := range []*Actor{teacher, coTeacher} {
		if CanSeePortfolioItem(a, r) || CanReviewPortfolioItem(a, r) {
			t.Error("a teacher sees restricted work")
		}
	}
	for _, a := range []*Actor{student, parent, leader} {
		if !CanSeePortfolioItem(a, r) {
			t.Errorf("actor %d lost sight of restricted work", a.UserID)
		}
	}

	// Only the student posts to their own portfolio.
	for _, c := range []struct {
		a    *Actor
		want bool
	}{{student, true}, {classmate, false}, {parent, false}, {teacher, false}, {leader, false}, {&Actor{}, false}} {
		if CanPostToPortfolio(c.a, 100) != c.want {
			t.Errorf("actor %d posting to student 100: want %v", c.a.UserID, c.want)
		}
	}

	// Whose portfolio page opens.
	ref := StudentRef{ID: 100, SchoolID: 1, Classes: []int64{10}}
	for _, c := range []struct {
		a    *Actor
		want bool
	}{{student, true}, {classmate, false}, {parent, true}, {blocked, false}, {otherParent, false}, {teacher, true},
		{otherTeacher, false}, {leader, true}, {otherLeader, false}} {
		if CanSeePortfolioOf(c.a, ref) != c.want {
			t.Errorf("actor %d opening student 100's portfolio: want %v", c.a.UserID, c.want)
		}
	}
}

// Activities: the class's teachers set them; students see only those for them.
func TestPortfolioActivities(t *testing.T) {
	t.Parallel()
	teacher := &Actor{UserID: 1, Kind: Teacher, Classes: map[int64]int64{10: 1}, Schools: map[int64]Staff{1: {}}}
	other := &Actor{UserID: 2, Kind: Teacher, Classes: map[int64]int64{11: 1}, Schools: map[int64]Staff{1: {Verified: true}}}
	leader := &Actor{UserID: 5, Kind: Leader, Schools: map[int64]Staff{1: {Leader: true}}}
	student := &Actor{UserID: 7, Kind: Student, StudentID: 100}
	c := ClassRef{ID: 10, SchoolID: 1}
	if !CanSetActivities(teacher, c) || CanSetActivities(other, c) || CanSetActivities(leader, c) || CanSetActivities(student, c) {
		t.Error("only the class's teachers set its activities")
	}
	act := PortfolioActivity{SchoolID: 1, ClassID: 10}
	if !CanSeeActivity(teacher, act) || CanSeeActivity(other, act) || !CanSeeActivity(leader, act) {
		t.Error("the class's teachers and leaders see its activities, another class's teacher does not")
	}
	if CanSeeActivity(student, act) {
		t.Error("a student sees an activity not for them")
	}
	act.Assigned = true
	if !CanSeeActivity(student, act) {
		t.Error("a student does not see their activity")
	}
	if !CanSeePortfolioQueue(teacher, c) || !CanSeePortfolioQueue(leader, c) || CanSeePortfolioQueue(other, c) || CanSeePortfolioQueue(student, c) {
		t.Error("queue: the class's teachers and leaders only")
	}
	if !CanSetPortfolioClass(leader, c) || !CanSetPortfolioClass(teacher, c) || CanSetPortfolioClass(other, c) {
		t.Error("class settings: its teachers and leaders")
	}
	if !CanSetPortfolioSchool(leader, 1) || CanSetPortfolioSchool(teacher, 1) {
		t.Error("school setting: leaders")
	}
}

// Approval may be turned off only for classes at or above the grade the
// school chose; without a school grade or a class grade it stays on.
func TestPortfolioApprovalRule(t *testing.T) {
	t.Parallel()
	g := func(n int) *int { return &n }
	for _, c := range []struct {
		school, class *int
		off, want     bool
	}{
		{nil, g(8), true, true},     // the school never allows it
		{g(6), nil, true, true},     // a class without a grade
		{g(6), g(5), true, true},    // too young
		{g(6), g(6), true, false},   // at the grade, switched off
		{g(6), g(9), true, false},   // above
		{g(6), g(9), false, true},   // allowed, not switched off
		{g(0), g(0), true, false},   // a school allowing every grade
		{g(12), g(11), true, true},  // raised later: approval is back
		{nil, nil, false, true},     // defaults
		{g(6), g(12), false, true},  // the switch is the class's
		{g(3), g(3), true, false},   // exact
		{g(4), g(3), true, true},    // one below
		{g(12), g(12), true, false}, // the top
	} {
		if got := PortfolioNeedsApproval(c.school, c.class, c.off); got != c.want {
			t.Errorf("school %v class %v off %v: needs approval %v, want %v", c.school, c.class, c.off, got, c.want)
		}
	}
}
