package web

import (
	"net/http"
	"strconv"
	"time"

	"cubby/internal/app"
)

// studentSignupPage drives the child's sign-up, a form in steps: first the
// neutral age question, then either the child's own login (at or over the
// consent age) or a parent's address (under it).
type studentSignupPage struct {
	Step   string // "age", "login" or "parent"
	Years  []int
	Months []int
}

func (s *Server) studentSignupData(step string) studentSignupPage {
	now := time.Now()
	d := studentSignupPage{Step: step}
	for y := now.Year() - 4; y >= now.Year()-100; y-- {
		d.Years = append(d.Years, y)
	}
	for m := 1; m <= 12; m++ {
		d.Months = append(d.Months, m)
	}
	return d
}

func (s *Server) studentSignupForm(w http.ResponseWriter, r *http.Request) error {
	if app.SessionFrom(r.Context()) != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	p := s.page(w, r, "student_signup.title")
	p.Form.Set("language", p.L.Lang())
	p.Form.Set("parent_language", p.L.Lang())
	p.Data = s.studentSignupData("age")
	s.render(w, r, http.StatusOK, "student_signup", p)
	return nil
}

func (s *Server) studentSignupSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := r.PostForm
	year, _ := strconv.Atoi(f.Get("birth_year"))
	month, _ := strconv.Atoi(f.Get("birth_month"))
	age := app.AgeCheck{BirthYear: year, BirthMonth: month}
	p := s.page(w, r, "student_signup.title")
	keepForm(p, r, "first_name", "birth_year", "birth_month", "language", "username", "parent_email", "parent_language")
	fail := func(step string, err error) error {
		status, ok := s.formError(w, p, err)
		if !ok {
			return err
		}
		p.Data = s.studentSignupData(step)
		s.render(w, r, status, "student_signup", p)
		return nil
	}
	needsParent, _, err := s.app.StudentAge(age)
	if err != nil {
		return fail("age", err)
	}
	next := "login"
	if needsParent {
		next = "parent"
	}
	if f.Get("step") == "age" {
		// Only the age was asked so far: show the next step, asking
		// nothing more than that path needs.
		if _, key := firstNameOK(f.Get("first_name")); key != "" {
			ve := &app.ValidationError{}
			ve.Add("first_name", key, "max", 100)
			return fail("age", ve)
		}
		p.Data = s.studentSignupData(next)
		s.render(w, r, http.StatusOK, "student_signup", p)
		return nil
	}
	token, err := s.app.SignUpStudent(r.Context(), app.StudentSignup{Age: age, FirstName: f.Get("first_name"), Language: f.Get("language"),
		Username: f.Get("username"), Password: f.Get("password"), ParentEmail: f.Get("parent_email"), ParentLanguage: f.Get("parent_language"),
		Browser: browserOf(r.UserAgent()), IP: clientIP(r)})
	if err != nil {
		return fail(next, err)
	}
	if token != "" {
		s.setSessionCookie(w, token)
		s.redirect(w, r, "/", "student_signup.welcome")
		return nil
	}
	p.Data = s.studentSignupData("waiting")
	s.render(w, r, http.StatusOK, "student_signup", p)
	return nil
}

// firstNameOK applies the app's name rule at the first step, so a child
// hears about a problem before the next question.
func firstNameOK(name string) (string, string) {
	if name == "" {
		return name, "validation.required"
	}
	if len([]rune(name)) > 100 {
		return name, "validation.too_long"
	}
	return name, ""
}
