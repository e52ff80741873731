package authz

import "testing"

// Every restriction policy against one student (100) in class 10 of
// school 1, for each kind of person around them.
func TestRestrictionPolicies(t *testing.T) {
	t.Parallel()
	ava := StudentRef{ID: 100, SchoolID: 1, Classes: []int64{10}}
	actors := []struct {
		name  string
		actor *Actor
	}{
		{"parent of the child", &Actor{UserID: 1, Kind: Parent, Children: map[int64]int64{100: 1}}},
		{"another parent", &Actor{UserID: 2, Kind: Parent, Children: map[int64]int64{101: 1}}},
		{"the student", &Actor{UserID: 3, Kind: Student, StudentID: 100, StudentSchoolID: 1}},
		{"a classmate", &Actor{UserID: 4, Kind: Student, StudentID: 101, StudentSchoolID: 1}},
		{"teacher of the class", &Actor{UserID: 5, Kind: Teacher, Classes: map[int64]int64{10: 1}, Schools: map[int64]Staff{1: {Verified: true}}}},
		{"leader of the school", &Actor{UserID: 6, Kind: Leader, Schools: map[int64]Staff{1: {Leader: true, Verified: true}}}},
		{"leader of another school", &Actor{UserID: 7, Kind: Leader, Schools: map[int64]Staff{2: {Leader: true, Verified: true}}}},
		{"visitor", &Actor{}},
		{"nil actor", nil},
	}
	// want: ask, decide, see the restriction, see the restricted records.
	want := map[string][4]bool{
		"parent of the child":      {true, false, true, true},
		"another parent":           {false, false, false, false},
		"the student":              {true, false, true, true},
		"a classmate":              {false, false, false, false},
		"teacher of the class":     {false, false, false, false},
		"leader of the school":     {false, true, true, true},
		"leader of another school": {false, false, false, false},
		"visitor":                  {false, false, false, false},
		"nil actor":                {false, false, false, false},
	}
	for _, c := range actors {
		got := [4]bool{CanAskRestriction(c.actor, ava.ID), CanDecideRestriction(c.actor, ava), CanSeeRestriction(c.actor, ava),
			CanViewRestrictedRecords(c.actor, ava)}
		if got != want[c.name] {
			t.Errorf("%s: ask, decide, see, view records = %v, want %v", c.name, got, want[c.name])
		}
	}
	// The teacher of the class sees the records while nothing is
	// restricted: the restriction is what takes them away.
	if !CanViewStudentRecords(actors[4].actor, ava) {
		t.Error("the class teacher cannot see an unrestricted student's records")
	}
}
