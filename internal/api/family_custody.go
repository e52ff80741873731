package api

import (
	"cubby/internal/authz"
	"net/http"
	"time"

	"cubby/internal/app"
	"cubby/internal/store"
)

// custodyRoutes declares custody restrictions, eligible students and
// requests a leader files on someone's behalf (DSR-4, ACL-6). All of them
// are for the student's school's leaders: its other staff get 403, anyone
// else 404, as for a student they cannot know about.
func (x *API) custodyRoutes() {
	h := x.explained
	x.add(Op{Method: "GET", Path: "/students/{id}/family", ID: "getFamilyAccess", Tag: "custody", Access: authz.ForStaff,
		Summary:  "Who may act for a student: the connected parents (has_access is false for every parent once the student is an eligible student and the server ends parents' access), the custody restrictions in force and lifted, whether the student holds their own rights, and the server's rule for parents then (parent_access: end or keep, CUBBY_ELIGIBLE_PARENT_ACCESS). The school's leaders.",
		Response: "FamilyAccess", Success: http.StatusOK, Errors: []int{401, 403, 404}, Handle: h(x.familyAccess)})
	x.add(Op{Method: "POST", Path: "/students/{id}/blocks", ID: "blockGuardian", Tag: "custody", Access: authz.ForStaff,
		Summary: "Restrict a connected parent's access to the student (reason: court_order, custody_agreement, safeguarding or other; note: an optional reference of at most 500 characters). The parent is disconnected at once; every access check, the parent code and invitations refuse them until the restriction is lifted. They are told only that the connection cannot be made and to contact the school. 400 when guardian_id is not a parent connected to the student. Audited. The school's leaders.",
		Request: "BlockCreate", Response: "GuardianBlock", Success: http.StatusCreated, Errors: []int{400, 401, 403, 404}, Handle: h(x.blockGuardian)})
	x.add(Op{Method: "POST", Path: "/students/{id}/blocks/{block_id}/lift", ID: "liftGuardianBlock", Tag: "custody", Access: authz.ForStaff,
		Summary:  "Lift a restriction: the parent may connect again (with the parent code or an invitation); it does not reconnect them. The restriction stays listed as lifted. 409 when it was lifted already. Audited. The school's leaders.",
		Response: "GuardianBlock", Success: http.StatusOK, Errors: []int{401, 403, 404, 409}, Handle: h(x.liftBlock(false))})
	x.add(Op{Method: "POST", Path: "/students/{id}/email-blocks", ID: "blockEmail", Tag: "custody", Access: authz.ForStaff,
		Summary: "Restrict an email address that is not connected (a court order or agreement the school holds before the person connects): no account with this address can connect to the student by the parent code or an invitation, and one connected now is disconnected. The student gets a new parent code. 400 for a malformed address or one already restricted for this student. Audited. The school's leaders.",
		Request: "EmailBlockCreate", Response: "GuardianBlock", Success: http.StatusCreated, Errors: []int{400, 401, 403, 404}, Handle: h(x.blockEmail)})
	x.add(Op{Method: "POST", Path: "/students/{id}/email-blocks/{block_id}/lift", ID: "liftEmailBlock", Tag: "custody", Access: authz.ForStaff,
		Summary:  "Lift a restriction on an address: accounts with it may connect again; it connects no one. 409 when it was lifted already. Audited. The school's leaders.",
		Response: "GuardianBlock", Success: http.StatusOK, Errors: []int{401, 403, 404, 409}, Handle: h(x.liftBlock(true))})
	x.add(Op{Method: "PUT", Path: "/students/{id}/eligibility", ID: "setEligibility", Tag: "custody", Access: authz.ForStaff,
		Summary: "Record (eligible: true) that the student now holds the rights over their own records — an eligible student: 18 under FERPA, or the local age of majority; Cubby stores the day it was recorded, never an age — or undo a mistaken record (false). The student can then export their data and ask for corrections; parents keep or lose access at once as the server says (parent_access). Setting what is already so changes nothing. 409 for a student who left. Audited. The school's leaders.",
		Request: "EligibilityRequest", Response: "Eligibility", Success: http.StatusOK, Errors: []int{400, 401, 403, 404, 409}, Handle: h(x.setEligibility)})
	x.add(Op{Method: "POST", Path: "/students/{id}/corrections", ID: "fileCorrection", Tag: "custody", Access: authz.ForStaff, Idempotent: true,
		Summary: "File a correction request (GDPR Art. 16, FERPA 34 CFR 99.20) on behalf of requested_by — a parent who may act for the student, or the student once eligible — who asked the school in person, by phone or on paper. The request is theirs (they see it and are told the answer); filed_by records the leader. table and key name one of the student's records the family can see; 404 for another. 400 when requested_by holds no such right. The school's leaders.",
		Request: "CorrectionFile", Response: "FiledCorrection", Success: http.StatusCreated, Errors: []int{400, 401, 403, 404}, Handle: h(x.fileCorrection)})
}

