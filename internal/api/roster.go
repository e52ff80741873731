package api

import (
	"cubby/internal/authz"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"cubby/internal/app"
	"cubby/internal/store"
)

// rosterRoutes declares the roster's endpoints: uploads (a class's CSV, a
// school's OneRoster export), merging duplicate profiles, the year
// rollover, co-teachers, school-wide skills and the school's name setting.
func (x *API) rosterRoutes() {
	x.add(Op{Method: "POST", Path: "/classes/{id}/students/import", ID: "importStudents", Tag: "roster", Access: authz.ForClassTeachers,
		Summary: "Add the students of a spreadsheet (multipart field file: a CSV with a header naming first and last name columns in any common spelling, or one name column; comma, semicolon or tab separated) to a class the caller teaches. All or nothing; a child the school already has is put on the roster, not duplicated; unusable rows are listed with the reason. Up to 20 MiB.",
		Upload:  "StudentsUpload", Response: "StudentsImport", Success: http.StatusOK, Errors: []int{400, 401, 403, 404, 409, 413}, Handle: x.importStudents})
	x.add(Op{Method: "POST", Path: "/schools/{id}/oneroster", ID: "importOneRoster", Tag: "roster", Access: authz.ForStaff,
		Summary: "Import a OneRoster 1.1 CSV export (multipart: a zip, or orgs.csv, users.csv, classes.csv and enrollments.csv as files) into a school where the caller is staff, in one transaction: its classes, its students (role=student) and their enrollments; teachers become class teachers when their email is a staff member's. Importing the same export again changes nothing (sourcedIds are kept). A bad export — missing files or columns, broken quoting, enrollments naming a missing user or class — answers 400 listing every problem as errors[\"file:line\"], and nothing is imported. Up to 20 MiB.",
		Upload:  "OneRosterUpload", Response: "OneRosterImport", Success: http.StatusOK, Errors: []int{400, 401, 404, 413}, Handle: x.importOneRoster})
	x.add(Op{Method: "POST", Path: "/students/{id}/merge", ID: "mergeStudents", Tag: "roster", Access: authz.ForStaff, Idempotent: true,
		Summary: "Merge duplicate_id into this student, two profiles of one child in the same school: points, attendance, enrollments, parent connections, login-card links, consents and correction requests move here, then the duplicate and its account are deleted. The school's leaders, or a teacher of either student; 404 for those who cannot see both.",
		Request: "MergeRequest", Response: "MergeResult", Success: http.StatusOK, Errors: []int{400, 401, 403, 404}, Handle: x.mergeStudents})
	x.add(Op{Method: "POST", Path: "/classes/{id}/rollover", ID: "rolloverClass", Tag: "roster", Access: authz.ForClassTeachers, Idempotent: true,
		Summary: "Start next year's class from this one: same teachers, skills and settings, the chosen student_ids (same profiles) enrolled; this class is archived and stays readable but can no longer change (409). Its teachers and the school's leaders.",
		Request: "RolloverRequest", Response: "Class", Success: http.StatusCreated, Errors: []int{400, 401, 403, 404, 409}, Handle: x.rollover})
	x.add(Op{Method: "GET", Path: "/classes/{id}/teachers", ID: "listTeachers", Tag: "roster", Access: authz.ForClassTeachers,
		Summary: "A class's teachers, for those who see the class.", Response: "TeacherList", Success: http.StatusOK,
		Errors: []int{401, 404}, Handle: x.listTeachers})
	x.add(Op{Method: "POST", Path: "/classes/{id}/teachers", ID: "addTeacher", Tag: "roster", Access: authz.ForClassTeachers,
		Summary: "Add a co-teacher, with the same rights, by the email of an active staff member of the class's school. The class's teachers and the school's leaders.",
		Request: "TeacherAdd", Response: "Teacher", Success: http.StatusCreated, Errors: []int{400, 401, 403, 404, 409}, Handle: x.addTeacher})
	x.add(Op{Method: "DELETE", Path: "/classes/{id}/teachers/{user_id}", ID: "removeTeacher", Tag: "roster", Access: authz.ForClassTeachers,
		Summary: "Take a teacher off a class; a class always keeps at least one (400).", Success: http.StatusNoContent,
		Errors: []int{400, 401, 403, 404, 409}, Handle: x.removeTeacher})
	x.add(Op{Method: "GET", Path: "/schools/{id}/skills", ID: "listSchoolSkills", Tag: "roster", Access: authz.ForLeaders,
		Summary: "The school-wide skills every class of the school shows. School leaders.", Response: "SkillList",
		Success: http.StatusOK, Errors: []int{401, 404}, Handle: x.listSchoolSkills})
	x.add(Op{Method: "POST", Path: "/schools/{id}/skills", ID: "addSchoolSkill", Tag: "roster", Access: authz.ForLeaders,
		Summary: "Add a school-wide skill (weight -5 to +5, 0 allowed); every class shows it. School leaders.", Request: "SkillCreate", Response: "Skill",
		Success: http.StatusCreated, Errors: []int{400, 401, 404}, Handle: x.addSchoolSkill})
	x.add(Op{Method: "DELETE", Path: "/schools/{id}/skills/{skill_id}", ID: "archiveSchoolSkill", Tag: "roster", Access: authz.ForLeaders,
		Summary: "Archive a school-wide skill: classes stop showing it; points already given keep its name. School leaders.", Success: http.StatusNoContent,
		Errors: []int{401, 404}, Handle: x.archiveSchoolSkill})
	x.add(Op{Method: "GET", Path: "/schools/{id}/settings", ID: "getSchoolSettings", Tag: "roster", Access: authz.ForLeaders,
		Summary: "The school's classroom settings. School leaders.", Response: "SchoolSettings", Success: http.StatusOK,
		Errors: []int{401, 404}, Handle: x.getSchoolSettings})
	x.add(Op{Method: "PATCH", Path: "/schools/{id}/settings", ID: "updateSchoolSettings", Tag: "roster", Access: authz.ForLeaders,
		Summary: "Change the school's classroom settings: show_initials shows students as \"A. M.\" to other people on the class screen, the class-code picker and login cards. School leaders.",
		Request: "SchoolSettings", Response: "SchoolSettings", Success: http.StatusOK, Errors: []int{400, 401, 404}, Handle: x.updateSchoolSettings})
}

