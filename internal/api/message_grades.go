package api

import (
	"bytes"
	"cubby/internal/authz"
	"encoding/json"
	"net/http"

	"cubby/internal/app"
	"cubby/internal/store"
)

// Class grades decide which students teachers may write to (the school's
// students_min_grade): a leader sets them here or on the messages
// settings page.

type classGradeJSON struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Grade *int   `json:"grade"`
}

type classGradesJSON struct {
	Classes []classGradeJSON `json:"classes"`
}

// classGradeRoutes declares the class grade endpoints.
func (x *API) classGradeRoutes() {
	x.add(Op{Method: "GET", Path: "/schools/{id}/class-grades", ID: "classGrades", Tag: "messages", Access: authz.ForLeaders,
		Summary:  "The school's classes with their grades (null: none), by name, for its leaders. A student's grade is the highest of their current classes'; a class without one reaches no student by message.",
		Response: "ClassGrades", Success: http.StatusOK, Errors: []int{401, 404}, Handle: x.classGrades})
	x.add(Op{Method: "PUT", Path: "/schools/{id}/class-grades/{class_id}", ID: "setClassGrade", Tag: "messages", Access: authz.ForLeaders,
		Summary: "Set a class's grade (0 kindergarten to 12), or clear it with null (its leaders). A class of another school is 404.",
		Request: "ClassGradeSet", Response: "ClassGrades", Success: http.StatusOK, Errors: []int{400, 401, 403, 404}, Handle: x.setClassGrade})
}

func init() {
	grade := map[string]any{"type": []string{"integer", "null"}, "minimum": store.MinGrade, "maximum": store.MaxGrade,
		"description": "0 kindergarten, 1–12; null: none"}
	schemas["ClassGrades"] = obj(map[string]any{"classes": map[string]any{"type": "array",
		"items": obj(map[string]any{"id": str(), "name": str(), "grade": grade}, "id", "name", "grade")}}, "classes")
	schemas["ClassGradeSet"] = obj(map[string]any{"grade": grade}, "grade")
}

func (x *API) classGrades(w http.ResponseWriter, r *http.Request) error {
	schoolID, err := parseID(r, "id")
	if err != nil {
		return err
	}
	list, err := x.app.ClassGrades(r.Context(), app.SessionFrom(r.Context()), schoolID)
	if err != nil {
		return err
	}
	out := classGradesJSON{Classes: make([]classGradeJSON, 0, len(list))}
	for _, c := range list {
		out.Classes = append(out.Classes, classGradeJSON{ID: id(c.ID), Name: c.Name, Grade: c.Grade})
	}
	return writeJSON(w, http.StatusOK, out)
}

func (x *API) setClassGrade(w http.ResponseWriter, r *http.Request) error {
	schoolID, err := parseID(r, "id")
	if err != nil {
		return err
	}
	classID, err := parseID(r, "class_id")
	if err != nil {
		return err
	}
	// grade is required: null clears it, so a missing one is not taken
	// for null.
	var req struct {
		Grade json.RawMessage `json:"grade"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	var grade *int
	ve := &app.ValidationError{}
	switch raw := bytes.TrimSpace(req.Grade); {
	case len(raw) == 0:
		ve.Add("grade", "validation.required")
	case string(raw) == "null":
	default:
		var n int
		if json.Unmarshal(raw, &n) != nil {
			ve.Add("grade", "message.grade_range", "min", store.MinGrade, "max", store.MaxGrade)
		}
		grade = &n
	}
	if err := ve.Err(); err != nil {
		return err
	}
	if err := x.app.SetClassGrade(r.Context(), app.SessionFrom(r.Context()), schoolID, classID, grade); err != nil {
		return err
	}
	return x.classGrades(w, r)
}
