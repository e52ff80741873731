package web

import (
	"errors"
	"io"
	"net/http"
	"strconv"

	"cubby/internal/app"
	"cubby/internal/store"
)

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
	sess := session(r)
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
	sess := session(r)
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
	sess := session(r)
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
	sess := session(r)
	entries, err := s.app.AccessLog(r.Context(), sess)
	if err != nil {
		return err
	}
	p := s.page(w, r, "access.title")
	p.Data = entries
	s.render(w, r, http.StatusOK, "access", p)
	return nil
}