func init() {
	note := obj(map[string]any{"file": str(), "line": integer(), "message": str()}, "message")
	for name, s := range map[string]any{
		"StudentsUpload": obj(map[string]any{"file": map[string]any{"type": "string", "contentMediaType": "text/csv"}}, "file"),
		"OneRosterUpload": obj(map[string]any{
			"file": map[string]any{"type": "array", "items": map[string]any{"type": "string", "contentMediaType": "application/octet-stream"},
				"description": "a zip of the export, or its CSV files"},
			"org": map[string]any{"type": "string", "description": "the export's sourcedId of this school, when the file has several schools and none is named like this one"},
		}, "file"),
		"StudentsImport": obj(map[string]any{
			"added": map[string]any{"type": "array", "items": obj(map[string]any{"id": str(), "first_name": str(), "last_name": str(),
				"username": str(), "parent_code": str(), "existing": map[string]any{"type": "boolean", "description": "already at the school: put on the roster, not created"}},
				"id", "first_name", "last_name", "existing")},
			"skipped": map[string]any{"type": "array", "items": note},
		}, "added", "skipped"),
		"OneRosterImport": obj(map[string]any{
			"school": str(), "classes": map[string]any{"type": "array", "items": ref("Class")},
			"classes_created": integer(), "classes_updated": integer(), "students_created": integer(), "students_linked": integer(),
			"students_renamed": integer(), "enrolled": integer(), "unenrolled": integer(), "teachers_added": integer(),
			"notes": map[string]any{"type": "array", "items": note, "description": "what was left out and why"},
		}, "school", "classes", "notes"),
		"MergeRequest": obj(map[string]any{"duplicate_id": map[string]any{"type": "string", "description": "the profile to fold into this one and delete"}}, "duplicate_id"),
		"MergeResult": obj(map[string]any{"kept": ref("Student"), "removed": ref("Student"), "moved": obj(map[string]any{
			"points": integer(), "attendance": integer(), "enrollments": integer(), "guardians": integer(), "login_links": integer(), "consents": integer(), "corrections": integer(),
			"attendance_overlaps": integer(), "shared_classes": integer(), "shared_guardians": integer()})}, "kept", "removed", "moved"),
		"RolloverRequest": obj(map[string]any{"name": str(), "student_ids": map[string]any{"type": "array", "items": str()}}, "name"),
		"Teacher":         obj(map[string]any{"user_id": str(), "title": str(), "first_name": str(), "last_name": str(), "email": str()}, "user_id", "first_name"),
		"TeacherList":     obj(map[string]any{"teachers": map[string]any{"type": "array", "items": ref("Teacher")}}, "teachers"),
		"TeacherAdd":      obj(map[string]any{"email": str()}, "email"),
		"SchoolSettings":  obj(map[string]any{"show_initials": map[string]any{"type": "boolean"}}),
	} {
		schemas[name] = s
	}
}

