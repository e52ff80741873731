package web

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"time"

	"cubby/internal/app"
	"cubby/internal/authz"
	"cubby/internal/i18n"
	"cubby/internal/store"
)

// rosterExtra is what the roster page shows beyond the roster itself.
type rosterExtra struct {
	Archived   bool
	CanStaff   bool // may add and remove teachers and roll the class over
	Teachers   []store.Teacher
	Duplicates []app.DuplicatePair
	// NextName suggests next year's class name.
	NextName string
	// CSV is what an upload just did; Problems why one was refused.
	CSV      *csvReport
	Problems []noteView
	// Merge asks to confirm a merge: it cannot be undone.
	Merge *app.DuplicatePair // A is kept, B removed
	// Pictures is the class's picture login, for its teachers
	// (picture_login.go); PictureViews draws each student's pair.
	Pictures     *app.ClassPictures
	PictureViews map[int64][]pictureView
}

// csvReport is a spreadsheet upload's outcome.
type csvReport struct {
	Added    []app.AddedStudent
	Existing int
	Skipped  []noteView
}

// rosterData fills the roster page's management sections.
func (s *Server) rosterData(r *http.Request, sess *app.Session, d *classPage) (*rosterExtra, error) {
	c := d.Class
	ref := authz.ClassRef{ID: c.ID, SchoolID: c.SchoolID}
	x := &rosterExtra{Archived: c.ArchivedAt != nil, CanStaff: authz.CanManageClassTeachers(sess.Actor, ref), NextName: nextYearName(c.Name, s.app.Now())}
	var err error
	if x.Teachers, err = s.app.ClassTeachers(r.Context(), sess, c.ID); err != nil {
		return nil, err
	}
	if d.CanTeach && !x.Archived {
		if x.Duplicates, err = s.app.PossibleDuplicates(r.Context(), sess, c.ID); err != nil {
			return nil, err
		}
		if x.Pictures, err = s.app.ClassPicturesFor(r.Context(), sess, c.ID); err != nil {
			return nil, err
		}
		x.PictureViews = map[int64][]pictureView{}
		if x.Pictures.On {
			for id, keys := range x.Pictures.Students {
				x.PictureViews[id] = loginPictures(i18n.FromContext(r.Context()), keys, true)
			}
		}
	}
	return x, nil
}

var yearInName = regexp.MustCompile(`\b(20\d\d)(?:([-/–])(\d\d(?:\d\d)?))?\b`)

// nextYearName suggests a name for next year's class: "Class 3 2025-26"
// becomes "Class 3 2026-27"; a name without a year gets the school year
// that starts next (a rollover in June or September is for the year
// starting that autumn; one late in the autumn, for the year after).
func nextYearName(name string, now time.Time) string {
	if m := yearInName.FindStringSubmatchIndex(name); m != nil {
		y, _ := strconv.Atoi(name[m[2]:m[3]])
		next := strconv.Itoa(y + 1)
		if m[6] >= 0 {
			end := name[m[6]:m[7]]
			e, _ := strconv.Atoi(end)
			nextEnd := strconv.Itoa(e + 1)
			if len(end) == 2 {
				nextEnd = fmt.Sprintf("%02d", (e+1)%100)
			}
			next += name[m[4]:m[5]] + nextEnd
		}
		return name[:m[0]] + next + name[m[1]:]
	}
	y := now.Year()
	if now.Month() > time.October {
		y++
	}
	return fmt.Sprintf("%s %d-%02d", name, y, (y+1)%100)
}

func classRosterURL(id int64) string { return "/classes/" + strconv.FormatInt(id, 10) + "/students" }

func (s *Server) addTeacherSubmit(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := postedTo(r)
	if err != nil {
		return err
	}
	if _, err := s.app.AddCoTeacher(r.Context(), sess, id, r.PostForm.Get("email")); err != nil {
		return s.classError(w, r, sess, "students", err, "email")
	}
	s.redirect(w, r, classRosterURL(id)+"#teachers-h", "coteach.added")
	return nil
}

func (s *Server) removeTeacherSubmit(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := sessionAt(r, "id")
	if err != nil {
		return err
	}
	uid, err := pathID(r, "uid")
	if err != nil {
		return err
	}
	if err := s.app.RemoveCoTeacher(r.Context(), sess, id, uid); err != nil {
		return s.classError(w, r, sess, "students", err)
	}
	if uid == sess.User.ID && !sess.Actor.IsLeaderOf(sess.Actor.Classes[id]) {
		s.redirect(w, r, "/classes", "coteach.left")
		return nil
	}
	s.redirect(w, r, classRosterURL(id)+"#teachers-h", "coteach.removed")
	return nil
}

func (s *Server) mergeSubmit(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := postedTo(r)
	if err != nil {
		return err
	}
	keep, _ := strconv.ParseInt(r.PostForm.Get("keep_id"), 10, 64)
	drop, _ := strconv.ParseInt(r.PostForm.Get("duplicate_id"), 10, 64)
	if keep == 0 || drop == 0 {
		v := &app.ValidationError{}
		v.Add("duplicate_id", "merge.choose")
		return s.classError(w, r, sess, "students", v)
	}
	if r.PostForm.Get("confirm") != "1" {
		return s.confirmMerge(w, r, sess, keep, drop)
	}
	if _, err := s.app.MergeStudents(r.Context(), sess, keep, drop); err != nil {
		return s.classError(w, r, sess, "students", err)
	}
	s.redirect(w, r, classRosterURL(id), "merge.done")
	return nil
}

