package web

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"cubby/internal/app"
	"cubby/internal/authz"
	"cubby/internal/store"
)

// settingsPage is everything the settings page shows.
type settingsPage struct {
	Titles        []string
	Sessions      []store.Session
	CurrentID     string
	Consents      []store.Consent
	TwoFactor     bool // may use two-factor login
	Pending       *app.TwoFactorSetup
	RecoveryCodes []string
	RecoveryLeft  int
	Privacy       privacySettings // privacy_account.go
}

func (s *Server) settings(w http.ResponseWriter, r *http.Request) error {
	sess := session(r)
	p := s.page(w, r, "settings.title")
	u := sess.User
	for k, v := range map[string]string{"title": u.Title, "first_name": u.FirstName, "last_name": u.LastName, "language": u.Language, "email": u.Email} {
		p.Form.Set(k, v)
	}
	return s.renderSettings(w, r, sess, p, http.StatusOK, nil)
}

func (s *Server) renderSettings(w http.ResponseWriter, r *http.Request, sess *app.Session, p *Page, status int, codes []string) error {
	ctx := r.Context()
	d := settingsPage{Titles: app.Titles, CurrentID: sess.ID, TwoFactor: authz.CanUseTwoFactor(sess.Actor), RecoveryCodes: codes}
	var err error
	if d.Sessions, err = s.app.Sessions(ctx, sess); err != nil {
		return err
	}
	if d.Consents, err = s.app.Consents(ctx, sess); err != nil {
		return err
	}
	if d.Privacy, err = s.privacySettingsOf(ctx, sess, words{p.L}); err != nil {
		return err
	}
	if d.TwoFactor {
		if d.Pending, err = s.app.PendingTwoFactor(ctx, sess); err != nil {
			return err
		}
		if d.RecoveryLeft, err = s.app.RecoveryCodesLeft(ctx, sess); err != nil {
			return err
		}
	}
	p.Data = d
	s.render(w, r, status, "settings", p)
	return nil
}

// settingsAction runs one settings form's action and either redirects
// with a confirmation or re-renders the page with the form's errors.
func (s *Server) settingsAction(flash string, keep []string, act func(r *http.Request, sess *app.Session) error) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		sess := session(r)
		if err := r.ParseForm(); err != nil {
			return err
		}
		err := act(r, sess)
		if err == nil {
			s.redirect(w, r, "/settings", flash)
			return nil
		}
		p := s.page(w, r, "settings.title")
		status, ok := s.formError(w, p, err)
		if !ok {
			return err
		}
		u := sess.User
		for k, v := range map[string]string{"title": u.Title, "first_name": u.FirstName, "last_name": u.LastName, "language": u.Language, "email": u.Email} {
			p.Form.Set(k, v)
		}
		keepForm(p, r, keep...)
		return s.renderSettings(w, r, sess, p, status, nil)
	}
}

// The settings forms that redirect with a confirmation or re-render the
// page with their errors (settingsAction).

func (s *Server) profileSubmit(w http.ResponseWriter, r *http.Request) error {
	return s.settingsAction("settings.saved", []string{"title", "first_name", "last_name", "language"},
		func(r *http.Request, sess *app.Session) error {
			f := r.PostForm
			return s.app.UpdateProfile(r.Context(), sess, app.Profile{Title: f.Get("title"), FirstName: f.Get("first_name"), LastName: f.Get("last_name"), Language: f.Get("language")})
		})(w, r)
}

func (s *Server) emailSubmit(w http.ResponseWriter, r *http.Request) error {
	return s.settingsAction("settings.email_sent", []string{"email"},
		func(r *http.Request, sess *app.Session) error {
			return s.app.RequestEmailChange(r.Context(), sess, r.PostForm.Get("email"), r.PostForm.Get("password"))
		})(w, r)
}

func (s *Server) passwordSubmit(w http.ResponseWriter, r *http.Request) error {
	return s.settingsAction("settings.password_changed", nil,
		func(r *http.Request, sess *app.Session) error {
			return s.app.ChangePassword(r.Context(), sess, r.PostForm.Get("current_password"), r.PostForm.Get("new_password"))
		})(w, r)
}

func (s *Server) logoutOthersSubmit(w http.ResponseWriter, r *http.Request) error {
	return s.settingsAction("settings.others_logged_out", nil,
		func(r *http.Request, sess *app.Session) error {
			_, err := s.app.LogoutOtherSessions(r.Context(), sess)
			return err
		})(w, r)
}

func (s *Server) beginTwoFactorSubmit(w http.ResponseWriter, r *http.Request) error {
	return s.settingsAction("twofactor.scan", nil,
		func(r *http.Request, sess *app.Session) error {
			_, err := s.app.BeginTwoFactor(r.Context(), sess)
			if errors.Is(err, app.ErrConflict) {
				return nil // already on, or already being set up: just show the page
			}
			return err
		})(w, r)
}

func (s *Server) disableTwoFactorSubmit(w http.ResponseWriter, r *http.Request) error {
	return s.settingsAction("twofactor.off", nil,
		func(r *http.Request, sess *app.Session) error {
			return s.app.DisableTwoFactor(r.Context(), sess, r.PostForm.Get("password"))
		})(w, r)
}

// confirmTwoFactor shows the recovery codes once, on the page itself,
// rather than through a redirect that would need to carry them.
func (s *Server) confirmTwoFactor(w http.ResponseWriter, r *http.Request) error {
	sess := session(r)
	if err := r.ParseForm(); err != nil {
		return err
	}
	codes, err := s.app.ConfirmTwoFactor(r.Context(), sess, r.PostForm.Get("code"))
	p := s.page(w, r, "settings.title")
	status := http.StatusOK
	if err != nil {
		var ok bool
		if status, ok = s.formError(w, p, err); !ok {
			if !errors.Is(err, app.ErrConflict) {
				return err
			}
			status = http.StatusConflict
		}
	} else {
		p.Flash = p.L.T("twofactor.on")
		now := time.Now()
		sess.User.TOTPEnabledAt = &now
	}
	u := sess.User
	for k, v := range map[string]string{"title": u.Title, "first_name": u.FirstName, "last_name": u.LastName, "language": u.Language, "email": u.Email} {
		p.Form.Set(k, v)
	}
	return s.renderSettings(w, r, sess, p, status, codes)
}

func (s *Server) withdrawOwnConsent(w http.ResponseWriter, r *http.Request) error {
	sess := session(r)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return app.ErrNotFound
	}
	if err := s.app.WithdrawOwnConsent(r.Context(), sess, id); err != nil {
		return err
	}
	// Withdrawing the consent an account rests on ends its use at once.
	if s.app.SessionUsable(r.Context(), sess) {
		s.redirect(w, r, "/settings", "consent.withdrawn")
	} else {
		s.clearSessionCookie(w)
		s.redirect(w, r, "/", "consent.withdrawn")
	}
	return nil
}

// deleteAccountPage is in privacy_account.go.
