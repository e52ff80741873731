package api

import (
	"errors"
	"io"
	"net/http"
	"strconv"

	"cubby/internal/app"
	"cubby/internal/store"
)

// Data export over the API: POST starts the background job and answers
// 202 with the export id; GET answers 202 with the progress until the
// archive is ready, then 200 with the zip, once. The export id is the
// download's secret: only route patterns are logged, never the path.

func (x *API) requestExport(w http.ResponseWriter, r *http.Request) error {
	token, err := x.app.RequestExport(r.Context(), app.SessionFrom(r.Context()))
	if errors.Is(err, app.ErrExportRunning) {
		x.problem(w, r, http.StatusConflict, "export.already_running", nil)
		return nil
	}
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/me/export/"+token)
	return writeJSON(w, http.StatusAccepted, map[string]any{"export_id": token, "status": store.ExportQueued})
}

func (x *API) getExport(w http.ResponseWriter, r *http.Request) error {
	sess := app.SessionFrom(r.Context())
	token := r.PathValue("export_id")
	e, err := x.app.ExportStatus(r.Context(), sess, token)
	if err != nil {
		return err
	}
	if e.Status == store.ExportQueued || e.Status == store.ExportRunning {
		w.Header().Set("Retry-After", "2")
		return writeJSON(w, http.StatusAccepted, map[string]any{"export_id": token, "status": e.Status, "progress": e.Progress, "total": e.Total})
	}
	dl, err := x.app.DownloadExport(r.Context(), sess, token)
	if errors.Is(err, app.ErrExportGone) {
		x.problem(w, r, http.StatusGone, "export.gone", nil)
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
