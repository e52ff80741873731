package authz

import "testing"

// Who opens a class's tools, edits its skills and chooses characters: the
// account types against class 10 of school 1 and its student 100.
func TestClassroomTools(t *testing.T) {
	t.Parallel()
	class := ClassRef{ID: 10, SchoolID: 1}
	cases := []struct {
		name                       string
		actor                      *Actor
		tools, skills, avatarOther bool
	}{
		{"visitor", &Actor{}, false, false, false},
		{"nil actor", nil, false, false, false},
		{"class teacher", &Actor{UserID: 1, Kind: Teacher, Classes: map[int64]int64{10: 1}, Schools: map[int64]Staff{1: {Verified: true}}}, true, true, true},
		{"verified teacher of another class", &Actor{UserID: 2, Kind: Teacher, Classes: map[int64]int64{11: 1}, Schools: map[int64]Staff{1: {Verified: true}}}, false, false, false},
		{"leader of the school", &Actor{UserID: 3, Kind: Leader, Schools: map[int64]Staff{1: {Leader: true}}}, true, false, false},
		{"leader of another school", &Actor{UserID: 4, Kind: Leader, Schools: map[int64]Staff{2: {Leader: true}}}, false, false, false},
		{"parent of a student of the class", &Actor{UserID: 5, Kind: Parent, Children: map[int64]int64{100: 1}}, false, false, false},
		{"student of the class", &Actor{UserID: 6, Kind: Student, StudentID: 100, StudentSchoolID: 1}, false, false, false},
	}
	for _, c := range cases {
		if got := CanUseClassroomTools(c.actor, class); got != c.tools {
			t.Errorf("%s tools: got %v", c.name, got)
		}
		if got := CanEditClassSkills(c.actor, class); got != c.skills {
			t.Errorf("%s skills: got %v", c.name, got)
		}
		if got := CanSetClassAvatarChoice(c.actor, class); got != c.skills {
			t.Errorf("%s avatar setting: got %v", c.name, got)
		}
		if got := CanSetStudentAvatar(c.actor, class, true); got != c.avatarOther {
			t.Errorf("%s choosing a student's character: got %v", c.name, got)
		}
		if CanSetStudentAvatar(c.actor, class, false) {
			t.Errorf("%s chooses the character of a student not in the class", c.name)
		}
	}
}

func TestCanChooseOwnAvatar(t *testing.T) {
	t.Parallel()
	student := &Actor{UserID: 6, Kind: Student, StudentID: 100, StudentSchoolID: 1}
	cases := []struct {
		name      string
		actor     *Actor
		studentID int64
		off, want bool
	}{
		{"the student", student, 100, false, true},
		{"the student, a class turned it off", student, 100, true, false},
		{"another student's character", student, 101, false, false},
		{"a student without a profile", &Actor{UserID: 7, Kind: Student}, 0, false, false},
		{"a parent", &Actor{UserID: 5, Kind: Parent, Children: map[int64]int64{100: 1}}, 100, false, false},
		{"a teacher", &Actor{UserID: 1, Kind: Teacher, Classes: map[int64]int64{10: 1}}, 100, false, false},
		{"visitor", &Actor{}, 100, false, false},
	}
	for _, c := range cases {
		if got := CanChooseOwnAvatar(c.actor, c.studentID, c.off); got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
}
