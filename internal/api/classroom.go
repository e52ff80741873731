package api

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"

	"cubby/internal/app"
	"cubby/internal/authz"
	"cubby/internal/store"
)

// The classroom tools, a class's own skills and the students' characters
// over the API (issue 15), for a classroom app on a tablet or projector.
// The picker and the groups are computed here, from the students in the
// room today, and nothing of them is stored: the client sends back the
// round's seen list, or the groups' layout, as the web's pages carry them
// in their address. A group's point is an ordinary point per student.
func (x *API) classroomRoutes() {
	x.add(Op{Method: "PATCH", Path: "/classes/{id}/skills/{skill_id}", ID: "editClassSkill", Tag: "points", Access: authz.ForClassTeachers,
		Summary: "Change one of the class's own skills (name up to 60 characters, weight -5 to +5, icon one of the fixed set or \"\"); omitted fields stay. Points already given keep the name and weight they were given with. The class's teachers; a school-wide skill is 404 here.",
		Request: "SkillEdit", Response: "Skill", Success: http.StatusOK, Errors: []int{400, 401, 403, 404, 409, 413}, Handle: x.editClassSkill})
	x.add(Op{Method: "DELETE", Path: "/classes/{id}/skills/{skill_id}", ID: "removeClassSkill", Tag: "points", Access: authz.ForClassTeachers,
		Summary: "Take one of the class's own skills off its sheet; the points given for it keep its name. The class's teachers.",
		Success: http.StatusNoContent, Errors: []int{401, 403, 404, 409}, Handle: x.removeClassSkill})
	x.add(Op{Method: "GET", Path: "/classes/{id}/students/{student_id}/avatar", ID: "getStudentAvatar", Tag: "classes", Access: authz.ForClassTeachers,
		Summary:  "A student's character: the one shown, what is stored and who chose it, and the characters to choose from. The class's teachers.",
		Response: "Avatar", Success: http.StatusOK, Errors: []int{401, 403, 404}, Handle: x.studentAvatar})
	x.add(Op{Method: "PUT", Path: "/classes/{id}/students/{student_id}/avatar", ID: "setStudentAvatar", Tag: "classes", Access: authz.ForClassTeachers,
		Summary: "Choose a student's character (\"\" goes back to the one generated from their id); it replaces the student's own choice. The class's teachers; a character not among the choices is 400.",
		Request: "AvatarSet", Response: "Avatar", Success: http.StatusOK, Errors: []int{400, 401, 403, 404, 413}, Handle: x.setStudentAvatar})
	x.add(Op{Method: "GET", Path: "/me/avatar", ID: "getOwnAvatar", Tag: "classes", Access: authz.ForSelf,
		Summary:  "The logged-in student's character and whether they may choose it (can_choose is false while a class of theirs turned choosing off). 404 for accounts that are not students.",
		Response: "Avatar", Success: http.StatusOK, Errors: []int{401, 404}, Handle: x.ownAvatar})
	x.add(Op{Method: "PUT", Path: "/me/avatar", ID: "setOwnAvatar", Tag: "classes", Access: authz.ForSelf,
		Summary: "A student chooses their own character (\"\" goes back to the generated one). 403 while a class of theirs turned choosing off; 400 for a character not among the choices.",
		Request: "AvatarSet", Response: "Avatar", Success: http.StatusOK, Errors: []int{400, 401, 403, 404, 413}, Handle: x.setOwnAvatar})
	x.add(Op{Method: "GET", Path: "/classes/{id}/avatar-choice", ID: "getAvatarChoice", Tag: "classes", Access: authz.ForClassTeachers,
		Summary:  "Whether the class's students choose their own character (on unless a teacher turned it off).",
		Response: "AvatarChoice", Success: http.StatusOK, Errors: []int{401, 404}, Handle: x.avatarChoice})
	x.add(Op{Method: "PUT", Path: "/classes/{id}/avatar-choice", ID: "setAvatarChoice", Tag: "classes", Access: authz.ForClassTeachers,
		Summary: "Turn students choosing their own character on or off for the class. Off, the teacher's choice or the generated character shows; a student's own choice is kept and comes back when it is turned on. The class's teachers.",
		Request: "AvatarChoice", Response: "AvatarChoice", Success: http.StatusOK, Errors: []int{400, 401, 403, 404, 409, 413}, Handle: x.setAvatarChoice})
	x.add(Op{Method: "GET", Path: "/classes/{id}/tools/pick", ID: "pickStudent", Tag: "classes", Access: authz.ForClassTeachers,
		Summary:  "Pick a student at random from those in the room today (everyone not marked absent or gone early; everyone when attendance is not taken), leaving out ?seen= (ids joined by \".\"), the students picked this round; when all have been, a new round starts. Send back the answer's seen for the next pick. student is null when no one is present. Nothing is stored.",
		Query:    []Param{{Name: "seen", Type: "string", Description: "ids of the students picked this round, joined by \".\"; at most 500"}},
		Response: "Pick", Success: http.StatusOK, Errors: []int{400, 401, 404}, Handle: x.pickStudent})
	x.add(Op{Method: "GET", Path: "/classes/{id}/tools/groups", ID: "makeGroups", Tag: "classes", Access: authz.ForClassTeachers,
		Summary:  "Shuffle the students in the room today into groups of about ?size= (2–10, default 4), sizes differing by one at most and nobody alone. layout carries the groups for a group's point. Nothing is stored.",
		Query:    []Param{{Name: "size", Type: "integer", Description: "students per group, 2–10, default 4"}},
		Response: "Groups", Success: http.StatusOK, Errors: []int{400, 401, 404}, Handle: x.makeGroups})
	x.add(Op{Method: "POST", Path: "/classes/{id}/tools/groups/points", ID: "awardGroup", Tag: "points", Idempotent: true, Access: authz.ForClassTeachers,
		Summary: "Give a point for a skill to every student of one group (group is its index in layout, from 0): an ordinary point per student, undone and refused as any other. Students marked absent since drop out of the layout; students whose processing is restricted get none.",
		Request: "GroupAward", Response: "AwardList", Success: http.StatusCreated, Errors: []int{400, 401, 403, 404, 409, 413}, Handle: x.awardGroup})
}

