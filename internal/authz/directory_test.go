package authz

import "testing"

// The School Directory's rules for school 1, whose student 100 is in class
// 10, against every kind of person.
func TestDirectoryRules(t *testing.T) {
	t.Parallel()
	student := StudentRef{ID: 100, SchoolID: 1, Classes: []int64{10}}
	type want struct{ join, view, manage, confirm, inviteTeacher, inviteParent bool }
	cases := []struct {
		name  string
		actor *Actor
		want  want
	}{
		{"visitor", &Actor{}, want{}},
		{"nil actor", nil, want{}},
		{"teacher without a school", &Actor{UserID: 1, Kind: Teacher, EmailVerified: true}, want{join: true}},
		{"leader account without a school", &Actor{UserID: 2, Kind: Leader, EmailVerified: true}, want{join: true}},
		{"verified leader", &Actor{UserID: 3, Kind: Leader, EmailVerified: true, Schools: map[int64]Staff{1: {Leader: true, Verified: true}}},
			want{true, true, true, true, true, true}},
		{"leader the school has not verified (added the school)", &Actor{UserID: 4, Kind: Leader, EmailVerified: true, Schools: map[int64]Staff{1: {Leader: true}}},
			want{join: true, view: true, manage: true, inviteTeacher: true, inviteParent: true}},
		{"leader with an unverified email", &Actor{UserID: 5, Kind: Leader, Schools: map[int64]Staff{1: {Leader: true, Verified: true}}},
			want{join: true, view: true, manage: true, confirm: true}},
		{"verified teacher of the class", &Actor{UserID: 6, Kind: Teacher, EmailVerified: true, Classes: map[int64]int64{10: 1}, Schools: map[int64]Staff{1: {Verified: true}}},
			want{join: true, view: true, inviteTeacher: true, inviteParent: true}},
		{"verified teacher of another class", &Actor{UserID: 7, Kind: Teacher, EmailVerified: true, Classes: map[int64]int64{11: 1}, Schools: map[int64]Staff{1: {Verified: true}}},
			want{join: true, view: true, inviteTeacher: true}},
		{"unverified teacher of the class", &Actor{UserID: 8, Kind: Teacher, EmailVerified: true, Classes: map[int64]int64{10: 1}, Schools: map[int64]Staff{1: {}}},
			want{join: true, inviteTeacher: true, inviteParent: true}},
		{"teacher of another school", &Actor{UserID: 9, Kind: Teacher, EmailVerified: true, Schools: map[int64]Staff{2: {Leader: true, Verified: true}}},
			want{join: true}},
		{"parent of the student", &Actor{UserID: 10, Kind: Parent, EmailVerified: true, Children: map[int64]int64{100: 1}}, want{}},
		{"the student", &Actor{UserID: 11, Kind: Student, StudentID: 100, StudentSchoolID: 1}, want{}},
	}
	for _, c := range cases {
		got := want{CanJoinSchool(c.actor), CanViewDirectory(c.actor, 1), CanManageStaff(c.actor, 1), CanConfirmSchool(c.actor, 1),
			CanInviteTeacher(c.actor, 1), CanInviteParent(c.actor, student)}
		if got != c.want {
			t.Errorf("%s:\n got %+v\nwant %+v", c.name, got, c.want)
		}
	}
}
