package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"cubby/internal/api"
	"cubby/internal/app"
	"cubby/internal/i18n"
	"cubby/internal/store"
)

// The message forms: each parses, calls the use case, and redirects with a
// confirmation, or shows its page again with what was wrong and what was
// typed. A sent message's page carries ?sent=, so messages.js forgets the
// draft it kept.

// msgFormError puts an error about the input on the page (field messages,
// the rate limit, a refusal such as a block) and reports its status; other
// errors are the caller's to return.
func (s *Server) msgFormError(w http.ResponseWriter, r *http.Request, p *Page, err error) (int, bool) {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		ve := &app.ValidationError{}
		ve.Add("files", "story.body_too_large", "max", storyMaxMB(s))
		err = ve
	}
	if status, ok := s.formError(w, p, err); ok {
		var ve *app.ValidationError
		if errors.As(err, &ve) {
			if fe, ok := ve.Fields["files"]; ok && (fe.Key == "story.file_too_large" || fe.Key == "story.body_too_large") {
				status = http.StatusRequestEntityTooLarge
			}
		}
		if status == http.StatusTooManyRequests {
			p.Error = p.L.T("message.too_many")
		}
		return status, true
	}
	var re *app.RefusedError
	if errors.As(err, &re) {
		p.Error = p.L.T(re.Key)
		return api.Classify(r.Context(), err).Status, true
	}
	return 0, false
}

// readMessageForm reads a message form with its files.
func readMessageForm(r *http.Request) (map[string][]string, app.MessageDraft, func(), error) {
	fields, files, cleanup, err := api.ReadStoryForm(r)
	return fields, app.MessageDraft{Text: first(fields, "text"), Files: files}, cleanup, err
}

// sendMessageSubmit writes a message in a conversation.
func (s *Server) sendMessageSubmit(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := sessionAt(r, "id")
	if err != nil {
		return err
	}
	_, d, cleanup, err := readMessageForm(r)
	defer cleanup()
	var msg *store.Message
	if err == nil {
		msg, err = s.app.SendMessage(r.Context(), sess, id, d)
	}
	if err != nil {
		return s.conversationFormError(w, r, sess, id, d.Text, err)
	}
	s.redirect(w, r, convURL(id, msg.ID, true), "message.sent")
	return nil
}

// replySubmit answers an announcement privately, in the conversation of
// the reader and its sender.
func (s *Server) replySubmit(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := sessionAt(r, "id")
	if err != nil {
		return err
	}
	_, d, cleanup, err := readMessageForm(r)
	defer cleanup()
	var conv *store.Conversation
	var msg *store.Message
	if err == nil {
		conv, msg, err = s.app.ReplyToAnnouncement(r.Context(), sess, id, d)
	}
	if err != nil {
		return s.conversationFormError(w, r, sess, id, d.Text, err)
	}
	s.redirect(w, r, convURL(conv.ID, msg.ID, true), "message.reply_sent")
	return nil
}

// conversationFormError shows the conversation again with the problem and
// what was typed.
func (s *Server) conversationFormError(w http.ResponseWriter, r *http.Request, sess *app.Session, id int64, text string, err error) error {
	p := s.page(w, r, "message.conversation_title")
	status, ok := s.msgFormError(w, r, p, err)
	if !ok {
		return err
	}
	d, derr := s.conversationData(r, sess, p.L, id)
	if derr != nil {
		return derr
	}
	if d.Compose != nil {
		d.Compose.Text = text
	}
	p.Title, p.Data = d.Title, d
	s.render(w, r, status, "message_conversation", p)
	return nil
}

// startConversationSubmit writes the first message to someone (or to the
// conversation already open with them about the same child).
func (s *Server) startConversationSubmit(w http.ResponseWriter, r *http.Request) error {
	sess := session(r)
	fields, d, cleanup, err := readMessageForm(r)
	defer cleanup()
	to := first(fields, "to")
	var conv *store.Conversation
	var msg *store.Message
	if err == nil {
		nc, ok := parseContact(to)
		if !ok {
			ve := &app.ValidationError{}
			ve.Add("to", "message.no_recipient")
			err = ve
		} else {
			conv, msg, err = s.app.StartConversation(r.Context(), sess, nc, d)
		}
	}
	if err != nil {
		p := s.page(w, r, "message.new_title")
		status, ok := s.msgFormError(w, r, p, err)
		if !ok {
			return err
		}
		nd, derr := s.newConvData(r, sess, p.L, to)
		if derr != nil {
			return derr
		}
		nd.Text = d.Text
		p.Data = nd
		s.render(w, r, status, "message_new", p)
		return nil
	}
	s.redirect(w, r, convURL(conv.ID, msg.ID, true), "message.sent")
	return nil
}

