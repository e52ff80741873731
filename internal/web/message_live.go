package web

import (
	"fmt"
	"net/http"

	"cubby/internal/api"
	"cubby/internal/app"
	"cubby/internal/store"
)

// New messages without reloading: the message pages listen to
// /messages/events, a server-sent event stream of the person's own
// conversations (app.InboxEvents, keyed by user id). An event names only a
// conversation; the page fetches itself again, which checks again who may
// see it (and marks what is shown read). Without JavaScript the pages
// offer a link to look again.

// messageEvents streams "message" events naming the conversations of the
// logged-in person that have a new message, or were read.
func (s *Server) messageEvents(w http.ResponseWriter, r *http.Request) error {
	sess := session(r)
	if sess.User.Kind == store.KindStudent {
		if ok, err := s.app.HasConversations(r.Context(), sess); err != nil || !ok {
			return cmpErr(err, app.ErrNotFound)
		}
	}
	ch, stop := s.app.InboxEvents().Subscribe([]int64{sess.User.ID})
	defer stop()
	return eventStream(w, r, ch, func(e app.PointEvent) bool {
		if e.ConversationID != 0 {
			fmt.Fprintf(w, "event: message\ndata: {\"conversation_id\":\"%d\"}\n\n", e.ConversationID)
		}
		return true
	})
}

// messageNav adds "Messages" to the navigation, with the unread count,
// for everyone but students (who have no messages).
func (s *Server) messageNav(r *http.Request, p *Page) {
	sess := app.SessionFrom(r.Context())
	if sess == nil || len(p.Nav) == 0 {
		return
	}
	defer s.notificationNav(r, p) // the bell follows Messages (notification_pages.go)
	if sess.User.Kind == store.KindStudent {
		// A student has Messages only once a teacher wrote to them.
		if ok, err := s.app.HasConversations(r.Context(), sess); err != nil || !ok {
			return
		}
	}
	item := NavItem{Label: p.L.T("nav.messages"), URL: "/messages", Current: p.Path == "/messages" || len(p.Path) > 10 && p.Path[:10] == "/messages/"}
	if n, err := s.app.UnreadMessages(r.Context(), sess); err == nil && n > 0 {
		item.Count, item.CountLabel = n, unreadLabel(p.L, n)
	}
	// Before Settings, which stays last.
	last := len(p.Nav) - 1
	p.Nav = append(p.Nav[:last], item, p.Nav[last])
}

// serveMessageFile sends an attachment with the stories' safe headers.
func serveMessageFile(w http.ResponseWriter, f *app.MessageFileRead) {
	api.ServeStoryFile(w, &app.StoryFileRead{ReadCloser: f.ReadCloser, Name: f.Name, ContentType: f.ContentType, Kind: f.Kind})
}
