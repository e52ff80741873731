package api

import (
	"net/http"
	"strconv"
	"time"

	"cubby/internal/app"
	"cubby/internal/store"
)

func (x *API) createClass(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Name     string `json:"name"`
		SchoolID string `json:"school_id"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	schoolID, err := strconv.ParseInt(req.SchoolID, 10, 64)
	if err != nil {
		ve := &app.ValidationError{}
		ve.Add("school_id", "validation.required")
		return ve
	}
	c, err := x.app.CreateClass(r.Context(), app.SessionFrom(r.Context()), schoolID, req.Name)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, classJSON(c))
}

// Student is the JSON form of a student as their teachers see them.
type Student struct {
	ID         string `json:"id"`
	FirstName  string `json:"first_name"`
	LastName   string `json:"last_name"`
	Username   string `json:"username,omitempty"`
	ParentCode string `json:"parent_code,omitempty"`
	// Restricted: on a class roster, processing of the student's records
	// is restricted (restriction.go) and they cannot be given points.
	Restricted bool `json:"restricted,omitempty"`
}

func (x *API) addStudent(w http.ResponseWriter, r *http.Request) error {
	classID, err := parseID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		FirstName string `json:"first_name"`
		LastName  string `json:"last_name"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	added, err := x.app.AddStudents(r.Context(), app.SessionFrom(r.Context()), classID, []app.NewStudent{{FirstName: req.FirstName, LastName: req.LastName}})
	if err != nil {
		return err
	}
	st := added[0].Student
	status := http.StatusCreated
	if added[0].Existing {
		status = http.StatusOK // the school's existing student, now on this roster
	}
	return writeJSON(w, status, Student{ID: id(st.ID), FirstName: st.FirstName, LastName: st.LastName, Username: st.Username, ParentCode: st.ParentCode})
}

func (x *API) classRoster(w http.ResponseWriter, r *http.Request) error {
	classID, err := parseID(r, "id")
	if err != nil {
		return err
	}
	cv, err := x.app.Classroom(r.Context(), app.SessionFrom(r.Context()), classID)
	if err != nil {
		return err
	}
	if err := x.app.AuditClassRead(r.Context(), app.SessionFrom(r.Context()), cv.Class, app.ViewClass); err != nil {
		return err
	}
	out := struct {
		Class
		Students []Student `json:"students"`
	}{Class: classJSON(cv.Class), Students: []Student{}}
	for _, st := range cv.Roster {
		s := Student{ID: id(st.ID), FirstName: st.FirstName, LastName: st.LastName, Restricted: cv.Restricted[st.ID]}
		if cv.CanTeach {
			s.Username, s.ParentCode = st.Username, st.ParentCode
		}
		out.Students = append(out.Students, s)
	}
	return writeJSON(w, http.StatusOK, out)
}

// Skill is the JSON form of a skill.
type Skill struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Weight int    `json:"weight"`
	Scope  string `json:"scope"`
	Icon   string `json:"icon"` // one of app.SkillIcons, "" for none
}

func (x *API) listSkills(w http.ResponseWriter, r *http.Request) error {
	classID, err := parseID(r, "id")
	if err != nil {
		return err
	}
	skills, err := x.app.Skills(r.Context(), app.SessionFrom(r.Context()), classID)
	if err != nil {
		return err
	}
	return writeSkills(w, skills)
}

// skillJSON is a skill's JSON form; class_id 0 is a school-wide skill.
func skillJSON(s store.Skill) Skill {
	scope := "class"
	if s.ClassID == 0 {
		scope = "school"
	}
	return Skill{ID: id(s.ID), Name: s.Name, Weight: s.Weight, Scope: scope, Icon: s.Icon}
}

func writeSkills(w http.ResponseWriter, skills []store.Skill) error {
	out := []Skill{}
	for _, s := range skills {
		out = append(out, skillJSON(s))
	}
	return writeJSON(w, http.StatusOK, map[string]any{"skills": out})
}

