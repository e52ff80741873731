package web

import (
	"errors"
	"net/http"
	"strconv"

	"cubby/internal/api"
	"cubby/internal/app"
	"cubby/internal/authz"
	"cubby/internal/i18n"
	"cubby/internal/store"
)

// Portfolio pages. A student's /portfolio is their own portfolio with a
// big "add work" form (text, photo, drawing, voice, file) and the
// activities set for them; a parent's opens their child's approved work
// (a choice of children when there are several); a teacher's lists their
// classes' queues. Everything works without JavaScript except drawing and
// recording in the page (portfolio.js), and the file inputs take a photo
// or a recording on a phone without it.

// portfolioCard is one piece of work as a card shows it.
type portfolioCard struct {
	app.PortfolioEntry
	L           *i18n.Localizer
	Back        string
	ShowStudent bool // staff see whose work it is
	ShowStatus  bool // the student and staff see whether it waits
	Single      bool
	Pictures    []store.PortfolioFile
	Voices      []store.PortfolioFile
	Docs        []store.PortfolioFile
}

func (s *Server) portfolioCards(l *i18n.Localizer, sess *app.Session, back string, entries []app.PortfolioEntry, single bool) []portfolioCard {
	staff := sess.Actor.Kind == authz.Teacher || sess.Actor.Kind == authz.Leader
	out := make([]portfolioCard, 0, len(entries))
	for _, e := range entries {
		c := portfolioCard{PortfolioEntry: e, L: l, Back: back, Single: single, ShowStudent: staff, ShowStatus: sess.Actor.Kind != authz.Parent}
		for _, f := range e.Files {
			switch f.Kind {
			case store.PortfolioPhoto, store.PortfolioDrawing:
				c.Pictures = append(c.Pictures, f)
			case store.PortfolioVoice:
				c.Voices = append(c.Voices, f)
			default:
				c.Docs = append(c.Docs, f)
			}
		}
		out = append(out, c)
	}
	return out
}

// portfolioComposer is the form for new (or improved) work.
type portfolioComposer struct {
	Action   string
	Activity *store.PortfolioActivity
	Classes  []store.Class // for a journal entry of a student in several classes
	Text     string
	// Background is the picture the drawing is made over: the activity's
	// template, or the drawing being improved.
	Background string
	MaxMB      int64
	VoiceMB    int64
	Revise     bool
}

// portfolioPage is what the portfolio pages show.
type portfolioPage struct {
	Heading    string
	Student    *store.Student
	Items      []portfolioCard
	NextURL    string
	Composer   *portfolioComposer
	Activities []app.StudentActivity
	Family     bool
	Own        bool
	Empty      string
}

// portfolioHome is /portfolio, whoever opens it.
func (s *Server) portfolioHome(w http.ResponseWriter, r *http.Request) error {
	sess := session(r)
	switch sess.Actor.Kind {
	case authz.Student:
		return s.ownPortfolio(w, r, sess, nil)
	case authz.Parent:
		kids, err := s.app.PortfolioOwners(r.Context(), sess)
		if err != nil {
			return err
		}
		if len(kids) == 1 {
			http.Redirect(w, r, "/students/"+strconv.FormatInt(kids[0].ID, 10)+"/portfolio", http.StatusSeeOther)
			return nil
		}
		p := s.page(w, r, "portfolio.title")
		p.Data = struct{ Children []store.Student }{kids}
		s.render(w, r, http.StatusOK, "portfolio_children", p)
		return nil
	}
	return s.portfolioClasses(w, r, sess, s.page(w, r, "portfolio.title"), http.StatusOK, 0)
}

