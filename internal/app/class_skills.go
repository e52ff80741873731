package app

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"cubby/internal/authz"
	"cubby/internal/db"
	"cubby/internal/store"
)

// How class skills relate to school skills (issue 15). A class starts
// with its own copy of the starter skills (AddStarterSkills), named in its
// teacher's language, and also shows every school-wide skill its leaders
// set. Its teachers add, edit and remove the class's own skills from the
// class screen; the school-wide ones are shown to them read-only, since
// changing one would change every class of the school, and stay the
// leaders' (school_skills.html). A point copies its skill's name and
// weight when it is given, so editing or removing a skill never rewrites
// what a child was given last month. Removing archives the skill: it
// leaves the sheet and stays behind the points that name it.

// SkillInput is a skill as a form or request describes it.
type SkillInput struct {
	Name   string
	Weight int
	Icon   string // one of SkillIcons, or "" for none
}

// MaxSkillName is the longest skill name, in characters.
const MaxSkillName = 60

// SkillIcons are the pictures a skill's button can carry (drawn by the
// web's skillIcon): a fixed set, so nothing a teacher uploads is shown to
// children.
var SkillIcons = []string{"star", "heart", "check", "bulb", "book", "clock", "chat", "leaf", "trophy",
	"music", "sun", "bolt", "people", "smile", "flag", "pencil", "alert"}

// starterIcons gives the starter skills a picture each.
var starterIcons = map[string]string{
	"skill.helping": "heart", "skill.hard_work": "bolt", "skill.teamwork": "people", "skill.participating": "chat",
	"skill.persistence": "flag", "skill.kindness": "smile", "skill.noticed": "check",
	"skill.off_task": "clock", "skill.unprepared": "pencil", "skill.interrupting": "alert",
}

// ClassSkills is a class's skill settings page: its own skills, which its
// teachers edit, and the school's, which they see.
type ClassSkills struct {
	Class   *store.Class
	Own     []store.Skill
	School  []store.Skill
	CanEdit bool
}

// ClassSkillList loads a class's skills for its settings page, for anyone
// who sees the class; CanEdit says whether they may change them.
func (a *App) ClassSkillList(ctx context.Context, s *Session, classID int64) (*ClassSkills, error) {
	c, err := a.viewClass(ctx, s, classID)
	if err != nil {
		return nil, err
	}
	out := &ClassSkills{Class: c, CanEdit: c.ArchivedAt == nil && authz.CanEditClassSkills(s.Actor, authz.ClassRef{ID: c.ID, SchoolID: c.SchoolID})}
	all, err := store.SkillsForClass(ctx, a.db.R, c.SchoolID, c.ID)
	for _, sk := range all {
		if sk.ClassID == 0 {
			out.School = append(out.School, sk)
		} else {
			out.Own = append(out.Own, sk)
		}
	}
	return out, err
}

// editClassSkills loads a class whose skills the actor may change.
func (a *App) editClassSkills(ctx context.Context, s *Session, classID int64) (*store.Class, error) {
	c, err := a.viewClass(ctx, s, classID)
	if err != nil {
		return nil, err
	}
	if !authz.CanEditClassSkills(s.Actor, authz.ClassRef{ID: c.ID, SchoolID: c.SchoolID}) {
		return nil, ErrForbidden
	}
	if c.ArchivedAt != nil {
		return nil, ErrArchived
	}
	return c, nil
}

// checkSkill tidies a skill's input and says what is wrong with it: an
// empty or over-long name, a weight outside -5…+5, an unknown icon, or a
// name the class (or, for a school-wide skill, the school) already shows.
func (a *App) checkSkill(ctx context.Context, q db.Querier, schoolID, classID, exceptID int64, in *SkillInput) error {
	in.Name = strings.Join(strings.Fields(in.Name), " ")
	v := &ValidationError{}
	if in.Name == "" {
		v.Add("name", "validation.required")
	} else if utf8.RuneCountInString(in.Name) > MaxSkillName {
		v.Add("name", "validation.too_long", "max", MaxSkillName)
	} else if taken, err := store.SkillNameTaken(ctx, q, schoolID, classID, exceptID, in.Name); err != nil {
		return err
	} else if taken {
		v.Add("name", "skill.duplicate")
	}
	if in.Weight < -5 || in.Weight > 5 {
		v.Add("weight", "skill.bad_weight")
	}
	if in.Icon != "" && !slices.Contains(SkillIcons, in.Icon) {
		v.Add("icon", "skill.bad_icon")
	}
	return v.Err()
}