func init() {
	ts := map[string]any{"type": "string", "format": "date-time"}
	tsOrNull := map[string]any{"type": []string{"string", "null"}, "format": "date-time"}
	reason := enum(store.BlockReasons...)
	for name, s := range map[string]any{
		"BlockCreate": obj(map[string]any{"guardian_id": str(), "reason": reason,
			"note": map[string]any{"type": "string", "maxLength": 500, "description": "where the school keeps the document, or until when it applies; a reference, not the facts"}}, "guardian_id", "reason"),
		"EmailBlockCreate": obj(map[string]any{"email": map[string]any{"type": "string", "format": "email"}, "reason": reason,
			"note": map[string]any{"type": "string", "maxLength": 500}}, "email", "reason"),
		"GuardianBlock": obj(map[string]any{"id": str(), "student_id": str(), "guardian_id": str(), "guardian_name": str(), "reason": reason, "note": str(),
			"by_email": map[string]any{"type": "boolean", "description": "a restriction on an address (email), not on a connected account (guardian_id)"},
			"email":    str(),
			"active":   map[string]any{"type": "boolean"}, "created_by": str(), "created_at": ts, "lifted_by": str(), "lifted_at": tsOrNull,
			"refused_count": map[string]any{"type": "integer", "description": "how often the parent tried to connect again while restricted"}, "last_refused_at": tsOrNull},
			"id", "student_id", "guardian_id", "reason", "active", "created_at", "refused_count"),
		"FamilyAccess": obj(map[string]any{"student_id": str(), "eligible": map[string]any{"type": "boolean"}, "eligible_since": tsOrNull,
			"parent_access": enum("end", "keep"),
			"guardians": map[string]any{"type": "array", "items": obj(map[string]any{"user_id": str(), "title": str(), "first_name": str(), "last_name": str(),
				"connected_at": ts, "has_access": map[string]any{"type": "boolean"}}, "user_id", "first_name", "connected_at", "has_access")},
			"blocks": map[string]any{"type": "array", "items": ref("GuardianBlock")}},
			"student_id", "eligible", "parent_access", "guardians", "blocks"),
		"EligibilityRequest": obj(map[string]any{"eligible": map[string]any{"type": "boolean"}}, "eligible"),
		"Eligibility": obj(map[string]any{"student_id": str(), "eligible": map[string]any{"type": "boolean"}, "eligible_since": tsOrNull,
			"parent_access": enum("end", "keep")}, "student_id", "eligible", "parent_access"),
		"CorrectionFile": obj(map[string]any{"requested_by": str(), "table": str(), "key": str(),
			"request": map[string]any{"type": "string", "maxLength": 1000}}, "requested_by", "table", "key", "request"),
		"FiledCorrection": obj(map[string]any{"id": str(), "student_id": str(), "requested_by": str(), "filed_by": str(), "table": str(), "key": str(),
			"status": enum(store.CorrectionPending, store.CorrectionAccepted, store.CorrectionDeclined), "created_at": ts},
			"id", "student_id", "requested_by", "filed_by", "status", "created_at"),
	} {
		schemas[name] = s
	}
}

type blockJSON struct {
	ID            string     `json:"id"`
	StudentID     string     `json:"student_id"`
	GuardianID    string     `json:"guardian_id"`
	GuardianName  string     `json:"guardian_name"`
	ByEmail       bool       `json:"by_email"`
	Email         string     `json:"email,omitempty"`
	Reason        string     `json:"reason"`
	Note          string     `json:"note"`
	Active        bool       `json:"active"`
	CreatedBy     string     `json:"created_by,omitempty"`
	CreatedAt     time.Time  `json:"created_at"`
	LiftedBy      string     `json:"lifted_by,omitempty"`
	LiftedAt      *time.Time `json:"lifted_at"`
	RefusedCount  int        `json:"refused_count"`
	LastRefusedAt *time.Time `json:"last_refused_at"`
}

func blockOut(b *store.GuardianBlock) blockJSON {
	out := blockJSON{ID: id(b.ID), StudentID: id(b.StudentID), GuardianID: id(b.GuardianID), GuardianName: b.GuardianName, Reason: b.Reason, Note: b.Note,
		Active: b.Active(), CreatedAt: b.CreatedAt, LiftedAt: b.LiftedAt, RefusedCount: b.RefusedCount, LastRefusedAt: b.LastRefusedAt}
	if b.ByEmail {
		out.GuardianID, out.ByEmail, out.Email = "", true, b.GuardianEmail
	}
	if b.CreatedBy != 0 {
		out.CreatedBy = id(b.CreatedBy)
	}
	if b.LiftedBy != 0 {
		out.LiftedBy = id(b.LiftedBy)
	}
	return out
}

