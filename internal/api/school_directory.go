package api

import (
	"cmp"
	"cubby/internal/authz"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"cubby/internal/app"
	"cubby/internal/store"
)

// directoryRoutes declares joining a school, the School Directory,
// invitations and (custody.go) who may act for the school's students.
func (x *API) directoryRoutes() {
	h := x.explained
	x.add(Op{Method: "POST", Path: "/schools", ID: "createSchool", Tag: "directory", Access: authz.ForSelf, Idempotent: true,
		Summary: "Add a school that school search cannot find. It is flagged unverified until a verified leader of it or the operator confirms it; the caller (teacher or leader) becomes its first, not yet verified, member of staff. At most 3 a day; a school of the same name, town and country answers 400.",
		Request: "SchoolCreate", Response: "Membership", Success: http.StatusCreated, Errors: []int{400, 401, 403, 429}, Handle: h(x.createSchool)})
	x.add(Op{Method: "POST", Path: "/schools/{id}/join", ID: "joinSchool", Tag: "directory", Access: authz.ForSelf,
		Summary:  "Ask to join a school as staff (teachers and leaders). The request waits for a leader (status pending), unless the school approves its own email domain and the caller's verified address is on it (status active; leader requests always wait). A second request answers 409, or approves it if the domain now matches.",
		Response: "Membership", Success: http.StatusCreated, Errors: []int{401, 403, 404, 409}, Handle: h(x.joinSchool)})
	x.add(Op{Method: "DELETE", Path: "/schools/{id}/join", ID: "withdrawJoinRequest", Tag: "directory", Access: authz.ForSelf,
		Summary: "Take back a join request that still waits; 409 once it was approved.", Success: http.StatusNoContent,
		Errors: []int{401, 404, 409}, Handle: h(x.withdrawJoin)})
	x.add(Op{Method: "GET", Path: "/schools/{id}/directory", ID: "schoolDirectory", Tag: "directory", Access: authz.ForStaff,
		Summary:  "The School Directory: active staff with roles and verification, waiting join requests (leaders only) and the school's students with their classes. Leaders and verified teachers of the school; 403 for its staff not yet verified; 404 for anyone else.",
		Response: "Directory", Success: http.StatusOK, Errors: []int{401, 403, 404}, Handle: h(x.directory)})
	x.add(Op{Method: "GET", Path: "/schools/{id}/students", ID: "listSchoolStudents", Tag: "directory", Access: authz.ForStaff,
		Summary:  "The school's current students with their classes, in id order, a page at a time; ?q= keeps those whose name contains every word (case and accents ignored). Leaders and verified teachers of the school; 403 for its staff not yet verified; 404 for anyone else. Audited as a view of the School Directory.",
		Query:    []Param{{Name: "q", Type: "string", Description: "words of the student's name; case and accents ignored"}},
		Response: "SchoolStudentList", Success: http.StatusOK, Errors: []int{400, 401, 403, 404}, Handle: h(x.schoolStudents)})
	for _, a := range []struct{ action, id, summary, request, response string }{
		{"approve", "approveMember", "Let a waiting join request in, or verify an active member of staff the school had not verified (invited by a colleague, or who added the school). School leaders.", "", "Member"},
		{"decline", "declineMember", "Turn down a waiting join request; 409 for staff already in (remove them instead). School leaders.", "", ""},
		{"remove", "removeMember", "End a member of staff's place at the school (their account stays). The classes only they taught go to classes_to, an active member of staff (400 when needed and missing); 409 for the school's last leader. School leaders.", "MemberRemove", ""},
		{"leader", "setLeader", "Grant (leader: true) or revoke (false) leader rights of an active member of staff; granting verifies them. 409 when revoking the school's last leader. School leaders.", "LeaderChange", "Member"},
	} {
		success := http.StatusOK
		if a.response == "" {
			success = http.StatusNoContent
		}
		x.add(Op{Method: "POST", Path: "/schools/{id}/members/{user_id}/" + a.action, ID: a.id, Tag: "directory", Access: authz.ForLeaders, Summary: a.summary,
			Request: a.request, Response: a.response, Success: success, Errors: []int{400, 401, 403, 404, 409}, Handle: h(x.memberAction(a.action))})
	}
	x.add(Op{Method: "GET", Path: "/schools/{id}/access", ID: "getSchoolAccess", Tag: "directory", Access: authz.ForLeaders,
		Summary: "How people join the school and how its staff log in. School leaders.", Response: "SchoolAccess",
		Success: http.StatusOK, Errors: []int{401, 403, 404}, Handle: h(x.getAccess)})
	x.add(Op{Method: "PUT", Path: "/schools/{id}/access", ID: "putSchoolAccess", Tag: "directory", Access: authz.ForLeaders,
		Summary: "Set email_domain (join requests from verified addresses on it are approved at once; empty: all wait; webmail domains are refused) and require_two_factor (staff without two-factor login can do nothing else until they set it up; the leader turns it on for themself first). School leaders.",
		Request: "SchoolAccess", Response: "SchoolAccess", Success: http.StatusOK, Errors: []int{400, 401, 403, 404}, Handle: h(x.putAccess)})
	x.add(Op{Method: "POST", Path: "/schools/{id}/confirm", ID: "confirmSchool", Tag: "directory", Access: authz.ForLeaders,
		Summary: "Confirm that a school someone added exists as described. Verified leaders of the school.", Success: http.StatusNoContent,
		Errors: []int{401, 403, 404}, Handle: h(x.confirmSchool)})
	x.add(Op{Method: "POST", Path: "/invitations", ID: "sendInvitation", Tag: "directory", Access: authz.ForStaff, Idempotent: true,
		Summary: "Invite a teacher to a school (type teacher, school_id: active staff) or a parent to follow a student (type parent, student_id: the student's class teachers and the school's leaders), by email or — where SMS is configured — by phone (E.164; spaces and dashes are fine). The link works once, for 14 days. Needs a verified email address (403). Rate limited per sender and per school, text messages more tightly (429 with Retry-After).",
		Request: "InvitationCreate", Response: "Invitation", Success: http.StatusCreated, Errors: []int{400, 401, 403, 404, 429}, Handle: h(x.sendInvitation)})
	x.add(Op{Method: "GET", Path: "/invitations/{token}", ID: "openInvitation", Tag: "directory", Access: authz.ForAnyone, Public: true,
		Summary:  "What an invitation link is for, before accepting it: the school, who sent it, and the address it was emailed to (to fill in sign-up). 404 for an unknown link, 410 for one used or expired.",
		Response: "InvitationInfo", Success: http.StatusOK, Errors: []int{404, 410}, Handle: h(x.openInvitation)})
	x.add(Op{Method: "POST", Path: "/invitations/accept", ID: "acceptInvitation", Tag: "directory", Access: authz.ForSelf,
		Summary: "Accept an invitation as the caller: a teacher invitation makes a teacher or leader account active (not yet verified) staff of the school; a parent invitation connects a parent account to the student. Works once (410 after, or once expired); 403 for the wrong kind of account. Accepting with the address the link was emailed to verifies it.",
		Request: "TokenOnly", Response: "InvitationAccepted", Success: http.StatusOK, Errors: []int{400, 401, 403, 404, 410}, Handle: h(x.acceptInvitation)})
	x.custodyRoutes() // custody.go: who may act for a school's students
}

