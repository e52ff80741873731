package app

import (
	"context"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"cubby/internal/authz"
	"cubby/internal/store"
)

// The classroom tools of a class (issue 15): a random student picker and
// random groups, from the students in the room today. (The timer and the
// noise meter run in the browser alone.) Nothing here is stored: a pick
// and a set of groups travel in the page's address, so "pick again" and
// a group's point need no table, and a group's point is an ordinary award
// to each of its students (AwardPoints), recorded per student.

// ClassTools is what the tools of a class work from.
type ClassTools struct {
	Class  *store.Class
	Roster []store.Student
	// Present are the students in the room: when attendance was taken
	// today, everyone not marked absent or gone early; otherwise everyone
	// (AttendanceTaken false, and the pages say so).
	Present         []store.Student
	AttendanceTaken bool
	// Restricted students (processing restricted) are picked and grouped
	// like the others, as they are in the room, but receive no points.
	Restricted map[int64]bool
	Skills     []store.Skill
	// CanAward: the actor gives points here (the class's own teachers, in
	// a class that is not archived).
	CanAward bool
}

// ClassToolsFor loads a class's tools for its teachers and the school's
// leaders; anyone else gets ErrNotFound. Opening them is a view of the
// class (its names and today's attendance), audited as the class screen.
func (a *App) ClassToolsFor(ctx context.Context, s *Session, classID int64) (*ClassTools, error) {
	c, err := store.ClassRefByID(ctx, a.db.R, classID)
	if err != nil {
		return nil, err
	}
	ref := authz.ClassRef{ID: c.ID, SchoolID: c.SchoolID}
	if !authz.CanUseClassroomTools(s.Actor, ref) {
		return nil, ErrNotFound
	}
	if err := a.AuditClassRead(ctx, s, c, ViewClass); err != nil {
		return nil, err
	}
	t := &ClassTools{Class: c, CanAward: c.ArchivedAt == nil && authz.CanTeachClass(s.Actor, ref)}
	if t.Roster, err = store.StudentsOfClass(ctx, a.db.R, c.ID); err != nil {
		return nil, err
	}
	today, err := store.AttendanceOfClassDay(ctx, a.db.R, c.ID, a.Today())
	if err != nil {
		return nil, err
	}
	t.AttendanceTaken = len(today) > 0
	for _, st := range t.Roster {
		if rec, ok := today[st.ID]; ok && (rec.Status == store.Absent || rec.Status == store.LeftEarly) {
			continue
		}
		t.Present = append(t.Present, st)
	}
	if t.Restricted, err = a.restrictedIn(ctx, c.SchoolID); err != nil {
		return nil, err
	}
	if t.CanAward {
		t.Skills, err = store.SkillsForClass(ctx, a.db.R, c.SchoolID, c.ID)
	}
	return t, err
}

// Pick is one turn of the random picker.
type Pick struct {
	Student store.Student
	// Seen are the students picked in this round, the new one included:
	// the next pick leaves them out until everyone has had a turn.
	Seen []int64
	// NewRound: everyone had had a turn, so this pick started again.
	NewRound bool
}

// PickStudent chooses one of the present students at random, leaving out
// those already seen this round; when all have been, a new round starts.
// It reports false when no one is present.
func PickStudent(present []store.Student, seen []int64, rnd *rand.Rand) (Pick, bool) {
	if len(present) == 0 {
		return Pick{}, false
	}
	var left []store.Student
	for _, st := range present {
		if !slices.Contains(seen, st.ID) {
			left = append(left, st)
		}
	}
	p := Pick{}
	if len(left) == 0 {
		left, seen, p.NewRound = present, nil, true
	}
	p.Student = left[rnd.IntN(len(left))]
	// Only students still present count toward the round.
	for _, id := range seen {
		if slices.ContainsFunc(present, func(st store.Student) bool { return st.ID == id }) {
			p.Seen = append(p.Seen, id)
		}
	}
	p.Seen = append(p.Seen, p.Student.ID)
	return p, true
}

// The sizes of group the groups tool makes.
const (
	MinGroupSize     = 2
	MaxGroupSize     = 10
	DefaultGroupSize = 4
)