func init() {
	weight := map[string]any{"type": "integer", "minimum": -5, "maximum": 5}
	icon := map[string]any{"type": "string", "enum": append([]string{""}, app.SkillIcons...), "description": "the picture on the skill's button; \"\" for none"}
	student := obj(map[string]any{"id": str(), "first_name": str(), "last_name": str(), "restricted": map[string]any{"type": "boolean"}}, "id", "first_name", "last_name")
	avatar := map[string]any{"type": "string", "enum": append([]string{""}, app.AvatarChoices...)}
	for name, s := range map[string]any{
		"Skill": obj(map[string]any{"id": str(), "name": str(), "weight": weight, "scope": enum("class", "school"), "icon": icon}, "id", "name", "weight", "scope", "icon"),
		// Adding a skill takes an icon too (optional).
		"SkillCreate": obj(map[string]any{"name": str(), "weight": weight, "icon": icon}, "name", "weight"),
		"SkillEdit":   obj(map[string]any{"name": str(), "weight": weight, "icon": icon}),
		"Avatar": obj(map[string]any{"student_id": str(), "avatar": avatar, "chosen": avatar, "chosen_by": enum("", "student", "teacher"),
			"can_choose": map[string]any{"type": "boolean", "description": "in the student's own view only"},
			"choices":    map[string]any{"type": "array", "items": str()}}, "student_id", "avatar", "chosen", "chosen_by", "choices"),
		"AvatarSet":    obj(map[string]any{"avatar": avatar}, "avatar"),
		"AvatarChoice": obj(map[string]any{"students_choose": map[string]any{"type": "boolean"}}, "students_choose"),
		"Pick": obj(map[string]any{"student": map[string]any{"oneOf": []any{student, map[string]any{"type": "null"}}},
			"seen": str(), "new_round": map[string]any{"type": "boolean"}, "attendance_taken": map[string]any{"type": "boolean"}}, "student", "seen", "new_round", "attendance_taken"),
		"Groups": obj(map[string]any{"size": integer(), "layout": str(), "attendance_taken": map[string]any{"type": "boolean"},
			"groups": map[string]any{"type": "array", "items": map[string]any{"type": "array", "items": student}}}, "size", "layout", "groups", "attendance_taken"),
		"GroupAward": obj(map[string]any{"layout": str(), "group": integer(), "skill_id": str()}, "layout", "group", "skill_id"),
	} {
		schemas[name] = s
	}
}

