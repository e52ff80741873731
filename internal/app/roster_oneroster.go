package app

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"path"
	"slices"
	"strings"

	"cubby/internal/authz"
	"cubby/internal/db"
	"cubby/internal/store"
)

// The four files of a OneRoster 1.1 CSV export Cubby reads. The others
// (academicSessions, courses, demographics…) are ignored: Cubby keeps no
// grades, terms or demographics.
const (
	orgsCSV        = "orgs.csv"
	usersCSV       = "users.csv"
	classesCSV     = "classes.csv"
	enrollmentsCSV = "enrollments.csv"
)

// oneRosterColumns are the columns each file must have.
var oneRosterColumns = map[string][]string{
	orgsCSV:        {"sourcedId", "name"},
	usersCSV:       {"sourcedId", "role", "givenName", "familyName"},
	classesCSV:     {"sourcedId", "title", "schoolSourcedId"},
	enrollmentsCSV: {"classSourcedId", "userSourcedId", "role"},
}

// MaxUnzipped bounds what a zip may expand to, against zip bombs.
const MaxUnzipped = 100 << 20

// ErrTooLarge means an upload (or what it expands to) is over its limit.
var ErrTooLarge = errors.New("upload too large")

// OneRosterFiles collects the CSV files of an upload by lower-case base
// name: a zip of the export, or the files themselves uploaded together.
func OneRosterFiles(uploads map[string][]byte) (map[string][]byte, error) {
	files := map[string][]byte{}
	for name, data := range uploads {
		if !bytes.HasPrefix(data, []byte("PK\x03\x04")) {
			files[strings.ToLower(path.Base(name))] = data
			continue
		}
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return nil, importError([]ImportNote{{File: path.Base(name), Key: "oneroster.bad_zip"}})
		}
		var total int64
		for _, f := range zr.File {
			base := path.Base(f.Name)
			if f.FileInfo().IsDir() || strings.HasPrefix(f.Name, "__MACOSX/") || strings.HasPrefix(base, ".") {
				continue
			}
			rc, err := f.Open()
			if err != nil {
				return nil, importError([]ImportNote{{File: path.Base(name), Key: "oneroster.bad_zip"}})
			}
			b, err := io.ReadAll(io.LimitReader(rc, MaxUnzipped-total+1))
			rc.Close()
			if err != nil {
				return nil, importError([]ImportNote{{File: path.Base(name), Key: "oneroster.bad_zip"}})
			}
			if total += int64(len(b)); total > MaxUnzipped {
				return nil, ErrTooLarge
			}
			files[strings.ToLower(base)] = b
		}
	}
	return files, nil
}

// orTable is one parsed OneRoster file.
type orTable struct {
	file string
	cols map[string]int // lower-case column name → index
	rows []csvRow
}

func (t *orTable) get(r csvRow, col string) string {
	i, ok := t.cols[strings.ToLower(col)]
	if !ok {
		return ""
	}
	return r.field(i)
}

type orOrg struct {
	ID, Name, Type string
	Line           int
}

type orUser struct {
	ID, Role, Given, Family, Email, Status string
	Orgs                                   []string
	Line                                   int
}

type orClass struct {
	ID, Title, School, Status string
	Line                      int
}

type orEnrollment struct {
	Class, User, Role, Status string
	Line                      int
}

// OneRoster is a parsed, cross-checked OneRoster 1.1 CSV export.
type OneRoster struct {
	Orgs        []orOrg
	Users       map[string]*orUser
	Classes     []orClass
	Enrollments []orEnrollment
}