// announceSubmit sends an announcement.
func (s *Server) announceSubmit(w http.ResponseWriter, r *http.Request) error {
	sess := session(r)
	fields, d, cleanup, err := readMessageForm(r)
	defer cleanup()
	to := first(fields, "to")
	an := app.Announcement{Subject: first(fields, "subject"), Urgent: first(fields, "urgent") == "1"}
	sendAt := first(fields, "send_at")
	if err == nil && sendAt != "" {
		// A datetime-local field: the school's wall clock.
		if t, perr := time.ParseInLocation("2006-01-02T15:04", sendAt, s.app.Location); perr == nil {
			an.SendAt = &t
		} else {
			v := &app.ValidationError{}
			v.Add("send_at", "message.send_at_invalid")
			err = v
		}
	}
	var conv *store.Conversation
	if err == nil {
		kind, idText, _ := strings.Cut(to, ":")
		id, perr := strconv.ParseInt(idText, 10, 64)
		switch {
		case perr != nil || id <= 0:
			an.Audience = "" // the app says to choose
		case kind == store.AudienceClass:
			an.Audience, an.ClassID = kind, id
		case kind == store.AudienceFamilies || kind == store.AudienceStaff:
			an.Audience, an.SchoolID = kind, id
		}
		conv, err = s.app.Announce(r.Context(), sess, an, d)
	}
	if err != nil {
		p := s.page(w, r, "message.announce_title")
		status, ok := s.msgFormError(w, r, p, err)
		if !ok {
			return err
		}
		ad, derr := s.announceData(r, sess, p.L, to)
		if derr != nil {
			return derr
		}
		ad.Subject, ad.Text, ad.IsUrgent, ad.SendAt = an.Subject, d.Text, an.Urgent, sendAt
		p.Data = ad
		s.render(w, r, status, "message_announce", p)
		return nil
	}
	if conv.SendAt != nil {
		s.redirect(w, r, convURL(conv.ID, 0, true), "message.scheduled")
		return nil
	}
	s.redirect(w, r, convURL(conv.ID, 0, true), "message.announced")
	return nil
}

// msgBack is where a small message form returns: its back field, or the
// fallback.
func msgBack(r *http.Request, fallback string) string {
	if b := r.PostForm.Get("back"); b != "" {
		return localPath(b)
	}
	return fallback
}

// editMessageSubmit corrects a message its sender sent in the last five
// minutes.
func (s *Server) editMessageSubmit(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := postedTo(r)
	if err != nil {
		return err
	}
	m, err := s.app.EditMessage(r.Context(), sess, id, r.PostForm.Get("text"))
	if errors.Is(err, app.ErrForbidden) {
		return err // not the sender's: no form to go back to
	}
	if err != nil {
		return s.refused(w, r, msgBack(r, "/messages"), err)
	}
	s.redirect(w, r, convURL(m.ConversationID, m.ID, false), "message.edit_saved")
	return nil
}

// reportMessageSubmit reports a message to the school's leaders.
func (s *Server) reportMessageSubmit(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := postedTo(r)
	if err != nil {
		return err
	}
	if err := s.app.ReportMessage(r.Context(), sess, id, r.PostForm.Get("reason")); err != nil {
		return s.refused(w, r, msgBack(r, "/messages"), err)
	}
	s.redirect(w, r, msgBack(r, "/messages")+"#m-"+strconv.FormatInt(id, 10), "message.reported")
	return nil
}

// blockParentSubmit stops a parent of the conversation writing to the
// member of staff, once they confirmed it.
func (s *Server) blockParentSubmit(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := postedTo(r)
	if err != nil {
		return err
	}
	back := "/messages/" + strconv.FormatInt(id, 10)
	v, err := s.app.MessageHistory(r.Context(), sess, id)
	if err != nil {
		return err
	}
	parentID, _ := strconv.ParseInt(r.PostForm.Get("parent_id"), 10, 64)
	found := false
	for _, m := range v.Writers {
		found = found || (m.UserID == parentID && m.Kind == store.KindParent)
	}
	if !found {
		return app.ErrNotFound
	}
	if r.PostForm.Get("confirm") != "1" {
		return s.refused(w, r, back, &app.RefusedError{Key: "message.block_confirm_needed", Err: app.ErrConflict})
	}
	if _, err := s.app.BlockParent(r.Context(), sess, v.Conversation.SchoolID, parentID, r.PostForm.Get("reason")); err != nil {
		if errors.Is(err, app.ErrConflict) {
			err = &app.RefusedError{Key: "message.blocked_already", Err: app.ErrConflict}
		}
		return s.refused(w, r, back, err)
	}
	s.redirect(w, r, back, "message.block_saved")
	return nil
}

// exportConversationSubmit gives a leader a conversation's whole history
// for a safeguarding case, once they confirmed it; the export is written
// to the audit log and the family's access log shows it.
func (s *Server) exportConversationSubmit(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := postedTo(r)
	if err != nil {
		return err
	}
	format := r.PostForm.Get("format")
	if format != "" && format != "txt" {
		format = ""
	}
	if r.PostForm.Get("confirm") != "1" {
		return s.refused(w, r, msgBack(r, "/messages"), &app.RefusedError{Key: "message.export_confirm_needed", Err: app.ErrConflict})
	}
	v, err := s.app.ExportConversation(r.Context(), sess, id)
	if err != nil {
		return err
	}
	return s.writeHistory(w, r, sess, v, true, format)
}

