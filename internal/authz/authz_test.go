package authz

import (
	"reflect"
	"testing"
)

// The matrix of account types against one student in class 10 of school 1.
func TestCanViewStudentRecords(t *testing.T) {
	t.Parallel()
	student := StudentRef{ID: 100, SchoolID: 1, Classes: []int64{10}}
	cases := []struct {
		name  string
		actor *Actor
		want  bool
	}{
		{"visitor", &Actor{}, false},
		{"nil actor", nil, false},
		{"class teacher", &Actor{UserID: 1, Kind: Teacher, Classes: map[int64]int64{10: 1}, Schools: map[int64]Staff{1: {}}}, true},
		{"unverified teacher of the school, other class", &Actor{UserID: 2, Kind: Teacher, Classes: map[int64]int64{11: 1}, Schools: map[int64]Staff{1: {}}}, false},
		{"verified teacher of the school", &Actor{UserID: 3, Kind: Teacher, Schools: map[int64]Staff{1: {Verified: true}}}, true},
		{"verified teacher of another school", &Actor{UserID: 4, Kind: Teacher, Schools: map[int64]Staff{2: {Verified: true}}}, false},
		{"leader of the school", &Actor{UserID: 5, Kind: Leader, Schools: map[int64]Staff{1: {Leader: true}}}, true},
		{"leader of another school", &Actor{UserID: 6, Kind: Leader, Schools: map[int64]Staff{2: {Leader: true}}}, false},
		{"the student", &Actor{UserID: 7, Kind: Student, StudentID: 100, StudentSchoolID: 1}, true},
		{"a classmate", &Actor{UserID: 8, Kind: Student, StudentID: 101, StudentSchoolID: 1}, false},
		{"parent of the student", &Actor{UserID: 9, Kind: Parent, Children: map[int64]int64{100: 1}}, true},
		{"parent of another child", &Actor{UserID: 10, Kind: Parent, Children: map[int64]int64{101: 1}}, false},
	}
	for _, c := range cases {
		if got := CanViewStudentRecords(c.actor, student); got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
}

func TestClassAccess(t *testing.T) {
	t.Parallel()
	class := ClassRef{ID: 10, SchoolID: 1}
	cases := []struct {
		name       string
		actor      *Actor
		list, view bool
	}{
		{"visitor", &Actor{}, false, false},
		{"class teacher", &Actor{UserID: 1, Kind: Teacher, Classes: map[int64]int64{10: 1}}, true, true},
		{"other teacher", &Actor{UserID: 2, Kind: Teacher, Classes: map[int64]int64{11: 1}, Schools: map[int64]Staff{1: {Verified: true}}}, true, false},
		{"leader", &Actor{UserID: 3, Kind: Leader, Schools: map[int64]Staff{1: {Leader: true}}}, true, true},
		{"other leader", &Actor{UserID: 4, Kind: Leader, Schools: map[int64]Staff{2: {Leader: true}}}, true, false},
		{"parent", &Actor{UserID: 5, Kind: Parent, Children: map[int64]int64{100: 1}}, false, false},
		{"student", &Actor{UserID: 6, Kind: Student, StudentID: 100, StudentSchoolID: 1}, false, false},
	}
	for _, c := range cases {
		if got := CanListClasses(c.actor); got != c.list {
			t.Errorf("%s list: got %v", c.name, got)
		}
		if got := CanViewClass(c.actor, class); got != c.view {
			t.Errorf("%s view: got %v", c.name, got)
		}
	}
}

func TestSchoolIDs(t *testing.T) {
	t.Parallel()
	a := &Actor{UserID: 1, Schools: map[int64]Staff{3: {}}, Children: map[int64]int64{9: 1, 8: 3}, StudentSchoolID: 2}
	if got := a.SchoolIDs(); !reflect.DeepEqual(got, []int64{1, 2, 3}) {
		t.Errorf("got %v", got)
	}
}
