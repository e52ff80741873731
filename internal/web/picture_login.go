package web

import (
	"errors"
	"html/template"
	"net/http"
	"slices"
	"strconv"

	"cubby/internal/app"
	"cubby/internal/authz"
	"cubby/internal/i18n"
	"cubby/internal/store"
)

// loginPicturePaths draw the nine login pictures (app.LoginPictures) on a
// 48×48 grid: friendly, in colour on screen, and told apart by shape alone
// when a card is printed in black and white. Drawn here, not loaded from
// anywhere, like the skill icons.
var loginPicturePaths = map[string]string{
	"cat": `<path d="M10 20 8 6l10 8M38 20l2-14-10 8" fill="#f59e0b" stroke="#7c2d12" stroke-width="2" stroke-linejoin="round"/>` +
		`<circle cx="24" cy="27" r="15" fill="#f59e0b" stroke="#7c2d12" stroke-width="2"/>` +
		`<circle cx="18.5" cy="24" r="2.2" fill="#1f2937"/><circle cx="29.5" cy="24" r="2.2" fill="#1f2937"/>` +
		`<path d="M22 30h4l-2 2.5zM24 32.5v2M14 31l-6-1M14 34l-6 2M34 31l6-1M34 34l6 2" stroke="#7c2d12" stroke-width="1.6" fill="#7c2d12" stroke-linecap="round"/>`,
	"sun": `<circle cx="24" cy="24" r="10" fill="#facc15" stroke="#a16207" stroke-width="2"/>` +
		`<path d="M24 3v7M24 38v7M3 24h7M38 24h7M9.2 9.2l5 5M33.8 33.8l5 5M9.2 38.8l5-5M33.8 14.2l5-5" stroke="#eab308" stroke-width="3.2" stroke-linecap="round"/>`,
	"tree": `<rect x="20.5" y="28" width="7" height="16" rx="1.5" fill="#92400e"/>` +
		`<circle cx="24" cy="18" r="14" fill="#22c55e" stroke="#166534" stroke-width="2"/>`,
	"fish": `<path d="M8 24c6-10 20-12 28 0-8 12-22 10-28 0z" fill="#38bdf8" stroke="#075985" stroke-width="2"/>` +
		`<path d="M35 24l9-8v16z" fill="#38bdf8" stroke="#075985" stroke-width="2" stroke-linejoin="round"/>` +
		`<circle cx="16" cy="22" r="2.2" fill="#0f172a"/>`,
	"star": `<path d="M24 4l5.9 12.3 13.5 1.7-9.9 9.3 2.5 13.4L24 34.1l-12 6.6 2.5-13.4-9.9-9.3 13.5-1.7z" fill="#fbbf24" stroke="#b45309" stroke-width="2" stroke-linejoin="round"/>`,
	"house": `<path d="M6 23 24 7l18 16" fill="none" stroke="#b91c1c" stroke-width="3.5" stroke-linecap="round" stroke-linejoin="round"/>` +
		`<path d="M11 21v21h26V21L24 10z" fill="#fca5a5" stroke="#7f1d1d" stroke-width="2" stroke-linejoin="round"/>` +
		`<rect x="20" y="29" width="8" height="13" fill="#7f1d1d"/>`,
	"apple": `<path d="M24 14c-4-3-15-3-15 10 0 9 6 18 11 18 2 0 3-1 4-1s2 1 4 1c5 0 11-9 11-18 0-13-11-13-15-10z" fill="#ef4444" stroke="#7f1d1d" stroke-width="2" stroke-linejoin="round"/>` +
		`<path d="M24 14c0-4 1-7 3-9" stroke="#78350f" stroke-width="2.4" fill="none" stroke-linecap="round"/>` +
		`<path d="M27 9c3-4 8-4 10-2-2 4-7 4-10 2z" fill="#22c55e"/>`,
	"boat": `<path d="M6 31h36l-6 10H12z" fill="#a16207" stroke="#713f12" stroke-width="2" stroke-linejoin="round"/>` +
		`<path d="M24 5v26" stroke="#713f12" stroke-width="2.4"/><path d="M26 7l13 21H26z" fill="#e0f2fe" stroke="#0369a1" stroke-width="2" stroke-linejoin="round"/>` +
		`<path d="M3 45c4-2.5 7-2.5 10.5 0s7 2.5 10.5 0 7-2.5 10.5 0 7 2.5 10.5 0" fill="none" stroke="#0284c7" stroke-width="2" stroke-linecap="round"/>`,
	"flower": `<path d="M24 44V28" stroke="#15803d" stroke-width="3" stroke-linecap="round"/><path d="M24 38c-3-4-8-4-10-3 2 4 6 5 10 3z" fill="#22c55e"/>` +
		`<g fill="#f472b6" stroke="#9d174d" stroke-width="1.6"><circle cx="24" cy="9" r="6"/><circle cx="33" cy="16" r="6"/><circle cx="29.5" cy="26" r="6"/><circle cx="18.5" cy="26" r="6"/><circle cx="15" cy="16" r="6"/></g>` +
		`<circle cx="24" cy="18" r="5" fill="#facc15" stroke="#a16207" stroke-width="1.6"/>`,
}

