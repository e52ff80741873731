package web

import (
	"cubby/internal/authz"
	"errors"
	"fmt"
	"net/http"

	"cubby/internal/app"
	"cubby/internal/notify"
)

// The notification centre (issue 14): the bell in the navigation with the
// unread count, the list newest first (opening one marks it read and goes
// to the thing itself), mark all read, live arrivals through
// /notifications/events, the choices per kind and quiet hours in the
// settings, and the public one-click unsubscribe page of the emails.

// notificationRoutes lists the centre's pages and forms (notification_pages.go).
func (s *Server) notificationRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/notifications", Handle: s.notificationsPage, Access: authz.ForSelf},
		{Method: "GET", Pattern: "/notifications/events", Handle: s.notificationEvents, Access: authz.ForSelf},
		{Method: "POST", Pattern: "/notifications/read-all", Handle: s.notificationsReadAll, Access: authz.ForSelf},
		{Method: "GET", Pattern: "/notifications/{id}", Handle: s.notificationOpen, Access: authz.ForSelf},
		{Method: "POST", Pattern: "/notifications/{id}/read", Handle: s.notificationRead, Access: authz.ForSelf},
		{Method: "GET", Pattern: "/settings/notifications", Handle: s.notificationSettingsPage, TwoFactorExempt: true, Access: authz.ForSelf},
		{Method: "POST", Pattern: "/settings/notifications", Handle: s.notificationSettingsSubmit, TwoFactorExempt: true, Access: authz.ForSelf},
		{Method: "POST", Pattern: "/settings/notifications/quiet-hours", Handle: s.notificationQuietSubmit, TwoFactorExempt: true, Access: authz.ForSelf},
		// The emails' one-click unsubscribe (RFC 8058): no login, a signed token.
		{Method: "GET", Pattern: "/notifications/unsubscribe", Handle: s.notificationUnsubscribeForm, Public: true, TwoFactorExempt: true, Access: authz.ForAnyone},
		{Method: "POST", Pattern: "/notifications/unsubscribe", Handle: s.notificationUnsubscribeSubmit, Public: true, TwoFactorExempt: true, Access: authz.ForAnyone},
	}
}

// notificationNav adds the bell to the navigation, with the unread count.
func (s *Server) notificationNav(r *http.Request, p *Page) {
	sess := app.SessionFrom(r.Context())
	if sess == nil || len(p.Nav) == 0 {
		return
	}
	item := NavItem{Label: p.L.T("notifications.bell"), URL: "/notifications", Current: p.Path == "/notifications"}
	if n, err := s.app.UnreadNotifications(r.Context(), sess); err == nil && n > 0 {
		item.Count, item.CountLabel = n, p.L.N("notifications.unread", n)
	}
	last := len(p.Nav) - 1 // Settings stays last
	p.Nav = append(p.Nav[:last], item, p.Nav[last])
}

// notificationRow is one line of the centre.
type notificationRow struct {
	ID     int64
	Line   string
	When   string
	Unread bool
	Kind   string
}

type notificationsData struct {
	Rows   []notificationRow
	Next   string
	Unread int
}

func (s *Server) notificationsPage(w http.ResponseWriter, r *http.Request) error {
	sess := session(r)
	page, err := s.app.MyNotifications(r.Context(), sess, r.URL.Query().Get("after"), 50)
	if err != nil {
		var ve *app.ValidationError
		if errors.As(err, &ve) {
			return app.ErrNotFound // a broken cursor in the address
		}
		return err
	}
	p := s.page(w, r, "notifications.title")
	d := notificationsData{Next: page.Next}
	for i := range page.Items {
		n := &page.Items[i]
		d.Rows = append(d.Rows, notificationRow{ID: n.ID, Line: app.NotificationLine(p.L, n), When: s.shortTime(n.CreatedAt),
			Unread: n.ReadAt == nil, Kind: n.Kind})
	}
	if d.Unread, err = s.app.UnreadNotifications(r.Context(), sess); err != nil {
		return err
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "notifications", p)
	return nil
}

