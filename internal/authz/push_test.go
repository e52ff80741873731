package authz

import "testing"

func TestPushDecisions(t *testing.T) {
	t.Parallel()
	leader := &Actor{UserID: 5, Kind: Leader, Schools: map[int64]Staff{1: {Leader: true, Verified: true}}}
	teacher := &Actor{UserID: 1, Kind: Teacher, Schools: map[int64]Staff{1: {Verified: true}}, Classes: map[int64]int64{10: 1}}
	parent := &Actor{UserID: 9, Kind: Parent, Children: map[int64]int64{100: 1}}
	var visitor *Actor
	for _, c := range []struct {
		name   string
		a      *Actor
		school int64
		want   bool
	}{
		{"leader of the school", leader, 1, true},
		{"leader of another school", leader, 2, false},
		{"teacher", teacher, 1, false},
		{"parent", parent, 1, false},
		{"visitor", visitor, 1, false},
	} {
		if got := CanSetErrorReports(c.a, c.school); got != c.want {
			t.Errorf("CanSetErrorReports %s: %v", c.name, got)
		}
	}
	for _, c := range []struct {
		name string
		a    *Actor
		off  []int64
		want bool
	}{
		{"parent, reports on", parent, nil, true},
		{"parent whose child's school turned them off", parent, []int64{1}, false},
		{"teacher", teacher, nil, true},
		{"visitor", visitor, nil, false},
	} {
		if got := CanReportErrors(c.a, c.off); got != c.want {
			t.Errorf("CanReportErrors %s: %v", c.name, got)
		}
	}
}
