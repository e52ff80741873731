package web

import (
	"errors"
	"net/http"
	"strconv"

	"cubby/internal/app"
	"cubby/internal/authz"
	"cubby/internal/store"
)

// Correction requests: parents ask, teachers and leaders answer, both see
// the outcome.

// recordGroup is one kind of record (one table) about a child.
type recordGroup struct {
	Table   string
	Records []recordItem
}

// recordItem is a record with its fields worded for the reader.
type recordItem struct {
	app.ChildRecord
	Text string
}

// correctionItem is a request with its record worded for the reader.
type correctionItem struct {
	app.CorrectionView
	RecordText string
}

type correctionsPage struct {
	// Parent: the reader asks for corrections (a parent, or an eligible
	// student, who is also Self and asks about their own records).
	Parent   bool
	Self     bool
	Children []store.Student
	Requests []correctionItem
	// Groups are the chosen child's records, by kind, when picking one to
	// question.
	Child  *store.Student
	Groups []recordGroup
	// Record is the one being questioned on the form.
	Record *recordItem
}

func (s *Server) corrections(w http.ResponseWriter, r *http.Request) error {
	sess := session(r)
	p := s.page(w, r, "corrections.title")
	return s.renderCorrections(w, r, sess, p, http.StatusOK)
}

func (s *Server) renderCorrections(w http.ResponseWriter, r *http.Request, sess *app.Session, p *Page, status int) error {
	ctx := r.Context()
	d := correctionsPage{Self: authz.IsEligibleStudent(sess.Actor)}
	d.Parent = sess.Actor.Kind == authz.Parent || d.Self
	var err error
	if d.Parent {
		if d.Children, err = s.app.CorrectionSubjects(ctx, sess); err != nil {
			return err
		}
		id, _ := strconv.ParseInt(r.URL.Query().Get("student"), 10, 64)
		if d.Self {
			id = sess.Actor.StudentID
		}
		if id > 0 {
			for i := range d.Children {
				if d.Children[i].ID == id {
					d.Child = &d.Children[i]
				}
			}
			if d.Child == nil {
				return app.ErrNotFound
			}
			records, err := s.app.ChildRecords(ctx, sess, id)
			if err != nil {
				return err
			}
			for _, rec := range records {
				if n := len(d.Groups); n == 0 || d.Groups[n-1].Table != rec.Table {
					d.Groups = append(d.Groups, recordGroup{Table: rec.Table})
				}
				g := &d.Groups[len(d.Groups)-1]
				g.Records = append(g.Records, recordItem{rec, words{p.L}.record(rec.Table, rec.Fields)})
			}
		}
	}
	list, err := s.app.Corrections(ctx, sess)
	if err != nil {
		return err
	}
	for _, c := range list {
		d.Requests = append(d.Requests, correctionItem{c, words{p.L}.record(c.RecordTable, app.RecordFields(c.RecordSummary))})
	}
	p.Data = d
	s.render(w, r, status, "corrections", p)
	return nil
}

// correctionForm shows one record and asks what is wrong with it.
func (s *Server) correctionForm(w http.ResponseWriter, r *http.Request) error {
	sess := session(r)
	q := r.URL.Query()
	p := s.page(w, r, "corrections.ask")
	for _, k := range []string{"student", "table", "key"} {
		p.Form.Set(k, q.Get(k))
	}
	return s.renderCorrectionForm(w, r, sess, p, http.StatusOK)
}

func (s *Server) renderCorrectionForm(w http.ResponseWriter, r *http.Request, sess *app.Session, p *Page, status int) error {
	id, _ := strconv.ParseInt(p.Form.Get("student"), 10, 64)
	records, err := s.app.ChildRecords(r.Context(), sess, id)
	if err != nil {
		return err
	}
	d := correctionsPage{Parent: true}
	for _, rec := range records {
		if rec.Table == p.Form.Get("table") && rec.Key == p.Form.Get("key") {
			d.Record = &recordItem{rec, words{p.L}.record(rec.Table, rec.Fields)}
		}
	}
	if d.Record == nil {
		return app.ErrNotFound
	}
	p.Data = d
	s.render(w, r, status, "correction_new", p)
	return nil
}

func (s *Server) correctionSubmit(w http.ResponseWriter, r *http.Request) error {
	sess := session(r)
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := r.PostForm
	id, _ := strconv.ParseInt(f.Get("student"), 10, 64)
	_, err := s.app.RequestCorrection(r.Context(), sess, id, f.Get("table"), f.Get("key"), f.Get("request"))
	if err == nil {
		s.redirect(w, r, "/privacy/corrections", "corrections.sent")
		return nil
	}
	p := s.page(w, r, "corrections.ask")
	status, ok := s.formError(w, p, err)
	if !ok {
		return err
	}
	keepForm(p, r, "student", "table", "key", "request")
	return s.renderCorrectionForm(w, r, sess, p, status)
}

func (s *Server) correctionDecide(w http.ResponseWriter, r *http.Request) error {
	sess := session(r)
	if err := r.ParseForm(); err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return app.ErrNotFound
	}
	f := r.PostForm
	err = s.app.DecideCorrection(r.Context(), sess, id, f.Get("decision") == "accept", f.Get("remove") == "1", f.Get("reason"))
	if err == nil {
		s.redirect(w, r, "/privacy/corrections", "corrections.answered")
		return nil
	}
	p := s.page(w, r, "corrections.title")
	status, ok := s.formError(w, p, err)
	if !ok {
		if !isConflict(err) {
			return err
		}
		status, p.Error = http.StatusConflict, p.L.T("corrections.already")
	}
	p.Form.Set("for", strconv.FormatInt(id, 10))
	keepForm(p, r, "reason")
	return s.renderCorrections(w, r, sess, p, status)
}

func isConflict(err error) bool { return errors.Is(err, app.ErrConflict) }
