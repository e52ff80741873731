package web

import (
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"cubby/internal/app"
	"cubby/internal/store"
)

// The classroom tools (issue 15): pages of the class screen made for a
// projector and a phone. The picker and the groups are served whole, so
// they work without JavaScript ("Pick again" is a form); the timer and
// the noise meter run in the browser (classroom_tools.js) and say so when
// it cannot run them.

// toolsPage is a tool page's data.
type toolsPage struct {
	*app.ClassTools
	Tool    string // "" (the list), picker, timer, groups, noise
	Display func(st store.Student) string
	// The picker: the pick (nil before the first) and the round so far.
	Pick *app.Pick
	Seen string
	// The groups and the address that keeps them.
	Groups []toolGroup
	Layout string
	Size   int
	Sizes  []int
	// Presets are the timer's ready-made lengths.
	Presets []timerPreset
}

// toolGroup is one group as the page numbers it (N, from 1) and as the
// award form names it (Index, from 0).
type toolGroup struct {
	N, Index int
	Members  []store.Student
}

// timerPreset is a ready-made length: whole minutes, or seconds below one.
type timerPreset struct{ Seconds, Minutes int }

func (s *Server) toolsData(r *http.Request, tool string) (*toolsPage, error) {
	sess, id, err := sessionAt(r, "id")
	if err != nil {
		return nil, err
	}
	t, err := s.app.ClassToolsFor(r.Context(), sess, id)
	if err != nil {
		return nil, err
	}
	display, err := s.app.NameStyle(r.Context(), t.Class.SchoolID)
	if err != nil {
		return nil, err
	}
	d := &toolsPage{ClassTools: t, Tool: tool, Display: display, Size: app.DefaultGroupSize}
	for n := app.MinGroupSize; n <= app.MaxGroupSize; n++ {
		d.Sizes = append(d.Sizes, n)
	}
	return d, nil
}

// renderTool shows a tool page; a page about input (a bad group size)
// carries its field message and status.
func (s *Server) renderTool(w http.ResponseWriter, r *http.Request, d *toolsPage, status int, p *Page) {
	if p == nil {
		p = s.page(w, r, "tools.title")
	}
	p.Title = p.L.T("tools.title") + " · " + d.Class.Name
	if d.Tool != "" {
		p.Title = p.L.T("tools."+d.Tool) + " · " + d.Class.Name
	}
	p.Data = d
	s.render(w, r, status, "class_tools", p)
}

func toolsURL(classID int64, tool string) string {
	u := "/classes/" + strconv.FormatInt(classID, 10) + "/tools"
	if tool != "" {
		u += "/" + tool
	}
	return u
}

// classTools lists a class's tools.
func (s *Server) classTools(w http.ResponseWriter, r *http.Request) error {
	d, err := s.toolsData(r, "")
	if err != nil {
		return err
	}
	s.renderTool(w, r, d, http.StatusOK, nil)
	return nil
}

// pickerTool shows a student picked at random from those present
// (?pick=1), leaving out those picked this round (?seen=ids).
func (s *Server) pickerTool(w http.ResponseWriter, r *http.Request) error {
	d, err := s.toolsData(r, "picker")
	if err != nil {
		return err
	}
	seen, ok := parseIDList(r.URL.Query().Get("seen"))
	if !ok {
		p := s.page(w, r, "tools.title")
		p.Error = p.L.T("picker.bad_round")
		s.renderTool(w, r, d, http.StatusBadRequest, p)
		return nil
	}
	if r.URL.Query().Get("pick") != "" {
		if pick, ok := app.PickStudent(d.Present, seen, rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))); ok {
			d.Pick = &pick
			d.Seen = joinIDs(pick.Seen, ".")
		}
	}
	s.renderTool(w, r, d, http.StatusOK, nil)
	return nil
}

// timerTool is the countdown timer; it runs in the browser.
func (s *Server) timerTool(w http.ResponseWriter, r *http.Request) error {
	d, err := s.toolsData(r, "timer")
	if err != nil {
		return err
	}
	for _, sec := range []int{30, 60, 120, 180, 300, 600, 900} {
		d.Presets = append(d.Presets, timerPreset{Seconds: sec, Minutes: sec / 60})
	}
	s.renderTool(w, r, d, http.StatusOK, nil)
	return nil
}