func (x *API) familyAccess(w http.ResponseWriter, r *http.Request) error {
	studentID, err := parseID(r, "id")
	if err != nil {
		return err
	}
	f, err := x.app.FamilyAccessOf(r.Context(), app.SessionFrom(r.Context()), studentID)
	if err != nil {
		return err
	}
	type guardian struct {
		UserID      string    `json:"user_id"`
		Title       string    `json:"title"`
		FirstName   string    `json:"first_name"`
		LastName    string    `json:"last_name"`
		ConnectedAt time.Time `json:"connected_at"`
		HasAccess   bool      `json:"has_access"`
	}
	out := struct {
		StudentID     string      `json:"student_id"`
		Eligible      bool        `json:"eligible"`
		EligibleSince *time.Time  `json:"eligible_since"`
		ParentAccess  string      `json:"parent_access"`
		Guardians     []guardian  `json:"guardians"`
		Blocks        []blockJSON `json:"blocks"`
	}{StudentID: id(f.Student.ID), Eligible: f.EligibleSince != nil, EligibleSince: f.EligibleSince, ParentAccess: string(f.Policy),
		Guardians: []guardian{}, Blocks: []blockJSON{}}
	for _, g := range f.Guardians {
		out.Guardians = append(out.Guardians, guardian{UserID: id(g.UserID), Title: g.Title, FirstName: g.FirstName, LastName: g.LastName,
			ConnectedAt: g.CreatedAt, HasAccess: g.HasAccess})
	}
	for i := range f.Blocks {
		out.Blocks = append(out.Blocks, blockOut(&f.Blocks[i]))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (x *API) blockGuardian(w http.ResponseWriter, r *http.Request) error {
	studentID, err := parseID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		GuardianID string `json:"guardian_id"`
		Reason     string `json:"reason"`
		Note       string `json:"note"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	var guardian int64
	if in.GuardianID != "" {
		if guardian, err = parseIDString(in.GuardianID); err != nil {
			v := &app.ValidationError{}
			v.Add("guardian_id", "custody.not_linked")
			return v
		}
	}
	b, err := x.app.BlockGuardian(r.Context(), app.SessionFrom(r.Context()), studentID, app.BlockInput{GuardianID: guardian, Reason: in.Reason, Note: in.Note})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, blockOut(b))
}

func (x *API) blockEmail(w http.ResponseWriter, r *http.Request) error {
	studentID, err := parseID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		Email  string `json:"email"`
		Reason string `json:"reason"`
		Note   string `json:"note"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	b, err := x.app.BlockEmail(r.Context(), app.SessionFrom(r.Context()), studentID, app.EmailBlockInput{Email: in.Email, Reason: in.Reason, Note: in.Note})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, blockOut(b))
}

// liftBlock lifts a block on an account or, byEmail, on an address.
func (x *API) liftBlock(byEmail bool) func(w http.ResponseWriter, r *http.Request) error {
	lift := x.app.LiftGuardianBlock
	if byEmail {
		lift = x.app.LiftEmailBlock
	}
	return func(w http.ResponseWriter, r *http.Request) error {
		studentID, err := parseID(r, "id")
		if err != nil {
			return err
		}
		blockID, err := parseID(r, "block_id")
		if err != nil {
			return err
		}
		b, err := lift(r.Context(), app.SessionFrom(r.Context()), studentID, blockID)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, blockOut(b))
	}
}

func (x *API) setEligibility(w http.ResponseWriter, r *http.Request) error {
	studentID, err := parseID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		Eligible *bool `json:"eligible"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.Eligible == nil {
		v := &app.ValidationError{}
		v.Add("eligible", "validation.required")
		return v
	}
	s := app.SessionFrom(r.Context())
	since, err := x.app.SetEligible(r.Context(), s, studentID, *in.Eligible)
	if err != nil {
		return err
	}
	f, err := x.app.FamilyAccessOf(r.Context(), s, studentID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"student_id": id(studentID), "eligible": since != nil, "eligible_since": since,
		"parent_access": string(f.Policy)})
}

func (x *API) fileCorrection(w http.ResponseWriter, r *http.Request) error {
	studentID, err := parseID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		RequestedBy string `json:"requested_by"`
		Table       string `json:"table"`
		Key         string `json:"key"`
		Request     string `json:"request"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	var requester int64
	if in.RequestedBy != "" {
		if requester, err = parseIDString(in.RequestedBy); err != nil {
			v := &app.ValidationError{}
			v.Add("requested_by", "custody.requester_no_right")
			return v
		}
	}
	s := app.SessionFrom(r.Context())
	c, err := x.app.FileCorrectionFor(r.Context(), s, studentID, requester, in.Table, in.Key, in.Request)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, map[string]any{"id": id(c.ID), "student_id": id(c.StudentID), "requested_by": id(c.RequestedBy),
		"filed_by": id(s.User.ID), "table": c.RecordTable, "key": c.RecordKey, "status": c.Status, "created_at": c.CreatedAt})
}