// ownPortfolio is a student's own portfolio with the composer; ve, when
// set, is what was wrong with what they sent.
func (s *Server) ownPortfolio(w http.ResponseWriter, r *http.Request, sess *app.Session, sent *app.PortfolioDraft) error {
	l := i18n.FromContext(r.Context())
	page, err := s.app.StudentPortfolio(r.Context(), sess, sess.Actor.StudentID, r.URL.Query().Get("cursor"), 20)
	if err != nil {
		return s.storyListError(w, r, err)
	}
	acts, err := s.app.MyActivities(r.Context(), sess)
	if err != nil {
		return err
	}
	comp, err := s.portfolioComposer(r, sess, "/portfolio")
	if err != nil {
		return err
	}
	if sent != nil {
		comp.Text = sent.Text
	}
	d := &portfolioPage{Heading: l.T("portfolio.mine"), Student: page.Student, Items: s.portfolioCards(l, sess, "/portfolio", page.Items, false),
		NextURL: nextURL("/portfolio", page.Next), Composer: comp, Activities: acts, Own: true, Empty: l.T("portfolio.mine_empty")}
	p := s.page(w, r, "portfolio.mine")
	status := http.StatusOK
	if sent != nil {
		status = http.StatusBadRequest
	}
	p.Data = d
	return s.renderPortfolio(w, r, p, status)
}

// renderPortfolio renders the portfolio page with a form's errors, if any
// are on the page already.
func (s *Server) renderPortfolio(w http.ResponseWriter, r *http.Request, p *Page, status int) error {
	allowMicrophone(w) // the composer records the student's voice
	s.render(w, r, status, "portfolio", p)
	return nil
}

// portfolioComposer builds the student's form: the activity chosen with
// ?activity= (its template to draw over), or a journal entry.
func (s *Server) portfolioComposer(r *http.Request, sess *app.Session, action string) (*portfolioComposer, error) {
	c := &portfolioComposer{Action: action, MaxMB: storyMaxMB(s), VoiceMB: app.PortfolioMaxVoice >> 20}
	if id, err := strconv.ParseInt(r.URL.Query().Get("activity"), 10, 64); err == nil && id > 0 {
		v, err := s.app.Activity(r.Context(), sess, id)
		if err != nil && !errors.Is(err, app.ErrNotFound) {
			return nil, err
		}
		if err == nil && v.ForMe {
			c.Activity = &v.Activity
			if v.Activity.TemplateKind == store.AttachPhoto {
				c.Background = "/activities/" + strconv.FormatInt(id, 10) + "/template"
			}
		}
	}
	if c.Activity == nil {
		classes, err := s.app.StudentClasses(r.Context(), sess)
		if err != nil {
			return nil, err
		}
		if len(classes) > 1 {
			c.Classes = classes
		}
	}
	return c, nil
}

// studentPortfolioPage is a student's portfolio for their family and
// teachers (the student's own is /portfolio).
func (s *Server) studentPortfolioPage(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := sessionAt(r, "id")
	if err != nil {
		return err
	}
	if sess.Actor.Kind == authz.Student && sess.Actor.StudentID == id {
		http.Redirect(w, r, "/portfolio", http.StatusSeeOther)
		return nil
	}
	page, err := s.app.StudentPortfolio(r.Context(), sess, id, r.URL.Query().Get("cursor"), 20)
	if err != nil {
		return s.storyListError(w, r, err)
	}
	l := i18n.FromContext(r.Context())
	path := "/students/" + strconv.FormatInt(id, 10) + "/portfolio"
	d := &portfolioPage{Heading: l.T("portfolio.of", "name", page.Student.FirstName), Student: page.Student, Family: page.Family,
		Items: s.portfolioCards(l, sess, path, page.Items, false), NextURL: nextURL(path, page.Next), Empty: l.T("portfolio.family_empty")}
	if !page.Family {
		d.Empty = l.T("portfolio.staff_empty")
	}
	p := s.page(w, r, "portfolio.title")
	p.Title = d.Heading
	p.Data = d
	s.render(w, r, http.StatusOK, "portfolio", p)
	return nil
}

// portfolioItemPage is one piece of work with its comments; the student
// sees the teacher's comment and, while it is not approved, the form to
// send an improved version.
func (s *Server) portfolioItemPage(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := sessionAt(r, "id")
	if err != nil {
		return err
	}
	p := s.page(w, r, "portfolio.item_title")
	return s.renderItem(w, r, p, sess, id, http.StatusOK, "")
}