// ParseOneRoster reads and cross-checks the four files. Anything that
// makes the export untrustworthy — a missing file or column, broken
// quoting, a repeated sourcedId, an enrollment naming a class or user the
// export does not have — is a *ValidationError listing every problem
// with its file and line, and nothing may be imported.
func ParseOneRoster(files map[string][]byte) (*OneRoster, error) {
	var problems []ImportNote
	tables := map[string]*orTable{}
	for _, name := range []string{orgsCSV, usersCSV, classesCSV, enrollmentsCSV} {
		data, ok := files[name]
		if !ok {
			problems = append(problems, ImportNote{File: name, Key: "oneroster.missing_file", Args: []any{"file", name}})
			continue
		}
		header, rows, p := readCSV(name, decodeText(data), ',')
		if len(p) > 0 {
			problems = append(problems, p...)
			continue
		}
		t := &orTable{file: name, cols: map[string]int{}, rows: rows}
		for i, h := range header {
			t.cols[strings.ToLower(strings.TrimSpace(h))] = i
		}
		for _, col := range oneRosterColumns[name] {
			if _, ok := t.cols[strings.ToLower(col)]; !ok {
				problems = append(problems, ImportNote{File: name, Line: 1, Key: "oneroster.missing_column", Args: []any{"file", name, "column", col}})
			}
		}
		tables[name] = t
	}
	if len(problems) > 0 {
		return nil, importError(problems)
	}
	or := &OneRoster{Users: map[string]*orUser{}}
	problem := func(file string, line int, key string, args ...any) {
		problems = append(problems, ImportNote{File: file, Line: line, Key: key, Args: append([]any{"file", file, "line", line}, args...)})
	}
	// ids checks a file's sourcedIds: present and unique.
	ids := func(t *orTable, r csvRow, seen map[string]bool) (string, bool) {
		id := t.get(r, "sourcedId")
		switch {
		case id == "":
			problem(t.file, r.Line, "oneroster.no_id")
			return "", false
		case seen[id]:
			problem(t.file, r.Line, "oneroster.duplicate_id", "id", id)
			return "", false
		}
		seen[id] = true
		return id, true
	}
	t, seen := tables[orgsCSV], map[string]bool{}
	for _, r := range t.rows {
		if id, ok := ids(t, r, seen); ok {
			or.Orgs = append(or.Orgs, orOrg{ID: id, Name: t.get(r, "name"), Type: strings.ToLower(t.get(r, "type")), Line: r.Line})
		}
	}
	t, seen = tables[usersCSV], map[string]bool{}
	for _, r := range t.rows {
		if id, ok := ids(t, r, seen); ok {
			u := &orUser{ID: id, Role: strings.ToLower(t.get(r, "role")), Given: t.get(r, "givenName"), Family: t.get(r, "familyName"),
				Email: t.get(r, "email"), Status: strings.ToLower(t.get(r, "status")), Line: r.Line}
			for _, o := range strings.Split(t.get(r, "orgSourcedIds"), ",") {
				if o = strings.TrimSpace(o); o != "" {
					u.Orgs = append(u.Orgs, o)
				}
			}
			or.Users[id] = u
		}
	}
	t, seen = tables[classesCSV], map[string]bool{}
	for _, r := range t.rows {
		id, ok := ids(t, r, seen)
		if !ok {
			continue
		}
		c := orClass{ID: id, Title: t.get(r, "title"), School: t.get(r, "schoolSourcedId"), Status: strings.ToLower(t.get(r, "status")), Line: r.Line}
		if !slices.ContainsFunc(or.Orgs, func(o orOrg) bool { return o.ID == c.School }) {
			problem(t.file, r.Line, "oneroster.unknown_org", "id", c.School)
		}
		or.Classes = append(or.Classes, c)
	}
	t = tables[enrollmentsCSV]
	for _, r := range t.rows {
		e := orEnrollment{Class: t.get(r, "classSourcedId"), User: t.get(r, "userSourcedId"), Role: strings.ToLower(t.get(r, "role")),
			Status: strings.ToLower(t.get(r, "status")), Line: r.Line}
		if !seen[e.Class] {
			problem(t.file, r.Line, "oneroster.unknown_class", "id", e.Class)
		}
		if or.Users[e.User] == nil {
			problem(t.file, r.Line, "oneroster.unknown_user", "id", e.User)
		}
		or.Enrollments = append(or.Enrollments, e)
	}
	if err := importError(problems); err != nil {
		return nil, err
	}
	return or, nil
}

// pickOrg finds the export's school that is this Cubby school: the one
// asked for, the only school in the file, the one with the same name, or
// the only one with classes.
func (or *OneRoster) pickOrg(schoolName, choice string) (*orOrg, error) {
	fold := func(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }
	var schools, withClasses []*orOrg
	for i := range or.Orgs {
		o := &or.Orgs[i]
		if choice != "" && o.ID == choice {
			return o, nil
		}
		if o.Type == "" || o.Type == "school" {
			schools = append(schools, o)
		}
		if slices.ContainsFunc(or.Classes, func(c orClass) bool { return c.School == o.ID }) {
			withClasses = append(withClasses, o)
		}
	}
	if choice != "" {
		return nil, importError([]ImportNote{{File: orgsCSV, Key: "oneroster.unknown_org_choice", Args: []any{"id", choice}}})
	}
	if len(schools) == 1 {
		return schools[0], nil
	}
	var names []string
	for _, o := range schools {
		if fold(o.Name) == fold(schoolName) {
			return o, nil
		}
		names = append(names, o.Name)
	}
	if len(withClasses) == 1 {
		return withClasses[0], nil
	}
	return nil, importError([]ImportNote{{File: orgsCSV, Key: "oneroster.which_school",
		Args: []any{"names", strings.Join(names, ", "), "school", schoolName}}})
}

