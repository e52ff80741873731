package app_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"cubby/internal/app"
	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

// toolsClass makes a class of the demo teacher with the given students.
func toolsClass(t *testing.T, env *testenv.Env, names ...string) (*app.Session, *store.Class, []int64) {
	t.Helper()
	ctx := context.Background()
	teacher := session(t, env, demo.TeacherEmail)
	c, err := env.App.CreateClass(ctx, teacher, teacher.Actor.SchoolIDs()[0], "Tools room")
	if err != nil {
		t.Fatal(err)
	}
	teacher = session(t, env, demo.TeacherEmail)
	var in []app.NewStudent
	for _, n := range names {
		first, last, _ := strings.Cut(n, " ")
		in = append(in, app.NewStudent{FirstName: first, LastName: last})
	}
	added, err := env.App.AddStudents(ctx, teacher, c.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, len(added))
	for i, a := range added {
		ids[i] = a.Student.ID
	}
	return teacher, c, ids
}

func TestClassroomToolsPresentPickerAndGroups(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env := testenv.New(t, d)
			a := env.App
			teacher, c, ids := toolsClass(t, env, "Tomas Quill", "Una Reyes", "Vera Stone", "Wade Tull", "Xena Ulm")

			// Before attendance: everyone, and the page can say so.
			tools, err := a.ClassToolsFor(ctx, teacher, c.ID)
			if err != nil || tools.AttendanceTaken || len(tools.Present) != 5 || !tools.CanAward || len(tools.Skills) == 0 {
				t.Fatalf("before attendance: %v %+v", err, tools)
			}
			// Una absent, Vera gone early: three in the room.
			if _, err := a.TakeAttendance(ctx, teacher, c.ID, a.Today(), []app.Mark{{ids[0], "present"}, {ids[1], "absent"}, {ids[2], "left_early"}, {ids[3], "late"}, {ids[4], "present"}}); err != nil {
				t.Fatal(err)
			}
			tools, err = a.ClassToolsFor(ctx, teacher, c.ID)
			if err != nil || !tools.AttendanceTaken || len(tools.Present) != 3 {
				t.Fatalf("after attendance: %v %+v", err, tools)
			}
			rnd := rand.New(rand.NewPCG(1, 2))
			// A round picks each present student once, never the absent.
			var seen []int64
			got := map[int64]bool{}
			for range 3 {
				p, ok := app.PickStudent(tools.Present, seen, rnd)
				if !ok || p.NewRound || p.Student.ID == ids[1] || p.Student.ID == ids[2] || got[p.Student.ID] {
					t.Fatalf("pick %+v after %v", p, seen)
				}
				got[p.Student.ID], seen = true, p.Seen
			}
			if p, _ := app.PickStudent(tools.Present, seen, rnd); !p.NewRound || len(p.Seen) != 1 {
				t.Errorf("a fourth pick starts a new round: %+v", p)
			}
			if _, ok := app.PickStudent(nil, nil, rnd); ok {
				t.Error("a pick from no one")
			}

			// Groups: sizes differ by one at most, no one alone.
			groups := app.MakeGroups(tools.Present, 2, rnd)
			if len(groups) != 1 || len(groups[0]) != 3 {
				t.Errorf("three in pairs: %v", groups)
			}
			var many []store.Student
			for i := range 23 {
				many = append(many, store.Student{ID: int64(i + 1)})
			}
			sizes := map[int]int{}
			for _, g := range app.MakeGroups(many, 4, rnd) {
				sizes[len(g)]++
			}
			if sizes[4] != 5 || sizes[3] != 1 || len(sizes) != 2 {
				t.Errorf("23 in fours: %v", sizes)
			}
			for _, bad := range []string{"1", "11", "x", "-3", "4.5"} {
				var ve *app.ValidationError
				if _, err := app.ParseGroupSize(bad); !errors.As(err, &ve) || ve.Fields["size"].Key != "groups.bad_size" {
					t.Errorf("size %q: %v", bad, err)
				}
			}

			// A layout keeps the groups; the absent student drops out of it.
			layout := app.GroupsLayout([][]store.Student{{{ID: ids[0]}, {ID: ids[1]}}, {{ID: ids[3]}, {ID: ids[4]}}})
			parsed, err := app.ParseGroups(layout, tools.Present)
			if err != nil || len(parsed) != 2 || len(parsed[0]) != 1 || parsed[0][0].ID != ids[0] {
				t.Fatalf("parsed %v: %v %v", layout, err, parsed)
			}
			for _, bad := range []string{"", "1.x", "--", "1..2", strings.Repeat("1.", 5000)} {
				var ve *app.ValidationError
				if _, err := app.ParseGroups(bad, tools.Present); !errors.As(err, &ve) {
					t.Errorf("layout %q: %v", bad, err)
				}
			}

			// A group's point: one point per student of the group.
			skill := tools.Skills[0]
			points, err := a.AwardGroup(ctx, teacher, c.ID, layout, 1, skill.ID)
			if err != nil || len(points) != 2 {
				t.Fatalf("group point: %v %v", err, points)
			}
			var n int
			env.DB.R.QueryRow(`SELECT count(*) FROM points WHERE class_id = $1 AND student_id IN ($2, $3) AND skill_name = $4`, c.ID, ids[3], ids[4], skill.Name).Scan(&n)
			if n != 2 {
				t.Errorf("%d points recorded for the group of two", n)
			}
			var ve *app.ValidationError
			if _, err := a.AwardGroup(ctx, teacher, c.ID, layout, 5, skill.ID); !errors.As(err, &ve) || ve.Fields["group"].Key != "groups.no_group" {
				t.Errorf("no such group: %v", err)
			}
			if _, err := a.AwardGroup(ctx, teacher, c.ID, layout, 0, 999999); !errors.As(err, &ve) {
				t.Errorf("a skill not of the class: %v", err)
			}
			if _, err := a.AwardGroup(ctx, teacher, c.ID, "1.x", 0, skill.ID); !errors.As(err, &ve) {
				t.Errorf("a bad layout: %v", err)
			}
			env.DB.R.QueryRow(`SELECT count(*) FROM points WHERE class_id = $1`, c.ID).Scan(&n)
			if n != 2 {
				t.Errorf("refused group points wrote something: %d points", n)
			}

			// Who opens the tools.
			leader := session(t, env, demo.LeaderEmail)
			if lt, err := a.ClassToolsFor(ctx, leader, c.ID); err != nil || lt.CanAward || lt.Skills != nil {
				t.Errorf("leader: %v %+v", err, lt)
			}
			if _, err := a.AwardGroup(ctx, leader, c.ID, layout, 0, skill.ID); !errors.Is(err, app.ErrForbidden) {
				t.Errorf("leader gives a group point: %v", err)
			}
			for _, who := range []string{demo.Teacher2Email, demo.ParentEmail, demo.StudentUsername} {
				s := session(t, env, who)
				if _, err := a.ClassToolsFor(ctx, s, c.ID); !errors.Is(err, app.ErrNotFound) {
					t.Errorf("%s opens the tools: %v", who, err)
				}
				if _, err := a.AwardGroup(ctx, s, c.ID, layout, 0, skill.ID); !errors.Is(err, app.ErrNotFound) {
					t.Errorf("%s gives a group point: %v", who, err)
				}
			}
		})
	}
}