func (s *Server) renderItem(w http.ResponseWriter, r *http.Request, p *Page, sess *app.Session, id int64, status int, text string) error {
	e, err := s.app.PortfolioItem(r.Context(), sess, id)
	if err != nil {
		return err
	}
	path := "/portfolio-items/" + strconv.FormatInt(id, 10)
	card := s.portfolioCards(p.L, sess, path, []app.PortfolioEntry{*e}, true)[0]
	var comp *portfolioComposer
	if e.CanRevise {
		comp = &portfolioComposer{Action: path + "/revise", MaxMB: storyMaxMB(s), VoiceMB: app.PortfolioMaxVoice >> 20, Revise: true, Text: e.Item.Body}
		if text != "" {
			comp.Text = text
		}
		for _, f := range e.Files {
			if f.Kind == store.PortfolioDrawing {
				comp.Background = "/portfolio-files/" + f.PublicID
			}
		}
		if comp.Background == "" && e.Item.ActivityID != 0 {
			if v, err := s.app.Activity(r.Context(), sess, e.Item.ActivityID); err == nil && v.Activity.TemplateKind == store.AttachPhoto {
				comp.Background = "/activities/" + strconv.FormatInt(e.Item.ActivityID, 10) + "/template"
			}
		}
	}
	if e.Item.ActivityTitle != "" {
		p.Title = e.Item.ActivityTitle
	}
	p.Data = struct {
		Card     portfolioCard
		Composer *portfolioComposer
	}{card, comp}
	if comp != nil {
		allowMicrophone(w) // the composer records the student's voice
	}
	s.render(w, r, status, "portfolio_item", p)
	return nil
}

// portfolioFile serves a file of a piece of work, checked on every request.
func (s *Server) portfolioFile(w http.ResponseWriter, r *http.Request) error {
	f, err := s.app.OpenPortfolioFile(r.Context(), session(r), r.PathValue("id"), r.URL.Query().Get("size"))
	if err != nil {
		return err
	}
	defer f.Close()
	api.ServeStoryFile(w, f)
	return nil
}

// activityTemplate serves an activity's template to who sees the activity.
func (s *Server) activityTemplate(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := sessionAt(r, "id")
	if err != nil {
		return err
	}
	f, err := s.app.OpenActivityTemplate(r.Context(), sess, id, r.URL.Query().Get("size"))
	if err != nil {
		return err
	}
	defer f.Close()
	api.ServeStoryFile(w, f)
	return nil
}

// classQueueLine is a class on a teacher's portfolio page.
type classQueueLine struct {
	Class   store.Class
	Waiting int
}

// portfolioClasses is a teacher's or leader's /portfolio: their classes'
// queues, the library, and for leaders the school's approval rule (with
// the errors of the school failed's form, if it was refused).
func (s *Server) portfolioClasses(w http.ResponseWriter, r *http.Request, sess *app.Session, p *Page, status int, failed int64) error {
	classes, err := s.app.Classes(r.Context(), sess, store.ClassPage{Limit: 200})
	if err != nil && !errors.Is(err, app.ErrForbidden) {
		return err
	}
	var lines []classQueueLine
	for _, c := range classes {
		if c.ArchivedAt != nil {
			continue
		}
		q, err := s.app.ClassPortfolioQueue(r.Context(), sess, c.ID)
		if err != nil {
			return err
		}
		lines = append(lines, classQueueLine{Class: c, Waiting: len(q.Waiting)})
	}
	type schoolLine struct {
		ID       int64
		Name     string
		HasGrade bool
		Grade    int
	}
	var schools []schoolLine
	for _, id := range sess.Actor.SchoolIDs() {
		if !authz.CanSetPortfolioSchool(sess.Actor, id) {
			continue
		}
		sc, err := s.app.School(r.Context(), id)
		if err != nil {
			return err
		}
		g, err := s.app.SchoolPortfolioGrade(r.Context(), sess, id)
		if err != nil {
			return err
		}
		line := schoolLine{ID: id, Name: sc.Name}
		if g != nil {
			line.HasGrade, line.Grade = true, *g
		}
		schools = append(schools, line)
	}
	p.Data = struct {
		Classes []classQueueLine
		Schools []schoolLine
		Grades  []int
		Failed  int64
	}{lines, schools, grades(), failed}
	s.render(w, r, status, "portfolio_classes", p)
	return nil
}

func grades() []int {
	out := make([]int, 0, store.MaxGrade-store.MinGrade+1)
	for g := store.MinGrade; g <= store.MaxGrade; g++ {
		out = append(out, g)
	}
	return out
}

