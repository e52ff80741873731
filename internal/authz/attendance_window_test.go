package authz

import "testing"

func TestCanCorrectAttendanceDay(t *testing.T) {
	class := ClassRef{ID: 7, SchoolID: 1}
	teacher := &Actor{UserID: 2, Kind: Teacher, Classes: map[int64]int64{7: 1}, Schools: map[int64]Staff{1: {}}}
	other := &Actor{UserID: 3, Kind: Teacher, Classes: map[int64]int64{8: 1}, Schools: map[int64]Staff{1: {}}}
	leader := &Actor{UserID: 4, Kind: Leader, Schools: map[int64]Staff{1: {Leader: true}}}
	for _, tc := range []struct {
		name             string
		a                *Actor
		daysBack, window int
		want             bool
	}{
		{"teacher today", teacher, 0, 0, true},
		{"teacher yesterday, today only", teacher, 1, 0, false},
		{"teacher inside window", teacher, 7, 7, true},
		{"teacher past window", teacher, 8, 7, false},
		{"teacher future", teacher, -1, 7, false},
		{"another class's teacher", other, 0, 7, false},
		{"leader long ago", leader, 300, 0, true},
	} {
		if got := CanCorrectAttendanceDay(tc.a, class, tc.daysBack, tc.window); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}
