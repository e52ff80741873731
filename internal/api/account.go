package api

import (
	"errors"
	"net"
	"net/http"
	"strconv"
	"time"

	"cubby/internal/app"
)

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

type signupRequest struct {
	Type      string `json:"type"`
	Email     string `json:"email"`
	Password  string `json:"password"`
	Title     string `json:"title"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Language  string `json:"language"`
}

func (x *API) signup(w http.ResponseWriter, r *http.Request) error {
	var req signupRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if req.Language == "" {
		req.Language = x.localizer(r).Lang()
	}
	token, _, err := x.app.SignUp(r.Context(), app.Signup{Kind: req.Type, Title: req.Title, FirstName: req.FirstName,
		LastName: req.LastName, Email: req.Email, Password: req.Password, Language: req.Language,
		Browser: "API", IP: clientIP(r), Session: "api"})
	if err != nil {
		return err
	}
	return x.writeSession(w, r, http.StatusCreated, token)
}

// writeSession answers {token, user} for a freshly started session.
func (x *API) writeSession(w http.ResponseWriter, r *http.Request, status int, token string) error {
	sess, err := x.app.Authenticate(r.Context(), token)
	if err != nil {
		return err
	}
	return writeJSON(w, status, map[string]any{"token": token, "user": userJSON(sess.User, sess.Actor.SchoolIDs())})
}

type tokenRequest struct {
	Token    string `json:"token"`
	Password string `json:"password"`
}

func (x *API) verifyEmail(w http.ResponseWriter, r *http.Request) error {
	var req tokenRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	u, err := x.app.VerifyEmail(r.Context(), req.Token)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"email": u.Email, "verified": true})
}

func (x *API) forgotPassword(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Email string `json:"email"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	if err := x.app.RequestPasswordReset(r.Context(), req.Email); err != nil {
		return err
	}
	return writeJSON(w, http.StatusAccepted, map[string]any{})
}

func (x *API) resetPassword(w http.ResponseWriter, r *http.Request) error {
	var req tokenRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if _, err := x.app.ResetPassword(r.Context(), req.Token, req.Password); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (x *API) updateMe(w http.ResponseWriter, r *http.Request) error {
	s := app.SessionFrom(r.Context())
	u := s.User
	req := struct {
		Title     *string `json:"title"`
		FirstName *string `json:"first_name"`
		LastName  *string `json:"last_name"`
		Language  *string `json:"language"`
	}{&u.Title, &u.FirstName, &u.LastName, &u.Language}
	if err := decode(r, &req); err != nil {
		return err
	}
	if err := x.app.UpdateProfile(r.Context(), s, app.Profile{Title: *req.Title, FirstName: *req.FirstName, LastName: *req.LastName, Language: *req.Language}); err != nil {
		return err
	}
	s, err := x.app.Authenticate(r.Context(), requestToken(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, userJSON(s.User, s.Actor.SchoolIDs()))
}

func (x *API) changePassword(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Current string `json:"current_password"`
		New     string `json:"new_password"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	if err := x.app.ChangePassword(r.Context(), app.SessionFrom(r.Context()), req.Current, req.New); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (x *API) changeEmail(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	if err := x.app.RequestEmailChange(r.Context(), app.SessionFrom(r.Context()), req.Email, req.Password); err != nil {
		return err
	}
	return writeJSON(w, http.StatusAccepted, map[string]any{})
}

// Session is the JSON form of a login, as the sessions list shows it. The
// id is a prefix of the stored hash: enough to tell sessions apart, useless
// for logging in.
type Session struct {
	ID         string    `json:"id"`
	Kind       string    `json:"kind"`
	Browser    string    `json:"browser"`
	CreatedAt  time.Time `json:"created_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	Current    bool      `json:"current"`
}

func (x *API) listSessions(w http.ResponseWriter, r *http.Request) error {
	s := app.SessionFrom(r.Context())
	list, err := x.app.Sessions(r.Context(), s)
	if err != nil {
		return err
	}
	out := []Session{}
	for _, ss := range list {
		out = append(out, Session{ID: ss.ID[:12], Kind: ss.Kind, Browser: ss.Browser, CreatedAt: ss.CreatedAt.UTC(),
			LastSeenAt: ss.LastSeenAt.UTC(), Current: ss.ID == s.ID})
	}
	return writeJSON(w, http.StatusOK, map[string]any{"sessions": out})
}

func (x *API) endOtherSessions(w http.ResponseWriter, r *http.Request) error {
	n, err := x.app.LogoutOtherSessions(r.Context(), app.SessionFrom(r.Context()))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"ended": n})
}