// pictureView is one login picture as a page shows it: its name (the
// value a form posts), its translated name and its drawing.
type pictureView struct {
	Key, Name string
	SVG       template.HTML
}

// loginPicture draws one login picture. Named, the drawing is an image
// with its translated name (on a card); unnamed, it is decoration beside
// a label that says the name (on the login form).
func loginPicture(l *i18n.Localizer, key string, named bool) pictureView {
	v := pictureView{Key: key, Name: l.T("picture." + key)}
	a11y := `aria-hidden="true" focusable="false"`
	if named {
		a11y = `role="img" aria-label="` + template.HTMLEscapeString(v.Name) + `"`
	}
	v.SVG = template.HTML(`<svg class="login-picture" viewBox="0 0 48 48" ` + a11y + `>` + loginPicturePaths[key] + `</svg>`)
	return v
}

func loginPictures(l *i18n.Localizer, keys []string, named bool) []pictureView {
	out := make([]pictureView, 0, len(keys))
	for _, k := range keys {
		out = append(out, loginPicture(l, k, named))
	}
	return out
}

// picturePage asks a student who tapped their name for their pictures.
type picturePage struct {
	Code    string
	Student store.Student
	Name    string
	Steps   []string // the fields to fill in order: picture1, picture2
	Choices []pictureView
}

// classLoginPictures shows the pictures step for the student who tapped
// their name, with status and, after a wrong pair, the page's error.
func (s *Server) classLoginPictures(w http.ResponseWriter, r *http.Request, p *Page, status int, code string, sid int64) error {
	c, roster, err := s.app.ClassByCode(r.Context(), code, clientIP(r))
	if err != nil {
		return err
	}
	i := slices.IndexFunc(roster, func(st store.Student) bool { return st.ID == sid })
	if i < 0 {
		return app.ErrNotFound
	}
	display, err := s.app.NameStyle(r.Context(), c.SchoolID)
	if err != nil {
		return err
	}
	d := picturePage{Code: code, Student: roster[i], Name: display(roster[i]), Choices: loginPictures(p.L, app.LoginPictures, false)}
	for n := range app.PicturesPerLogin {
		d.Steps = append(d.Steps, "picture"+strconv.Itoa(n+1))
	}
	p.Data = d
	s.render(w, r, status, "class_login_pictures", p)
	return nil
}

// givenPictures reads the pictures a student tapped, in order; none when
// the form had none (the name was just tapped).
func givenPictures(r *http.Request) []string {
	var out []string
	for n := range app.PicturesPerLogin {
		if v := r.PostForm.Get("picture" + strconv.Itoa(n+1)); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// picturesRefused handles the pictures step's answers from the login: it
// asks for the pictures, or again after a wrong pair (400), and reports
// whether err was one of those.
func (s *Server) picturesRefused(w http.ResponseWriter, r *http.Request, err error, code string, sid int64) (bool, error) {
	var ve *app.ValidationError
	if !errors.As(err, &ve) {
		return false, nil
	}
	fe, ok := ve.Fields["pictures"]
	if !ok || fe.Key == "picturelogin.no_pictures" {
		return false, nil
	}
	p := s.page(w, r, "picturelogin.title")
	status := http.StatusOK
	if fe.Key != "picturelogin.needed" {
		status, p.Error = http.StatusBadRequest, p.L.T(fe.Key, fe.Args...)
	}
	return true, s.classLoginPictures(w, r, p, status, code, sid)
}

// pictureRoutes are a class's teachers turning picture login on and off
// and giving a student a new pair with a new card; the login itself goes
// through /login/class/pick.
func (s *Server) pictureRoutes() []Route {
	return []Route{
		{Method: "POST", Pattern: "/classes/{id}/pictures", Handle: s.pictureLoginSubmit, Access: authz.ForClassTeachers},
		{Method: "POST", Pattern: "/classes/{id}/students/{sid}/pictures", Handle: s.resetPicturesSubmit, Access: authz.ForClassTeachers},
	}
}

func (s *Server) pictureLoginSubmit(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := postedTo(r)
	if err != nil {
		return err
	}
	on := r.PostForm.Get("picture_login") == "1"
	if err := s.app.SetPictureLogin(r.Context(), sess, id, on); err != nil {
		return err
	}
	key := "picturelogin.turned_off"
	if on {
		key = "picturelogin.turned_on"
	}
	s.redirect(w, r, "/classes/"+strconv.FormatInt(id, 10)+"/students#pictures-h", key)
	return nil
}

// resetPicturesSubmit gives a student new pictures and shows their new
// card to print: the old card stops working, the rest of the class's
// cards keep theirs.
func (s *Server) resetPicturesSubmit(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := sessionAt(r, "id")
	if err != nil {
		return err
	}
	sid, err := pathID(r, "sid")
	if err != nil {
		return err
	}
	card, err := s.app.ResetPictures(r.Context(), sess, id, sid)
	if err != nil {
		return err
	}
	return s.renderCards(w, r, sess, id, []app.LoginCard{*card}, true)
}
