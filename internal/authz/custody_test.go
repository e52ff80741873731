package authz

import "testing"

// TestCustodyMatrix is DSR-4's and ACL-6's authorization matrix: every
// kind of requester against every decision a custody block or an eligible
// student changes. Parents' actors are built the way sessions build them,
// from their stored links through ChildrenOf, so the matrix tests the
// transition itself, not a hand-made Children map.
func TestCustodyMatrix(t *testing.T) {
	t.Parallel()
	const school, otherSchool, ava, class = 10, 11, 7, 100
	parentOf := func(l ChildLink, p ParentAccess) *Actor {
		return &Actor{UserID: 20, Kind: Parent, EmailVerified: true, Children: ChildrenOf([]ChildLink{l}, p)}
	}
	link := ChildLink{StudentID: ava, SchoolID: school}
	blocked, eligible := link, link
	blocked.Blocked, eligible.Eligible = true, true
	blockedEligible := eligible
	blockedEligible.Blocked = true

	actors := []struct {
		name string
		a    *Actor
	}{
		{"parent", parentOf(link, ParentAccessEnd)},
		{"blocked parent", parentOf(blocked, ParentAccessKeep)},
		{"parent of eligible student, keep", parentOf(eligible, ParentAccessKeep)},
		{"parent of eligible student, end", parentOf(eligible, ParentAccessEnd)},
		{"blocked parent of eligible student, keep", parentOf(blockedEligible, ParentAccessKeep)},
		{"eligible student", &Actor{UserID: 30, Kind: Student, StudentID: ava, StudentSchoolID: school, StudentEligible: true}},
		{"student", &Actor{UserID: 30, Kind: Student, StudentID: ava, StudentSchoolID: school}},
		{"other eligible student", &Actor{UserID: 31, Kind: Student, StudentID: 8, StudentSchoolID: school, StudentEligible: true}},
		{"class teacher", &Actor{UserID: 40, Kind: Teacher, EmailVerified: true, Schools: map[int64]Staff{school: {Verified: true}}, Classes: map[int64]int64{class: school}}},
		{"leader", &Actor{UserID: 50, Kind: Leader, EmailVerified: true, Schools: map[int64]Staff{school: {Leader: true, Verified: true}}}},
		{"leader of another school", &Actor{UserID: 51, Kind: Leader, EmailVerified: true, Schools: map[int64]Staff{otherSchool: {Leader: true, Verified: true}}}},
		{"visitor", &Actor{}},
	}
	s := StudentRef{ID: ava, SchoolID: school, Classes: []int64{class}}
	// Columns: records (points, attendance, reports), family (the child on
	// the family's pages, live points, switching to the child), correction
	// request, custody management, eligibility, filing on a parent's behalf.
	decisions := []struct {
		name string
		f    func(*Actor) bool
	}{
		{"records", func(a *Actor) bool { return CanViewStudentRecords(a, s) }},
		{"family", func(a *Actor) bool { return IsFamilyOf(a, ava) }},
		{"correction", func(a *Actor) bool { return CanRequestCorrection(a, ava) }},
		{"custody", func(a *Actor) bool { return CanManageCustody(a, school) }},
		{"eligibility", func(a *Actor) bool { return CanSetEligible(a, school) }},
		{"on behalf", func(a *Actor) bool { return CanFileOnBehalf(a, school) }},
	}
	want := map[string]string{
		//                                             records family correction custody eligibility onbehalf
		"parent":                                   "1 1 1 0 0 0",
		"blocked parent":                           "0 0 0 0 0 0",
		"parent of eligible student, keep":         "1 1 1 0 0 0",
		"parent of eligible student, end":          "0 0 0 0 0 0",
		"blocked parent of eligible student, keep": "0 0 0 0 0 0",
		"eligible student":                         "1 1 1 0 0 0",
		"student":                                  "1 1 0 0 0 0",
		"other eligible student":                   "0 0 0 0 0 0",
		"class teacher":                            "1 0 0 0 0 0",
		"leader":                                   "1 0 0 1 1 1",
		"leader of another school":                 "0 0 0 0 0 0",
		"visitor":                                  "0 0 0 0 0 0",
	}
	for _, ac := range actors {
		got := ""
		for i, d := range decisions {
			if i > 0 {
				got += " "
			}
			got += map[bool]string{true: "1", false: "0"}[d.f(ac.a)]
		}
		if got != want[ac.name] {
			t.Errorf("%-42s got %s, want %s (records family correction custody eligibility on-behalf)", ac.name, got, want[ac.name])
		}
	}
}

// TestParentAccessSetting: only "keep" keeps parents' access; a missing or
// mistyped setting fails closed.
func TestParentAccessSetting(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]ParentAccess{"keep": ParentAccessKeep, "end": ParentAccessEnd, "": ParentAccessEnd, "Keep ": ParentAccessEnd} {
		if got := ParentAccessOf(in); got != want {
			t.Errorf("ParentAccessOf(%q) = %s, want %s", in, got, want)
		}
	}
	links := []ChildLink{{StudentID: 1, SchoolID: 9}, {StudentID: 2, SchoolID: 9, Eligible: true}, {StudentID: 3, SchoolID: 9, Blocked: true}}
	if got := ChildrenOf(links, ParentAccessEnd); len(got) != 1 || got[1] != 9 {
		t.Errorf("end: %v", got)
	}
	if got := ChildrenOf(links, ParentAccessKeep); len(got) != 2 || got[2] != 9 {
		t.Errorf("keep: %v", got)
	}
}
