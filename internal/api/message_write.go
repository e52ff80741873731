package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"cubby/internal/app"
	"cubby/internal/store"
)

// Writing messages: a JSON body, or the same fields as multipart/form-data
// with the files as "file" parts.

// messageBoolFields are the form fields read as booleans from a multipart
// body ("true" or "1").
var messageBoolFields = map[string]bool{"all_parents": true, "urgent": true}

// readMessageBody decodes a message's fields into req, from JSON or from a
// multipart form (whose fields are decoded the same way, so an unknown
// field is refused either way), and returns the form's files. cleanup
// removes the spooled files; call it when the message is written.
func readMessageBody(r *http.Request, req any) (files []app.StoryFile, cleanup func(), err error) {
	if !isMultipart(r) {
		return nil, func() {}, decode(r, req)
	}
	fields, files, cleanup, err := ReadStoryForm(r)
	if err != nil {
		return nil, cleanup, err
	}
	m := map[string]any{}
	for k, v := range fields {
		if len(v) == 0 {
			continue
		}
		if messageBoolFields[k] {
			m[k] = v[0] == "true" || v[0] == "1"
		} else {
			m[k] = v[0]
		}
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, cleanup, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(req); err != nil {
		return nil, cleanup, errBadJSON
	}
	return files, cleanup, nil
}

// bodyID reads an id the API sends as a string; anything else is 0, which
// the use cases treat as nobody (not found, or "choose who").
func bodyID(s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// started is the answer to a message that may have opened a conversation.
type started struct {
	Conversation conversationJSON `json:"conversation"`
	Message      *messageJSON     `json:"message,omitempty"`
}

func (x *API) startConversation(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		SchoolID   string `json:"school_id"`
		StudentID  string `json:"student_id"`
		To         string `json:"to"`
		AllParents bool   `json:"all_parents"`
		Text       string `json:"text"`
	}
	files, cleanup, err := readMessageBody(r, &req)
	defer cleanup()
	if err != nil {
		return x.storyFileErr(w, r, err)
	}
	s := app.SessionFrom(r.Context())
	nc := app.NewConversation{SchoolID: bodyID(req.SchoolID), StudentID: bodyID(req.StudentID), To: bodyID(req.To), AllParents: req.AllParents}
	conv, msg, err := x.app.StartConversation(r.Context(), s, nc, app.MessageDraft{Text: req.Text, Files: files})
	if err != nil {
		return x.storyFileErr(w, r, err)
	}
	return x.writeStarted(w, r, s, conv, msg)
}

// writeStarted answers a message that may have opened a conversation (an
// announcement's, whose message is its first): the conversation and the
// message as the sender now sees them.
func (x *API) writeStarted(w http.ResponseWriter, r *http.Request, s *app.Session, conv *store.Conversation, msg *store.Message) error {
	msgID := conv.LastMessageID
	if msg != nil {
		msgID = msg.ID
	}
	v, err := x.messageAt(r, s, conv.ID, msgID)
	if err != nil {
		return err
	}
	out := started{Conversation: conversationOf(x.localizer(r), v.Conversation, withOthers(v.Writers, s.User.ID))}
	if v.Conversation.Kind == store.ConvAnnouncement {
		out.Conversation.Recipients = &v.Recipients
	}
	if len(v.Messages) == 1 {
		m := messageOf(x.localizer(r), v.Messages[0], false)
		out.Message = &m
	}
	return writeJSON(w, http.StatusCreated, out)
}

// messageAt reads one message as the caller sees it in its conversation:
// the page of one before the next id is that message, and reading an
// older page marks nothing read.
func (x *API) messageAt(r *http.Request, s *app.Session, convID, msgID int64) (*app.ConversationView, error) {
	v, err := x.app.OpenConversation(r.Context(), s, convID, msgID+1, 1)
	if err != nil {
		return nil, err
	}
	if len(v.Messages) == 1 && v.Messages[0].ID != msgID {
		v.Messages = nil // not there (it cannot be: messages stay)
	}
	return v, nil
}

// sentMessage shows a message just written or corrected, as its sender
// sees it in the conversation (with its attachments).
func (x *API) sentMessage(r *http.Request, s *app.Session, msg *store.Message) (messageJSON, error) {
	v, err := x.messageAt(r, s, msg.ConversationID, msg.ID)
	if err != nil {
		return messageJSON{}, err
	}
	if len(v.Messages) != 1 {
		return messageJSON{}, app.ErrNotFound
	}
	return messageOf(x.localizer(r), v.Messages[0], false), nil
}

func (x *API) sendMessage(w http.ResponseWriter, r *http.Request) error {
	convID, err := parseID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		Text string `json:"text"`
	}
	files, cleanup, err := readMessageBody(r, &req)
	defer cleanup()
	if err != nil {
		return x.storyFileErr(w, r, err)
	}
	s := app.SessionFrom(r.Context())
	msg, err := x.app.SendMessage(r.Context(), s, convID, app.MessageDraft{Text: req.Text, Files: files})
	if err != nil {
		return x.storyFileErr(w, r, err)
	}
	m, err := x.sentMessage(r, s, msg)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, m)
}

