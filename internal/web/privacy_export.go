package web

import (
	"errors"
	"io"
	"net/http"
	"strconv"

	"cubby/internal/app"
	"cubby/internal/store"
)

// privacyRoutes registers the pages of the privacy and data rights
// feature: the transparency page and record, export, the access log,
// correction requests, account deletion, the school's privacy settings and
// one-click unsubscribe.
func (s *Server) privacyRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /transparency", s.handler(s.transparency))
	mux.HandleFunc("GET /transparency.json", s.handler(s.transparencyJSON))
	mux.HandleFunc("GET /transparency/versions", s.handler(s.noticeVersions))
	mux.HandleFunc("GET /transparency/versions/{version}", s.handler(s.noticeVersion))
	mux.HandleFunc("GET /transparency/record", s.handler(s.record))
	mux.HandleFunc("GET /transparency/record.json", s.handler(s.recordJSON))
	mux.HandleFunc("GET /transparency/record.csv", s.handler(s.recordCSV))
	mux.HandleFunc("POST /privacy/export", s.handler(s.exportRequest))
	mux.HandleFunc("GET /privacy/export/{id}", s.handler(s.exportStatus))
	mux.HandleFunc("GET /privacy/export/{id}/download", s.handler(s.exportDownload))
	mux.HandleFunc("GET /privacy/access", s.handler(s.accessLog))
	mux.HandleFunc("GET /privacy/corrections", s.handler(s.corrections))
	mux.HandleFunc("GET /privacy/corrections/new", s.handler(s.correctionForm))
	mux.HandleFunc("POST /privacy/corrections", s.handler(s.correctionSubmit))
	mux.HandleFunc("POST /privacy/corrections/{id}/decide", s.handler(s.correctionDecide))
	s.restrictionRoutes(mux) // restriction.go
	mux.HandleFunc("POST /settings/delete", s.handler(s.deleteAccountSubmit))
	mux.HandleFunc("POST /settings/delete/cancel", s.handler(s.deleteAccountCancel))
	mux.HandleFunc("POST /settings/news", s.handler(s.newsSubmit))
	mux.HandleFunc("POST /settings/usage", s.handler(s.usageSubmit))
	mux.HandleFunc("GET /unsubscribe", s.handler(s.unsubscribeForm))
	mux.HandleFunc("POST /unsubscribe", s.handler(s.unsubscribeSubmit))
	mux.HandleFunc("GET /privacy/school", s.handler(s.schoolPrivacy))
	mux.HandleFunc("POST /privacy/school/{school}/retention", s.handler(s.retentionSubmit))
	mux.HandleFunc("GET /privacy/school/students/{id}/erase", s.handler(s.eraseStudentForm))
	mux.HandleFunc("POST /privacy/school/students/{id}/erase", s.handler(s.eraseStudentSubmit))
	mux.HandleFunc("POST /privacy/school/students/{id}/keep", s.handler(s.keepStudentSubmit))
}

// exportPage is what the export status page shows.
type exportPage struct {
	Token   string
	Export  *store.Export
	Percent int
	Running bool
}

// exportRequest starts an export and shows its progress. The export id in
// the address is the download's secret; only route patterns are logged.
func (s *Server) exportRequest(w http.ResponseWriter, r *http.Request) error {
	sess, err := requireLogin(r)
	if err != nil {
		return err
	}
	token, err := s.app.RequestExport(r.Context(), sess)
	if errors.Is(err, app.ErrExportRunning) {
		p := s.page(w, r, "export.title")
		p.Error = p.L.T("export.already_running")
		s.render(w, r, http.StatusConflict, "export", p)
		return nil
	}
	if err != nil {
		return err
	}
	s.redirect(w, r, "/privacy/export/"+token, "export.started")
	return nil
}

func (s *Server) exportStatus(w http.ResponseWriter, r *http.Request) error {
	sess, err := requireLogin(r)
	if err != nil {
		return err
	}
	token := r.PathValue("id")
	e, err := s.app.ExportStatus(r.Context(), sess, token)
	if err != nil {
		return err
	}
	p := s.page(w, r, "export.title")
	d := exportPage{Token: token, Export: e, Running: e.Status == store.ExportQueued || e.Status == store.ExportRunning}
	if e.Total > 0 {
		d.Percent = e.Progress * 100 / e.Total
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "export", p)
	return nil
}

// exportDownload hands out the archive once; the file is deleted when the
// response is done.
func (s *Server) exportDownload(w http.ResponseWriter, r *http.Request) error {
	sess, err := requireLogin(r)
	if err != nil {
		return err
	}
	dl, err := s.app.DownloadExport(r.Context(), sess, r.PathValue("id"))
	if errors.Is(err, app.ErrExportGone) || errors.Is(err, app.ErrExportRunning) {
		p := s.page(w, r, "export.title")
		p.Error = p.L.T("export.gone")
		s.render(w, r, http.StatusGone, "export", p)
		return nil
	}
	if err != nil {
		return err
	}
	defer dl.Close()
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="`+dl.Name+`"`)
	w.Header().Set("Content-Length", strconv.FormatInt(dl.Size, 10))
	w.Header().Set("Cache-Control", "no-store")
	_, err = io.Copy(w, dl)
	return err
}

// accessLog shows who accessed the records of the person and, for a
// parent, of their children.
func (s *Server) accessLog(w http.ResponseWriter, r *http.Request) error {
	sess, err := requireLogin(r)
	if err != nil {
		return err
	}
	entries, err := s.app.AccessLog(r.Context(), sess)
	if err != nil {
		return err
	}
	p := s.page(w, r, "access.title")
	p.Data = entries
	s.render(w, r, http.StatusOK, "access", p)
	return nil
}
