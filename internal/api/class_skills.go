package api

import (
	"net/http"

	"cubby/internal/app"
)

// A class's own skills, which its teachers edit (issue 15): the list and
// adding one are in the classes' table (routes.go, class_points.go); here
// are changing and removing one. School-wide skills are the leaders'
// (roster.go) and are not found here.

func (x *API) editClassSkill(w http.ResponseWriter, r *http.Request) error {
	classID, err := parseID(r, "id")
	if err != nil {
		return err
	}
	skillID, err := parseID(r, "skill_id")
	if err != nil {
		return err
	}
	var req struct {
		Name   *string `json:"name"`
		Weight *int    `json:"weight"`
		Icon   *string `json:"icon"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	s := app.SessionFrom(r.Context())
	sk, err := x.app.ClassSkill(r.Context(), s, classID, skillID)
	if err != nil {
		return err
	}
	in := app.SkillInput{Name: sk.Name, Weight: sk.Weight, Icon: sk.Icon}
	if req.Name != nil {
		in.Name = *req.Name
	}
	if req.Weight != nil {
		in.Weight = *req.Weight
	}
	if req.Icon != nil {
		in.Icon = *req.Icon
	}
	sk, err = x.app.EditClassSkill(r.Context(), s, classID, skillID, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, skillJSON(*sk))
}

func (x *API) removeClassSkill(w http.ResponseWriter, r *http.Request) error {
	classID, err := parseID(r, "id")
	if err != nil {
		return err
	}
	skillID, err := parseID(r, "skill_id")
	if err != nil {
		return err
	}
	if err := x.app.RemoveClassSkill(r.Context(), app.SessionFrom(r.Context()), classID, skillID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