func (x *API) replyToAnnouncement(w http.ResponseWriter, r *http.Request) error {
	annID, err := parseID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		Text string `json:"text"`
	}
	files, cleanup, err := readMessageBody(r, &req)
	defer cleanup()
	if err != nil {
		return x.storyFileErr(w, r, err)
	}
	s := app.SessionFrom(r.Context())
	conv, msg, err := x.app.ReplyToAnnouncement(r.Context(), s, annID, app.MessageDraft{Text: req.Text, Files: files})
	if err != nil {
		return x.storyFileErr(w, r, err)
	}
	return x.writeStarted(w, r, s, conv, msg)
}

type announcementReq struct {
	Audience string `json:"audience"`
	Subject  string `json:"subject"`
	Text     string `json:"text"`
	Urgent   bool   `json:"urgent"`
	// SendAt schedules it (RFC 3339); its recipients get it then.
	SendAt *time.Time `json:"send_at"`
}

func (x *API) announceToClass(w http.ResponseWriter, r *http.Request) error {
	return x.announce(w, r, func(id int64, req announcementReq) app.Announcement {
		return app.Announcement{Audience: store.AudienceClass, ClassID: id, Subject: req.Subject, Urgent: req.Urgent, SendAt: req.SendAt}
	})
}

func (x *API) announceToSchool(w http.ResponseWriter, r *http.Request) error {
	return x.announce(w, r, func(id int64, req announcementReq) app.Announcement {
		if req.Audience != store.AudienceFamilies && req.Audience != store.AudienceStaff {
			req.Audience = "" // "class" goes through the class's own endpoint
		}
		return app.Announcement{Audience: req.Audience, SchoolID: id, Subject: req.Subject, Urgent: req.Urgent, SendAt: req.SendAt}
	})
}

func (x *API) announce(w http.ResponseWriter, r *http.Request, to func(int64, announcementReq) app.Announcement) error {
	id, err := parseID(r, "id")
	if err != nil {
		return err
	}
	var req announcementReq
	files, cleanup, err := readMessageBody(r, &req)
	defer cleanup()
	if err != nil {
		return x.storyFileErr(w, r, err)
	}
	s := app.SessionFrom(r.Context())
	conv, err := x.app.Announce(r.Context(), s, to(id, req), app.MessageDraft{Text: req.Text, Files: files})
	if err != nil {
		return x.storyFileErr(w, r, err)
	}
	return x.writeStarted(w, r, s, conv, nil)
}

func (x *API) editMessage(w http.ResponseWriter, r *http.Request) error {
	id, err := parseID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		Text string `json:"text"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	s := app.SessionFrom(r.Context())
	msg, err := x.app.EditMessage(r.Context(), s, id, req.Text)
	if err != nil {
		return err
	}
	m, err := x.sentMessage(r, s, msg)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, m)
}

// MessageUploadRoutes are the API routes that take a message's files as
// multipart/form-data; the web server's body limit must be raised for
// them (MessageFormLimit) before routing, as for stories' uploads.
var MessageUploadRoutes = []string{"POST /api/v1/conversations", "POST /api/v1/conversations/{id}/messages",
	"POST /api/v1/conversations/{id}/replies", "POST /api/v1/classes/{id}/announcements", "POST /api/v1/schools/{id}/announcements"}

// MessageFormLimit is the body limit of a message sent with its files.
func MessageFormLimit(perFile int64) int64 { return int64(app.MessageMaxFiles)*perFile + 1<<20 }