// explained answers a use case's app.RefusedError with its own reason —
// 403, 409 or 410 — rather than the generic message for its status.
func (x *API) explained(h func(w http.ResponseWriter, r *http.Request) error) func(w http.ResponseWriter, r *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		err := h(w, r)
		var re *app.RefusedError
		if !errors.As(err, &re) {
			return err
		}
		status := http.StatusConflict
		switch {
		case errors.Is(re.Err, app.ErrForbidden):
			status = http.StatusForbidden
		case errors.Is(re.Err, app.ErrGone):
			status = http.StatusGone
		}
		x.problem(w, r, status, re.Key, nil)
		return nil
	}
}

// parseIDString reads an id sent as a JSON string.
func parseIDString(s string) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err == nil && n <= 0 {
		err = strconv.ErrRange
	}
	return n, err
}

// Membership is a person's place in a school, as JSON.
type Membership struct {
	SchoolID   string     `json:"school_id"`
	UserID     string     `json:"user_id"`
	Role       string     `json:"role"`
	Status     string     `json:"status"`
	Verified   bool       `json:"verified"`
	VerifiedAt *time.Time `json:"verified_at"`
}

func membershipJSON(m *store.Membership) Membership {
	return Membership{SchoolID: id(m.SchoolID), UserID: id(m.UserID), Role: m.Role, Status: m.Status, Verified: m.VerifiedAt != nil, VerifiedAt: m.VerifiedAt}
}