// toolStudent is a student as the tools show them.
type toolStudent struct {
	ID         string `json:"id"`
	FirstName  string `json:"first_name"`
	LastName   string `json:"last_name"`
	Restricted bool   `json:"restricted,omitempty"`
}

func toolStudentJSON(st store.Student, restricted map[int64]bool) toolStudent {
	return toolStudent{ID: id(st.ID), FirstName: st.FirstName, LastName: st.LastName, Restricted: restricted[st.ID]}
}

func joinIDs(ids []int64) string {
	out := make([]string, len(ids))
	for i, n := range ids {
		out[i] = strconv.FormatInt(n, 10)
	}
	return strings.Join(out, ".")
}

func newRand() *rand.Rand { return rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64())) }

func (x *API) pickStudent(w http.ResponseWriter, r *http.Request) error {
	classID, err := parseID(r, "id")
	if err != nil {
		return err
	}
	var seen []int64
	if v := r.URL.Query().Get("seen"); v != "" {
		parts := strings.Split(v, ".")
		for _, p := range parts {
			n, err := strconv.ParseInt(p, 10, 64)
			if err != nil || n <= 0 || len(parts) > 500 {
				ve := &app.ValidationError{}
				ve.Add("seen", "picker.bad_round")
				return ve
			}
			seen = append(seen, n)
		}
	}
	t, err := x.app.ClassToolsFor(r.Context(), app.SessionFrom(r.Context()), classID)
	if err != nil {
		return err
	}
	out := struct {
		Student         *toolStudent `json:"student"`
		Seen            string       `json:"seen"`
		NewRound        bool         `json:"new_round"`
		AttendanceTaken bool         `json:"attendance_taken"`
	}{AttendanceTaken: t.AttendanceTaken}
	if pick, ok := app.PickStudent(t.Present, seen, newRand()); ok {
		st := toolStudentJSON(pick.Student, t.Restricted)
		out.Student, out.Seen, out.NewRound = &st, joinIDs(pick.Seen), pick.NewRound
	}
	return writeJSON(w, http.StatusOK, out)
}

func (x *API) makeGroups(w http.ResponseWriter, r *http.Request) error {
	classID, err := parseID(r, "id")
	if err != nil {
		return err
	}
	size, err := app.ParseGroupSize(r.URL.Query().Get("size"))
	if err != nil {
		return err
	}
	t, err := x.app.ClassToolsFor(r.Context(), app.SessionFrom(r.Context()), classID)
	if err != nil {
		return err
	}
	groups := app.MakeGroups(t.Present, size, newRand())
	out := struct {
		Size            int             `json:"size"`
		Layout          string          `json:"layout"`
		AttendanceTaken bool            `json:"attendance_taken"`
		Groups          [][]toolStudent `json:"groups"`
	}{Size: size, Layout: app.GroupsLayout(groups), AttendanceTaken: t.AttendanceTaken, Groups: [][]toolStudent{}}
	for _, g := range groups {
		var members []toolStudent
		for _, st := range g {
			members = append(members, toolStudentJSON(st, t.Restricted))
		}
		out.Groups = append(out.Groups, members)
	}
	return writeJSON(w, http.StatusOK, out)
}

func (x *API) awardGroup(w http.ResponseWriter, r *http.Request) error {
	classID, err := parseID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		Layout  string `json:"layout"`
		Group   *int   `json:"group"`
		SkillID string `json:"skill_id"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	group := -1 // refused below as no such group
	if req.Group != nil {
		group = *req.Group
	}
	skillID, err := strconv.ParseInt(req.SkillID, 10, 64)
	if err != nil {
		ve := &app.ValidationError{}
		ve.Add("skill_id", "points.bad_skill")
		return ve
	}
	points, err := x.app.AwardGroup(r.Context(), app.SessionFrom(r.Context()), classID, req.Layout, group, skillID)
	if err != nil {
		return err
	}
	out := []Award{}
	for _, p := range points {
		out = append(out, awardJSON(p))
	}
	return writeJSON(w, http.StatusCreated, map[string]any{"awards": out})
}