// noiseTool is the noise meter. It measures the room's sound in the
// browser, so the page may use the microphone (allowMicrophone).
func (s *Server) noiseTool(w http.ResponseWriter, r *http.Request) error {
	d, err := s.toolsData(r, "noise")
	if err != nil {
		return err
	}
	allowMicrophone(w)
	s.renderTool(w, r, d, http.StatusOK, nil)
	return nil
}

// groupsTool shows random groups of ?size= from the students present.
// Asked for new groups, it makes them and redirects to the address that
// keeps them (?g=), so a reload or a group's point shows the same groups.
func (s *Server) groupsTool(w http.ResponseWriter, r *http.Request) error {
	d, err := s.toolsData(r, "groups")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	p := s.page(w, r, "tools.title")
	size, err := app.ParseGroupSize(q.Get("size"))
	if err != nil {
		status, ok := s.formError(w, p, err)
		if !ok {
			return err
		}
		p.Form.Set("size", q.Get("size"))
		s.renderTool(w, r, d, status, p)
		return nil
	}
	d.Size = size
	p.Form.Set("size", strconv.Itoa(size))
	layout := q.Get("g")
	switch {
	case layout == "" && q.Get("make") != "" && len(d.Present) > 0:
		groups := app.MakeGroups(d.Present, size, rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64())))
		http.Redirect(w, r, groupsURL(d.Class.ID, size, app.GroupsLayout(groups)), http.StatusSeeOther)
		return nil
	case layout != "":
		groups, err := app.ParseGroups(layout, d.Present)
		if err != nil {
			status, ok := s.formError(w, p, err)
			if !ok {
				return err
			}
			p.Error = p.Errors["groups"]
			s.renderTool(w, r, d, status, p)
			return nil
		}
		for i, g := range groups {
			d.Groups = append(d.Groups, toolGroup{N: i + 1, Index: i, Members: g})
		}
		d.Layout = app.GroupsLayout(groups)
	}
	s.renderTool(w, r, d, http.StatusOK, p)
	return nil
}

func groupsURL(classID int64, size int, layout string) string {
	v := url.Values{"size": {strconv.Itoa(size)}}
	if layout != "" {
		v.Set("g", layout)
	}
	return toolsURL(classID, "groups") + "?" + v.Encode()
}

// groupPointSubmit gives one group a point for a skill, through the same
// award as the class screen's (app.AwardGroup), and comes back to the
// same groups, with the refusal said when there is one.
func (s *Server) groupPointSubmit(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := postedTo(r)
	if err != nil {
		return err
	}
	size, err := app.ParseGroupSize(r.PostForm.Get("size"))
	if err != nil {
		size = app.DefaultGroupSize
	}
	layout := r.PostForm.Get("g")
	back := groupsURL(id, size, layout)
	group, err := strconv.Atoi(r.PostForm.Get("group"))
	if err != nil {
		group = -1 // refused as no such group
	}
	skill, _ := strconv.ParseInt(r.PostForm.Get("skill_id"), 10, 64)
	if _, err := s.app.AwardGroup(r.Context(), sess, id, layout, group, skill); err != nil {
		return s.refused(w, r, back, err)
	}
	s.redirect(w, r, back+"#group-"+strconv.Itoa(group+1), "groups.given")
	return nil
}

// parseIDList reads ids joined by "." ("" is none), at most 500.
func parseIDList(v string) ([]int64, bool) {
	if v == "" {
		return nil, true
	}
	parts := strings.Split(v, ".")
	if len(parts) > 500 {
		return nil, false
	}
	out := make([]int64, 0, len(parts))
	for _, p := range parts {
		n, err := strconv.ParseInt(p, 10, 64)
		if err != nil || n <= 0 {
			return nil, false
		}
		out = append(out, n)
	}
	return out, true
}

func joinIDs(ids []int64, sep string) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, sep)
}