// notificationOpen marks a notification read and goes to its thing.
func (s *Server) notificationOpen(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := sessionAt(r, "id")
	if err != nil {
		return err
	}
	n, err := s.app.ReadNotification(r.Context(), sess, id)
	if err != nil {
		return err
	}
	http.Redirect(w, r, app.NotificationLink(n), http.StatusSeeOther)
	return nil
}

func (s *Server) notificationRead(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := sessionAt(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.app.ReadNotification(r.Context(), sess, id); err != nil {
		return err
	}
	s.redirect(w, r, "/notifications", "notifications.marked")
	return nil
}

func (s *Server) notificationsReadAll(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.app.ReadAllNotifications(r.Context(), session(r)); err != nil {
		return err
	}
	s.redirect(w, r, "/notifications", "notifications.marked_all")
	return nil
}

// notificationEvents streams "notification" events, each with the unread
// count, when the person has a new notification or read one elsewhere;
// the page then fetches itself again.
func (s *Server) notificationEvents(w http.ResponseWriter, r *http.Request) error {
	sess := session(r)
	ch, stop := s.app.InboxEvents().Subscribe([]int64{sess.User.ID})
	defer stop()
	return eventStream(w, r, ch, func(e app.PointEvent) bool {
		if e.Notified || e.ConversationID != 0 {
			n, err := s.app.UnreadNotifications(r.Context(), sess)
			if err != nil {
				return false
			}
			fmt.Fprintf(w, "event: notification\ndata: {\"unread\":%d}\n\n", n)
		}
		return true
	})
}

// prefRow is one kind on the settings page.
type prefRow struct {
	Kind, Label, Channel string
	Error                string
}

type notificationSettingsData struct {
	Prefs             []prefRow
	Channels          []string
	DigestTime        string
	Enabled, Weekends bool
	Starts, Ends      string
}

func (s *Server) notificationSettingsData(r *http.Request, p *Page, sess *app.Session) (*notificationSettingsData, error) {
	prefs, err := s.app.MyNotificationPrefs(r.Context(), sess)
	if err != nil {
		return nil, err
	}
	h, err := s.app.MyQuietHours(r.Context(), sess)
	if err != nil {
		return nil, err
	}
	d := &notificationSettingsData{Channels: notify.Prefs, DigestTime: app.ClockText(s.app.DigestHour() * 60),
		Enabled: h.Enabled, Weekends: h.Weekends, Starts: app.ClockText(h.Starts), Ends: app.ClockText(h.Ends)}
	for _, pr := range prefs {
		d.Prefs = append(d.Prefs, prefRow{Kind: pr.Kind, Label: p.L.T("notifications.kind." + pr.Kind), Channel: pr.Channel})
	}
	return d, nil
}

func (s *Server) notificationSettingsPage(w http.ResponseWriter, r *http.Request) error {
	p := s.page(w, r, "notifications.settings_title")
	d, err := s.notificationSettingsData(r, p, session(r))
	if err != nil {
		return err
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "notification_settings", p)
	return nil
}

// notificationSettingsSubmit saves the choices: every "pref.<kind>" field.
func (s *Server) notificationSettingsSubmit(w http.ResponseWriter, r *http.Request) error {
	sess := session(r)
	if err := r.ParseForm(); err != nil {
		return err
	}
	prefs := map[string]string{}
	for k, v := range r.PostForm {
		if len(k) > 5 && k[:5] == "pref." && len(v) > 0 {
			prefs[k[5:]] = v[0]
		}
	}
	err := s.app.SetNotificationPrefs(r.Context(), sess, prefs)
	if err != nil {
		p := s.page(w, r, "notifications.settings_title")
		status, ok := s.formError(w, p, err)
		if !ok {
			return err
		}
		d, derr := s.notificationSettingsData(r, p, sess)
		if derr != nil {
			return derr
		}
		for i := range d.Prefs {
			if c, ok := prefs[d.Prefs[i].Kind]; ok {
				d.Prefs[i].Channel = c
			}
			d.Prefs[i].Error = p.Errors[d.Prefs[i].Kind]
		}
		if p.Error == "" {
			for _, msg := range p.Errors {
				p.Error = msg // a kind the page does not list
				break
			}
		}
		p.Data = d
		s.render(w, r, status, "notification_settings", p)
		return nil
	}
	s.redirect(w, r, "/settings/notifications", "notifications.settings_saved")
	return nil
}

// notificationQuietSubmit saves anyone's quiet hours.
func (s *Server) notificationQuietSubmit(w http.ResponseWriter, r *http.Request) error {
	sess := session(r)
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := r.PostForm
	enabled, weekends := f.Get("enabled") == "1", f.Get("weekends") == "1"
	err := s.app.SetQuietHours(r.Context(), sess, enabled, f.Get("starts"), f.Get("ends"), weekends)
	if err != nil {
		p := s.page(w, r, "notifications.settings_title")
		status, ok := s.formError(w, p, err)
		if !ok {
			return err
		}
		d, derr := s.notificationSettingsData(r, p, sess)
		if derr != nil {
			return derr
		}
		d.Enabled, d.Weekends, d.Starts, d.Ends = enabled, weekends, f.Get("starts"), f.Get("ends")
		p.Data = d
		s.render(w, r, status, "notification_settings", p)
		return nil
	}
	s.redirect(w, r, "/settings/notifications", "notifications.quiet_saved")
	return nil
}

// unsubscribeData is what the unsubscribe page says it turns off.
type unsubscribeData struct {
	Token, What string
	Done        bool
}

func (s *Server) unsubscribeWhat(p *Page, kind string) string {
	if notify.IsKind(kind) {
		return p.L.T("notifications.kind." + kind)
	}
	return p.L.T("notifications.unsubscribe_digest")
}

// notificationUnsubscribeForm is the page an email's link opens: one
// button. It changes nothing on GET, because mail scanners follow links.
func (s *Server) notificationUnsubscribeForm(w http.ResponseWriter, r *http.Request) error {
	p := s.page(w, r, "notifications.unsubscribe_title")
	token := r.URL.Query().Get("token")
	info, err := s.app.CheckUnsubscribe(r.Context(), token)
	if errors.Is(err, app.ErrNotFound) {
		p.Error = p.L.T("notifications.unsubscribe_bad")
		s.render(w, r, http.StatusNotFound, "notification_unsubscribe", p)
		return nil
	}
	if err != nil {
		return err
	}
	p.Data = unsubscribeData{Token: token, What: s.unsubscribeWhat(p, info.Kind)}
	s.render(w, r, http.StatusOK, "notification_unsubscribe", p)
	return nil
}

// notificationUnsubscribeSubmit turns the link's kind off: the page's
// button, or a mail client's RFC 8058 one-click POST
// (List-Unsubscribe=One-Click, the token in the address).
func (s *Server) notificationUnsubscribeSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	token := r.URL.Query().Get("token")
	if token == "" {
		token = r.PostForm.Get("token")
	}
	p := s.page(w, r, "notifications.unsubscribe_title")
	info, err := s.app.UnsubscribeNotifications(r.Context(), token)
	if errors.Is(err, app.ErrNotFound) {
		p.Error = p.L.T("notifications.unsubscribe_bad")
		s.render(w, r, http.StatusNotFound, "notification_unsubscribe", p)
		return nil
	}
	if err != nil {
		return err
	}
	p.Flash = p.L.T("notifications.unsubscribed")
	p.Data = unsubscribeData{What: s.unsubscribeWhat(p, info.Kind), Done: true}
	s.render(w, r, http.StatusOK, "notification_unsubscribe", p)
	return nil
}