// addSkillTo adds a class skill (classID) or, for leaders, a school-wide
// one (schoolID), from a {name, weight, icon} body (icon optional).
func (x *API) addSkillTo(w http.ResponseWriter, r *http.Request, schoolID, classID int64) error {
	var req struct {
		Name   string `json:"name"`
		Weight int    `json:"weight"`
		Icon   string `json:"icon"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	s, err := x.app.AddSkillWith(r.Context(), app.SessionFrom(r.Context()), schoolID, classID, app.SkillInput{Name: req.Name, Weight: req.Weight, Icon: req.Icon})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, skillJSON(*s))
}

func (x *API) addSkill(w http.ResponseWriter, r *http.Request) error {
	classID, err := parseID(r, "id")
	if err != nil {
		return err
	}
	return x.addSkillTo(w, r, 0, classID)
}

// Award is the JSON form of one point given.
type Award struct {
	ID        string    `json:"id"`
	StudentID string    `json:"student_id"`
	SkillID   string    `json:"skill_id"`
	SkillName string    `json:"skill_name"`
	Weight    int       `json:"weight"`
	Note      string    `json:"note,omitempty"`
	AwardedAt time.Time `json:"awarded_at"`
}

func awardJSON(p store.Point) Award {
	return Award{ID: id(p.ID), StudentID: id(p.StudentID), SkillID: id(p.SkillID), SkillName: p.SkillName, Weight: p.Weight, Note: p.Note, AwardedAt: p.AwardedAt.UTC()}
}

func (x *API) awardPoints(w http.ResponseWriter, r *http.Request) error {
	classID, err := parseID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		StudentIDs []string `json:"student_ids"`
		WholeClass bool     `json:"whole_class"`
		SkillID    string   `json:"skill_id"`
		Note       string   `json:"note"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	in := app.Award{WholeClass: req.WholeClass, Note: req.Note}
	ve := &app.ValidationError{}
	if in.SkillID, err = strconv.ParseInt(req.SkillID, 10, 64); err != nil {
		ve.Add("skill_id", "points.bad_skill")
	}
	for _, s := range req.StudentIDs {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			ve.Add("student_ids", "points.not_in_class")
		}
		in.StudentIDs = append(in.StudentIDs, n)
	}
	if err := ve.Err(); err != nil {
		return err
	}
	points, err := x.app.AwardPoints(r.Context(), app.SessionFrom(r.Context()), classID, in)
	if err != nil {
		return err
	}
	out := []Award{}
	for _, p := range points {
		out = append(out, awardJSON(p))
	}
	return writeJSON(w, http.StatusCreated, map[string]any{"awards": out})
}

func (x *API) undoPoint(w http.ResponseWriter, r *http.Request) error {
	pointID, err := parseID(r, "id")
	if err != nil {
		return err
	}
	if err := x.app.UndoPoint(r.Context(), app.SessionFrom(r.Context()), pointID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// AttendanceRecord is the JSON form of one attendance record.
type AttendanceRecord struct {
	StudentID string `json:"student_id,omitempty"`
	ClassID   string `json:"class_id,omitempty"`
	Date      string `json:"date"`
	Status    string `json:"status"`
}

func (x *API) putAttendance(w http.ResponseWriter, r *http.Request) error {
	classID, err := parseID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		Records []struct {
			StudentID string `json:"student_id"`
			Status    string `json:"status"`
		} `json:"records"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	var marks []app.Mark
	for _, rec := range req.Records {
		n, err := strconv.ParseInt(rec.StudentID, 10, 64)
		if err != nil {
			ve := &app.ValidationError{}
			ve.Add("records", "points.not_in_class")
			return ve
		}
		marks = append(marks, app.Mark{StudentID: n, Status: rec.Status})
	}
	records, err := x.app.TakeAttendance(r.Context(), app.SessionFrom(r.Context()), classID, r.PathValue("date"), marks)
	if err != nil {
		return err
	}
	out := []AttendanceRecord{}
	for _, rec := range records {
		out = append(out, AttendanceRecord{StudentID: id(rec.StudentID), Date: rec.Day, Status: rec.Status})
	}
	return writeJSON(w, http.StatusOK, map[string]any{"date": r.PathValue("date"), "records": out})
}

func (x *API) studentPoints(w http.ResponseWriter, r *http.Request) error {
	studentID, from, to, err := x.idAndRange(r)
	if err != nil {
		return err
	}
	sp, err := x.app.PointsOf(r.Context(), app.SessionFrom(r.Context()), studentID, from, to)
	if err != nil {
		return err
	}
	awards := []Award{}
	for _, p := range sp.Points {
		awards = append(awards, awardJSON(p))
	}
	return writeJSON(w, http.StatusOK, map[string]any{"total": sp.Totals.Total, "positive": sp.Totals.Positive,
		"needs_work": sp.Totals.NeedsWork, "awards": awards})
}

func (x *API) studentAttendance(w http.ResponseWriter, r *http.Request) error {
	studentID, from, to, err := x.idAndRange(r)
	if err != nil {
		return err
	}
	records, err := x.app.AttendanceOf(r.Context(), app.SessionFrom(r.Context()), studentID, from, to)
	if err != nil {
		return err
	}
	out := []AttendanceRecord{}
	for _, rec := range records {
		out = append(out, AttendanceRecord{ClassID: id(rec.ClassID), Date: rec.Day, Status: rec.Status})
	}
	return writeJSON(w, http.StatusOK, map[string]any{"records": out})
}

func (x *API) connect(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		ParentCode string `json:"parent_code"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	st, err := x.app.ConnectChild(r.Context(), app.SessionFrom(r.Context()), req.ParentCode)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, map[string]any{"student": Student{ID: id(st.ID), FirstName: st.FirstName, LastName: st.LastName}})
}
