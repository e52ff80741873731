package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"cubby/internal/app"
	"cubby/internal/i18n"
)

// The period every report and attendance-history page reads from its
// request (?from=&to=, ?format=csv), and the form that changes it.

// reportRequest is what every report page reads from its request.
type reportRequest struct {
	sess     *app.Session
	id       int64
	from, to time.Time
	csv      bool
	// rangeErr holds a bad from/to: the page then shows the default period
	// with the form's error, and answers 400.
	rangeErr *app.ValidationError
}

func (s *Server) readReportRequest(r *http.Request) (*reportRequest, error) {
	sess := session(r)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, app.ErrNotFound
	}
	q := r.URL.Query()
	req := &reportRequest{sess: sess, id: id, csv: q.Get("format") == "csv"}
	req.from, req.to, err = s.app.ParseRange(q.Get("from"), q.Get("to"))
	if errors.As(err, &req.rangeErr) {
		if req.csv {
			return nil, err
		}
		req.from, req.to, err = s.app.ParseRange("", "")
	}
	return req, err
}

// badRange answers a CSV request with a bad from/to: 400 with the first
// problem, as there is no form to show it next to.
func (s *Server) badRange(w http.ResponseWriter, r *http.Request, err error) error {
	var ve *app.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	key := "error.validation"
	for _, f := range []string{"from", "to"} {
		if fe, ok := ve.Fields[f]; ok {
			key = fe.Key
			break
		}
	}
	s.errorPage(w, r, http.StatusBadRequest, key)
	return nil
}

// rangeError shows a bad from/to next to the form; it reports the status.
func (s *Server) rangeError(p *Page, req *reportRequest, r *http.Request) int {
	if req.rangeErr == nil {
		return http.StatusOK
	}
	p.Errors = map[string]string{}
	for field, fe := range req.rangeErr.Fields {
		p.Errors[field] = p.L.T(fe.Key, fe.Args...)
	}
	p.Error = p.L.T("error.validation")
	p.Form.Set("from", r.URL.Query().Get("from"))
	p.Form.Set("to", r.URL.Query().Get("to"))
	return http.StatusBadRequest
}

// rangeView is the period form: the dates, shortcuts and the CSV link.
type rangeView struct {
	Action   string
	From, To string
	Quick    []quickLink
	CSV      string
}

type quickLink struct {
	Label   string
	URL     string
	Current bool
}

// rangeOf builds the period form for a page at path.
func (s *Server) rangeOf(l *i18n.Localizer, path string, rr app.ReportRange) rangeView {
	today, _ := time.Parse(time.DateOnly, s.app.Today())
	link := func(from, to string) string {
		return path + "?" + url.Values{"from": {from}, "to": {to}}.Encode()
	}
	v := rangeView{Action: path, From: rr.From, To: rr.To, CSV: link(rr.From, rr.To) + "&format=csv"}
	t := today.Format(time.DateOnly)
	for _, q := range []struct{ key, from string }{
		{"report.this_week", today.AddDate(0, 0, -((int(today.Weekday()) + 6) % 7)).Format(time.DateOnly)},
		{"report.this_month", today.AddDate(0, 0, 1-today.Day()).Format(time.DateOnly)},
		{"report.last_30", today.AddDate(0, 0, -29).Format(time.DateOnly)},
		{"report.school_year", rr.YearStart},
	} {
		v.Quick = append(v.Quick, quickLink{Label: l.T(q.key), URL: link(q.from, t), Current: q.from == rr.From && t == rr.To})
	}
	return v
}

// withRange is path with the period's dates.
func withRange(path string, rr app.ReportRange) string {
	return path + "?" + url.Values{"from": {rr.From}, "to": {rr.To}}.Encode()
}
