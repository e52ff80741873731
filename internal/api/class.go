package api

import (
	"net/http"

	"cubby/internal/app"
	"cubby/internal/store"
)

// Class is the JSON form of a class.
type Class struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	SchoolID     string `json:"school_id"`
	StudentCount int    `json:"student_count"`
	Archived     bool   `json:"archived"`
}

func classJSON(c *store.Class) Class {
	return Class{ID: id(c.ID), Name: c.Name, SchoolID: id(c.SchoolID), StudentCount: c.StudentCount, Archived: c.ArchivedAt != nil}
}

func (x *API) listClasses(w http.ResponseWriter, r *http.Request) error {
	after, limit, err := page(r)
	if err != nil {
		return err
	}
	classes, err := x.app.Classes(r.Context(), app.SessionFrom(r.Context()), store.ClassPage{After: after, Limit: limit})
	if err != nil {
		return err
	}
	out := struct {
		Classes []Class `json:"classes"`
		Next    *string `json:"next"`
	}{Classes: []Class{}}
	for i := range classes {
		out.Classes = append(out.Classes, classJSON(&classes[i]))
	}
	if n := len(classes); n > 0 {
		out.Next = nextCursor(n, limit, classes[n-1].ID)
	}
	return writeJSON(w, http.StatusOK, out)
}
