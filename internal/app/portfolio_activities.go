package app

import (
	"context"
	"errors"
	"io"
	"os"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"cubby/internal/authz"
	"cubby/internal/db"
	"cubby/internal/store"
)

// Activities: a teacher of a class sets one for the whole class or for
// chosen students of it — a title, instructions, an optional template
// picture (which students may draw over) or attachment, an optional due
// date. Co-teachers share the class's activities. A teacher's library is
// every activity they set, last year's classes included, to copy into a
// class of this year.

// Limits of an activity.
const (
	ActivityMaxTitle        = 200
	ActivityMaxInstructions = 5000
	activityLibrarySize     = 200
)

// ActivityDraft is an activity as a teacher writes it.
type ActivityDraft struct {
	Title        string
	Instructions string
	DueOn        string  // YYYY-MM-DD, or ""
	StudentIDs   []int64 // empty: the whole class
	Template     *StoryFile
}

// checkActivity validates an activity's words and date: a due date is a
// calendar day not before today in the schools' zone.
func (a *App) checkActivity(d *ActivityDraft) error {
	d.Title = strings.TrimSpace(d.Title)
	d.Instructions = normText(d.Instructions)
	d.DueOn = strings.TrimSpace(d.DueOn)
	v := &ValidationError{}
	switch {
	case d.Title == "":
		v.Add("title", "validation.required")
	case utf8.RuneCountInString(d.Title) > ActivityMaxTitle:
		v.Add("title", "validation.too_long", "max", ActivityMaxTitle)
	}
	if utf8.RuneCountInString(d.Instructions) > ActivityMaxInstructions {
		v.Add("instructions", "validation.too_long", "max", ActivityMaxInstructions)
	}
	if d.DueOn != "" {
		day, err := time.Parse(time.DateOnly, d.DueOn)
		switch {
		case err != nil:
			v.Add("due_on", "portfolio.due_invalid")
		case day.Format(time.DateOnly) < a.Today():
			v.Add("due_on", "portfolio.due_past")
		}
	}
	return v.Err()
}

// CreateActivity sets an activity for a class (its teachers).
func (a *App) CreateActivity(ctx context.Context, s *Session, classID int64, d ActivityDraft) (*store.PortfolioActivity, error) {
	c, err := a.teachClass(ctx, s, classID)
	if err != nil {
		return nil, err
	}
	if !authz.CanSetActivities(s.Actor, authz.ClassRef{ID: c.ID, SchoolID: c.SchoolID}) {
		return nil, ErrForbidden
	}
	if err := a.checkActivity(&d); err != nil {
		return nil, err
	}
	students, err := a.classStudents(ctx, c.ID, d.StudentIDs)
	if err != nil {
		return nil, err
	}
	act := &store.PortfolioActivity{SchoolID: c.SchoolID, ClassID: c.ID, AuthorID: s.User.ID, Title: d.Title, Instructions: d.Instructions,
		DueOn: d.DueOn, ForAll: len(students) == 0, PublicID: NewToken(), CreatedAt: a.Now()}
	var tpl *portfolioFile
	if d.Template != nil {
		if tpl, err = a.preparePortfolioUpload(ctx, "template", *d.Template); err != nil {
			return nil, err
		}
		act.TemplateKind, act.TemplateName, act.TemplateType, act.TemplateKey = store.AttachPhoto, tpl.name, tpl.contentType, tpl.key
		if tpl.kind == store.PortfolioDoc {
			act.TemplateKind = store.AttachFile
		}
	}
	if err := a.saveActivity(ctx, act, students); err != nil {
		a.dropPortfolioFiles([]*portfolioFile{tpl})
		return nil, err
	}
	return store.PortfolioActivityByID(ctx, a.db.R, act.ID)
}

func (a *App) saveActivity(ctx context.Context, act *store.PortfolioActivity, students []int64) error {
	return a.db.Tx(ctx, func(tx db.Querier) error {
		if err := store.CreatePortfolioActivity(ctx, tx, act); err != nil {
			return err
		}
		for _, id := range students {
			if err := store.AddActivityStudent(ctx, tx, act.SchoolID, act.ID, id); err != nil {
				return err
			}
		}
		return nil
	})
}

