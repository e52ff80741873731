package web

import (
	"bytes"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"cubby/internal/api"
	"cubby/internal/app"
	"cubby/internal/i18n"
)

// uploadRoutes matches the requests that may carry an upload, so the
// body limit can be raised for them alone before routing.
var uploadRoutes = func() *http.ServeMux {
	m := http.NewServeMux()
	for _, p := range []string{"POST /classes/{id}/students/import", "POST /schools/{id}/oneroster",
		"POST /api/v1/classes/{id}/students/import", "POST /api/v1/schools/{id}/oneroster"} {
		m.HandleFunc(p, http.NotFound)
	}
	return m
}()

// uploadLimit is the body limit of an upload route, or 0 for the default.
func uploadLimit(r *http.Request) int64 {
	if n := storyUploadLimit(r); n > 0 { // story_routes.go
		return n
	}
	if n := messageUploadLimit(r); n > 0 { // message_limits.go
		return n
	}
	if n := portfolioUploadLimit(r); n > 0 { // portfolio_routes.go
		return n
	}
	if _, pattern := uploadRoutes.Handler(r); pattern != "" {
		return api.MaxUpload
	}
	return 0
}

// noteView is an import note as a page shows it.
type noteView struct{ Where, Text string }

// noteViews translates import notes, in file and line order.
func noteViews(l *i18n.Localizer, notes []app.ImportNote) []noteView {
	notes = slices.Clone(notes)
	slices.SortStableFunc(notes, func(a, b app.ImportNote) int {
		if c := strings.Compare(a.File, b.File); c != 0 {
			return c
		}
		return a.Line - b.Line
	})
	out := make([]noteView, 0, len(notes))
	for _, n := range notes {
		where := "" // a note about a whole file names it itself
		if n.Line > 0 {
			where = l.T("import.where", "file", n.File, "line", n.Line)
			if n.File == "" {
				where = l.T("import.line", "line", n.Line)
			}
		}
		out = append(out, noteView{Where: where, Text: l.T(n.Key, n.Args...)})
	}
	return out
}

// problemViews lists the problems of a refused import (a validation
// error whose fields are "file:line") in file and line order.
func problemViews(p *Page, err error) []noteView {
	var ve *app.ValidationError
	if !errors.As(err, &ve) {
		return nil
	}
	notes := make([]app.ImportNote, 0, len(ve.Fields))
	for field, fe := range ve.Fields {
		file, line, _ := strings.Cut(field, ":")
		n, _ := strconv.Atoi(line)
		if file == "file" || file == "more" {
			file = ""
		}
		notes = append(notes, app.ImportNote{File: file, Line: n, Key: fe.Key, Args: fe.Args})
	}
	return noteViews(p.L, notes)
}

// csvImportSubmit adds a spreadsheet's students to a class and shows the
// roster with what was added and what was skipped.
func (s *Server) csvImportSubmit(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := sessionAt(r, "id")
	if err != nil {
		return err
	}
	up, err := api.ReadUploads(r)
	var res *app.CSVImport
	if err == nil {
		data := up.OneFile()
		if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
			v := &app.ValidationError{}
			v.Add("file", "import.zip_here")
			err = v
		} else {
			res, err = s.app.ImportStudentsCSV(r.Context(), sess, id, data)
		}
	}
	p := s.page(w, r, "roster.title")
	status := http.StatusOK
	var problems []noteView
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		status, p.Error = http.StatusRequestEntityTooLarge, p.L.T("import.too_large", "max", api.MaxUpload>>20)
	} else if err != nil {
		var ok bool
		if status, ok = s.formError(w, p, err); !ok {
			return err
		}
		p.Error, problems = p.L.T("import.refused"), problemViews(p, err)
	}
	d, err := s.classData(r, sess, "students")
	if err != nil {
		return err
	}
	if d.Extra != nil {
		d.Extra.Problems = problems
		if res != nil {
			d.Extra.CSV = &csvReport{Added: res.Added, Skipped: noteViews(p.L, res.Skipped)}
			for _, a := range res.Added {
				if a.Existing {
					d.Extra.CSV.Existing++
				}
			}
		}
	}
	p.Title, p.Data = d.Class.Name, d
	s.render(w, r, status, "class", p)
	return nil
}

// oneRosterPage is the OneRoster import page: the form, then what the
// import did or why it was refused.
type oneRosterPage struct {
	SchoolID   int64
	SchoolName string
	ClassID    int64 // the class page the teacher came from, if any
	Result     *app.OneRosterImport
	Notes      []noteView
	Problems   []noteView
}

func (s *Server) oneRosterForm(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := sessionAt(r, "id")
	if err != nil {
		return err
	}
	school, err := s.app.SchoolForImport(r.Context(), sess, id)
	if err != nil {
		return err
	}
	p := s.page(w, r, "oneroster.title")
	classID, _ := strconv.ParseInt(r.URL.Query().Get("class"), 10, 64)
	p.Data = oneRosterPage{SchoolID: school.ID, SchoolName: school.Name, ClassID: classID}
	s.render(w, r, http.StatusOK, "oneroster", p)
	return nil
}

func (s *Server) oneRosterSubmit(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := sessionAt(r, "id")
	if err != nil {
		return err
	}
	school, err := s.app.SchoolForImport(r.Context(), sess, id)
	if err != nil {
		return err
	}
	classID, _ := strconv.ParseInt(r.URL.Query().Get("class"), 10, 64)
	d := oneRosterPage{SchoolID: school.ID, SchoolName: school.Name, ClassID: classID}
	p := s.page(w, r, "oneroster.title")
	status := http.StatusOK
	up, err := api.ReadUploads(r)
	if err == nil {
		var files map[string][]byte
		if files, err = app.OneRosterFiles(up.Files); err == nil {
			d.Result, err = s.app.ImportOneRoster(r.Context(), sess, id, files, up.Fields["org"])
		}
	}
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe), errors.Is(err, app.ErrTooLarge):
		status, p.Error = http.StatusRequestEntityTooLarge, p.L.T("import.too_large", "max", api.MaxUpload>>20)
	case err != nil:
		var ok bool
		if status, ok = s.formError(w, p, err); !ok {
			return err
		}
		p.Error, d.Problems = p.L.T("import.refused"), problemViews(p, err)
	default:
		d.Notes = noteViews(p.L, d.Result.Notes)
	}
	p.Data = d
	s.render(w, r, status, "oneroster", p)
	return nil
}