// deleteMe schedules the account's erasure; asking again answers the same.
func (x *API) deleteMe(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Password string `json:"password"`
	}
	if r.ContentLength != 0 {
		if err := decode(r, &in); err != nil {
			return err
		}
	}
	due, err := x.app.DeleteAccount(r.Context(), app.SessionFrom(r.Context()), in.Password)
	if err != nil && !errors.Is(err, app.ErrDeletionPending) {
		return err
	}
	return writeJSON(w, http.StatusAccepted, map[string]any{"status": "scheduled", "erase_at": due.UTC()})
}

type studentSignupRequest struct {
	FirstName      string `json:"first_name"`
	BirthYear      int    `json:"birth_year"`
	BirthMonth     int    `json:"birth_month"`
	Language       string `json:"language"`
	Username       string `json:"username"`
	Password       string `json:"password"`
	ParentEmail    string `json:"parent_email"`
	ParentLanguage string `json:"parent_language"`
}

// studentSignup registers a child. At or over the consent age it answers
// 201 with a session; under it, 202: a parent has been asked.
func (x *API) studentSignup(w http.ResponseWriter, r *http.Request) error {
	var req studentSignupRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if req.Language == "" {
		req.Language = x.localizer(r).Lang()
	}
	if req.ParentLanguage == "" {
		req.ParentLanguage = req.Language
	}
	token, err := x.app.SignUpStudent(r.Context(), app.StudentSignup{Age: app.AgeCheck{BirthYear: req.BirthYear, BirthMonth: req.BirthMonth},
		FirstName: req.FirstName, Language: req.Language, Username: req.Username, Password: req.Password,
		ParentEmail: req.ParentEmail, ParentLanguage: req.ParentLanguage, Browser: "API", IP: clientIP(r)})
	if err != nil {
		return err
	}
	if token == "" {
		return writeJSON(w, http.StatusAccepted, map[string]any{"status": "parent_consent_requested"})
	}
	return x.writeSession(w, r, http.StatusCreated, token)
}

// Consent is the JSON form of a consent record.
type Consent struct {
	ID          string     `json:"id"`
	Purpose     string     `json:"purpose"`
	GrantedBy   string     `json:"granted_by"`
	Notice      string     `json:"notice_version"`
	Method      string     `json:"method"`
	GrantedAt   time.Time  `json:"granted_at"`
	WithdrawnAt *time.Time `json:"withdrawn_at"`
}

func (x *API) listConsents(w http.ResponseWriter, r *http.Request) error {
	list, err := x.app.Consents(r.Context(), app.SessionFrom(r.Context()))
	if err != nil {
		return err
	}
	out := []Consent{}
	for _, c := range list {
		out = append(out, Consent{ID: id(c.ID), Purpose: c.Purpose, GrantedBy: c.GrantorRole, Notice: c.NoticeVersion,
			Method: c.Method, GrantedAt: c.GrantedAt.UTC(), WithdrawnAt: c.WithdrawnAt})
	}
	return writeJSON(w, http.StatusOK, map[string]any{"consents": out})
}

func (x *API) withdrawConsent(w http.ResponseWriter, r *http.Request) error {
	n, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return app.ErrNotFound
	}
	if err := x.app.WithdrawOwnConsent(r.Context(), app.SessionFrom(r.Context()), n); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// requestToken is the token the request authenticated with.
func requestToken(r *http.Request) string {
	if t := bearerToken(r); t != "" {
		return t
	}
	if c, err := r.Cookie("cubby_session"); err == nil {
		return c.Value
	}
	return ""
}
