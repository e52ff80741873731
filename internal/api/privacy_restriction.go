package api

import (
	"cubby/internal/authz"
	"errors"
	"net/http"
	"slices"
	"time"

	"cubby/internal/app"
)

// Restriction of processing (GDPR Art. 18) over the API: the student or a
// parent asks, a leader of the school decides, sets one directly, and lifts
// it (app/restriction.go says what a restriction does).

func (x *API) restrictionRoutes() {
	x.add(Op{Method: "POST", Path: "/students/{id}/restrictions", ID: "restrictProcessing", Tag: "privacy", Access: authz.ForFamily,
		Summary: "Ask to restrict the processing of a student's records (GDPR Art. 18), on a ground of Art. 18(1): accuracy (the records are contested), unlawful (restriction instead of erasure), legal_claims (needed for a legal claim) or objection (an objection is being considered). The student and their parents ask (201, status requested); a leader of the student's school sets it in force at once (201, status active), e.g. for a request made on paper. While in force the student gets no new points (409 on awards), is left out of class and school reports and usage counts, and teachers no longer see their records; attendance is still taken. 404 for anyone else; 409 when a request or restriction on that ground is already open.",
		Request: "RestrictionRequest", Response: "Restriction", Success: http.StatusCreated, Errors: []int{400, 401, 404, 409, 413}, Handle: x.restrictProcessing})
	x.add(Op{Method: "GET", Path: "/restrictions", ID: "listRestrictions", Tag: "privacy", Access: authz.ForSelf,
		Summary:  "The restrictions of processing the caller may see: a parent's children's, a student's own, or every one of the schools a leader leads (waiting first, then in force, then closed). ?student_id= narrows to one student. Paginated.",
		Query:    []Param{{Name: "student_id", Type: "string", Description: "only this student's"}},
		Response: "RestrictionList", Success: http.StatusOK, Errors: []int{400, 401, 404}, Handle: x.listRestrictions})
	x.add(Op{Method: "POST", Path: "/restrictions/{id}/decision", ID: "decideRestriction", Tag: "privacy", Access: authz.ForLeaders,
		Summary: "A leader of the student's school grants (grant: true) or declines a waiting request; declining needs a reason. The person who asked is emailed. 409 when it was decided already.",
		Request: "RestrictionDecision", Response: "Restriction", Success: http.StatusOK, Errors: []int{400, 401, 404, 409, 413}, Handle: x.decideRestriction})
	x.add(Op{Method: "POST", Path: "/restrictions/{id}/lift", ID: "liftRestriction", Tag: "privacy", Access: authz.ForLeaders,
		Summary: "A leader of the student's school lifts a restriction in force, with a reason; the person who obtained it is emailed in the same step (Art. 18(3)), and the lift is in the audit log. 409 when it is not in force (lifted already, or never granted).",
		Request: "RestrictionLift", Response: "Restriction", Success: http.StatusOK, Errors: []int{400, 401, 404, 409, 413}, Handle: x.liftRestriction})
}

func init() {
	when := map[string]any{"type": []string{"string", "null"}, "format": "date-time"}
	schemas["RestrictionRequest"] = obj(map[string]any{
		"ground":  enum(app.Grounds...),
		"request": map[string]any{"type": "string", "maxLength": 1000, "description": "what the school should know (optional); for a leader, who asked and how"},
	}, "ground")
	schemas["RestrictionDecision"] = obj(map[string]any{
		"grant":  map[string]any{"type": "boolean"},
		"reason": map[string]any{"type": "string", "maxLength": 1000, "description": "required when declining; the family reads it"},
	}, "grant")
	schemas["RestrictionLift"] = obj(map[string]any{
		"reason": map[string]any{"type": "string", "maxLength": 1000, "description": "why the restriction ends; the family reads it"},
	}, "reason")
	schemas["Restriction"] = obj(map[string]any{
		"id": str(), "student_id": str(), "student_name": str(), "school_id": str(),
		"ground": enum(app.Grounds...), "status": enum("requested", "active", "declined", "lifted"),
		"request": str(), "reason": str(), "requested_by": str(), "decided_by": str(), "lifted_by": str(),
		"holds_records": map[string]any{"type": "boolean", "description": "the retention job keeps the student's records while this is in force"},
		"created_at":    map[string]any{"type": "string", "format": "date-time"},
		"answer_by":     map[string]any{"type": "string", "format": "date", "description": "the legal deadline for deciding"},
		"decided_at":    when, "lifted_at": when,
	}, "id", "student_id", "school_id", "ground", "status", "created_at")
	schemas["RestrictionList"] = obj(map[string]any{
		"restrictions": map[string]any{"type": "array", "items": ref("Restriction")},
		"next":         map[string]any{"type": []string{"string", "null"}, "description": "pass as ?cursor= for the next page; null on the last page"},
	}, "restrictions", "next")
	// The class roster says which students are restricted, so a client can
	// show why they cannot be given points.
	if s, ok := schemas["Student"].(map[string]any); ok {
		s["properties"].(map[string]any)["restricted"] = map[string]any{"type": "boolean",
			"description": "processing of the student's records is restricted (GDPR Art. 18): no points can be given; only on a class roster"}
	}
}

