package api

import (
	"errors"
	"net/http"

	"cubby/internal/app"
	"cubby/internal/store"
)

// User is the JSON form of an account, as GET /me returns it.
type User struct {
	ID        string   `json:"id"`
	Type      string   `json:"type"`
	Title     string   `json:"title"`
	FirstName string   `json:"first_name"`
	LastName  string   `json:"last_name"`
	Email     string   `json:"email,omitempty"`
	Username  string   `json:"username,omitempty"`
	Language  string   `json:"language"`
	SchoolIDs []string `json:"school_ids"`
}

func userJSON(u *store.User, schoolIDs []int64) User {
	out := User{ID: id(u.ID), Type: u.Kind, Title: u.Title, FirstName: u.FirstName, LastName: u.LastName,
		Email: u.Email, Username: u.Username, Language: u.Language, SchoolIDs: []string{}}
	for _, s := range schoolIDs {
		out.SchoolIDs = append(out.SchoolIDs, id(s))
	}
	return out
}

type loginRequest struct {
	Email    string `json:"email"`
	Username string `json:"username"`
	Password string `json:"password"`
	OTP      string `json:"otp"`
}

func (x *API) login(w http.ResponseWriter, r *http.Request) error {
	var req loginRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	login := req.Email
	if login == "" {
		login = req.Username
	}
	token, _, err := x.app.Login(r.Context(), app.Credentials{Login: login, Password: req.Password, OTP: req.OTP,
		Kind: "api", Browser: "API", IP: clientIP(r)})
	var sfe *app.SecondFactorError
	if errors.As(err, &sfe) {
		ve := &app.ValidationError{}
		ve.Add("otp", "twofactor.prompt")
		x.problem(w, r, http.StatusUnauthorized, "twofactor.prompt", ve)
		return nil
	}
	if errors.Is(err, app.ErrUnauthorized) {
		x.problem(w, r, http.StatusUnauthorized, "login.failed", nil)
		return nil
	}
	if err != nil {
		return err
	}
	return x.writeSession(w, r, http.StatusOK, token)
}

func (x *API) logout(w http.ResponseWriter, r *http.Request) error {
	token := requestToken(r)
	if err := x.app.Logout(r.Context(), token); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func bearerToken(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && (h[:7] == "Bearer " || h[:7] == "bearer ") {
		return h[7:]
	}
	return ""
}
