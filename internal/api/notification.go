package api

import (
	"cubby/internal/authz"
	"net/http"
	"strconv"
	"time"

	"cubby/internal/app"
	"cubby/internal/i18n"
	"cubby/internal/notify"
	"cubby/internal/store"
)

// Notifications (issue 14; app/notification*.go): the caller's
// notification centre, newest first, with each line in the caller's
// language and a link to the thing itself; marking read; and the choices
// per kind. A choice for a kind that does not exist is 400, nothing saved.

func (x *API) notificationRoutes() {
	x.add(Op{Method: "GET", Path: "/me/notifications", ID: "listNotifications", Tag: "notifications", Access: authz.ForSelf,
		Summary:  "The caller's notifications, newest first, with the unread count. A parent sees those about a child only while they act for the child.",
		Response: "NotificationList", Success: http.StatusOK, Errors: []int{400, 401}, Handle: x.listNotifications,
		Query: []Param{
			{Name: "limit", Type: "integer", Description: "1–200, default 50"},
			{Name: "cursor", Type: "string", Description: "the next value of the previous page"},
		}})
	x.add(Op{Method: "GET", Path: "/me/notifications/unread", ID: "unreadNotifications", Tag: "notifications", Access: authz.ForSelf,
		Summary: "How many notifications the caller has not read, for the bell.", Response: "UnreadCount",
		Success: http.StatusOK, Errors: []int{401}, Handle: x.unreadNotifications})
	x.add(Op{Method: "POST", Path: "/me/notifications/{id}/read", ID: "readNotification", Tag: "notifications", Access: authz.ForSelf,
		Summary: "Mark one of the caller's notifications read (again is harmless); 404 for anyone else's.", Response: "Notification",
		Success: http.StatusOK, Errors: []int{401, 404}, Handle: x.readNotification})
	x.add(Op{Method: "POST", Path: "/me/notifications/read", ID: "readAllNotifications", Tag: "notifications", Access: authz.ForSelf,
		Summary: "Mark every notification of the caller read.", Response: "NotificationsMarked",
		Success: http.StatusOK, Errors: []int{401}, Handle: x.readAllNotifications})
	x.add(Op{Method: "GET", Path: "/me/notification-preferences", ID: "getNotificationPreferences", Tag: "notifications", Access: authz.ForSelf,
		Summary:  "How the caller hears of each kind of notification that concerns them: push, email (at once), digest (the daily summary) or off; default says it was never chosen.",
		Response: "NotificationPreferences", Success: http.StatusOK, Errors: []int{401}, Handle: x.getNotificationPrefs})
	x.add(Op{Method: "PUT", Path: "/me/notification-preferences", ID: "putNotificationPreferences", Tag: "notifications", Access: authz.ForSelf,
		Summary: "Set choices, kind → channel; kinds left out stay as they are. A kind or channel that does not exist is 400 and nothing is saved.",
		Request: "NotificationPreferencesUpdate", Response: "NotificationPreferences", Success: http.StatusOK, Errors: []int{400, 401, 413}, Handle: x.putNotificationPrefs})
}

type notificationJSON struct {
	ID        string     `json:"id"`
	Kind      string     `json:"kind"`
	RefID     string     `json:"ref_id"`
	SchoolID  *string    `json:"school_id"`
	StudentID *string    `json:"student_id"`
	ActorID   *string    `json:"actor_id"`
	Text      string     `json:"text"`
	Link      string     `json:"link"`
	CreatedAt time.Time  `json:"created_at"`
	ReadAt    *time.Time `json:"read_at"`
}

func notificationOf(l *i18n.Localizer, n *store.Notification) notificationJSON {
	return notificationJSON{ID: id(n.ID), Kind: n.Kind, RefID: id(n.RefID), SchoolID: optID(n.SchoolID), StudentID: optID(n.StudentID),
		ActorID: optID(n.ActorID), Text: app.NotificationLine(l, n), Link: app.NotificationLink(n), CreatedAt: n.CreatedAt, ReadAt: n.ReadAt}
}

func (x *API) listNotifications(w http.ResponseWriter, r *http.Request) error {
	limit := defaultLimit
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxLimit {
			ve := &app.ValidationError{}
			ve.Add("limit", "validation.invalid_limit", "max", maxLimit)
			return ve
		}
		limit = n
	}
	s := app.SessionFrom(r.Context())
	page, err := x.app.MyNotifications(r.Context(), s, cursorParam(r), limit)
	if err != nil {
		return err
	}
	unread, err := x.app.UnreadNotifications(r.Context(), s)
	if err != nil {
		return err
	}
	l := i18n.FromContext(r.Context())
	out := struct {
		Notifications []notificationJSON `json:"notifications"`
		Unread        int                `json:"unread"`
		Next          *string            `json:"next"`
	}{Notifications: []notificationJSON{}, Unread: unread}
	for i := range page.Items {
		out.Notifications = append(out.Notifications, notificationOf(l, &page.Items[i]))
	}
	if page.Next != "" {
		out.Next = &page.Next
	}
	return writeJSON(w, http.StatusOK, out)
}