// OneRosterImport is what an import did.
type OneRosterImport struct {
	School string // the export's name for the school imported
	// Classes are the export's classes of this school, in file order.
	Classes                                          []store.Class
	ClassesCreated, ClassesUpdated                   int
	StudentsCreated, StudentsLinked, StudentsRenamed int
	Enrolled, Unenrolled, TeachersAdded              int
	// Notes say what was left out and why; nothing in them stopped the import.
	Notes []ImportNote
}

// Changed reports whether the import changed anything at all.
func (r *OneRosterImport) Changed() bool {
	return r.ClassesCreated+r.ClassesUpdated+r.StudentsCreated+r.StudentsLinked+r.StudentsRenamed+r.Enrolled+r.Unenrolled+r.TeachersAdded > 0
}

// ImportOneRoster brings a school's OneRoster 1.1 CSV export into Cubby in
// one transaction: the school's classes (created, or renamed when they
// exist from an earlier import), its students (one profile per sourcedId;
// a child a teacher already added by the same name is linked, not
// duplicated), their enrollments, and teachers whose email is a staff
// member's of the school. Importing the same export again changes nothing.
// org is the export's sourcedId of the school, when the file has several
// and none is named like this school.
func (a *App) ImportOneRoster(ctx context.Context, s *Session, schoolID int64, files map[string][]byte, org string) (*OneRosterImport, error) {
	if !authz.CanImportRoster(s.Actor, schoolID) {
		return nil, ErrNotFound
	}
	school, err := store.SchoolByID(ctx, a.db.R, schoolID)
	if err != nil {
		return nil, err
	}
	or, err := ParseOneRoster(files)
	if err != nil {
		return nil, err
	}
	o, err := or.pickOrg(school.Name, strings.TrimSpace(org))
	if err != nil {
		return nil, err
	}
	var out *OneRosterImport
	err = a.db.Tx(ctx, func(tx db.Querier) error {
		out = &OneRosterImport{School: o.Name}
		return a.importOneRoster(ctx, tx, s, school, or, o, out)
	})
	return out, err
}