// Uploads are the files and small fields of a multipart form.
type Uploads struct {
	Files  map[string][]byte // by file name; empty file inputs are left out
	Fields map[string]string
}

// ReadUploads reads a multipart form whole (the route's body limit bounds
// it). A request that is not a form with a file is a validation error on
// "file"; a body over the limit is an *http.MaxBytesError.
func ReadUploads(r *http.Request) (*Uploads, error) {
	bad := func(key string) error {
		v := &app.ValidationError{}
		v.Add("file", key)
		return v
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, bad("import.no_file")
	}
	u := &Uploads{Files: map[string][]byte{}, Fields: map[string]string{}}
	var mbe *http.MaxBytesError
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if errors.As(err, &mbe) {
			return nil, err
		}
		if err != nil {
			return nil, bad("import.unreadable")
		}
		limit := int64(4096) // a plain field
		if part.FileName() != "" {
			limit = 1 << 62 // the body limit applies
		}
		b, err := io.ReadAll(io.LimitReader(part, limit))
		if errors.As(err, &mbe) {
			return nil, err
		}
		if err != nil {
			return nil, bad("import.unreadable")
		}
		switch {
		case part.FileName() == "":
			u.Fields[part.FormName()] = string(b)
		case len(b) > 0:
			u.Files[part.FileName()] = b
		}
	}
	if len(u.Files) == 0 {
		return nil, bad("import.no_file")
	}
	return u, nil
}

// OneFile returns the file of a one-file form (the first by name).
func (u *Uploads) OneFile() []byte {
	names := make([]string, 0, len(u.Files))
	for n := range u.Files {
		names = append(names, n)
	}
	slices.Sort(names)
	return u.Files[names[0]]
}

// MaxUpload is the body limit of the upload routes (the web server sets it).
const MaxUpload = 20 << 20

// uploadFailed answers a body over the limit with 413 and the limit.
func (x *API) uploadFailed(w http.ResponseWriter, r *http.Request, err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) || errors.Is(err, app.ErrTooLarge) {
		l := x.localizer(r)
		w.Header().Set("Content-Type", "application/problem+json")
		w.Header().Set("Content-Language", l.Lang())
		w.WriteHeader(http.StatusRequestEntityTooLarge)
		return json.NewEncoder(w).Encode(Problem{Type: "about:blank", Title: http.StatusText(http.StatusRequestEntityTooLarge),
			Status: http.StatusRequestEntityTooLarge, Detail: l.T("import.too_large", "max", MaxUpload>>20)})
	}
	return err
}

// importNote is an import note in JSON.
type importNote struct {
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
	Message string `json:"message"`
}