// Member is one row of the directory.
type Member struct {
	Membership
	Title       string    `json:"title"`
	FirstName   string    `json:"first_name"`
	LastName    string    `json:"last_name"`
	Email       string    `json:"email"`
	TwoFactor   bool      `json:"two_factor"`
	Classes     int       `json:"classes"`
	RequestedAt time.Time `json:"requested_at"`
}

func memberJSON(m *store.StaffMember) Member {
	return Member{Membership: membershipJSON(&m.Membership), Title: m.Title, FirstName: m.FirstName, LastName: m.LastName,
		Email: m.Email, TwoFactor: m.TwoFactor, Classes: m.Classes, RequestedAt: m.CreatedAt}
}

func (x *API) createSchool(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Name       string `json:"name"`
		Address    string `json:"address"`
		City       string `json:"city"`
		Region     string `json:"region"`
		PostalCode string `json:"postal_code"`
		Country    string `json:"country"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	s := app.SessionFrom(r.Context())
	school, err := x.app.CreateSchool(r.Context(), s, app.NewSchool{Name: in.Name, Address: in.Address, City: in.City, Region: in.Region, PostalCode: in.PostalCode, Country: in.Country})
	if err != nil {
		return err
	}
	m, err := x.app.MyMembership(r.Context(), s, school.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, membershipJSON(m))
}

func (x *API) joinSchool(w http.ResponseWriter, r *http.Request) error {
	schoolID, err := parseID(r, "id")
	if err != nil {
		return err
	}
	m, err := x.app.JoinSchool(r.Context(), app.SessionFrom(r.Context()), schoolID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, membershipJSON(m))
}

func (x *API) withdrawJoin(w http.ResponseWriter, r *http.Request) error {
	schoolID, err := parseID(r, "id")
	if err != nil {
		return err
	}
	if err := x.app.WithdrawJoinRequest(r.Context(), app.SessionFrom(r.Context()), schoolID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (x *API) directory(w http.ResponseWriter, r *http.Request) error {
	schoolID, err := parseID(r, "id")
	if err != nil {
		return err
	}
	d, err := x.app.SchoolDirectory(r.Context(), app.SessionFrom(r.Context()), schoolID)
	if err != nil {
		return err
	}
	if !d.Full {
		return app.ErrForbidden
	}
	if err := x.app.AuditSchoolRead(r.Context(), app.SessionFrom(r.Context()), d.School.ID, app.ViewSchoolDirectory); err != nil {
		return err
	}
	type student struct {
		ID        string   `json:"id"`
		FirstName string   `json:"first_name"`
		LastName  string   `json:"last_name"`
		Classes   []string `json:"classes"`
	}
	out := struct {
		School    map[string]any `json:"school"`
		Access    *accessJSON    `json:"access"`
		CanManage bool           `json:"can_manage"`
		Staff     []Member       `json:"staff"`
		Pending   []Member       `json:"pending"`
		Students  []student      `json:"students"`
	}{
		School: map[string]any{"id": id(d.School.ID), "name": d.School.Name, "city": d.School.City, "region": d.School.Region,
			"postal_code": d.School.PostalCode, "country": d.School.Country, "verified": d.School.Verified},
		CanManage: d.Manage, Staff: []Member{}, Pending: []Member{}, Students: []student{},
	}
	if d.Manage {
		out.Access = &accessJSON{EmailDomain: d.Access.EmailDomain, RequireTwoFactor: d.Access.RequireTwoFactor}
	}
	for i := range d.Staff {
		out.Staff = append(out.Staff, memberJSON(&d.Staff[i]))
	}
	for i := range d.Pending {
		out.Pending = append(out.Pending, memberJSON(&d.Pending[i]))
	}
	for _, st := range d.Students {
		c := st.Classes
		if c == nil {
			c = []string{}
		}
		out.Students = append(out.Students, student{ID: id(st.ID), FirstName: st.FirstName, LastName: st.LastName, Classes: c})
	}
	return writeJSON(w, http.StatusOK, out)
}

func (x *API) memberAction(action string) func(w http.ResponseWriter, r *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		schoolID, err := parseID(r, "id")
		if err != nil {
			return err
		}
		userID, err := parseID(r, "user_id")
		if err != nil {
			return err
		}
		s, ctx := app.SessionFrom(r.Context()), r.Context()
		var m *store.Membership
		switch action {
		case "approve":
			m, err = x.app.ApproveMember(ctx, s, schoolID, userID)
		case "decline":
			err = x.app.DeclineMember(ctx, s, schoolID, userID)
		case "remove":
			var in struct {
				ClassesTo *string `json:"classes_to"`
			}
			if r.ContentLength != 0 {
				if err := decode(r, &in); err != nil {
					return err
				}
			}
			var heir int64
			if in.ClassesTo != nil && *in.ClassesTo != "" {
				if heir, err = parseIDString(*in.ClassesTo); err != nil {
					v := &app.ValidationError{}
					v.Add("classes_to", "directory.heir_invalid")
					return v
				}
			}
			err = x.app.RemoveMember(ctx, s, schoolID, userID, heir)
		case "leader":
			var in struct {
				Leader *bool `json:"leader"`
			}
			if err := decode(r, &in); err != nil {
				return err
			}
			if in.Leader == nil {
				v := &app.ValidationError{}
				v.Add("leader", "validation.required")
				return v
			}
			m, err = x.app.SetLeader(ctx, s, schoolID, userID, *in.Leader)
		}
		if err != nil {
			return mapHeir(err)
		}
		if m == nil {
			w.WriteHeader(http.StatusNoContent)
			return nil
		}
		return x.writeMember(w, r, m)
	}
}

// mapHeir names the remove request's field as the API spells it.
func mapHeir(err error) error {
	var ve *app.ValidationError
	if errors.As(err, &ve) {
		if fe, ok := ve.Fields["heir"]; ok {
			out := &app.ValidationError{}
			out.Add("classes_to", fe.Key, fe.Args...)
			return out
		}
	}
	return err
}

func (x *API) writeMember(w http.ResponseWriter, r *http.Request, m *store.Membership) error {
	staff, err := x.app.StaffMember(r.Context(), app.SessionFrom(r.Context()), m.SchoolID, m.UserID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, memberJSON(staff))
}

type accessJSON struct {
	EmailDomain      string `json:"email_domain"`
	RequireTwoFactor bool   `json:"require_two_factor"`
}

func (x *API) getAccess(w http.ResponseWriter, r *http.Request) error {
	schoolID, err := parseID(r, "id")
	if err != nil {
		return err
	}
	a, err := x.app.SchoolAccess(r.Context(), app.SessionFrom(r.Context()), schoolID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, accessJSON{EmailDomain: a.EmailDomain, RequireTwoFactor: a.RequireTwoFactor})
}

func (x *API) putAccess(w http.ResponseWriter, r *http.Request) error {
	schoolID, err := parseID(r, "id")
	if err != nil {
		return err
	}
	var in accessJSON
	if err := decode(r, &in); err != nil {
		return err
	}
	a, err := x.app.SetSchoolAccess(r.Context(), app.SessionFrom(r.Context()), schoolID, store.SchoolAccess{EmailDomain: in.EmailDomain, RequireTwoFactor: in.RequireTwoFactor})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, accessJSON{EmailDomain: a.EmailDomain, RequireTwoFactor: a.RequireTwoFactor})
}

func (x *API) confirmSchool(w http.ResponseWriter, r *http.Request) error {
	schoolID, err := parseID(r, "id")
	if err != nil {
		return err
	}
	if err := x.app.ConfirmSchool(r.Context(), app.SessionFrom(r.Context()), schoolID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (x *API) sendInvitation(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Type      string `json:"type"`
		SchoolID  string `json:"school_id"`
		StudentID string `json:"student_id"`
		Email     string `json:"email"`
		Phone     string `json:"phone"`
		Language  string `json:"language"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	v := &app.ValidationError{}
	inv := app.Invite{Kind: in.Type, Email: in.Email, Phone: in.Phone, Language: in.Language}
	switch in.Type {
	case store.InviteTeacher:
		n, err := parseIDString(in.SchoolID)
		if err != nil {
			v.Add("school_id", "invite.school_required")
		}
		inv.SchoolID = n
	case store.InviteParent:
		n, err := parseIDString(in.StudentID)
		if err != nil {
			v.Add("student_id", "invite.pick_student")
		}
		inv.StudentID = n
	}
	if err := v.Err(); err != nil {
		return err
	}
	created, err := x.app.SendInvitation(r.Context(), app.SessionFrom(r.Context()), inv)
	if err != nil {
		return err
	}
	channel := "email"
	if created.Phone != "" {
		channel = "sms"
	}
	out := map[string]any{"id": id(created.ID), "type": created.Kind, "school_id": id(created.SchoolID), "student_id": nil,
		"channel": channel, "expires_at": created.ExpiresAt}
	if created.StudentID != 0 {
		out["student_id"] = id(created.StudentID)
	}
	return writeJSON(w, http.StatusCreated, out)
}

