package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"cubby/internal/api"
	"cubby/internal/app"
	"cubby/internal/authz"
	"cubby/internal/i18n"
	"cubby/internal/store"
)

// Class Story and School Story pages: a reader's feed (/stories), one
// class's story (/classes/{id}/story, with the composer for its teachers),
// one school's story (/schools/{id}/story, with the composer for leaders
// and verified staff), a single post with its comments, and the leaders'
// queue of reported comments. Everything works without JavaScript;
// story.js adds upload progress, the wait for photos, and new posts
// arriving live.

// storyPage is what the story pages show.
type storyPage struct {
	Heading  string
	Items    []storyCard
	NextURL  string
	Composer *storyComposer
	// Settings are the class's or school's switches, for those who may
	// change them.
	Settings      *store.StorySettings
	SettingsURL   string
	IsClass       bool
	ClassID       int64
	SchoolID      int64
	Links         []storyLink // other stories the reader follows or posts to
	ReportsURL    string
	OpenReports   int
	Live          bool
	Empty         string
	MediaSettings bool // a parent: link to media consent
}

// storyLink names another story page.
type storyLink struct{ Label, URL string }

// storyCard is one post with what its template needs.
type storyCard struct {
	app.StoryItem
	L      *i18n.Localizer
	Back   string // where the card's forms return
	Where  string // the class's name, or "School Story"
	Author string
	Single bool // the post's own page: every comment, the edit form
	Photos []storyFileView
	Videos []storyFileView
	Files  []storyFileView
	Failed []storyFileView
	// Processing: the post waits for its files (its author sees it).
	Processing bool
}

// storyFileView is an attachment as a card shows it.
type storyFileView struct {
	app.StoryAttachmentView
	TagNames string // the children tagged whom the reader may see
	SizeText string
}

func fileView(l *i18n.Localizer, a app.StoryAttachmentView) storyFileView {
	v := storyFileView{StoryAttachmentView: a}
	names := make([]string, 0, len(a.Tags))
	for _, t := range a.Tags {
		names = append(names, t.FirstName)
	}
	v.TagNames = strings.Join(names, ", ")
	switch {
	case a.Size >= 1<<20:
		v.SizeText = l.T("story.size_mb", "n", strconv.FormatFloat(float64(a.Size)/(1<<20), 'f', 1, 64))
	default:
		v.SizeText = l.T("story.size_kb", "n", (a.Size+1023)/1024)
	}
	return v
}

// storyComposer is the form for a new post.
type storyComposer struct {
	Action      string
	Children    []app.Taggable
	NoConsent   []string // children without media consent for this audience
	Restricted  []string
	Text        string
	Tagged      map[int64]bool
	CommentsOff bool
	MaxFiles    int
	MaxMB       int64
	School      bool
}

func (s *Server) cards(l *i18n.Localizer, back string, items []app.StoryItem, single bool) []storyCard {
	out := make([]storyCard, 0, len(items))
	for _, it := range items {
		c := storyCard{StoryItem: it, L: l, Back: back, Single: single, Processing: it.Post.PublishedAt == nil}
		c.Where = it.Post.ClassName
		if it.Post.ClassID == 0 {
			c.Where = l.T("story.school_story")
		}
		if it.Post.AuthorID != 0 {
			c.Author = l.PersonName(it.Post.AuthorTitle, it.Post.AuthorFirst, it.Post.AuthorLast)
		}
		if c.Author == "" {
			c.Author = it.Post.SchoolName
		}
		for _, att := range it.Attachments {
			a := fileView(l, att)
			switch {
			case a.Status == store.AttachFailed:
				c.Failed = append(c.Failed, a)
			case a.Status != store.AttachReady:
			case a.Kind == store.AttachPhoto:
				c.Photos = append(c.Photos, a)
			case a.Kind == store.AttachVideo:
				c.Videos = append(c.Videos, a)
			default:
				c.Files = append(c.Files, a)
			}
		}
		out = append(out, c)
	}
	return out
}

// nextURL is the link to the page after this one.
func nextURL(path, next string) string {
	if next == "" {
		return ""
	}
	return path + "?cursor=" + url.QueryEscape(next)
}

// storyFeedPage is the reader's own feed.
func (s *Server) storyFeedPage(w http.ResponseWriter, r *http.Request) error {
	sess := session(r)
	feed, err := s.app.Feed(r.Context(), sess, app.StoryFeedOf{}, r.URL.Query().Get("cursor"), 20)
	if err != nil {
		return s.storyListError(w, r, err)
	}
	p := s.page(w, r, "story.feed_title")
	d := &storyPage{Heading: p.L.T("story.feed_title"), Items: s.cards(p.L, r.URL.RequestURI(), feed.Items, false), NextURL: nextURL("/stories", feed.Next),
		Live: true, Empty: p.L.T("story.feed_empty"), MediaSettings: sess.Actor.Kind == authz.Parent}
	if err := s.storyLinks(r, sess, d); err != nil {
		return err
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "story_feed", p)
	return nil
}