func (x *API) notes(r *http.Request, notes []app.ImportNote) []importNote {
	l := x.localizer(r)
	out := []importNote{}
	for _, n := range notes {
		out = append(out, importNote{File: n.File, Line: n.Line, Message: l.T(n.Key, n.Args...)})
	}
	return out
}

func (x *API) importStudents(w http.ResponseWriter, r *http.Request) error {
	classID, err := parseID(r, "id")
	if err != nil {
		return err
	}
	up, err := ReadUploads(r)
	if err != nil {
		return x.uploadFailed(w, r, err)
	}
	res, err := x.app.ImportStudentsCSV(r.Context(), app.SessionFrom(r.Context()), classID, up.OneFile())
	if err != nil {
		return err
	}
	type added struct {
		Student
		Existing bool `json:"existing"`
	}
	out := struct {
		Added   []added      `json:"added"`
		Skipped []importNote `json:"skipped"`
	}{Added: []added{}, Skipped: x.notes(r, res.Skipped)}
	for _, a := range res.Added {
		st := a.Student
		out.Added = append(out.Added, added{Student: Student{ID: id(st.ID), FirstName: st.FirstName, LastName: st.LastName,
			Username: st.Username, ParentCode: st.ParentCode}, Existing: a.Existing})
	}
	return writeJSON(w, http.StatusOK, out)
}

func (x *API) importOneRoster(w http.ResponseWriter, r *http.Request) error {
	schoolID, err := parseID(r, "id")
	if err != nil {
		return err
	}
	up, err := ReadUploads(r)
	if err != nil {
		return x.uploadFailed(w, r, err)
	}
	files, err := app.OneRosterFiles(up.Files)
	if err != nil {
		return x.uploadFailed(w, r, err)
	}
	res, err := x.app.ImportOneRoster(r.Context(), app.SessionFrom(r.Context()), schoolID, files, up.Fields["org"])
	if err != nil {
		return err
	}
	out := map[string]any{"school": res.School, "classes_created": res.ClassesCreated, "classes_updated": res.ClassesUpdated,
		"students_created": res.StudentsCreated, "students_linked": res.StudentsLinked, "students_renamed": res.StudentsRenamed,
		"enrolled": res.Enrolled, "unenrolled": res.Unenrolled, "teachers_added": res.TeachersAdded, "notes": x.notes(r, res.Notes)}
	classes := []Class{}
	for i := range res.Classes {
		classes = append(classes, classJSON(&res.Classes[i]))
	}
	out["classes"] = classes
	return writeJSON(w, http.StatusOK, out)
}

// idField reads a JSON id string; anything else is a validation error.
func idField(field, v string) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || n <= 0 {
		ve := &app.ValidationError{}
		ve.Add(field, "validation.required")
		return 0, ve
	}
	return n, nil
}

func studentJSON(st store.Student) Student {
	return Student{ID: id(st.ID), FirstName: st.FirstName, LastName: st.LastName, Username: st.Username}
}

func (x *API) mergeStudents(w http.ResponseWriter, r *http.Request) error {
	keepID, err := parseID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		DuplicateID string `json:"duplicate_id"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	dropID, err := idField("duplicate_id", req.DuplicateID)
	if err != nil {
		return err
	}
	res, err := x.app.MergeStudents(r.Context(), app.SessionFrom(r.Context()), keepID, dropID)
	if err != nil {
		return err
	}
	c := res.MergeCounts
	return writeJSON(w, http.StatusOK, map[string]any{"kept": studentJSON(res.Kept), "removed": studentJSON(res.Removed),
		"moved": map[string]int{"points": c.Points, "attendance": c.Attendance, "enrollments": c.Enrollments, "guardians": c.Guardians,
			"login_links": c.LoginLinks, "consents": c.Consents, "corrections": c.Corrections, "attendance_overlaps": c.AttendanceOverlaps,
			"shared_classes": c.SharedClasses, "shared_guardians": c.SharedGuardians}})
}

func (x *API) rollover(w http.ResponseWriter, r *http.Request) error {
	classID, err := parseID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		Name       string   `json:"name"`
		StudentIDs []string `json:"student_ids"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	in := app.Rollover{Name: req.Name}
	for _, s := range req.StudentIDs {
		n, err := idField("student_ids", s)
		if err != nil {
			return err
		}
		in.StudentIDs = append(in.StudentIDs, n)
	}
	c, err := x.app.RollOver(r.Context(), app.SessionFrom(r.Context()), classID, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, classJSON(c))
}