// classStudents checks that every chosen student is on the class's
// roster now.
func (a *App) classStudents(ctx context.Context, classID int64, ids []int64) ([]int64, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	roster, err := store.StudentsOfClass(ctx, a.db.R, classID)
	if err != nil {
		return nil, err
	}
	out := slices.Clone(ids)
	slices.Sort(out)
	out = slices.Compact(out)
	for _, id := range out {
		if !slices.ContainsFunc(roster, func(st store.Student) bool { return st.ID == id }) {
			return nil, refuseField("student_ids", "portfolio.student_not_in_class")
		}
	}
	return out, nil
}

// ClassActivities lists a class's activities, for its teachers and the
// school's leaders.
func (a *App) ClassActivities(ctx context.Context, s *Session, classID int64) ([]store.PortfolioActivity, error) {
	if _, err := a.viewClass(ctx, s, classID); err != nil {
		return nil, err
	}
	return store.ActivitiesOfClass(ctx, a.db.R, classID)
}

// StudentActivity is an activity as a student sees it, with what they
// made for it.
type StudentActivity struct {
	store.PortfolioActivity
	Item *store.PortfolioItem // their latest work for it, or nil
}

// MyActivities lists the activities set for the calling student in their
// classes, newest first, with their work for each.
func (a *App) MyActivities(ctx context.Context, s *Session) ([]StudentActivity, error) {
	if s.Actor.Kind != authz.Student || s.Actor.StudentID == 0 {
		return nil, nil
	}
	list, err := store.ActivitiesForStudent(ctx, a.db.R, s.Actor.StudentID)
	if err != nil {
		return nil, err
	}
	work, err := store.WorkOfStudent(ctx, a.db.R, s.Actor.StudentID, nil, 500)
	if err != nil {
		return nil, err
	}
	latest := map[int64]*store.PortfolioItem{}
	for i := range work {
		if id := work[i].ActivityID; id != 0 && latest[id] == nil {
			latest[id] = &work[i]
		}
	}
	out := make([]StudentActivity, 0, len(list))
	for _, act := range list {
		out = append(out, StudentActivity{PortfolioActivity: act, Item: latest[act.ID]})
	}
	return out, nil
}

// ActivityView is one activity with, for its class's staff, who of the
// students it is for has sent work.
type ActivityView struct {
	Activity store.PortfolioActivity
	Students []int64 // the students it names; empty for the whole class
	// Work maps each student to their latest work (staff only).
	Work     map[int64]store.PortfolioItem
	Roster   []store.Student // the students it is for (staff only)
	CanEdit  bool
	ForMe    bool // a student it is for
	MyItem   *store.PortfolioItem
	Template string // "photo" or "file" when it has one
}

// Activity shows one activity to its class's staff and its students.
func (a *App) Activity(ctx context.Context, s *Session, id int64) (*ActivityView, error) {
	act, err := store.PortfolioActivityByID(ctx, a.db.R, id)
	if err != nil {
		return nil, err
	}
	ref := authz.PortfolioActivity{SchoolID: act.SchoolID, ClassID: act.ClassID}
	if s.Actor.Kind == authz.Student && s.Actor.StudentID != 0 {
		if ref.Assigned, err = store.ActivityForStudent(ctx, a.db.R, act.ID, s.Actor.StudentID); err != nil {
			return nil, err
		}
	}
	if !authz.CanSeeActivity(s.Actor, ref) {
		return nil, ErrNotFound
	}
	v := &ActivityView{Activity: *act, Template: act.TemplateKind, ForMe: ref.Assigned,
		CanEdit: authz.CanSetActivities(s.Actor, authz.ClassRef{ID: act.ClassID, SchoolID: act.SchoolID}) && !act.Archived}
	if v.Students, err = store.ActivityStudents(ctx, a.db.R, act.ID); err != nil {
		return nil, err
	}
	if ref.Assigned {
		work, err := store.ItemsOfActivity(ctx, a.db.R, act.ID)
		if err != nil {
			return nil, err
		}
		if it, ok := work[s.Actor.StudentID]; ok {
			v.MyItem = &it
		}
		v.Students = nil // a student is not told who else it is for
		return v, nil
	}
	if s.Actor.Kind == authz.Student {
		return v, nil
	}
	if v.Work, err = store.ItemsOfActivity(ctx, a.db.R, act.ID); err != nil {
		return nil, err
	}
	roster, err := store.StudentsOfClass(ctx, a.db.R, act.ClassID)
	if err != nil {
		return nil, err
	}
	for _, st := range roster {
		if act.ForAll || slices.Contains(v.Students, st.ID) {
			v.Roster = append(v.Roster, st)
		}
	}
	return v, nil
}

