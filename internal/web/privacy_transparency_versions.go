package web

import (
	"encoding/json"
	"net/http"
	"strings"

	"cubby/internal/app"
	"cubby/internal/privacy"
)

// The archive of the transparency page (INV-7): every version with the
// date it took effect, what changed, and its content as it was.

type versionRow struct {
	Version, Date string
	Material      bool
	Changes       []string
}

func (s *Server) noticeVersions(w http.ResponseWriter, r *http.Request) error {
	versions, err := s.app.RecordNotice(r.Context())
	if err != nil {
		return err
	}
	p := s.page(w, r, "versions.title")
	wd := words{p.L}
	var rows []versionRow
	for _, v := range versions {
		row := versionRow{Version: v.Version, Date: v.EffectiveAt.Format("2006-01-02"), Material: v.Material}
		var c privacy.NoticeChanges
		json.Unmarshal([]byte(v.Changes), &c)
		names := func(ts []privacy.DataType) string {
			var out []string
			for _, t := range ts {
				out = append(out, wd.dataType(t))
			}
			return wd.list(out)
		}
		procs := func(ps []string) string {
			var out []string
			for _, p := range ps {
				if parts := strings.SplitN(p, ":", 3); len(parts) == 3 {
					out = append(out, parts[1]+" ("+wd.country(parts[2])+")")
				}
			}
			return wd.list(out)
		}
		for _, ch := range []struct {
			key, what string
		}{{"versions.added_types", names(c.AddedTypes)}, {"versions.changed_types", names(c.ChangedTypes)}, {"versions.removed_types", names(c.RemovedTypes)},
			{"versions.added_processors", procs(c.AddedProcessors)}, {"versions.removed_processors", procs(c.RemovedProcessors)}} {
			if ch.what != "" {
				row.Changes = append(row.Changes, p.L.T(ch.key, "what", ch.what))
			}
		}
		rows = append(rows, row)
	}
	p.Data = rows
	s.render(w, r, http.StatusOK, "notice_versions", p)
	return nil
}

// noticeVersion serves an archived version's content (JSON, in keys).
func (s *Server) noticeVersion(w http.ResponseWriter, r *http.Request) error {
	versions, err := s.app.RecordNotice(r.Context())
	if err != nil {
		return err
	}
	want := strings.TrimSuffix(r.PathValue("version"), ".json")
	for _, v := range versions {
		if v.Version == want {
			w.Header().Set("Content-Type", "application/json")
			_, err := w.Write([]byte(v.Content))
			return err
		}
	}
	return app.ErrNotFound
}
