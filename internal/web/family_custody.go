package web

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"cubby/internal/app"
	"cubby/internal/store"
)

// Family access: a school's leaders see who may act for a student, restrict
// a parent's access (a court order, a custody agreement, a safeguarding
// decision), record that the student holds their own rights, and file a
// correction request for someone who asked the school in person. Every
// change goes through a confirmation step that says what will happen.

// familyPage is the family access page's data.
type familyPage struct {
	*app.FamilyAccess
	SchoolID int64
	Reasons  []string
	// Confirm is the step that asks before a change is made.
	Confirm *confirmStep
}

// confirmStep repeats a submitted form with confirm=1, after saying what
// it will do.
type confirmStep struct {
	Text   string
	Action string
	Fields map[string]string
	Danger bool
}

// familyURL is the family access page of a student.
func familyURL(schoolID, studentID int64) string {
	return "/schools/" + strconv.FormatInt(schoolID, 10) + "/students/" + strconv.FormatInt(studentID, 10) + "/family"
}

// custodyIDs reads the school and student of the path, and a posted
// form; a student of another school is not found.
func (s *Server) custodyIDs(r *http.Request) (*app.Session, int64, int64, error) {
	sess, schoolID, err := sessionAt(r, "id")
	if err != nil {
		return nil, 0, 0, err
	}
	if err := r.ParseForm(); err != nil {
		return nil, 0, 0, err
	}
	studentID, err := pathID(r, "sid")
	return sess, schoolID, studentID, err
}

func (s *Server) familyAccess(w http.ResponseWriter, r *http.Request) error {
	sess, schoolID, studentID, err := s.custodyIDs(r)
	if err != nil {
		return err
	}
	return s.renderFamily(w, r, sess, s.page(w, r, "custody.title"), schoolID, studentID, nil, http.StatusOK)
}

func (s *Server) renderFamily(w http.ResponseWriter, r *http.Request, sess *app.Session, p *Page, schoolID, studentID int64, confirm *confirmStep, status int) error {
	f, err := s.app.FamilyAccessOf(r.Context(), sess, studentID)
	if err != nil {
		return err
	}
	if f.Student.SchoolID != schoolID {
		return app.ErrNotFound
	}
	p.Title = p.L.T("custody.title_student", "student", f.Student.FirstName+" "+f.Student.LastName)
	p.Data = familyPage{FamilyAccess: f, SchoolID: schoolID, Reasons: store.BlockReasons, Confirm: confirm}
	schoolNav(p)
	s.render(w, r, status, "custody", p)
	return nil
}

// familyError shows bad input or a refusal on the family page itself.
func (s *Server) familyError(w http.ResponseWriter, r *http.Request, sess *app.Session, schoolID, studentID int64, err error, keep ...string) error {
	p := s.page(w, r, "custody.title")
	status, ok := s.formError(w, p, err)
	if !ok {
		if status, ok = refusal(p, err); !ok {
			return err
		}
	}
	keepForm(p, r, keep...)
	return s.renderFamily(w, r, sess, p, schoolID, studentID, nil, status)
}

// confirmed reports whether the form carries the confirmation; if not, it
// shows the page with the confirmation step instead.
func (s *Server) confirmed(w http.ResponseWriter, r *http.Request, sess *app.Session, schoolID, studentID int64, step func(*Page, *app.FamilyAccess) *confirmStep) (bool, error) {
	if r.PostForm.Get("confirm") == "1" {
		return true, nil
	}
	f, err := s.app.FamilyAccessOf(r.Context(), sess, studentID)
	if err != nil {
		return false, err
	}
	p := s.page(w, r, "custody.title")
	c := step(p, f)
	if c == nil {
		return true, nil // nothing to explain: let the use case answer
	}
	c.Action = r.URL.Path
	return false, s.renderFamily(w, r, sess, p, schoolID, studentID, c, http.StatusOK)
}