// DeleteActivity removes an activity (its class's teachers); work made
// for it stays in the students' portfolios.
func (a *App) DeleteActivity(ctx context.Context, s *Session, id int64) error {
	act, err := store.PortfolioActivityByID(ctx, a.db.R, id)
	if err != nil {
		return err
	}
	if !authz.CanSeeActivity(s.Actor, authz.PortfolioActivity{SchoolID: act.SchoolID, ClassID: act.ClassID}) {
		return ErrNotFound
	}
	if !authz.CanSetActivities(s.Actor, authz.ClassRef{ID: act.ClassID, SchoolID: act.SchoolID}) {
		return ErrForbidden
	}
	if err := store.DeletePortfolioActivity(ctx, a.db.W, act.ID); err != nil {
		return err
	}
	if act.TemplateKey != "" {
		a.removeFiles([]string{act.TemplateKey, act.TemplateKey + ".thumb"})
	}
	return nil
}

// ActivityLibrary lists the calling teacher's activities of every year,
// newest first, to copy into a class.
func (a *App) ActivityLibrary(ctx context.Context, s *Session) ([]store.PortfolioActivity, error) {
	if s.Actor.Kind != authz.Teacher && s.Actor.Kind != authz.Leader {
		return nil, ErrForbidden
	}
	return store.ActivitiesByAuthor(ctx, a.db.R, s.User.ID, activityLibrarySize)
}

// CopyActivity sets one of the teacher's own past activities again in a
// class they teach, with its template (copied, so removing either leaves
// the other whole) and a new due date (or none).
func (a *App) CopyActivity(ctx context.Context, s *Session, activityID, classID int64, dueOn string) (*store.PortfolioActivity, error) {
	src, err := store.PortfolioActivityByID(ctx, a.db.R, activityID)
	if err != nil {
		return nil, err
	}
	if src.AuthorID != s.User.ID {
		return nil, ErrNotFound // only one's own library
	}
	c, err := a.teachClass(ctx, s, classID)
	if err != nil {
		return nil, err
	}
	d := ActivityDraft{Title: src.Title, Instructions: src.Instructions, DueOn: dueOn}
	if err := a.checkActivity(&d); err != nil {
		return nil, err
	}
	act := &store.PortfolioActivity{SchoolID: c.SchoolID, ClassID: c.ID, AuthorID: s.User.ID, Title: d.Title, Instructions: d.Instructions,
		DueOn: d.DueOn, ForAll: true, TemplateKind: src.TemplateKind, TemplateName: src.TemplateName, TemplateType: src.TemplateType,
		PublicID: NewToken(), CreatedAt: a.Now()}
	var copied []string
	if src.TemplateKey != "" {
		act.TemplateKey = "portfolio/" + NewToken()
		for _, suffix := range []string{"", ".thumb"} {
			if err := a.copyStored(src.TemplateKey+suffix, act.TemplateKey+suffix); err != nil {
				if suffix != "" && errors.Is(err, os.ErrNotExist) {
					continue // a document has no thumbnail
				}
				a.removeFiles(copied)
				return nil, err
			}
			copied = append(copied, act.TemplateKey+suffix)
		}
	}
	if err := a.saveActivity(ctx, act, nil); err != nil {
		a.removeFiles(copied)
		return nil, err
	}
	return store.PortfolioActivityByID(ctx, a.db.R, act.ID)
}

func (a *App) copyStored(from, to string) error {
	if a.Privacy.Files == nil {
		return ErrNoFileStore
	}
	r, err := a.Privacy.Files.Open(from)
	if err != nil {
		return err
	}
	defer r.Close()
	w, err := a.Privacy.Files.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, r); err != nil {
		w.Close()
		a.Privacy.Files.Remove(to)
		return err
	}
	return w.Close()
}

// OpenActivityTemplate opens an activity's template (variant "thumb" for
// a picture's thumbnail) for whoever sees the activity.
func (a *App) OpenActivityTemplate(ctx context.Context, s *Session, id int64, variant string) (*StoryFileRead, error) {
	if variant != "" && variant != "thumb" {
		return nil, ErrNotFound
	}
	v, err := a.Activity(ctx, s, id)
	if err != nil {
		return nil, err
	}
	act := v.Activity
	if act.TemplateKey == "" {
		return nil, ErrNotFound
	}
	key := act.TemplateKey
	if variant == "thumb" && act.TemplateKind == store.AttachPhoto {
		key += ".thumb"
	}
	return a.openStored(key, act.TemplateName, act.TemplateType, act.TemplateKind)
}