func (a *App) importOneRoster(ctx context.Context, tx db.Querier, s *Session, school *store.School, or *OneRoster, o *orOrg, out *OneRosterImport) error {
	now := a.Now()
	note := func(file string, line int, key string, args ...any) {
		out.Notes = append(out.Notes, ImportNote{File: file, Line: line, Key: key, Args: args})
	}
	// Classes.
	classes := map[string]*store.Class{} // sourcedId → live class
	other := 0
	for _, oc := range or.Classes {
		if oc.School != o.ID {
			other++
			continue
		}
		if oc.Status == "tobedeleted" {
			note(classesCSV, oc.Line, "oneroster.class_deleted", "class", oc.Title)
			continue
		}
		title := strings.Join(strings.Fields(oc.Title), " ")
		if title == "" || len([]rune(title)) > 80 {
			note(classesCSV, oc.Line, "oneroster.bad_title", "line", oc.Line)
			continue
		}
		c, err := store.ClassBySourceID(ctx, tx, school.ID, oc.ID)
		switch {
		case errors.Is(err, db.ErrNotFound):
			c = &store.Class{SchoolID: school.ID, Name: title, CreatedAt: now}
			if err := store.InsertClass(ctx, tx, c, oc.ID); err != nil {
				return err
			}
			if err := a.AddStarterSkills(ctx, tx, c, s.User.Language); err != nil {
				return err
			}
			out.ClassesCreated++
		case err != nil:
			return err
		case c.ArchivedAt != nil:
			note(classesCSV, oc.Line, "oneroster.class_archived", "class", c.Name)
			continue
		case c.Name != title:
			if err := store.RenameClass(ctx, tx, c.ID, title); err != nil {
				return err
			}
			c.Name = title
			out.ClassesUpdated++
		}
		classes[oc.ID] = c
		out.Classes = append(out.Classes, *c)
	}
	if other > 0 {
		note(classesCSV, 0, "oneroster.other_classes", "count", other)
	}
	// Students: those of this school, or enrolled in one of its classes.
	enrolledHere := map[string]bool{}
	for _, e := range or.Enrollments {
		if classes[e.Class] != nil {
			enrolledHere[e.User] = true
		}
	}
	students := map[string]int64{} // sourcedId → student id
	ignored := 0
	for _, id := range sortedUserIDs(or.Users) {
		u := or.Users[id]
		if !enrolledHere[id] && !slices.Contains(u.Orgs, o.ID) {
			continue
		}
		if u.Role != "student" {
			if u.Role != "teacher" {
				ignored++
			}
			continue
		}
		if u.Status == "tobedeleted" {
			note(usersCSV, u.Line, "oneroster.user_deleted", "line", u.Line)
			continue
		}
		first, k1 := cleanName(u.Given, true)
		last, k2 := cleanName(u.Family, false)
		if k1 != "" || k2 != "" {
			note(usersCSV, u.Line, "oneroster.bad_name", "line", u.Line)
			continue
		}
		st, err := store.StudentBySourceID(ctx, tx, school.ID, id)
		if errors.Is(err, db.ErrNotFound) {
			st, err = store.UnimportedStudentByName(ctx, tx, school.ID, first, last)
			if err == nil {
				err = store.SetStudentSourceID(ctx, tx, st.ID, id)
				out.StudentsLinked++
			}
		} else if err == nil && (st.FirstName != first || st.LastName != last) {
			err = store.RenameUser(ctx, tx, st.UserID, first, last, now)
			out.StudentsRenamed++
		}
		if errors.Is(err, db.ErrNotFound) {
			st, err = a.newStudent(ctx, tx, school.ID, first, last, id, s.User.Language)
			out.StudentsCreated++
		}
		if err != nil {
			return err
		}
		students[id] = st.ID
	}
	if ignored > 0 {
		note(usersCSV, 0, "oneroster.others_ignored", "count", ignored)
	}
	// Enrollments.
	unmatched := map[string]bool{}
	for _, e := range or.Enrollments {
		c := classes[e.Class]
		if c == nil {
			continue
		}
		switch e.Role {
		case "student":
			sid, ok := students[e.User]
			if !ok {
				continue // the student was left out, with a note
			}
			if e.Status == "tobedeleted" {
				removed, err := store.RemoveFromClass(ctx, tx, c.ID, sid, now)
				if err != nil {
					return err
				}
				if removed {
					out.Unenrolled++
				}
				continue
			}
			changed, err := store.EnrollCurrent(ctx, tx, school.ID, c.ID, sid, now)
			if err != nil {
				return err
			}
			if changed {
				out.Enrolled++
			}
		case "teacher":
			if e.Status == "tobedeleted" {
				continue // teachers leave a class in Cubby, never by an export
			}
			u := or.Users[e.User]
			name := strings.TrimSpace(u.Given + " " + u.Family)
			email := normalizeEmail(u.Email)
			staff, err := store.ActiveStaffByEmail(ctx, tx, school.ID, email)
			if errors.Is(err, db.ErrNotFound) || email == "" {
				if !unmatched[e.User] {
					unmatched[e.User] = true
					note(usersCSV, u.Line, "oneroster.teacher_not_staff", "name", name, "email", u.Email)
				}
				continue
			}
			if err != nil {
				return err
			}
			added, err := store.AddClassTeacherIfMissing(ctx, tx, school.ID, c.ID, staff.ID, now)
			if err != nil {
				return err
			}
			if added {
				out.TeachersAdded++
			}
		}
	}
	// A class nobody teaches would be out of every teacher's reach: the
	// person importing teaches it until they add its teachers.
	for _, c := range out.Classes {
		ids, err := store.TeachersOf(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		if len(ids) > 0 {
			continue
		}
		if _, err := store.AddClassTeacherIfMissing(ctx, tx, school.ID, c.ID, s.User.ID, now); err != nil {
			return err
		}
		note("", 0, "oneroster.you_teach", "class", c.Name)
	}
	return nil
}

func sortedUserIDs(users map[string]*orUser) []string {
	ids := make([]string, 0, len(users))
	for id := range users {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b string) int { return users[a].Line - users[b].Line })
	return ids
}

// SchoolForImport returns the school whose rosters the actor may import,
// for the import page.
func (a *App) SchoolForImport(ctx context.Context, s *Session, schoolID int64) (*store.School, error) {
	if !authz.CanImportRoster(s.Actor, schoolID) {
		return nil, ErrNotFound
	}
	return store.SchoolByID(ctx, a.db.R, schoolID)
}
