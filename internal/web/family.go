package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"cubby/internal/app"
	"cubby/internal/i18n"
)

func (s *Server) connectSubmit(w http.ResponseWriter, r *http.Request) error {
	sess := session(r)
	if err := r.ParseForm(); err != nil {
		return err
	}
	st, err := s.app.ConnectChild(r.Context(), sess, r.PostForm.Get("parent_code"))
	if err != nil {
		p := s.page(w, r, "nav.home")
		status, ok := s.formError(w, p, err)
		if !ok {
			return err
		}
		p.Form.Set("parent_code", r.PostForm.Get("parent_code"))
		if p.Data, err = s.app.FamilyView(r.Context(), sess); err != nil {
			return err
		}
		s.render(w, r, status, "home_parent", p)
		return nil
	}
	// Media consent is asked at connection time (story_pages.go).
	s.redirect(w, r, "/settings/media?new="+strconv.FormatInt(st.ID, 10), "connect.done")
	return nil
}

// events streams a family's new points as server-sent events, so a
// parent sees a point appear without reloading.
func (s *Server) events(w http.ResponseWriter, r *http.Request) error {
	sess := session(r)
	ids, hidden, err := s.app.LiveStudents(r.Context(), sess)
	if err != nil {
		return err
	}
	// Subscribe before the first byte goes out: a client that has seen the
	// stream open must not miss a point given right after.
	ch, stop := s.app.Events.Subscribe(ids)
	defer stop()
	return eventStream(w, r, ch, func(e app.PointEvent) bool {
		if e.AccessChanged {
			return false // the browser reconnects, and is authorised again
		}
		if e.StoryPostID != 0 { // story_feed.go: the page fetches the post itself
			fmt.Fprintf(w, "event: story\ndata: {\"post_id\":\"%d\"}\n\n", e.StoryPostID)
			return true
		}
		if hidden[e.ClassID] {
			return true
		}
		b, _ := json.Marshal(map[string]any{"student_id": strconv.FormatInt(e.StudentID, 10), "point_id": strconv.FormatInt(e.PointID, 10),
			"skill": e.SkillName, "weight": e.Weight, "undone": e.Undone,
			"at": e.AwardedAt.Format(time.RFC3339), "time": s.weekClock(i18n.FromContext(r.Context()), e.AwardedAt)})
		fmt.Fprintf(w, "event: point\ndata: %s\n\n", b)
		return true
	})
}

// eventStream answers a request with a server-sent event stream of ch:
// write writes one event (or nothing) and returns false to end the
// stream; a keepalive comment goes out every 25 s, and the stream ends
// when the client goes. Subscribe before calling it, so a client that has
// seen the stream open misses nothing sent after.
func eventStream(w http.ResponseWriter, r *http.Request, ch <-chan app.PointEvent, write func(app.PointEvent) bool) error {
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 5000\n\n")
	if err := rc.Flush(); err != nil {
		return nil
	}
	keepalive := time.NewTicker(25 * time.Second)
	defer keepalive.Stop()
	for {
		select {
		case <-r.Context().Done():
			return nil
		case <-keepalive.C:
			fmt.Fprint(w, ": keepalive\n\n")
		case e := <-ch:
			if !write(e) {
				return nil
			}
		}
		if err := rc.Flush(); err != nil {
			return nil
		}
	}
}

// parentCookie keeps a parent's own session while their child uses the
// device, so the parent can switch back without logging in again.
const parentCookie = "cubby_parent"

func (s *Server) switchToChild(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := sessionAt(r, "id")
	if err != nil {
		return err
	}
	token, err := s.app.SwitchToChild(r.Context(), sess, id, browserOf(r.UserAgent()))
	if err != nil {
		return err
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		http.SetCookie(w, &http.Cookie{Name: parentCookie, Value: c.Value, Path: "/", HttpOnly: true,
			SameSite: http.SameSiteLaxMode, Secure: s.SecureCookies, MaxAge: int(s.app.SessionTTL.Seconds())})
	}
	s.setSessionCookie(w, token)
	s.redirect(w, r, "/", "children.switched")
	return nil
}

func (s *Server) switchBack(w http.ResponseWriter, r *http.Request) error {
	c, err := r.Cookie(parentCookie)
	if err != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	if cur, err := r.Cookie(sessionCookie); err == nil {
		if err := s.app.Logout(r.Context(), cur.Value); err != nil {
			return err
		}
	}
	if _, err := s.app.Authenticate(r.Context(), c.Value); err != nil {
		s.clearSessionCookie(w)
		http.SetCookie(w, &http.Cookie{Name: parentCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.SecureCookies})
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return nil
	}
	s.setSessionCookie(w, c.Value)
	http.SetCookie(w, &http.Cookie{Name: parentCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.SecureCookies})
	s.redirect(w, r, "/", "children.back")
	return nil
}