func (s *Server) blockSubmit(w http.ResponseWriter, r *http.Request) error {
	sess, schoolID, studentID, err := s.custodyIDs(r)
	if err != nil {
		return err
	}
	f := r.PostForm
	guardian, _ := strconv.ParseInt(f.Get("guardian_id"), 10, 64)
	in := app.BlockInput{GuardianID: guardian, Reason: f.Get("reason"), Note: f.Get("note")}
	ok, err := s.confirmed(w, r, sess, schoolID, studentID, func(p *Page, fa *app.FamilyAccess) *confirmStep {
		var name string
		for _, g := range fa.Guardians {
			if g.UserID == guardian {
				name = g.FirstName + " " + g.LastName
			}
		}
		if name == "" || !slices.Contains(store.BlockReasons, in.Reason) {
			return nil
		}
		return &confirmStep{Danger: true, Fields: map[string]string{"guardian_id": f.Get("guardian_id"), "reason": in.Reason, "note": in.Note},
			Text: p.L.T("custody.confirm_block", "parent", name, "student", fa.Student.FirstName, "reason", p.L.T("custody.reason."+in.Reason))}
	})
	if err != nil || !ok {
		return err
	}
	if _, err := s.app.BlockGuardian(r.Context(), sess, studentID, in); err != nil {
		return s.familyError(w, r, sess, schoolID, studentID, err, "guardian_id", "reason", "note")
	}
	s.redirect(w, r, familyURL(schoolID, studentID)+"#blocks", "custody.blocked")
	return nil
}

// emailBlockSubmit restricts an address no connected parent has yet.
func (s *Server) emailBlockSubmit(w http.ResponseWriter, r *http.Request) error {
	sess, schoolID, studentID, err := s.custodyIDs(r)
	if err != nil {
		return err
	}
	f := r.PostForm
	in := app.EmailBlockInput{Email: f.Get("email"), Reason: f.Get("reason"), Note: f.Get("note")}
	ok, err := s.confirmed(w, r, sess, schoolID, studentID, func(p *Page, fa *app.FamilyAccess) *confirmStep {
		email := strings.TrimSpace(in.Email)
		if email == "" || !strings.Contains(email, "@") || !slices.Contains(store.BlockReasons, in.Reason) {
			return nil // the use case explains what is wrong
		}
		return &confirmStep{Danger: true, Fields: map[string]string{"email": in.Email, "reason": in.Reason, "note": in.Note},
			Text: p.L.T("custody.confirm_email_block", "email", email, "student", fa.Student.FirstName, "reason", p.L.T("custody.reason."+in.Reason))}
	})
	if err != nil || !ok {
		return err
	}
	if _, err := s.app.BlockEmail(r.Context(), sess, studentID, in); err != nil {
		return s.familyError(w, r, sess, schoolID, studentID, err, "email", "reason", "note")
	}
	s.redirect(w, r, familyURL(schoolID, studentID)+"#blocks", "custody.email_blocked")
	return nil
}

// liftSubmit lifts a block on an account, or with byEmail on an address.
func (s *Server) liftSubmit(byEmail bool) func(w http.ResponseWriter, r *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		sess, schoolID, studentID, err := s.custodyIDs(r)
		if err != nil {
			return err
		}
		blockID, err := pathID(r, "bid")
		if err != nil {
			return err
		}
		ok, err := s.confirmed(w, r, sess, schoolID, studentID, func(p *Page, fa *app.FamilyAccess) *confirmStep {
			for _, b := range fa.Active() {
				if b.ID == blockID && b.ByEmail == byEmail {
					who := b.GuardianName
					if byEmail {
						who = b.GuardianEmail
					}
					return &confirmStep{Text: p.L.T("custody.confirm_lift", "parent", who, "student", fa.Student.FirstName)}
				}
			}
			return nil
		})
		if err != nil || !ok {
			return err
		}
		lift := s.app.LiftGuardianBlock
		if byEmail {
			lift = s.app.LiftEmailBlock
		}
		if _, err := lift(r.Context(), sess, studentID, blockID); err != nil {
			return s.familyError(w, r, sess, schoolID, studentID, err)
		}
		s.redirect(w, r, familyURL(schoolID, studentID)+"#blocks", "custody.lifted")
		return nil
	}
}