func (x *API) unreadNotifications(w http.ResponseWriter, r *http.Request) error {
	n, err := x.app.UnreadNotifications(r.Context(), app.SessionFrom(r.Context()))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]int{"unread": n})
}

func (x *API) readNotification(w http.ResponseWriter, r *http.Request) error {
	nid, err := parseID(r, "id")
	if err != nil {
		return err
	}
	n, err := x.app.ReadNotification(r.Context(), app.SessionFrom(r.Context()), nid)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, notificationOf(i18n.FromContext(r.Context()), n))
}

func (x *API) readAllNotifications(w http.ResponseWriter, r *http.Request) error {
	n, err := x.app.ReadAllNotifications(r.Context(), app.SessionFrom(r.Context()))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]int64{"marked": n})
}

type notificationPrefJSON struct {
	Kind    string `json:"kind"`
	Channel string `json:"channel"`
	Default bool   `json:"default"`
}

func (x *API) writePrefs(w http.ResponseWriter, r *http.Request) error {
	list, err := x.app.MyNotificationPrefs(r.Context(), app.SessionFrom(r.Context()))
	if err != nil {
		return err
	}
	out := struct {
		Preferences []notificationPrefJSON `json:"preferences"`
	}{Preferences: []notificationPrefJSON{}}
	for _, p := range list {
		out.Preferences = append(out.Preferences, notificationPrefJSON{Kind: p.Kind, Channel: p.Channel, Default: p.Default})
	}
	return writeJSON(w, http.StatusOK, out)
}

func (x *API) getNotificationPrefs(w http.ResponseWriter, r *http.Request) error {
	return x.writePrefs(w, r)
}

func (x *API) putNotificationPrefs(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Preferences map[string]string `json:"preferences"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	if len(in.Preferences) == 0 {
		ve := &app.ValidationError{}
		ve.Add("preferences", "validation.required")
		return ve
	}
	if err := x.app.SetNotificationPrefs(r.Context(), app.SessionFrom(r.Context()), in.Preferences); err != nil {
		return err
	}
	return x.writePrefs(w, r)
}

func init() {
	date := map[string]any{"type": "string", "format": "date-time"}
	nullable := map[string]any{"type": []string{"string", "null"}}
	for name, s := range map[string]any{
		"Notification": obj(map[string]any{
			"id": str(), "kind": enum(notify.Kinds...),
			"ref_id":     map[string]any{"type": "string", "description": "the thing's id: a conversation, a story post, a point, a class (absence), a school (join request), a request"},
			"school_id":  nullable,
			"student_id": map[string]any{"type": []string{"string", "null"}, "description": "the child it is about (points, absences)"},
			"actor_id":   map[string]any{"type": []string{"string", "null"}, "description": "who caused it; null when none or erased"},
			"text":       map[string]any{"type": "string", "description": "the line the centre shows, in the caller's language"},
			"link":       map[string]any{"type": "string", "description": "the web page of the thing (path), which checks again who may see it"},
			"created_at": date, "read_at": map[string]any{"type": []string{"string", "null"}, "format": "date-time"},
		}, "id", "kind", "ref_id", "text", "link", "created_at", "read_at"),
		"NotificationList": obj(map[string]any{
			"notifications": map[string]any{"type": "array", "items": ref("Notification")},
			"unread":        integer(),
			"next":          map[string]any{"type": []string{"string", "null"}, "description": "pass as ?cursor= for the next page; null on the last page"},
		}, "notifications", "unread", "next"),
		"NotificationsMarked": obj(map[string]any{"marked": integer()}, "marked"),
		"NotificationPreferences": obj(map[string]any{"preferences": map[string]any{"type": "array", "items": obj(map[string]any{
			"kind": enum(notify.Kinds...), "channel": enum(notify.Prefs...), "default": map[string]any{"type": "boolean"}}, "kind", "channel", "default")}}, "preferences"),
		"NotificationPreferencesUpdate": obj(map[string]any{"preferences": map[string]any{"type": "object",
			"description":          "kind → channel",
			"additionalProperties": enum(notify.Prefs...)}}, "preferences"),
	} {
		schemas[name] = s
	}
}