// AddSkill adds a skill to a class, or school-wide (classID 0) for leaders.
func (a *App) AddSkill(ctx context.Context, s *Session, schoolID, classID int64, name string, weight int) (*store.Skill, error) {
	return a.AddSkillWith(ctx, s, schoolID, classID, SkillInput{Name: name, Weight: weight})
}

// AddSkillWith adds a skill with its icon to a class (its teachers), or
// school-wide (classID 0, the school's leaders).
func (a *App) AddSkillWith(ctx context.Context, s *Session, schoolID, classID int64, in SkillInput) (*store.Skill, error) {
	if classID != 0 {
		c, err := a.editClassSkills(ctx, s, classID)
		if err != nil {
			return nil, err
		}
		schoolID = c.SchoolID
	} else if !authz.CanManageSchoolSkills(s.Actor, schoolID) {
		return nil, ErrNotFound
	}
	if err := a.checkSkill(ctx, a.db.R, schoolID, classID, 0, &in); err != nil {
		return nil, err
	}
	sk := &store.Skill{SchoolID: schoolID, ClassID: classID, Name: in.Name, Weight: in.Weight, Icon: in.Icon, CreatedAt: a.Now()}
	return sk, store.CreateSkill(ctx, a.db.W, sk)
}

// classOwnSkill loads one of a class's own live skills; a school-wide
// skill, another class's or an archived one is not found here.
func (a *App) classOwnSkill(ctx context.Context, c *store.Class, skillID int64) (*store.Skill, error) {
	sk, err := store.SkillByID(ctx, a.db.R, skillID)
	if err != nil {
		return nil, err
	}
	if sk.SchoolID != c.SchoolID || sk.ClassID != c.ID || sk.ArchivedAt != nil {
		return nil, ErrNotFound
	}
	return sk, nil
}

// ClassSkill returns one of a class's own skills, to edit.
func (a *App) ClassSkill(ctx context.Context, s *Session, classID, skillID int64) (*store.Skill, error) {
	c, err := a.editClassSkills(ctx, s, classID)
	if err != nil {
		return nil, err
	}
	return a.classOwnSkill(ctx, c, skillID)
}

// EditClassSkill changes one of a class's own skills. Points already given
// keep the name and weight they were given with.
func (a *App) EditClassSkill(ctx context.Context, s *Session, classID, skillID int64, in SkillInput) (*store.Skill, error) {
	c, err := a.editClassSkills(ctx, s, classID)
	if err != nil {
		return nil, err
	}
	sk, err := a.classOwnSkill(ctx, c, skillID)
	if err != nil {
		return nil, err
	}
	if err := a.checkSkill(ctx, a.db.R, c.SchoolID, c.ID, sk.ID, &in); err != nil {
		return nil, err
	}
	sk.Name, sk.Weight, sk.Icon = in.Name, in.Weight, in.Icon
	return sk, store.UpdateSkill(ctx, a.db.W, sk)
}

// RemoveClassSkill takes one of a class's own skills off its sheet; the
// points given for it keep its name.
func (a *App) RemoveClassSkill(ctx context.Context, s *Session, classID, skillID int64) error {
	c, err := a.editClassSkills(ctx, s, classID)
	if err != nil {
		return err
	}
	sk, err := a.classOwnSkill(ctx, c, skillID)
	if err != nil {
		return err
	}
	return store.ArchiveSkill(ctx, a.db.W, sk.ID, a.Now())
}