// classPortfolioData is a class's queue page.
type classPortfolioData struct {
	Queue      *app.PortfolioQueue
	Waiting    []portfolioCard
	Returned   []portfolioCard
	Activities []store.PortfolioActivity
	Roster     []store.Student
	CanSet     bool
	Draft      app.ActivityDraft
}

// classPortfolioPage is a class's approval queue, its activities and its
// switches.
func (s *Server) classPortfolioPage(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := sessionAt(r, "id")
	if err != nil {
		return err
	}
	p := s.page(w, r, "portfolio.queue_title")
	return s.renderClassPortfolio(w, r, p, sess, id, http.StatusOK, app.ActivityDraft{})
}

func (s *Server) renderClassPortfolio(w http.ResponseWriter, r *http.Request, p *Page, sess *app.Session, id int64, status int, draft app.ActivityDraft) error {
	q, err := s.app.ClassPortfolioQueue(r.Context(), sess, id)
	if err != nil {
		return err
	}
	acts, err := s.app.ClassActivities(r.Context(), sess, id)
	if err != nil {
		return err
	}
	path := "/classes/" + strconv.FormatInt(id, 10) + "/portfolio"
	d := &classPortfolioData{Queue: q, Waiting: s.portfolioCards(p.L, sess, path, q.Waiting, false),
		Returned: s.portfolioCards(p.L, sess, path, q.Returned, false), Activities: acts, Draft: draft,
		CanSet: authz.CanSetActivities(sess.Actor, authz.ClassRef{ID: q.Class.ID, SchoolID: q.Class.SchoolID}) && q.Class.ArchivedAt == nil}
	if d.CanSet {
		if d.Roster, err = s.app.ClassRoster(r.Context(), sess, id); err != nil {
			return err
		}
	}
	p.Title = p.L.T("portfolio.queue_of", "class", q.Class.Name)
	p.Data = d
	s.render(w, r, status, "portfolio_queue", p)
	return nil
}

// activityPage is one activity: for its students, what it asks and their
// work for it; for staff, who has sent work.
func (s *Server) activityPage(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := sessionAt(r, "id")
	if err != nil {
		return err
	}
	v, err := s.app.Activity(r.Context(), sess, id)
	if err != nil {
		return err
	}
	var classes []store.Class
	if sess.Actor.Kind == authz.Teacher && v.Activity.AuthorID == sess.User.ID {
		if classes, err = s.teachingClasses(r, sess); err != nil {
			return err
		}
	}
	p := s.page(w, r, "portfolio.activity_title")
	p.Title = v.Activity.Title
	p.Data = struct {
		V       *app.ActivityView
		Classes []store.Class
	}{v, classes}
	s.render(w, r, http.StatusOK, "portfolio_activity", p)
	return nil
}

// teachingClasses lists this year's classes the teacher teaches, to copy
// an activity into.
func (s *Server) teachingClasses(r *http.Request, sess *app.Session) ([]store.Class, error) {
	classes, err := s.app.Classes(r.Context(), sess, store.ClassPage{Limit: 200})
	if err != nil && !errors.Is(err, app.ErrForbidden) {
		return nil, err
	}
	var out []store.Class
	for _, c := range classes {
		if _, teaches := sess.Actor.Classes[c.ID]; teaches && c.ArchivedAt == nil {
			out = append(out, c)
		}
	}
	return out, nil
}

// activityLibraryPage is a teacher's past activities, to copy into a class.
func (s *Server) activityLibraryPage(w http.ResponseWriter, r *http.Request) error {
	return s.activityLibrary(w, r, s.page(w, r, "portfolio.library_title"), http.StatusOK, 0)
}

// activityLibrary renders the library, with the errors of the activity
// failed's copy form, if it was refused.
func (s *Server) activityLibrary(w http.ResponseWriter, r *http.Request, p *Page, status int, failed int64) error {
	sess := session(r)
	list, err := s.app.ActivityLibrary(r.Context(), sess)
	if err != nil {
		return err
	}
	classes, err := s.teachingClasses(r, sess)
	if err != nil {
		return err
	}
	p.Data = struct {
		Activities []store.PortfolioActivity
		Classes    []store.Class
		Failed     int64
	}{list, classes, failed}
	s.render(w, r, status, "portfolio_library", p)
	return nil
}
