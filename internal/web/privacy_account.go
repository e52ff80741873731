package web

import (
	"context"
	"errors"
	"net/http"
	"time"

	"cubby/internal/app"
	"cubby/internal/authz"
	"cubby/internal/store"
)

// privacySettings is the settings page's "your data" part.
type privacySettings struct {
	// Eligible: a student who holds the rights over their own records
	// asks for corrections like a parent (custody.go).
	Eligible     bool
	Deletion     *store.Erasure
	CanNews      bool
	News         bool
	Counting     bool
	Staff        bool
	Leader       bool
	Parent       bool
	Grace        string
	PendingTasks int
	// Restrictions: the person may ask for (parent, student) or decide
	// on (leader) restrictions of processing; PendingRestrictions are the
	// requests waiting for this leader (restriction.go).
	Restrictions        bool
	PendingRestrictions int
}

// privacySettingsOf gathers what the settings page shows about a person's
// data, requests and choices.
func (s *Server) privacySettingsOf(ctx context.Context, sess *app.Session, w words) (privacySettings, error) {
	d := privacySettings{CanNews: app.CanReceiveNews(sess.User), Staff: sess.Actor.Kind == authz.Teacher || sess.Actor.Kind == authz.Leader,
		Leader: sess.Actor.Kind == authz.Leader, Parent: sess.Actor.Kind == authz.Parent, Grace: w.period(s.app.Deployment().DeletionGrace)}
	d.Eligible = authz.IsEligibleStudent(sess.Actor)
	var err error
	if d.Deletion, err = s.app.PendingDeletion(ctx, sess); err != nil {
		return d, err
	}
	if d.CanNews {
		if d.News, err = s.app.NewsSubscribed(ctx, sess); err != nil {
			return d, err
		}
	}
	if d.Counting, err = s.app.UsageCounting(ctx, sess); err != nil {
		return d, err
	}
	d.Restrictions = d.Parent || d.Leader || sess.Actor.Kind == authz.Student
	if d.Leader {
		list, err := s.app.Restrictions(ctx, sess)
		if err != nil {
			return d, err
		}
		for _, r := range list {
			if r.CanDecide {
				d.PendingRestrictions++
			}
		}
	}
	if d.Staff {
		list, err := s.app.Corrections(ctx, sess)
		if err != nil {
			return d, err
		}
		for _, c := range list {
			if c.CanDecide {
				d.PendingTasks++
			}
		}
	}
	return d, nil
}

// deleteAccountPage explains what deleting the account does, then asks.
func (s *Server) deleteAccountPage(w http.ResponseWriter, r *http.Request) error {
	sess := session(r)
	p := s.page(w, r, "delete.title")
	return s.renderDeletePage(w, r, sess, p, http.StatusOK)
}

type deletePage struct {
	// HasPassword: the form asks for it; an account without one (a
	// student who logs in with a class code) needs a fresh login instead.
	HasPassword bool
	Grace       string
	Pending     *store.Erasure
	Holds       []string
	Date        string
}

func (s *Server) renderDeletePage(w http.ResponseWriter, r *http.Request, sess *app.Session, p *Page, status int) error {
	wd := words{p.L}
	d := deletePage{Grace: wd.period(s.app.Deployment().DeletionGrace), HasPassword: sess.User.PasswordHash != ""}
	var err error
	if d.Pending, err = s.app.PendingDeletion(r.Context(), sess); err != nil {
		return err
	}
	for _, row := range s.app.Transparency().Rows {
		for _, rt := range row.Retention {
			if rt.HoldReason != "" {
				d.Holds = append(d.Holds, wd.dataType(row.Type)+": "+p.L.T("privacy.hold."+string(row.Type)))
				break
			}
		}
	}
	p.Data = d
	s.render(w, r, status, "account_delete", p)
	return nil
}

// deleteAccountSubmit schedules the erasure and logs out. The page it shows
// says when, and how to change one's mind.
func (s *Server) deleteAccountSubmit(w http.ResponseWriter, r *http.Request) error {
	sess := session(r)
	if err := r.ParseForm(); err != nil {
		return err
	}
	if r.PostForm.Get("confirm") != "1" {
		p := s.page(w, r, "delete.title")
		p.Errors = map[string]string{"confirm": p.L.T("delete.confirm_required")}
		p.Error = p.L.T("error.validation")
		return s.renderDeletePage(w, r, sess, p, http.StatusBadRequest)
	}
	due, err := s.app.DeleteAccount(r.Context(), sess, r.PostForm.Get("password"))
	if err != nil && !errors.Is(err, app.ErrDeletionPending) {
		p := s.page(w, r, "delete.title")
		status, ok := s.formError(w, p, err)
		if !ok {
			return err
		}
		p.Form.Set("confirm", "1")
		return s.renderDeletePage(w, r, sess, p, status)
	}
	s.clearSessionCookie(w)
	p := s.page(w, r, "delete.title")
	p.User, p.Nav = nil, nil
	p.Data = deletePage{Date: due.In(time.UTC).Format("2006-01-02")}
	s.render(w, r, http.StatusOK, "account_deleted", p)
	return nil
}

func (s *Server) deleteAccountCancel(w http.ResponseWriter, r *http.Request) error {
	sess := session(r)
	if err := s.app.CancelDeletion(r.Context(), sess); err != nil {
		return err
	}
	s.redirect(w, r, "/settings", "delete.cancelled")
	return nil
}

func (s *Server) newsSubmit(w http.ResponseWriter, r *http.Request) error {
	sess := session(r)
	if err := r.ParseForm(); err != nil {
		return err
	}
	if r.PostForm.Get("news") == "on" {
		if err := s.app.SubscribeNews(r.Context(), sess); err != nil {
			return err // a student gets the forbidden page
		}
		s.redirect(w, r, "/settings#choices", "news.subscribed")
		return nil
	}
	if err := s.app.UnsubscribeNews(r.Context(), sess); err != nil {
		return err
	}
	s.redirect(w, r, "/settings#choices", "news.unsubscribed")
	return nil
}

func (s *Server) usageSubmit(w http.ResponseWriter, r *http.Request) error {
	sess := session(r)
	if err := r.ParseForm(); err != nil {
		return err
	}
	on := r.PostForm.Get("counting") == "on"
	if err := s.app.SetUsageCounting(r.Context(), sess, on); err != nil {
		return err
	}
	flash := "usage.off"
	if on {
		flash = "usage.on"
	}
	s.redirect(w, r, "/settings#choices", flash)
	return nil
}

// unsubscribeForm is the page a news email's link opens: one button, no
// login. It does not unsubscribe on GET, because mail scanners follow
// links.
func (s *Server) unsubscribeForm(w http.ResponseWriter, r *http.Request) error {
	p := s.page(w, r, "news.unsubscribe_title")
	p.Form.Set("token", r.URL.Query().Get("token"))
	s.render(w, r, http.StatusOK, "unsubscribe", p)
	return nil
}

func (s *Server) unsubscribeSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	err := s.app.UnsubscribeByToken(r.Context(), r.PostForm.Get("token"))
	p := s.page(w, r, "news.unsubscribe_title")
	status := http.StatusOK
	switch {
	case errors.Is(err, app.ErrNotFound):
		status, p.Error = http.StatusNotFound, p.L.T("news.bad_link")
	case err != nil:
		return err
	default:
		p.Flash = p.L.T("news.unsubscribed")
		p.Data = true
	}
	s.render(w, r, status, "unsubscribe", p)
	return nil
}