// storyLinks lists, for staff, the stories they post to, and for leaders
// the reports waiting.
func (s *Server) storyLinks(r *http.Request, sess *app.Session, d *storyPage) error {
	act := sess.Actor
	if act.Kind != authz.Teacher && act.Kind != authz.Leader {
		return nil
	}
	l := i18n.FromContext(r.Context())
	for _, id := range act.SchoolIDs() {
		school, err := s.app.School(r.Context(), id)
		if err != nil {
			return err
		}
		d.Links = append(d.Links, storyLink{Label: l.T("story.school_story_of", "school", school.Name), URL: "/schools/" + strconv.FormatInt(id, 10) + "/story"})
		if authz.CanReviewStoryReports(act, id) {
			reports, err := s.app.StoryReports(r.Context(), sess, id)
			if err != nil {
				return err
			}
			d.OpenReports += len(reports)
			d.ReportsURL = "/schools/" + strconv.FormatInt(id, 10) + "/story/reports"
		}
	}
	classes, err := s.app.Classes(r.Context(), sess, store.ClassPage{Limit: 200})
	if err != nil && !errors.Is(err, app.ErrForbidden) {
		return err
	}
	for _, c := range classes {
		if _, teaches := act.Classes[c.ID]; teaches && c.ArchivedAt == nil {
			d.Links = append(d.Links, storyLink{Label: c.Name, URL: "/classes/" + strconv.FormatInt(c.ID, 10) + "/story"})
		}
	}
	return nil
}

// storyListError shows a bad cursor as a fresh first page's link.
func (s *Server) storyListError(w http.ResponseWriter, r *http.Request, err error) error {
	var ve *app.ValidationError
	if errors.As(err, &ve) {
		http.Redirect(w, r, r.URL.Path, http.StatusSeeOther)
		return nil
	}
	return err
}

// classStoryPage is one class's Class Story.
func (s *Server) classStoryPage(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := sessionAt(r, "id")
	if err != nil {
		return err
	}
	d, err := s.classStoryData(r, sess, id)
	if err != nil {
		return err
	}
	p := s.page(w, r, "story.class_title")
	p.Title = d.Heading
	p.Data = d
	s.render(w, r, http.StatusOK, "story_feed", p)
	return nil
}

func (s *Server) classStoryData(r *http.Request, sess *app.Session, classID int64) (*storyPage, error) {
	l := i18n.FromContext(r.Context())
	feed, err := s.app.Feed(r.Context(), sess, app.StoryFeedOf{ClassID: classID}, r.URL.Query().Get("cursor"), 20)
	if errors.Is(err, app.ErrNotFound) {
		// A class the reader may open but that has no source yet (a
		// leader's, a teacher's new class) shows empty, not missing.
		if _, cerr := s.app.ClassStorySettings(r.Context(), sess, classID); cerr != nil {
			return nil, err
		}
		feed, err = &app.StoryPage{}, nil
	}
	if err != nil {
		return nil, err
	}
	c, err := s.app.StoryClass(r.Context(), sess, classID)
	if err != nil {
		return nil, err
	}
	path := "/classes/" + strconv.FormatInt(classID, 10) + "/story"
	d := &storyPage{Heading: l.T("story.class_heading", "class", c.Name), IsClass: true, ClassID: classID, SchoolID: c.SchoolID,
		Items: s.cards(l, path, feed.Items, false), NextURL: nextURL(path, feed.Next), Live: true, Empty: l.T("story.class_empty")}
	if comp, err := s.composer(r, sess, c.SchoolID, classID, path); err != nil {
		return nil, err
	} else {
		d.Composer = comp
	}
	if authz.CanSetClassStory(sess.Actor, authz.ClassRef{ID: c.ID, SchoolID: c.SchoolID}) {
		set, err := s.app.ClassStorySettings(r.Context(), sess, classID)
		if err != nil {
			return nil, err
		}
		d.Settings, d.SettingsURL = &set, path+"/settings"
	}
	return d, nil
}

