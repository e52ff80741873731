package web

import (
	"net/http"
	"strconv"

	"cubby/internal/app"
	"cubby/internal/store"
)

// A class's own skills, which its teachers add, edit and remove from the
// class screen; the school's skills are listed beside them, read-only
// (app/class_skills.go says why).

// classSkillsPage is the class's skills page, or one skill's edit form
// (Editing).
type classSkillsPage struct {
	*app.ClassSkills
	Editing *store.Skill
	Weights []int
	Icons   []string
}

func (s *Server) classSkillsData(r *http.Request) (*classSkillsPage, error) {
	sess, id, err := sessionAt(r, "id")
	if err != nil {
		return nil, err
	}
	cs, err := s.app.ClassSkillList(r.Context(), sess, id)
	if err != nil {
		return nil, err
	}
	return &classSkillsPage{ClassSkills: cs, Weights: []int{5, 4, 3, 2, 1, 0, -1, -2, -3, -4, -5}, Icons: app.SkillIcons}, nil
}

func classSkillsURL(id int64) string { return "/classes/" + strconv.FormatInt(id, 10) + "/skills" }

func (s *Server) renderClassSkills(w http.ResponseWriter, r *http.Request, status int, p *Page, d *classSkillsPage) {
	p.Title = p.L.T("classskills.title") + " · " + d.Class.Name
	p.Data = d
	s.render(w, r, status, "class_skills", p)
}

// classSkills lists the class's skills with a form to add one.
func (s *Server) classSkills(w http.ResponseWriter, r *http.Request) error {
	d, err := s.classSkillsData(r)
	if err != nil {
		return err
	}
	p := s.page(w, r, "classskills.title")
	p.Form.Set("weight", "1")
	s.renderClassSkills(w, r, http.StatusOK, p, d)
	return nil
}

// skillForm reads a skill form; a weight that is not a number is refused
// with the weight's message.
func skillForm(r *http.Request) app.SkillInput {
	weight, err := strconv.Atoi(r.PostForm.Get("weight"))
	if err != nil {
		weight = 99
	}
	return app.SkillInput{Name: r.PostForm.Get("name"), Weight: weight, Icon: r.PostForm.Get("icon")}
}

// classSkillSubmit adds a skill to the class.
func (s *Server) classSkillSubmit(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := postedTo(r)
	if err != nil {
		return err
	}
	if _, err := s.app.AddSkillWith(r.Context(), sess, 0, id, skillForm(r)); err != nil {
		return s.classSkillError(w, r, err, nil)
	}
	s.redirect(w, r, classSkillsURL(id), "classskills.added")
	return nil
}

// classSkillError shows the form again with what was wrong, at its field.
func (s *Server) classSkillError(w http.ResponseWriter, r *http.Request, err error, editing *store.Skill) error {
	p := s.page(w, r, "classskills.title")
	status, ok := s.formError(w, p, err)
	if !ok {
		return err
	}
	keepForm(p, r, "name", "weight", "icon")
	d, derr := s.classSkillsData(r)
	if derr != nil {
		return derr
	}
	d.Editing = editing
	s.renderClassSkills(w, r, status, p, d)
	return nil
}

// classSkillEdit is one skill's edit form.
func (s *Server) classSkillEdit(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := sessionAt(r, "id")
	if err != nil {
		return err
	}
	sid, err := pathID(r, "sid")
	if err != nil {
		return err
	}
	sk, err := s.app.ClassSkill(r.Context(), sess, id, sid)
	if err != nil {
		return err
	}
	d, err := s.classSkillsData(r)
	if err != nil {
		return err
	}
	d.Editing = sk
	p := s.page(w, r, "classskills.title")
	p.Form.Set("name", sk.Name)
	p.Form.Set("weight", strconv.Itoa(sk.Weight))
	p.Form.Set("icon", sk.Icon)
	s.renderClassSkills(w, r, http.StatusOK, p, d)
	return nil
}

// classSkillEditSubmit saves a skill's new name, weight and icon.
func (s *Server) classSkillEditSubmit(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := postedTo(r)
	if err != nil {
		return err
	}
	sid, err := pathID(r, "sid")
	if err != nil {
		return err
	}
	if _, err := s.app.EditClassSkill(r.Context(), sess, id, sid, skillForm(r)); err != nil {
		sk, lerr := s.app.ClassSkill(r.Context(), sess, id, sid)
		if lerr != nil {
			return err
		}
		return s.classSkillError(w, r, err, sk)
	}
	s.redirect(w, r, classSkillsURL(id), "classskills.saved")
	return nil
}

// classSkillRemove takes a skill off the class's sheet.
func (s *Server) classSkillRemove(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := sessionAt(r, "id")
	if err != nil {
		return err
	}
	sid, err := pathID(r, "sid")
	if err != nil {
		return err
	}
	if err := s.app.RemoveClassSkill(r.Context(), sess, id, sid); err != nil {
		return s.refused(w, r, classSkillsURL(id), err)
	}
	s.redirect(w, r, classSkillsURL(id), "classskills.removed")
	return nil
}
