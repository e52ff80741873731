package api

import (
	"net/http"

	"cubby/internal/app"
	"cubby/internal/store"
)

// Students' characters over the API (issue 15, app/class_avatars.go): a
// student chooses their own where their classes let them, a teacher
// chooses a student's, and a class's teachers turn choosing on or off.

// Avatar is the JSON form of a student's character.
type Avatar struct {
	StudentID string `json:"student_id"`
	// Avatar is the character shown; "" is the one generated from the
	// student's id.
	Avatar string `json:"avatar"`
	// Chosen is what is stored and ChosenBy who chose it ("student",
	// "teacher" or ""); a student's own choice is kept, not shown, while
	// a class of theirs does not let students choose.
	Chosen   string `json:"chosen"`
	ChosenBy string `json:"chosen_by"`
	// CanChoose: the student may choose it themself (their own view).
	CanChoose *bool    `json:"can_choose,omitempty"`
	Choices   []string `json:"choices"`
}

func avatarJSON(st store.Student, own store.OwnAvatar) Avatar {
	return Avatar{StudentID: id(st.ID), Avatar: st.Avatar, Chosen: own.Avatar, ChosenBy: own.By, Choices: app.AvatarChoices}
}

// avatarRequest is the body that sets a character.
type avatarRequest struct {
	Avatar string `json:"avatar"`
}

func (x *API) ownAvatar(w http.ResponseWriter, r *http.Request) error {
	me, err := x.app.OwnAvatar(r.Context(), app.SessionFrom(r.Context()))
	if err != nil {
		return err
	}
	out := avatarJSON(me.Student, me.Own)
	out.CanChoose = &me.CanChoose
	return writeJSON(w, http.StatusOK, out)
}

func (x *API) setOwnAvatar(w http.ResponseWriter, r *http.Request) error {
	var req avatarRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if err := x.app.ChooseOwnAvatar(r.Context(), app.SessionFrom(r.Context()), req.Avatar); err != nil {
		return err
	}
	return x.ownAvatar(w, r)
}

func (x *API) studentAvatar(w http.ResponseWriter, r *http.Request) error {
	classID, err := parseID(r, "id")
	if err != nil {
		return err
	}
	studentID, err := parseID(r, "student_id")
	if err != nil {
		return err
	}
	_, me, err := x.app.StudentAvatar(r.Context(), app.SessionFrom(r.Context()), classID, studentID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, avatarJSON(me.Student, me.Own))
}

func (x *API) setStudentAvatar(w http.ResponseWriter, r *http.Request) error {
	classID, err := parseID(r, "id")
	if err != nil {
		return err
	}
	studentID, err := parseID(r, "student_id")
	if err != nil {
		return err
	}
	var req avatarRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if err := x.app.SetStudentAvatar(r.Context(), app.SessionFrom(r.Context()), classID, studentID, req.Avatar); err != nil {
		return err
	}
	return x.studentAvatar(w, r)
}

// AvatarChoice is a class's switch for students choosing their character.
type AvatarChoice struct {
	StudentsChoose bool `json:"students_choose"`
}

func (x *API) avatarChoice(w http.ResponseWriter, r *http.Request) error {
	classID, err := parseID(r, "id")
	if err != nil {
		return err
	}
	cv, err := x.app.Classroom(r.Context(), app.SessionFrom(r.Context()), classID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, AvatarChoice{StudentsChoose: cv.Settings.AvatarChoice})
}

func (x *API) setAvatarChoice(w http.ResponseWriter, r *http.Request) error {
	classID, err := parseID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		StudentsChoose *bool `json:"students_choose"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	if req.StudentsChoose == nil {
		ve := &app.ValidationError{}
		ve.Add("students_choose", "validation.required")
		return ve
	}
	if err := x.app.SetAvatarChoice(r.Context(), app.SessionFrom(r.Context()), classID, *req.StudentsChoose); err != nil {
		return err
	}
	return x.avatarChoice(w, r)
}