// Teacher is the JSON form of a class's teacher.
type Teacher struct {
	UserID    string `json:"user_id"`
	Title     string `json:"title,omitempty"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Email     string `json:"email,omitempty"`
}

func teacherJSON(t store.Teacher) Teacher {
	return Teacher{UserID: id(t.UserID), Title: t.Title, FirstName: t.FirstName, LastName: t.LastName, Email: t.Email}
}

func (x *API) listTeachers(w http.ResponseWriter, r *http.Request) error {
	classID, err := parseID(r, "id")
	if err != nil {
		return err
	}
	list, err := x.app.ClassTeachers(r.Context(), app.SessionFrom(r.Context()), classID)
	if err != nil {
		return err
	}
	out := []Teacher{}
	for _, t := range list {
		out = append(out, teacherJSON(t))
	}
	return writeJSON(w, http.StatusOK, map[string]any{"teachers": out})
}

func (x *API) addTeacher(w http.ResponseWriter, r *http.Request) error {
	classID, err := parseID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		Email string `json:"email"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	t, err := x.app.AddCoTeacher(r.Context(), app.SessionFrom(r.Context()), classID, req.Email)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, teacherJSON(*t))
}

func (x *API) removeTeacher(w http.ResponseWriter, r *http.Request) error {
	classID, err := parseID(r, "id")
	if err != nil {
		return err
	}
	userID, err := parseID(r, "user_id")
	if err != nil {
		return err
	}
	if err := x.app.RemoveCoTeacher(r.Context(), app.SessionFrom(r.Context()), classID, userID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (x *API) listSchoolSkills(w http.ResponseWriter, r *http.Request) error {
	schoolID, err := parseID(r, "id")
	if err != nil {
		return err
	}
	set, err := x.app.SchoolClassroomSettings(r.Context(), app.SessionFrom(r.Context()), schoolID)
	if err != nil {
		return err
	}
	return writeSkills(w, set.Skills)
}

func (x *API) addSchoolSkill(w http.ResponseWriter, r *http.Request) error {
	schoolID, err := parseID(r, "id")
	if err != nil {
		return err
	}
	return x.addSkillTo(w, r, schoolID, 0)
}

func (x *API) archiveSchoolSkill(w http.ResponseWriter, r *http.Request) error {
	schoolID, err := parseID(r, "id")
	if err != nil {
		return err
	}
	skillID, err := parseID(r, "skill_id")
	if err != nil {
		return err
	}
	if err := x.app.ArchiveSchoolSkill(r.Context(), app.SessionFrom(r.Context()), schoolID, skillID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (x *API) getSchoolSettings(w http.ResponseWriter, r *http.Request) error {
	schoolID, err := parseID(r, "id")
	if err != nil {
		return err
	}
	set, err := x.app.SchoolClassroomSettings(r.Context(), app.SessionFrom(r.Context()), schoolID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"show_initials": set.ShowInitials})
}

func (x *API) updateSchoolSettings(w http.ResponseWriter, r *http.Request) error {
	schoolID, err := parseID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		ShowInitials *bool `json:"show_initials"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	sess := app.SessionFrom(r.Context())
	if req.ShowInitials != nil {
		if err := x.app.SetShowInitials(r.Context(), sess, schoolID, *req.ShowInitials); err != nil {
			return err
		}
	}
	return x.getSchoolSettings(w, r)
}
