package web

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"cubby/internal/app"
)

func (s *Server) rosterPage(w http.ResponseWriter, r *http.Request) error {
	sess := session(r)
	d, err := s.classData(r, sess, "students")
	if err != nil {
		return err
	}
	if !d.CanStaff {
		return app.ErrForbidden
	}
	p := s.page(w, r, "roster.title")
	p.Title, p.Data = d.Class.Name, d
	s.render(w, r, http.StatusOK, "class", p)
	return nil
}

// parseNames reads a pasted list: one student per line, as "First Last",
// "Last, First", or spreadsheet columns (first name, tab, last name).
func parseNames(text string) []app.NewStudent {
	var out []app.NewStudent
	for _, line := range strings.Split(strings.ReplaceAll(text, "\r", ""), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		var first, last string
		switch {
		case strings.Contains(line, "\t"):
			parts := strings.SplitN(line, "\t", 2)
			first, last = parts[0], parts[1]
		case strings.Contains(line, ","):
			parts := strings.SplitN(line, ",", 2)
			last, first = parts[0], parts[1]
		default:
			first, last, _ = strings.Cut(line, " ")
		}
		out = append(out, app.NewStudent{FirstName: strings.TrimSpace(first), LastName: strings.TrimSpace(last)})
	}
	return out
}

func (s *Server) addStudentsSubmit(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := postedTo(r)
	if err != nil {
		return err
	}
	if _, err := s.app.AddStudents(r.Context(), sess, id, parseNames(r.PostForm.Get("names"))); err != nil {
		return s.classError(w, r, sess, "students", err)
	}
	s.redirect(w, r, "/classes/"+strconv.FormatInt(id, 10)+"/students", "roster.added")
	return nil
}

func (s *Server) removeStudentSubmit(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := sessionAt(r, "id")
	if err != nil {
		return err
	}
	sid, err := pathID(r, "sid")
	if err != nil {
		return err
	}
	if err := s.app.RemoveStudent(r.Context(), sess, id, sid); err != nil {
		return err
	}
	s.redirect(w, r, "/classes/"+strconv.FormatInt(id, 10)+"/students", "roster.removed")
	return nil
}

// resetPasswordSubmit shows the new password on the roster page itself,
// once, for the teacher to pass on; it is never stored readable.
func (s *Server) resetPasswordSubmit(w http.ResponseWriter, r *http.Request) error {
	sess, sid, err := sessionAt(r, "sid")
	if err != nil {
		return err
	}
	pw, err := s.app.ResetStudentPassword(r.Context(), sess, sid)
	if err != nil {
		return err
	}
	d, err := s.classData(r, sess, "students")
	if err != nil {
		return err
	}
	d.Password = pw
	for _, st := range d.Roster {
		if st.ID == sid {
			d.PasswordFor = st.FirstName + " (" + st.Username + ")"
		}
	}
	p := s.page(w, r, "roster.title")
	p.Title, p.Data = d.Class.Name, d
	s.render(w, r, http.StatusOK, "class", p)
	return nil
}

// codePage is the classroom screen's class code, big enough for a projector.
type codePage struct {
	ClassID   int64
	ClassName string
	Code      string
	Link      string
	QR        template.HTML
	Expires   string
}

func (s *Server) classCodeSubmit(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := sessionAt(r, "id")
	if err != nil {
		return err
	}
	code, expires, err := s.app.RotateClassCode(r.Context(), sess, id)
	if err != nil {
		return err
	}
	c, _, err := s.app.Class(r.Context(), sess, id)
	if err != nil {
		return err
	}
	p := s.page(w, r, "classcode.title")
	link := s.app.BaseURL + "/login/class?code=" + code
	qr, err := qrSVG(link, p.L.T("classcode.qr_label", "class", c.Name))
	if err != nil {
		return err
	}
	p.Data = codePage{ClassID: id, ClassName: c.Name, Code: code[:3] + " " + code[3:], Link: link, QR: qr,
		Expires: expires.In(s.app.Location).Format("15:04")}
	s.render(w, r, http.StatusOK, "class_code", p)
	return nil
}

// card is one printed login card.
type card struct {
	Name, Username string
	ID             int64
	QR             template.HTML
	Pictures       []pictureView // the login pictures in order, where asked for
}

func (s *Server) loginCardsSubmit(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := sessionAt(r, "id")
	if err != nil {
		return err
	}
	cards, err := s.app.PrintLoginCards(r.Context(), sess, id)
	if err != nil {
		return err
	}
	return s.renderCards(w, r, sess, id, cards, false)
}

// loginCardSubmit reprints one student's card (lost, torn), leaving the
// rest of the class's cards working.
func (s *Server) loginCardSubmit(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := sessionAt(r, "id")
	if err != nil {
		return err
	}
	sid, err := strconv.ParseInt(r.PathValue("sid"), 10, 64)
	if err != nil {
		return app.ErrNotFound
	}
	card, err := s.app.PrintLoginCard(r.Context(), sess, id, sid)
	if err != nil {
		return err
	}
	return s.renderCards(w, r, sess, id, []app.LoginCard{*card}, true)
}

// renderCards shows login cards, ready to print; one says only one
// student's card was replaced.
func (s *Server) renderCards(w http.ResponseWriter, r *http.Request, sess *app.Session, id int64, cards []app.LoginCard, one bool) error {
	c, _, err := s.app.Class(r.Context(), sess, id)
	if err != nil {
		return err
	}
	p := s.page(w, r, "cards.title")
	display, err := s.app.NameStyle(r.Context(), c.SchoolID)
	if err != nil {
		return err
	}
	var out []card
	for _, lc := range cards {
		qr, err := qrSVG(lc.Link, p.L.T("cards.qr_label", "name", display(lc.Student)))
		if err != nil {
			return err
		}
		name := lc.Student.FirstName + " " + lc.Student.LastName
		if initials := display(lc.Student); initials != lc.Student.FirstName {
			name = initials
		}
		out = append(out, card{Name: name, Username: lc.Student.Username, ID: lc.Student.ID, QR: qr,
			Pictures: loginPictures(p.L, lc.Pictures, true)})
	}
	p.Title = c.Name
	p.Data = struct {
		ClassID   int64
		ClassName string
		Cards     []card
		LoginURL  string
		One       bool
	}{id, c.Name, out, s.app.BaseURL + "/login", one}
	s.render(w, r, http.StatusOK, "login_cards", p)
	return nil
}