func TestClassSkillsEditedByTheirTeachers(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env := testenv.New(t, d)
			a := env.App
			teacher, c, ids := toolsClass(t, env, "Yara Voss")
			list, err := a.ClassSkillList(ctx, teacher, c.ID)
			if err != nil || !list.CanEdit || len(list.Own) != 10 || list.Own[0].Icon == "" {
				t.Fatalf("starter skills: %v %+v", err, list)
			}
			count := func() int {
				var n int
				env.DB.R.QueryRow(`SELECT count(*) FROM skills WHERE class_id = $1 AND archived_at IS NULL`, c.ID).Scan(&n)
				return n
			}
			bad := []struct {
				in    app.SkillInput
				field string
				key   string
			}{
				{app.SkillInput{Name: "   ", Weight: 1}, "name", "validation.required"},
				{app.SkillInput{Name: strings.Repeat("é", 61), Weight: 1}, "name", "validation.too_long"},
				{app.SkillInput{Name: "Rocket", Weight: 6}, "weight", "skill.bad_weight"},
				{app.SkillInput{Name: "Rocket", Weight: -6}, "weight", "skill.bad_weight"},
				{app.SkillInput{Name: "Rocket", Weight: 1, Icon: "skull"}, "icon", "skill.bad_icon"},
				{app.SkillInput{Name: "  helping   OTHERS ", Weight: 2}, "name", "skill.duplicate"},
			}
			for _, b := range bad {
				var ve *app.ValidationError
				if _, err := a.AddSkillWith(ctx, teacher, 0, c.ID, b.in); !errors.As(err, &ve) || ve.Fields[b.field].Key != b.key {
					t.Errorf("add %+v: %v", b.in, err)
				}
			}
			if n := count(); n != 10 {
				t.Errorf("refused skills were stored: %d", n)
			}
			sk, err := a.AddSkillWith(ctx, teacher, 0, c.ID, app.SkillInput{Name: " Tidy  desk ", Weight: 2, Icon: "star"})
			if err != nil || sk.Name != "Tidy desk" || sk.Icon != "star" {
				t.Fatalf("add: %v %+v", err, sk)
			}
			// A point given, then the skill renamed: the point keeps its name.
			if _, err := a.AwardPoints(ctx, teacher, c.ID, app.Award{StudentIDs: ids, SkillID: sk.ID}); err != nil {
				t.Fatal(err)
			}
			var ve *app.ValidationError
			if _, err := a.EditClassSkill(ctx, teacher, c.ID, sk.ID, app.SkillInput{Name: "Kindness", Weight: 2}); !errors.As(err, &ve) || ve.Fields["name"].Key != "skill.duplicate" {
				t.Errorf("rename onto another skill: %v", err)
			}
			if _, err := a.EditClassSkill(ctx, teacher, c.ID, sk.ID, app.SkillInput{Name: "tidy DESK", Weight: 3, Icon: "leaf"}); err != nil {
				t.Errorf("a skill keeps its own name in another case: %v", err)
			}
			if _, err := a.EditClassSkill(ctx, teacher, c.ID, sk.ID, app.SkillInput{Name: "Tidy table", Weight: 9}); !errors.As(err, &ve) {
				t.Errorf("weight 9: %v", err)
			}
			got, _ := store.SkillByID(ctx, env.DB.R, sk.ID)
			if got.Name != "tidy DESK" || got.Weight != 3 || got.Icon != "leaf" {
				t.Errorf("after a refused edit: %+v", got)
			}
			var name string
			var weight int
			env.DB.R.QueryRow(`SELECT skill_name, weight FROM points WHERE skill_id = $1`, sk.ID).Scan(&name, &weight)
			if name != "Tidy desk" || weight != 2 {
				t.Errorf("the past point reads %q %d", name, weight)
			}
			if err := a.RemoveClassSkill(ctx, teacher, c.ID, sk.ID); err != nil {
				t.Fatal(err)
			}
			if n := count(); n != 10 {
				t.Errorf("after removing: %d skills", n)
			}
			if _, err := a.EditClassSkill(ctx, teacher, c.ID, sk.ID, app.SkillInput{Name: "Back", Weight: 1}); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("edit a removed skill: %v", err)
			}
			// A school-wide skill is the leaders': shown, not the teacher's to change.
			leader := session(t, env, demo.LeaderEmail)
			school, err := a.AddSkill(ctx, leader, c.SchoolID, 0, "Library helper", 1)
			if err != nil {
				t.Fatal(err)
			}
			if err := a.RemoveClassSkill(ctx, teacher, c.ID, school.ID); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("teacher removes a school skill: %v", err)
			}
			if _, err := a.AddSkillWith(ctx, teacher, 0, c.ID, app.SkillInput{Name: "library HELPER", Weight: 1}); !errors.As(err, &ve) || ve.Fields["name"].Key != "skill.duplicate" {
				t.Errorf("a class skill named as a school one: %v", err)
			}
			// Other people.
			if _, err := a.AddSkillWith(ctx, leader, 0, c.ID, app.SkillInput{Name: "Leader's", Weight: 1}); !errors.Is(err, app.ErrForbidden) {
				t.Errorf("leader edits a class's skills: %v", err)
			}
			if l, err := a.ClassSkillList(ctx, leader, c.ID); err != nil || l.CanEdit {
				t.Errorf("leader's view: %v", err)
			}
			for _, who := range []string{demo.Teacher2Email, demo.ParentEmail, demo.StudentUsername} {
				s := session(t, env, who)
				if _, err := a.AddSkillWith(ctx, s, 0, c.ID, app.SkillInput{Name: "Sneaky", Weight: 1}); !errors.Is(err, app.ErrNotFound) {
					t.Errorf("%s adds a skill: %v", who, err)
				}
				if _, err := a.ClassSkillList(ctx, s, c.ID); !errors.Is(err, app.ErrNotFound) {
					t.Errorf("%s lists the skills: %v", who, err)
				}
			}
		})
	}
}

