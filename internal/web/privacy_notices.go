package web

import (
	"errors"
	"net/http"
	"strings"

	"cubby/internal/app"
	"cubby/internal/privacy"
	"cubby/internal/store"
)

// The banner about a material change of the privacy notice (INV-7), on
// every page of the people it concerns until they say they have read it
// (partials/notice_banner.html), and the form that records it.

// noticeBanner is what the banner says, in the reader's language.
type noticeBanner struct {
	Version    string
	Date       string
	Student    bool     // plain wording
	Changes    []string // one sentence per kind of change
	NewsPaused bool
}

// noticeBanner returns the banner for the logged-in person, or nil. A
// failure is logged and shows no banner: it must not take every page down.
func (s *Server) noticeBanner(r *http.Request, p *Page) *noticeBanner {
	sess := app.SessionFrom(r.Context())
	if sess == nil {
		return nil
	}
	pending, err := s.app.PendingNotice(r.Context(), sess)
	if err != nil {
		s.log.Error("notice banner", "id", RequestID(r.Context()), "err", err)
		return nil
	}
	if pending == nil {
		return nil
	}
	b := &noticeBanner{Version: pending.Version, Date: pending.EffectiveAt.Format("2006-01-02"),
		Student: sess.User.Kind == store.KindStudent, NewsPaused: pending.NewsPaused}
	wd := words{p.L}
	c := pending.Changes
	types := func(ts ...[]privacy.DataType) string {
		var names []string
		for _, list := range ts {
			for _, t := range list {
				names = append(names, wd.dataType(t))
			}
		}
		return wd.list(names)
	}
	var companies []string
	for _, proc := range c.AddedProcessors {
		if parts := strings.SplitN(proc, ":", 3); len(parts) == 3 {
			companies = append(companies, parts[1]+" ("+wd.country(parts[2])+")")
		}
	}
	add := func(key, what string) {
		if what != "" {
			b.Changes = append(b.Changes, p.L.T(key, "what", what))
		}
	}
	if b.Student {
		add("notices.student.types", types(c.AddedTypes, c.ChangedTypes))
		add("notices.student.companies", wd.list(companies))
		return b
	}
	add("versions.added_types", types(c.AddedTypes))
	add("versions.changed_types", types(c.ChangedTypes))
	add("versions.added_processors", wd.list(companies))
	return b
}

// acknowledgeNotice records that the person has read the change, and with
// keep_news renews their product news, then returns to the page they were
// on.
func (s *Server) acknowledgeNotice(w http.ResponseWriter, r *http.Request) error {
	sess := session(r)
	if err := r.ParseForm(); err != nil {
		s.errorPage(w, r, http.StatusBadRequest, "notices.version_unknown")
		return nil
	}
	back := localPath(r.PostForm.Get("back"))
	keep := r.PostForm.Get("keep_news") != ""
	err := s.app.AcknowledgeNotice(r.Context(), sess, r.PostForm.Get("version"), keep)
	var ve *app.ValidationError
	switch {
	case errors.As(err, &ve) && ve.Fields["version"].Key == "notices.version_outdated":
		// The notice changed again since the page was shown: the banner
		// now says what changed since.
		s.redirect(w, r, back, "notices.changed_again")
	case errors.As(err, &ve):
		s.errorPage(w, r, http.StatusBadRequest, "notices.version_unknown")
	case err != nil:
		return err
	case keep:
		s.redirect(w, r, back, "notices.news_kept")
	default:
		s.redirect(w, r, back, "notices.acknowledged")
	}
	return nil
}