// RestrictionJSON is a restriction as the API shows it.
type RestrictionJSON struct {
	ID           string     `json:"id"`
	StudentID    string     `json:"student_id"`
	StudentName  string     `json:"student_name,omitempty"`
	SchoolID     string     `json:"school_id"`
	Ground       string     `json:"ground"`
	Status       string     `json:"status"`
	Request      string     `json:"request"`
	Reason       string     `json:"reason"`
	RequestedBy  string     `json:"requested_by,omitempty"`
	DecidedBy    string     `json:"decided_by,omitempty"`
	LiftedBy     string     `json:"lifted_by,omitempty"`
	HoldsRecords bool       `json:"holds_records"`
	CreatedAt    time.Time  `json:"created_at"`
	AnswerBy     string     `json:"answer_by,omitempty"`
	DecidedAt    *time.Time `json:"decided_at"`
	LiftedAt     *time.Time `json:"lifted_at"`
}

func restrictionJSON(v app.RestrictionView) RestrictionJSON {
	out := RestrictionJSON{ID: id(v.ID), StudentID: id(v.StudentID), StudentName: v.StudentName, SchoolID: id(v.SchoolID),
		Ground: v.Ground, Status: v.Status, Request: v.Request, Reason: v.Reason, RequestedBy: v.RequesterName,
		DecidedBy: v.DeciderName, LiftedBy: v.LifterName, HoldsRecords: v.HoldsRecords, CreatedAt: v.CreatedAt,
		DecidedAt: v.DecidedAt, LiftedAt: v.LiftedAt}
	if v.Status == "requested" {
		out.AnswerBy = v.AnswerBy.Format(time.DateOnly)
	}
	return out
}

// conflict answers a use case's ErrConflict with the message that says
// what the conflict is.
func (x *API) conflict(w http.ResponseWriter, r *http.Request, err error, key string) error {
	if errors.Is(err, app.ErrConflict) {
		x.problem(w, r, http.StatusConflict, key, nil)
		return nil
	}
	return err
}

func (x *API) restrictProcessing(w http.ResponseWriter, r *http.Request) error {
	studentID, err := parseID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		Ground  string `json:"ground"`
		Request string `json:"request"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	res, err := x.app.RestrictProcessing(r.Context(), app.SessionFrom(r.Context()), studentID, req.Ground, req.Request)
	if err != nil {
		return x.conflict(w, r, err, "restriction.already")
	}
	return x.restrictionOut(w, r, http.StatusCreated, res.ID)
}

func (x *API) listRestrictions(w http.ResponseWriter, r *http.Request) error {
	after, limit, err := page(r)
	if err != nil {
		return err
	}
	sess := app.SessionFrom(r.Context())
	var list []app.RestrictionView
	if s := r.URL.Query().Get("student_id"); s != "" {
		studentID, err := idField("student_id", s)
		if err != nil {
			return err
		}
		list, err = x.app.RestrictionsOf(r.Context(), sess, studentID)
		if err != nil {
			return err
		}
	} else if list, err = x.app.Restrictions(r.Context(), sess); err != nil {
		return err
	}
	// The list is ordered by status, not id: the cursor is the last id
	// seen, and the next page starts after it.
	if after > 0 {
		i := slices.IndexFunc(list, func(v app.RestrictionView) bool { return v.ID == after })
		list = list[i+1:] // i = -1 (gone meanwhile) starts again from the top
	}
	out := []RestrictionJSON{}
	var last int64
	for _, v := range list {
		if len(out) == limit {
			break
		}
		out = append(out, restrictionJSON(v))
		last = v.ID
	}
	return writeJSON(w, http.StatusOK, map[string]any{"restrictions": out, "next": nextCursor(len(out), limit, last)})
}

func (x *API) decideRestriction(w http.ResponseWriter, r *http.Request) error {
	rid, err := parseID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		Grant  *bool  `json:"grant"`
		Reason string `json:"reason"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	if req.Grant == nil {
		ve := &app.ValidationError{}
		ve.Add("grant", "validation.required")
		return ve
	}
	sess := app.SessionFrom(r.Context())
	if err := x.app.DecideRestriction(r.Context(), sess, rid, *req.Grant, req.Reason); err != nil {
		return x.conflict(w, r, err, "restriction.not_open")
	}
	return x.restrictionOut(w, r, http.StatusOK, rid)
}

func (x *API) liftRestriction(w http.ResponseWriter, r *http.Request) error {
	rid, err := parseID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		Reason string `json:"reason"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	if err := x.app.LiftRestriction(r.Context(), app.SessionFrom(r.Context()), rid, req.Reason); err != nil {
		return x.conflict(w, r, err, "restriction.not_in_force")
	}
	return x.restrictionOut(w, r, http.StatusOK, rid)
}

// restrictionOut answers with one restriction as the caller now sees it.
func (x *API) restrictionOut(w http.ResponseWriter, r *http.Request, status int, rid int64) error {
	v, err := x.app.Restriction(r.Context(), app.SessionFrom(r.Context()), rid)
	if err != nil {
		return err
	}
	return writeJSON(w, status, restrictionJSON(*v))
}