func TestStudentsChooseTheirCharacter(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env := testenv.New(t, d)
			a := env.App
			teacher := session(t, env, demo.TeacherEmail)
			ava := session(t, env, demo.StudentUsername)
			var classID int64
			for id := range teacher.Actor.Classes {
				if on, _, _ := store.StudentToday(ctx, env.DB.R, id, ava.Actor.StudentID, a.Today()); on {
					classID = id
				}
			}
			if classID == 0 {
				t.Fatal("Ava is in none of the demo teacher's classes")
			}
			shown := func() string {
				st, err := store.StudentByID(ctx, env.DB.R, ava.Actor.StudentID)
				if err != nil {
					t.Fatal(err)
				}
				return st.Avatar
			}
			mine := app.AvatarChoices[5]
			if err := a.ChooseOwnAvatar(ctx, ava, mine); err != nil || shown() != mine {
				t.Fatalf("choose: %v %q", err, shown())
			}
			var ve *app.ValidationError
			for _, bad := range []string{"9-9-9", "photo.jpg", "<svg>", "0-0-1"} {
				if err := a.ChooseOwnAvatar(ctx, ava, bad); !errors.As(err, &ve) || ve.Fields["avatar"].Key != "avatar.bad_choice" {
					t.Errorf("choose %q: %v", bad, err)
				}
			}
			if shown() != mine {
				t.Errorf("a refused choice changed the character: %q", shown())
			}
			// The teacher turns choosing off: the student's choice is set
			// aside (the generated one shows) and they cannot choose.
			if err := a.SetAvatarChoice(ctx, teacher, classID, false); err != nil {
				t.Fatal(err)
			}
			if got := shown(); got != "" {
				t.Errorf("with choosing off the student's own choice shows: %q", got)
			}
			var re *app.RefusedError
			if err := a.ChooseOwnAvatar(ctx, ava, app.AvatarChoices[1]); !errors.As(err, &re) || re.Key != "avatar.off" {
				t.Errorf("choosing while off: %v", err)
			}
			// Turned on again, the student's choice is back.
			if err := a.SetAvatarChoice(ctx, teacher, classID, true); err != nil || shown() != mine {
				t.Errorf("turned on again: %v %q", err, shown())
			}
			// The teacher's choice stands while choosing is off.
			theirs := app.AvatarChoices[9]
			if err := a.SetStudentAvatar(ctx, teacher, classID, ava.Actor.StudentID, theirs); err != nil {
				t.Fatal(err)
			}
			a.SetAvatarChoice(ctx, teacher, classID, false)
			if got := shown(); got != theirs {
				t.Errorf("the teacher's choice with choosing off: %q", got)
			}
			if err := a.SetStudentAvatar(ctx, teacher, classID, ava.Actor.StudentID, "nope"); !errors.As(err, &ve) {
				t.Errorf("teacher chooses a bad character: %v", err)
			}
			// Nobody else chooses for her.
			for _, who := range []string{demo.Teacher2Email, demo.LeaderEmail, demo.ParentEmail} {
				s := session(t, env, who)
				if err := a.SetStudentAvatar(ctx, s, classID, ava.Actor.StudentID, mine); err == nil {
					t.Errorf("%s chose Ava's character", who)
				}
				if err := a.SetAvatarChoice(ctx, s, classID, true); err == nil {
					t.Errorf("%s switched the class's setting", who)
				}
				if err := a.ChooseOwnAvatar(ctx, s, mine); !errors.Is(err, app.ErrNotFound) {
					t.Errorf("%s chooses an own character: %v", who, err)
				}
			}
			_, _, other := toolsClass(t, env, "Zed Ark")
			if err := a.SetStudentAvatar(ctx, teacher, classID, other[0], mine); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("a student of another class: %v", err)
			}
			if got := shown(); got != theirs {
				t.Errorf("after refused changes: %q", got)
			}
		})
	}
}