func (x *API) openInvitation(w http.ResponseWriter, r *http.Request) error {
	info, err := x.app.OpenInvitation(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"type": info.Kind, "school_name": info.SchoolName,
		"inviter_name": info.InviterName, "email": info.Email, "expires_at": info.ExpiresAt})
}

func (x *API) acceptInvitation(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Token string `json:"token"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.Token == "" {
		v := &app.ValidationError{}
		v.Add("token", "validation.required")
		return v
	}
	acc, err := x.app.AcceptInvitation(r.Context(), app.SessionFrom(r.Context()), in.Token)
	if err != nil {
		return err
	}
	out := map[string]any{"type": acc.Kind, "school_id": id(acc.SchoolID), "student_id": nil}
	if acc.StudentID != 0 {
		out["student_id"] = id(acc.StudentID)
	}
	return writeJSON(w, http.StatusOK, out)
}

func init() {
	nullable := func(t string, desc string) map[string]any {
		return map[string]any{"type": []string{t, "null"}, "description": desc}
	}
	boolean := map[string]any{"type": "boolean"}
	membership := map[string]any{"school_id": str(), "user_id": str(), "role": enum("teacher", "leader"),
		"status": enum("pending", "active"), "verified": boolean,
		"verified_at": nullable("string", "when a leader (or the school's email domain) confirmed the person works there")}
	member := map[string]any{"title": str(), "first_name": str(), "last_name": str(), "email": str(),
		"two_factor": boolean, "classes": integer(), "requested_at": str()}
	for k, v := range membership {
		member[k] = v
	}
	for name, s := range map[string]any{
		"Membership": obj(membership, "school_id", "user_id", "role", "status", "verified", "verified_at"),
		"Member":     obj(member, "school_id", "user_id", "role", "status", "verified", "first_name", "last_name", "classes"),
		"SchoolCreate": obj(map[string]any{"name": str(), "address": str(), "city": str(), "region": str(), "postal_code": str(),
			"country": map[string]any{"type": "string", "description": "ISO 3166-1 alpha-2; default the deployment's country"}}, "name", "city"),
		"SchoolAccess": obj(map[string]any{"email_domain": map[string]any{"type": "string", "description": "e.g. school.example; empty for none"},
			"require_two_factor": boolean}, "email_domain", "require_two_factor"),
		"SchoolStudentList": obj(map[string]any{
			"students": map[string]any{"type": "array", "items": ref("SchoolStudent")},
			"next":     map[string]any{"type": []string{"string", "null"}, "description": "pass as ?cursor= for the next page; null on the last page"},
		}, "students", "next"),
		"SchoolStudent": obj(map[string]any{"id": str(), "first_name": str(), "last_name": str(),
			"classes": map[string]any{"type": "array", "items": str()}}, "id", "first_name", "last_name", "classes"),
		"Directory": obj(map[string]any{
			"school": obj(map[string]any{"id": str(), "name": str(), "city": str(), "region": str(), "postal_code": str(), "country": str(), "verified": boolean},
				"id", "name", "verified"),
			"access":     map[string]any{"oneOf": []any{ref("SchoolAccess"), map[string]any{"type": "null"}}, "description": "leaders only"},
			"can_manage": boolean,
			"staff":      map[string]any{"type": "array", "items": ref("Member")},
			"pending":    map[string]any{"type": "array", "items": ref("Member"), "description": "join requests; empty for teachers"},
			"students": map[string]any{"type": "array", "items": obj(map[string]any{"id": str(), "first_name": str(), "last_name": str(),
				"classes": map[string]any{"type": "array", "items": str()}}, "id", "first_name", "last_name", "classes")},
		}, "school", "can_manage", "staff", "pending", "students"),
		"MemberRemove": obj(map[string]any{"classes_to": map[string]any{"type": "string", "description": "user id of the active member of staff who takes the classes only the removed person taught"}}),
		"LeaderChange": obj(map[string]any{"leader": boolean}, "leader"),
		"InvitationCreate": obj(map[string]any{"type": enum("teacher", "parent"), "school_id": map[string]any{"type": "string", "description": "teacher invitations"},
			"student_id": map[string]any{"type": "string", "description": "parent invitations"},
			"email":      str(), "phone": map[string]any{"type": "string", "description": "E.164, e.g. +4915112345678; only where SMS is configured"},
			"language": map[string]any{"type": "string", "description": "of the message; default the sender's"}}, "type"),
		"Invitation": obj(map[string]any{"id": str(), "type": enum("teacher", "parent"), "school_id": str(), "student_id": nullable("string", "parent invitations"),
			"channel": enum("email", "sms"), "expires_at": str()}, "id", "type", "school_id", "channel", "expires_at"),
		"InvitationInfo": obj(map[string]any{"type": enum("teacher", "parent"), "school_name": str(), "inviter_name": str(),
			"email": map[string]any{"type": "string", "description": "empty for a text-message invitation"}, "expires_at": str()},
			"type", "school_name", "expires_at"),
		"TokenOnly": obj(map[string]any{"token": str()}, "token"),
		"InvitationAccepted": obj(map[string]any{"type": enum("teacher", "parent"), "school_id": str(),
			"student_id": nullable("string", "parent invitations: the child now connected")}, "type", "school_id"),
	} {
		schemas[name] = s
	}
}

// schoolStudents answers GET /schools/{id}/students: the Directory's
// students in id order, a page at a time, optionally matching ?q=.
func (x *API) schoolStudents(w http.ResponseWriter, r *http.Request) error {
	schoolID, err := parseID(r, "id")
	if err != nil {
		return err
	}
	after, limit, err := page(r)
	if err != nil {
		return err
	}
	q := r.URL.Query().Get("q")
	if len(q) > 100 {
		v := &app.ValidationError{}
		v.Add("q", "validation.too_long", "max", 100)
		return v
	}
	s := app.SessionFrom(r.Context())
	d, err := x.app.SchoolDirectory(r.Context(), s, schoolID)
	if err != nil {
		return err
	}
	if !d.Full {
		return app.ErrForbidden
	}
	if err := x.app.AuditSchoolRead(r.Context(), s, d.School.ID, app.ViewSchoolDirectory); err != nil {
		return err
	}
	list := app.MatchStudents(d.Students, q)
	slices.SortFunc(list, func(a, b store.SchoolStudent) int { return cmp.Compare(a.ID, b.ID) })
	out := struct {
		Students []schoolStudentJSON `json:"students"`
		Next     *string             `json:"next"`
	}{Students: []schoolStudentJSON{}}
	var last int64
	for _, st := range list {
		if st.ID <= after {
			continue
		}
		if len(out.Students) == limit {
			break
		}
		c := st.Classes
		if c == nil {
			c = []string{}
		}
		out.Students = append(out.Students, schoolStudentJSON{ID: id(st.ID), FirstName: st.FirstName, LastName: st.LastName, Classes: c})
		last = st.ID
	}
	if n := len(out.Students); n > 0 {
		out.Next = nextCursor(n, limit, last)
	}
	return writeJSON(w, http.StatusOK, out)
}

type schoolStudentJSON struct {
	ID        string   `json:"id"`
	FirstName string   `json:"first_name"`
	LastName  string   `json:"last_name"`
	Classes   []string `json:"classes"`
}