// confirmMerge shows the roster page asking to confirm a merge, naming
// both profiles: deleting one cannot be undone, so it takes a second tap.
func (s *Server) confirmMerge(w http.ResponseWriter, r *http.Request, sess *app.Session, keep, drop int64) error {
	d, err := s.classData(r, sess, "students")
	if err != nil {
		return err
	}
	find := func(id int64) *store.Student {
		for i := range d.Roster {
			if d.Roster[i].ID == id {
				return &d.Roster[i]
			}
		}
		for _, p := range d.Extra.Duplicates {
			for _, st := range []store.Student{p.A, p.B} {
				if st.ID == id {
					return &st
				}
			}
		}
		return nil
	}
	k, dr := find(keep), find(drop)
	if k == nil || dr == nil || keep == drop || !d.CanTeach {
		v := &app.ValidationError{}
		v.Add("duplicate_id", "merge.choose")
		if keep == drop {
			v.Fields["duplicate_id"] = app.FieldError{Key: "merge.same"}
		}
		return s.classError(w, r, sess, "students", v)
	}
	d.Extra.Merge = &app.DuplicatePair{A: *k, B: *dr}
	p := s.page(w, r, "roster.title")
	p.Title, p.Data = d.Class.Name, d
	s.render(w, r, http.StatusOK, "class", p)
	return nil
}

func (s *Server) rolloverSubmit(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := postedTo(r)
	if err != nil {
		return err
	}
	in := app.Rollover{Name: r.PostForm.Get("name")}
	for _, v := range r.PostForm["student_id"] {
		n, _ := strconv.ParseInt(v, 10, 64)
		in.StudentIDs = append(in.StudentIDs, n)
	}
	c, err := s.app.RollOver(r.Context(), sess, id, in)
	if err != nil {
		return s.classError(w, r, sess, "students", err, "name")
	}
	s.redirect(w, r, classRosterURL(c.ID), "rollover.done")
	return nil
}

// schoolSkillsPage is the leader's page of school-wide classroom settings.
type schoolSkillsPage struct {
	*app.SchoolClassroom
	Weights []int
	// AttendanceWindow: how many days back teachers may correct
	// attendance (class_attendance.go).
	AttendanceWindow int
}

func (s *Server) schoolSkillsData(r *http.Request, sess *app.Session) (*schoolSkillsPage, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	set, err := s.app.SchoolClassroomSettings(r.Context(), sess, id)
	if err != nil {
		return nil, err
	}
	window, err := s.app.AttendanceWindowOf(r.Context(), sess, id)
	if err != nil {
		return nil, err
	}
	return &schoolSkillsPage{SchoolClassroom: set, Weights: []int{5, 4, 3, 2, 1, 0, -1, -2, -3, -4, -5}, AttendanceWindow: window}, nil
}

func (s *Server) schoolSkills(w http.ResponseWriter, r *http.Request) error {
	sess := session(r)
	d, err := s.schoolSkillsData(r, sess)
	if err != nil {
		return err
	}
	p := s.page(w, r, "schoolskills.title")
	p.Form.Set("weight", "1")
	p.Data = d
	s.render(w, r, http.StatusOK, "school_skills", p)
	return nil
}

func schoolSkillsURL(id int64) string { return "/schools/" + strconv.FormatInt(id, 10) + "/skills" }

func (s *Server) schoolSkillSubmit(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := postedTo(r)
	if err != nil {
		return err
	}
	weight, werr := strconv.Atoi(r.PostForm.Get("weight"))
	if werr != nil {
		weight = 99 // refused below with the weight's message
	}
	if _, err := s.app.AddSkill(r.Context(), sess, id, 0, r.PostForm.Get("name"), weight); err != nil {
		p := s.page(w, r, "schoolskills.title")
		status, ok := s.formError(w, p, err)
		if !ok {
			return err
		}
		keepForm(p, r, "name", "weight")
		d, err := s.schoolSkillsData(r, sess)
		if err != nil {
			return err
		}
		p.Data = d
		s.render(w, r, status, "school_skills", p)
		return nil
	}
	s.redirect(w, r, schoolSkillsURL(id), "schoolskills.added")
	return nil
}

func (s *Server) schoolSkillArchive(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := sessionAt(r, "id")
	if err != nil {
		return err
	}
	sid, err := pathID(r, "sid")
	if err != nil {
		return err
	}
	if err := s.app.ArchiveSchoolSkill(r.Context(), sess, id, sid); err != nil {
		return err
	}
	s.redirect(w, r, schoolSkillsURL(id), "schoolskills.archived")
	return nil
}

func (s *Server) schoolInitialsSubmit(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := postedTo(r)
	if err != nil {
		return err
	}
	if err := s.app.SetShowInitials(r.Context(), sess, id, r.PostForm.Get("show_initials") == "1"); err != nil {
		return err
	}
	s.redirect(w, r, schoolSkillsURL(id)+"#names-h", "settings.saved")
	return nil
}
