package api

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"

	"cubby/internal/app"
)

// Reading messages: the inbox, the unread count, contacts, a conversation
// page by page, its whole history, and attachments.

// messagePageLimit reads ?limit= for message lists, which the use cases
// cap at 100.
func messagePageLimit(r *http.Request, def int) (int, error) {
	s := r.URL.Query().Get("limit")
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 100 {
		ve := &app.ValidationError{}
		ve.Add("limit", "validation.invalid_limit", "max", 100)
		return 0, ve
	}
	return n, nil
}

// cursorParam is ?cursor= (or ?next=, the name clients see in lists).
func cursorParam(r *http.Request) string {
	if c := r.URL.Query().Get("cursor"); c != "" {
		return c
	}
	return r.URL.Query().Get("next")
}

// olderCursor wraps the id a conversation's older messages come before;
// clients must not build it.
func olderCursor(beforeID int64) *string {
	if beforeID == 0 {
		return nil
	}
	c := base64.RawURLEncoding.EncodeToString([]byte("before:" + strconv.FormatInt(beforeID, 10)))
	return &c
}

func parseOlderCursor(c string) (int64, error) {
	if c == "" {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	s, ok := strings.CutPrefix(string(b), "before:")
	var n int64
	if err == nil && ok {
		n, err = strconv.ParseInt(s, 10, 64)
	}
	if err != nil || !ok || n <= 0 {
		ve := &app.ValidationError{}
		ve.Add("cursor", "validation.invalid_cursor")
		return 0, ve
	}
	return n, nil
}

func (x *API) inbox(w http.ResponseWriter, r *http.Request) error {
	limit, err := messagePageLimit(r, 50)
	if err != nil {
		return err
	}
	s := app.SessionFrom(r.Context())
	page, err := x.app.Inbox(r.Context(), s, cursorParam(r), limit)
	if err != nil {
		return err
	}
	out := struct {
		Conversations []conversationJSON `json:"conversations"`
		Next          *string            `json:"next"`
	}{Conversations: []conversationJSON{}}
	for _, it := range page.Items {
		out.Conversations = append(out.Conversations, inboxEntryOf(x.localizer(r), it))
	}
	if page.Next != "" {
		out.Next = &page.Next
	}
	return writeJSON(w, http.StatusOK, out)
}

func (x *API) unreadMessages(w http.ResponseWriter, r *http.Request) error {
	n, err := x.app.UnreadMessages(r.Context(), app.SessionFrom(r.Context()))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]int{"unread": n})
}

func (x *API) messageContacts(w http.ResponseWriter, r *http.Request) error {
	list, err := x.app.Contacts(r.Context(), app.SessionFrom(r.Context()))
	if err != nil {
		return err
	}
	type contact struct {
		UserID           string  `json:"user_id"`
		SchoolID         string  `json:"school_id"`
		Type             string  `json:"type"`
		Name             string  `json:"name"`
		StudentID        *string `json:"student_id"`
		StudentFirstName string  `json:"student_first_name,omitempty"`
	}
	out := struct {
		Contacts []contact `json:"contacts"`
	}{Contacts: []contact{}}
	for _, c := range list {
		v := contact{UserID: id(c.UserID), SchoolID: id(c.SchoolID), Type: c.Kind, Name: x.localizer(r).PersonName(c.Title, c.FirstName, c.LastName), StudentFirstName: c.StudentFirst}
		if c.StudentID != 0 {
			sid := id(c.StudentID)
			v.StudentID = &sid
		}
		out.Contacts = append(out.Contacts, v)
	}
	return writeJSON(w, http.StatusOK, out)
}

func (x *API) getConversation(w http.ResponseWriter, r *http.Request) error {
	convID, err := parseID(r, "id")
	if err != nil {
		return err
	}
	limit, err := messagePageLimit(r, 50)
	if err != nil {
		return err
	}
	before, err := parseOlderCursor(cursorParam(r))
	if err != nil {
		return err
	}
	s := app.SessionFrom(r.Context())
	v, err := x.app.OpenConversation(r.Context(), s, convID, before, limit)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, conversationViewOf(x.localizer(r), v, s.User.ID))
}

func (x *API) conversationHistory(w http.ResponseWriter, r *http.Request) error {
	convID, err := parseID(r, "id")
	if err != nil {
		return err
	}
	s := app.SessionFrom(r.Context())
	v, err := x.app.MessageHistory(r.Context(), s, convID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, historyOf(x.localizer(r), v, s.User.ID))
}

func (x *API) exportConversation(w http.ResponseWriter, r *http.Request) error {
	convID, err := parseID(r, "id")
	if err != nil {
		return err
	}
	s := app.SessionFrom(r.Context())
	v, err := x.app.ExportConversation(r.Context(), s, convID)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "private, no-store")
	return writeJSON(w, http.StatusOK, historyOf(x.localizer(r), v, s.User.ID))
}

func (x *API) messageFile(w http.ResponseWriter, r *http.Request) error {
	f, err := x.app.OpenMessageFile(r.Context(), app.SessionFrom(r.Context()), r.PathValue("id"), r.URL.Query().Get("size"))
	if err != nil {
		return err
	}
	defer f.Close()
	ServeStoryFile(w, &app.StoryFileRead{ReadCloser: f.ReadCloser, Name: f.Name, ContentType: f.ContentType, Kind: f.Kind})
	return nil
}

func (x *API) schoolConversations(w http.ResponseWriter, r *http.Request) error {
	schoolID, err := parseID(r, "id")
	if err != nil {
		return err
	}
	limit, err := messagePageLimit(r, 100)
	if err != nil {
		return err
	}
	list, err := x.app.SchoolConversations(r.Context(), app.SessionFrom(r.Context()), schoolID, limit)
	if err != nil {
		return err
	}
	out := struct {
		Conversations []conversationJSON `json:"conversations"`
	}{Conversations: []conversationJSON{}}
	for _, it := range list {
		out.Conversations = append(out.Conversations, conversationOf(x.localizer(r), it.Conversation, it.With))
	}
	return writeJSON(w, http.StatusOK, out)
}