// ParseGroupSize reads the size of group asked for: empty is the default,
// anything but a whole number from MinGroupSize to MaxGroupSize is refused
// at the "size" field.
func ParseGroupSize(v string) (int, error) {
	if strings.TrimSpace(v) == "" {
		return DefaultGroupSize, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < MinGroupSize || n > MaxGroupSize {
		e := &ValidationError{}
		e.Add("size", "groups.bad_size", "min", MinGroupSize, "max", MaxGroupSize)
		return 0, e
	}
	return n, nil
}

// MakeGroups shuffles the present students into groups of about size:
// as many groups as groups of size would need (23 in fours: six groups,
// five of 4 and one of 3), their sizes differing by one at most, and one
// group fewer where that would leave someone alone (5 in pairs: 3 and 2).
func MakeGroups(present []store.Student, size int, rnd *rand.Rand) [][]store.Student {
	if len(present) == 0 || size < 1 {
		return nil
	}
	order := slices.Clone(present)
	rnd.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	n := (len(order) + size - 1) / size
	if n > 1 && len(order)/n < 2 {
		n--
	}
	groups := make([][]store.Student, n)
	for i, st := range order {
		groups[i%n] = append(groups[i%n], st)
	}
	return groups
}

// GroupsLayout writes groups as the page's address carries them:
// student ids joined by "." within a group and "-" between groups.
func GroupsLayout(groups [][]store.Student) string {
	parts := make([]string, len(groups))
	for i, g := range groups {
		ids := make([]string, len(g))
		for j, st := range g {
			ids[j] = strconv.FormatInt(st.ID, 10)
		}
		parts[i] = strings.Join(ids, ".")
	}
	return strings.Join(parts, "-")
}

// ParseGroups reads a layout GroupsLayout wrote, against the students
// present now: someone marked absent since, or taken off the roster,
// drops out of their group, and a group left empty goes. A layout that is
// not one (letters, too long) is refused at the "groups" field.
func ParseGroups(layout string, present []store.Student) ([][]store.Student, error) {
	bad := func() error {
		e := &ValidationError{}
		e.Add("groups", "groups.bad_layout")
		return e
	}
	if layout == "" || len(layout) > 8000 {
		return nil, bad()
	}
	byID := map[int64]store.Student{}
	for _, st := range present {
		byID[st.ID] = st
	}
	seen := map[int64]bool{}
	var out [][]store.Student
	for _, part := range strings.Split(layout, "-") {
		var g []store.Student
		for _, v := range strings.Split(part, ".") {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil || id <= 0 {
				return nil, bad()
			}
			if st, ok := byID[id]; ok && !seen[id] {
				seen[id] = true
				g = append(g, st)
			}
		}
		if len(g) > 0 {
			out = append(out, g)
		}
	}
	if len(out) == 0 {
		return nil, bad()
	}
	return out, nil
}

// AwardGroup gives a point for a skill to every student of one group (its
// index in layout, from 0) through AwardPoints, so each student's point is
// recorded, refused and undone as any other. Students whose processing is
// restricted are left out of the award, as they are of a whole-class one.
func (a *App) AwardGroup(ctx context.Context, s *Session, classID int64, layout string, group int, skillID int64) ([]store.Point, error) {
	t, err := a.ClassToolsFor(ctx, s, classID)
	if err != nil {
		return nil, err
	}
	if !t.CanAward {
		_, err := a.teachClass(ctx, s, classID) // ErrForbidden, or ErrArchived
		if err == nil {
			err = ErrForbidden
		}
		return nil, err
	}
	groups, err := ParseGroups(layout, t.Present)
	if err != nil {
		return nil, err
	}
	if group < 0 || group >= len(groups) {
		e := &ValidationError{}
		e.Add("group", "groups.no_group")
		return nil, e
	}
	var ids []int64
	for _, st := range groups[group] {
		if !t.Restricted[st.ID] {
			ids = append(ids, st.ID)
		}
	}
	return a.AwardPoints(ctx, s, classID, Award{StudentIDs: ids, SkillID: skillID})
}