// composer is the new-post form for whoever may post to the audience, or
// nil: the children to tag, and who of them cannot be in photos.
func (s *Server) composer(r *http.Request, sess *app.Session, schoolID, classID int64, action string) (*storyComposer, error) {
	list, err := s.app.StoryTaggables(r.Context(), sess, schoolID, classID)
	if errors.Is(err, app.ErrForbidden) || errors.Is(err, app.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	max := s.app.Stories.MaxFileSize
	if max <= 0 {
		max = app.DefaultStoryMaxFile
	}
	c := &storyComposer{Action: action, Children: list, Tagged: map[int64]bool{}, MaxFiles: app.StoryMaxFiles, MaxMB: max >> 20, School: classID == 0}
	for _, t := range list {
		switch {
		case t.Restricted:
			c.Restricted = append(c.Restricted, t.Name)
		case !t.Consent:
			c.NoConsent = append(c.NoConsent, t.Name)
		}
	}
	return c, nil
}

// schoolStoryPage is one school's School Story.
func (s *Server) schoolStoryPage(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := sessionAt(r, "id")
	if err != nil {
		return err
	}
	d, err := s.schoolStoryData(r, sess, id)
	if err != nil {
		return err
	}
	p := s.page(w, r, "story.school_story")
	p.Title = d.Heading
	p.Data = d
	s.render(w, r, http.StatusOK, "story_feed", p)
	return nil
}

func (s *Server) schoolStoryData(r *http.Request, sess *app.Session, schoolID int64) (*storyPage, error) {
	l := i18n.FromContext(r.Context())
	feed, err := s.app.Feed(r.Context(), sess, app.StoryFeedOf{SchoolID: schoolID}, r.URL.Query().Get("cursor"), 20)
	if err != nil {
		return nil, err
	}
	school, err := s.app.School(r.Context(), schoolID)
	if err != nil {
		return nil, err
	}
	path := "/schools/" + strconv.FormatInt(schoolID, 10) + "/story"
	d := &storyPage{Heading: l.T("story.school_story_of", "school", school.Name), SchoolID: schoolID,
		Items: s.cards(l, path, feed.Items, false), NextURL: nextURL(path, feed.Next), Live: true, Empty: l.T("story.school_empty")}
	if d.Composer, err = s.composer(r, sess, schoolID, 0, path); err != nil {
		return nil, err
	}
	if authz.CanSetSchoolStory(sess.Actor, schoolID) {
		set, err := s.app.SchoolStorySettings(r.Context(), sess, schoolID)
		if err != nil {
			return nil, err
		}
		d.Settings, d.SettingsURL = &set, path+"/settings"
		reports, err := s.app.StoryReports(r.Context(), sess, schoolID)
		if err != nil {
			return nil, err
		}
		d.OpenReports, d.ReportsURL = len(reports), path+"/reports"
	}
	return d, nil
}

// storyPostPage is one post with all its comments.
func (s *Server) storyPostPage(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := sessionAt(r, "id")
	if err != nil {
		return err
	}
	it, err := s.app.StoryPost(r.Context(), sess, id)
	if err != nil {
		return err
	}
	p := s.page(w, r, "story.post_title")
	card := s.cards(p.L, r.URL.Path, []app.StoryItem{*it}, true)[0]
	p.Title = card.Where
	p.Data = card
	if p.Form.Get("text") == "" {
		p.Form.Set("text", it.Post.Body)
	}
	s.render(w, r, http.StatusOK, "story_post", p)
	return nil
}

// storyStatus tells the composer's page how far a post's files are, so it
// can show progress and reload once the post is published.
func (s *Server) storyStatus(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := sessionAt(r, "id")
	if err != nil {
		return err
	}
	it, err := s.app.StoryPost(r.Context(), sess, id)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	return json.NewEncoder(w).Encode(map[string]any{"ready": it.Ready, "total": it.Total, "published": it.Post.PublishedAt != nil})
}

// storyFile serves an attachment, checking on every request that the
// reader may see its post (api.ServeStoryFile sets the safe headers).
func (s *Server) storyFile(w http.ResponseWriter, r *http.Request) error {
	sess := session(r)
	f, err := s.app.OpenStoryFile(r.Context(), sess, r.PathValue("id"), r.URL.Query().Get("size"))
	if err != nil {
		return err
	}
	defer f.Close()
	api.ServeStoryFile(w, f)
	return nil
}

// storyReportsPage is a school's queue of reported comments, for leaders.
func (s *Server) storyReportsPage(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := sessionAt(r, "id")
	if err != nil {
		return err
	}
	list, err := s.app.StoryReports(r.Context(), sess, id)
	if err != nil {
		return err
	}
	p := s.page(w, r, "story.reports_title")
	p.Data = struct {
		SchoolID int64
		Reports  []store.StoryReport
	}{id, list}
	s.render(w, r, http.StatusOK, "story_reports", p)
	return nil
}

// mediaConsentPage is where a parent says whether photos of each child may
// be shared; after connecting a child, new names the child just added.
func (s *Server) mediaConsentPage(w http.ResponseWriter, r *http.Request) error {
	sess := session(r)
	list, err := s.app.MediaConsents(r.Context(), sess)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		return app.ErrNotFound
	}
	p := s.page(w, r, "story.media_title")
	newID, _ := strconv.ParseInt(r.URL.Query().Get("new"), 10, 64)
	p.Data = struct {
		Children []app.MediaConsent
		New      int64
	}{list, newID}
	s.render(w, r, http.StatusOK, "story_media", p)
	return nil
}