func (s *Server) eligibleSubmit(w http.ResponseWriter, r *http.Request) error {
	sess, schoolID, studentID, err := s.custodyIDs(r)
	if err != nil {
		return err
	}
	eligible := r.PostForm.Get("eligible") == "1"
	ok, err := s.confirmed(w, r, sess, schoolID, studentID, func(p *Page, fa *app.FamilyAccess) *confirmStep {
		c := &confirmStep{Fields: map[string]string{"eligible": r.PostForm.Get("eligible")}}
		if eligible {
			c.Text = p.L.T("custody.confirm_eligible", "student", fa.Student.FirstName) + " " + p.L.T("custody.policy_"+string(fa.Policy))
		} else {
			c.Text = p.L.T("custody.confirm_uneligible", "student", fa.Student.FirstName)
		}
		return c
	})
	if err != nil || !ok {
		return err
	}
	if _, err := s.app.SetEligible(r.Context(), sess, studentID, eligible); err != nil {
		return s.familyError(w, r, sess, schoolID, studentID, err)
	}
	flash := "custody.eligible_unset"
	if eligible {
		flash = "custody.eligible_set"
	}
	s.redirect(w, r, familyURL(schoolID, studentID)+"#eligible", flash)
	return nil
}

// fileCorrectionPage is the form a leader fills in for someone who asked
// the school to correct a record.
type fileCorrectionPage struct {
	*app.FamilyAccess
	SchoolID int64
	Groups   []recordGroup // privacy_corrections.go
}

func (s *Server) fileCorrectionForm(w http.ResponseWriter, r *http.Request) error {
	sess, schoolID, studentID, err := s.custodyIDs(r)
	if err != nil {
		return err
	}
	p := s.page(w, r, "custody.file_title")
	p.Form.Set("requested_by", r.URL.Query().Get("for"))
	return s.renderFileCorrection(w, r, sess, p, schoolID, studentID, http.StatusOK)
}

func (s *Server) renderFileCorrection(w http.ResponseWriter, r *http.Request, sess *app.Session, p *Page, schoolID, studentID int64, status int) error {
	ctx := r.Context()
	f, err := s.app.FamilyAccessOf(ctx, sess, studentID)
	if err != nil {
		return err
	}
	if f.Student.SchoolID != schoolID {
		return app.ErrNotFound
	}
	records, err := s.app.RecordsToFile(ctx, sess, studentID)
	if err != nil {
		return err
	}
	d := fileCorrectionPage{FamilyAccess: f, SchoolID: schoolID}
	for _, rec := range records {
		if n := len(d.Groups); n == 0 || d.Groups[n-1].Table != rec.Table {
			d.Groups = append(d.Groups, recordGroup{Table: rec.Table})
		}
		g := &d.Groups[len(d.Groups)-1]
		g.Records = append(g.Records, recordItem{rec, words{p.L}.record(rec.Table, rec.Fields)})
	}
	p.Data = d
	schoolNav(p)
	s.render(w, r, status, "custody_correction", p)
	return nil
}

func (s *Server) fileCorrectionSubmit(w http.ResponseWriter, r *http.Request) error {
	sess, schoolID, studentID, err := s.custodyIDs(r)
	if err != nil {
		return err
	}
	f := r.PostForm
	requester, _ := strconv.ParseInt(f.Get("requested_by"), 10, 64)
	table, key, _ := strings.Cut(f.Get("record"), ":")
	_, err = s.app.FileCorrectionFor(r.Context(), sess, studentID, requester, table, key, f.Get("request"))
	if err == nil {
		s.redirect(w, r, familyURL(schoolID, studentID)+"#file", "custody.filed")
		return nil
	}
	p := s.page(w, r, "custody.file_title")
	status, ok := s.formError(w, p, err)
	if !ok {
		if !errors.Is(err, app.ErrNotFound) {
			return err
		}
		// No record chosen, or one that is gone (removed by an accepted
		// correction meanwhile): ask again rather than show an error page.
		// An unknown student stays not found when the form is rendered.
		status, p.Error, p.Errors = http.StatusBadRequest, p.L.T("error.validation"), map[string]string{}
	}
	if f.Get("record") == "" || !ok {
		p.Errors["record"] = p.L.T("custody.pick_record")
	}
	keepForm(p, r, "requested_by", "record", "request")
	return s.renderFileCorrection(w, r, sess, p, schoolID, studentID, status)
}