// cancelAnnouncementSubmit calls off the sender's scheduled announcement
// (the page asked them to confirm) and goes back to the inbox.
func (s *Server) cancelAnnouncementSubmit(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := postedTo(r)
	if err != nil {
		return err
	}
	if err := s.app.CancelAnnouncement(r.Context(), sess, id); err != nil {
		return s.refused(w, r, "/messages/"+strconv.FormatInt(id, 10), err)
	}
	s.redirect(w, r, "/messages", "message.cancelled")
	return nil
}

// quietHoursSubmit saves a member of staff's quiet hours.
func (s *Server) quietHoursSubmit(w http.ResponseWriter, r *http.Request) error {
	sess := session(r)
	if k := sess.User.Kind; k != store.KindTeacher && k != store.KindLeader {
		return app.ErrNotFound
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := r.PostForm
	enabled, weekends := f.Get("enabled") == "1", f.Get("weekends") == "1"
	err := s.app.SetQuietHours(r.Context(), sess, enabled, f.Get("starts"), f.Get("ends"), weekends)
	if errors.Is(err, app.ErrForbidden) {
		return app.ErrNotFound
	}
	if err != nil {
		p := s.page(w, r, "message.settings_title")
		status, ok := s.formError(w, p, err)
		if !ok {
			return err
		}
		d, derr := s.messageSettingsData(r, sess, app.QuietHours{})
		if derr != nil {
			return derr
		}
		d.Enabled, d.Weekends, d.Starts, d.Ends = enabled, weekends, f.Get("starts"), f.Get("ends")
		p.Data = d
		s.render(w, r, status, "message_settings", p)
		return nil
	}
	s.redirect(w, r, "/settings/messages", "message.quiet_saved")
	return nil
}

// schoolMessageSettingsSubmit saves a school's messaging switches.
func (s *Server) schoolMessageSettingsSubmit(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := postedTo(r)
	if err != nil {
		return err
	}
	set := store.MessageSettings{ParentReceipts: r.PostForm.Get("parent_receipts") == "1", ParentsOffice: r.PostForm.Get("parents_office") == "1",
		StudentsEnabled: r.PostForm.Get("students_enabled") == "1", StudentsMinGrade: store.DefaultStudentsMinGrade}
	if v := r.PostForm.Get("students_min_grade"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			n = -1 // refused by the app as out of range
		}
		set.StudentsMinGrade = n
	}
	if err := s.app.SetMessageSettings(r.Context(), sess, id, set); err != nil {
		return s.schoolMessagesFormError(w, r, err)
	}
	s.redirect(w, r, "/schools/"+strconv.FormatInt(id, 10)+"/messages", "message.settings_saved")
	return nil
}

// classGradeSubmit sets the grade of a class of the school ("" clears it).
func (s *Server) classGradeSubmit(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := postedTo(r)
	if err != nil {
		return err
	}
	classID, err := strconv.ParseInt(r.PostForm.Get("class_id"), 10, 64)
	if err != nil || classID <= 0 {
		return app.ErrNotFound
	}
	var grade *int
	if v := r.PostForm.Get("grade"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			n = -1 // refused by the app as out of range
		}
		grade = &n
	}
	if err := s.app.SetClassGrade(r.Context(), sess, id, classID, grade); err != nil {
		return s.schoolMessagesFormError(w, r, err)
	}
	s.redirect(w, r, "/schools/"+strconv.FormatInt(id, 10)+"/messages", "message.class_grade_saved")
	return nil
}

// schoolMessagesFormError answers a refused switch or grade with the
// translated reason (4xx); other errors are the caller's.
func (s *Server) schoolMessagesFormError(w http.ResponseWriter, r *http.Request, err error) error {
	var ve *app.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	l := i18n.FromContext(r.Context())
	for _, fe := range ve.Fields {
		s.errorMessage(w, r, http.StatusBadRequest, l.T(fe.Key, fe.Args...))
		return nil
	}
	return err
}

// messageReportResolve marks a reported message dealt with.
func (s *Server) messageReportResolve(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := postedTo(r)
	if err != nil {
		return err
	}
	if err := s.app.ResolveMessageReport(r.Context(), sess, id); err != nil {
		return err
	}
	s.redirect(w, r, msgBack(r, "/messages"), "message.report_resolved")
	return nil
}

// messageBlockLift ends a block: who made it, or a leader of its school.
func (s *Server) messageBlockLift(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := postedTo(r)
	if err != nil {
		return err
	}
	back := msgBack(r, "/settings/messages")
	if err := s.app.LiftMessageBlock(r.Context(), sess, id); err != nil {
		return s.refused(w, r, back, err)
	}
	s.redirect(w, r, back, "message.block_lifted")
	return nil
}

// unreadLabel says how many messages wait, for the navigation.
func unreadLabel(l *i18n.Localizer, n int) string { return l.N("message.unread_count", n) }
