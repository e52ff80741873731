package authz

import "testing"

func TestHelpRequestPolicy(t *testing.T) {
	t.Parallel()
	leader := &Actor{UserID: 1, Kind: Leader, Schools: map[int64]Staff{10: {Leader: true, Verified: true}}}
	teacher := &Actor{UserID: 2, Kind: Teacher, Schools: map[int64]Staff{10: {Verified: true}}}
	parent := &Actor{UserID: 3, Kind: Parent, Children: map[int64]int64{5: 10}}
	var visitor *Actor
	for _, tc := range []struct {
		name   string
		a      *Actor
		school int64
		want   bool
	}{
		{"the school's leader", leader, 10, true},
		{"a leader of another school", leader, 11, false},
		{"no school (the operator's)", leader, 0, false},
		{"a teacher of the school", teacher, 10, false},
		{"a parent at the school", parent, 10, false},
		{"a visitor", visitor, 10, false},
	} {
		if got := CanAnswerHelp(tc.a, tc.school); got != tc.want {
			t.Errorf("%s answers: %v, want %v", tc.name, got, tc.want)
		}
	}
	if !CanAskForHelp(visitor) || !CanAskForHelp(parent) {
		t.Error("anyone may ask for help")
	}
	if !CanSeeOwnHelpRequest(parent, 3) || CanSeeOwnHelpRequest(parent, 4) || CanSeeOwnHelpRequest(visitor, 0) || CanSeeOwnHelpRequest(&Actor{}, 0) {
		t.Error("only the logged-in requester sees their own request")
	}
}
