package web

import (
	"net/http"
	"strconv"

	"cubby/internal/app"
)

// Choosing a student's character: the student from their home page, or a
// teacher of their class from the roster (app/class_avatars.go).

// avatarPage is the character chooser's data.
type avatarPage struct {
	*app.MyAvatar
	Choices []avatarChoice
	Action  string // where the form posts
	Back    string
	// Teacher: a teacher is choosing for the student.
	Teacher bool
	Class   string
}

// avatarChoice is one character of the chooser, numbered for people
// using a screen reader ("Character 3").
type avatarChoice struct {
	Key string
	N   int
}

func avatarChoices() []avatarChoice {
	out := make([]avatarChoice, len(app.AvatarChoices))
	for i, k := range app.AvatarChoices {
		out[i] = avatarChoice{Key: k, N: i + 1}
	}
	return out
}

func (s *Server) renderAvatar(w http.ResponseWriter, r *http.Request, status int, p *Page, d *avatarPage) {
	p.Data = d
	s.render(w, r, status, "avatar_choose", p)
}

// ownAvatarForm is a student's character chooser.
func (s *Server) ownAvatarForm(w http.ResponseWriter, r *http.Request) error {
	me, err := s.app.OwnAvatar(r.Context(), session(r))
	if err != nil {
		return err
	}
	p := s.page(w, r, "avatar.title")
	p.Form.Set("avatar", me.Student.Avatar)
	s.renderAvatar(w, r, http.StatusOK, p, &avatarPage{MyAvatar: me, Choices: avatarChoices(), Action: "/settings/avatar", Back: "/"})
	return nil
}

func (s *Server) ownAvatarSubmit(w http.ResponseWriter, r *http.Request) error {
	sess := session(r)
	if err := r.ParseForm(); err != nil {
		return err
	}
	if err := s.app.ChooseOwnAvatar(r.Context(), sess, r.PostForm.Get("avatar")); err != nil {
		p := s.page(w, r, "avatar.title")
		status, ok := s.formError(w, p, err)
		if !ok {
			return s.refused(w, r, "/settings/avatar", err)
		}
		me, merr := s.app.OwnAvatar(r.Context(), sess)
		if merr != nil {
			return merr
		}
		s.renderAvatar(w, r, status, p, &avatarPage{MyAvatar: me, Choices: avatarChoices(), Action: "/settings/avatar", Back: "/"})
		return nil
	}
	s.redirect(w, r, "/", "avatar.saved")
	return nil
}

func studentAvatarURL(classID, studentID int64) string {
	return "/classes/" + strconv.FormatInt(classID, 10) + "/students/" + strconv.FormatInt(studentID, 10) + "/avatar"
}

// studentAvatarForm is a teacher choosing a student's character.
func (s *Server) studentAvatarForm(w http.ResponseWriter, r *http.Request) error {
	return s.studentAvatarPage(w, r, http.StatusOK, nil)
}

func (s *Server) studentAvatarPage(w http.ResponseWriter, r *http.Request, status int, p *Page) error {
	sess, id, err := sessionAt(r, "id")
	if err != nil {
		return err
	}
	sid, err := pathID(r, "sid")
	if err != nil {
		return err
	}
	c, st, err := s.app.StudentAvatar(r.Context(), sess, id, sid)
	if err != nil {
		return err
	}
	if p == nil {
		p = s.page(w, r, "avatar.title_teacher")
		p.Form.Set("avatar", st.Student.Avatar)
	}
	p.Title = p.L.T("avatar.title_teacher")
	s.renderAvatar(w, r, status, p, &avatarPage{MyAvatar: st, Choices: avatarChoices(), Action: studentAvatarURL(id, sid),
		Back: classRosterURL(id), Teacher: true, Class: c.Name})
	return nil
}

func (s *Server) studentAvatarSubmit(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := postedTo(r)
	if err != nil {
		return err
	}
	sid, err := pathID(r, "sid")
	if err != nil {
		return err
	}
	if err := s.app.SetStudentAvatar(r.Context(), sess, id, sid, r.PostForm.Get("avatar")); err != nil {
		p := s.page(w, r, "avatar.title_teacher")
		status, ok := s.formError(w, p, err)
		if !ok {
			return err
		}
		return s.studentAvatarPage(w, r, status, p)
	}
	s.redirect(w, r, classRosterURL(id), "avatar.saved_teacher")
	return nil
}
