package authz

import "testing"

func TestPrivacyPolicies(t *testing.T) {
	t.Parallel()
	leader := &Actor{UserID: 1, Kind: Leader, Schools: map[int64]Staff{10: {Leader: true, Verified: true}}}
	teacher := &Actor{UserID: 2, Kind: Teacher, Schools: map[int64]Staff{10: {Verified: true}}, Classes: map[int64]int64{100: 10}}
	other := &Actor{UserID: 3, Kind: Teacher, Schools: map[int64]Staff{10: {Verified: true}}, Classes: map[int64]int64{101: 10}}
	parent := &Actor{UserID: 4, Kind: Parent, Children: map[int64]int64{7: 10}}
	student := &Actor{UserID: 5, Kind: Student, StudentID: 7, StudentSchoolID: 10}
	visitor := &Actor{}
	ava := StudentRef{ID: 7, SchoolID: 10, Classes: []int64{100}}
	cases := []struct {
		name string
		got  bool
		want bool
	}{
		{"leader erases own school's student", CanEraseStudent(leader, 10), true},
		{"leader of another school", CanEraseStudent(leader, 11), false},
		{"teacher cannot erase", CanEraseStudent(teacher, 10), false},
		{"parent cannot erase", CanEraseStudent(parent, 10), false},
		{"visitor cannot erase", CanEraseStudent(visitor, 10), false},
		{"leader sets retention", CanSetRetention(leader, 10), true},
		{"teacher cannot set retention", CanSetRetention(teacher, 10), false},
		{"parent asks about own child", CanRequestCorrection(parent, 7), true},
		{"parent about another child", CanRequestCorrection(parent, 8), false},
		{"student cannot ask", CanRequestCorrection(student, 7), false},
		{"teacher cannot ask", CanRequestCorrection(teacher, 7), false},
		{"class teacher decides", CanDecideCorrection(teacher, ava), true},
		{"another class's teacher", CanDecideCorrection(other, ava), false},
		{"leader decides", CanDecideCorrection(leader, ava), true},
		{"parent cannot decide", CanDecideCorrection(parent, ava), false},
		{"visitor cannot decide", CanDecideCorrection(visitor, ava), false},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}
}
