package web

import (
	"encoding/json"
	"net/http"

	"cubby/internal/privacy"
)

// The record of processing activities (GDPR Art. 30), generated like the
// transparency page: HTML in the reader's language, and JSON and CSV with
// the inventory's own keys for tools and supervisory authorities.

type recordView struct {
	Controller tpController
	Rows       []recordRow
	Security   []string
}

type recordRow struct {
	Purpose, Basis, Subject string
	Data, Recipients        string
	Transfers               string
	Retention               []string
}

func (s *Server) record(w http.ResponseWriter, r *http.Request) error {
	p := s.page(w, r, "record.title")
	wd := words{p.L}
	rec := s.app.RecordOfProcessing()
	d := s.app.Deployment()
	v := recordView{Controller: tpController{Name: wd.orNotSet(d.Operator.Name), Email: wd.orNotSet(d.Operator.Email),
		Address: wd.orNotSet(d.Operator.Address), DPO: wd.orNotSet(d.DPOEmail)}}
	for _, row := range rec.Rows {
		var types, recips []string
		for _, t := range row.DataTypes {
			types = append(types, wd.dataType(t))
		}
		recips = append(recips, p.L.T("privacy.this_server", "country", wd.country(d.ServerLocation)))
		for _, h := range row.Holders {
			recips = append(recips, h.Name+" ("+wd.country(h.Country)+")")
		}
		rr := recordRow{Purpose: sentence(wd.use(row.Purpose)), Basis: sentence(wd.basis(row.LegalBasis)), Subject: p.L.T("privacy.subject." + row.Subject),
			Data: wd.list(types), Recipients: wd.list(recips), Transfers: p.L.T("privacy.none")}
		if len(row.Transfers) > 0 {
			rr.Transfers = wd.countries(row.Transfers)
		}
		for _, rt := range row.Rules {
			rr.Retention = append(rr.Retention, wd.retention(rt))
		}
		v.Rows = append(v.Rows, rr)
	}
	for _, m := range privacy.SecurityMeasures {
		v.Security = append(v.Security, p.L.T("privacy.tom."+m.Key))
	}
	p.Data = v
	s.render(w, r, http.StatusOK, "record", p)
	return nil
}

func (s *Server) recordJSON(w http.ResponseWriter, r *http.Request) error {
	rec := s.app.RecordOfProcessing()
	var measures []map[string]string
	for _, m := range privacy.SecurityMeasures {
		measures = append(measures, map[string]string{"key": m.Key, "text": m.Text})
	}
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(map[string]any{"controller": rec.Controller, "dpo_email": rec.DPOEmail, "processing_activities": rec.Rows,
		"processors": rec.Processors, "security_measures": measures})
}

func (s *Server) recordCSV(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="cubby-record-of-processing.csv"`)
	_, err := w.Write(s.app.RecordOfProcessing().CSV())
	return err
}
