package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"cubby/internal/app"
	"cubby/internal/authz"
	"cubby/internal/i18n"
	"cubby/internal/store"
)

// Messages (issue 12): the inbox, a conversation, starting one, an
// announcement, a member of staff's quiet hours and blocks, a school's
// reports, blocks and switches for its leaders, and a conversation's
// history to print or download. Everything works without JavaScript;
// messages.js adds new messages arriving live, the draft kept while
// typing, and confirmations.

// msgFile is an attachment as a message shows it.
type msgFile struct {
	PublicID, Name, SizeText string
	Width, Height            int
}

// readView is one read receipt: who read a message and when.
type readView struct{ Name, When, ISO string }

// msgView is one message as its page shows it.
type msgView struct {
	ID                int64
	Body              string
	Sender            string
	Mine              bool
	When, ISO         string
	Edited            bool
	Original          string
	CanEdit           bool
	CanReport         bool
	Photos, Files     []msgFile
	Reads             []readView
	ReceiptsShown     bool // the reader sees receipts of this message
	ReadByAllRequired int  // how many others could read it
}

// quietView says a member of staff is in quiet hours until when.
type quietView struct{ Name, Until string }

// convPage is a conversation's page.
type convPage struct {
	ID           int64
	SchoolID     int64
	Title        string
	About        string // the child it is about
	Announcement bool
	Urgent       bool
	Scheduled    string // an announcement waiting to go: when
	Messages     []msgView
	OlderURL     string
	CanWrite     bool
	CanReply     bool
	Recipient    bool
	Blocked      bool
	CanContact   bool // the reader has a proven address
	Recipients   int
	ReplyTo      *storyLink
	Quiet        []quietView
	Parents      []store.Member // parents a member of staff may block here
	CanExport    bool           // a leader: the safeguarding export
	Compose      *composeView   // the message form, for who may write
	Writers      string         // everyone in it, for the history's heading
	// A student conversation: the parents reading along; Observer: the
	// reader is one of them; ReadOnly: the school no longer allows it.
	ReadingAlong string
	Observer     bool
	ReadOnly     bool
}

// composeView is the form to write in a conversation, or to reply
// privately to an announcement.
type composeView struct {
	Action, Label, Button, Who, Text string
	MaxFiles                         int
	MaxMB                            int64
}

// inboxRow is one conversation of the inbox.
type inboxRow struct {
	ID           int64
	Title        string
	About        string
	Preview      string
	Attachments  int
	When, ISO    string
	Unread       int
	Announcement bool
	Urgent       bool
	Recipient    bool
	Scheduled    string // the sender's own announcement waiting to go: when
}

// inboxPage is the inbox.
type inboxPage struct {
	Rows      []inboxRow
	NextURL   string
	CanStart  bool
	Announce  bool
	Staff     bool
	SchoolURL []storyLink // leaders: their schools' message pages
}

// msgTime writes a moment in the school's zone, as people read it.
func (s *Server) msgTime(t time.Time) (string, string) {
	lt := t.In(s.app.Location)
	return lt.Format("2006-01-02 15:04"), lt.Format(time.RFC3339)
}

// shortTime writes a moment as a time today, or a date and time.
func (s *Server) shortTime(t time.Time) string {
	lt, now := t.In(s.app.Location), s.app.Now().In(s.app.Location)
	if lt.Format(time.DateOnly) == now.Format(time.DateOnly) {
		return lt.Format("15:04")
	}
	return lt.Format("2006-01-02 15:04")
}

// memberNames joins the names of the people in a conversation other than
// the reader.
func memberNames(l *i18n.Localizer, list []store.Member, me int64) string {
	var names []string
	for _, m := range list {
		if m.UserID == me {
			continue
		}
		n := l.PersonName(m.Title, m.FirstName, m.LastName)
		if n == "" {
			n = formerName(l, m.Kind)
		}
		names = append(names, n)
	}
	if len(names) == 0 {
		return l.T("message.only_you")
	}
	return strings.Join(names, ", ")
}

// formerName stands for someone whose account is gone.
func formerName(l *i18n.Localizer, kind string) string {
	if kind == store.KindParent {
		return l.T("message.former_parent")
	}
	return l.T("message.former_member")
}

func preview(text string) string {
	text = strings.Join(strings.Fields(text), " ")
	if utf8.RuneCountInString(text) <= 120 {
		return text
	}
	r := []rune(text)
	return string(r[:119]) + "…"
}

// inboxPage lists the person's conversations, newest first.
func (s *Server) inboxPage(w http.ResponseWriter, r *http.Request) error {
	sess := session(r)
	if sess.Actor.Kind == authz.Student {
		// A student's inbox exists once a teacher wrote to them.
		if ok, err := s.app.HasConversations(r.Context(), sess); err != nil || !ok {
			return cmpErr(err, app.ErrNotFound)
		}
	}
	inbox, err := s.app.Inbox(r.Context(), sess, r.URL.Query().Get("cursor"), 50)
	if err != nil {
		return s.storyListError(w, r, err)
	}
	p := s.page(w, r, "message.inbox_title")
	d := &inboxPage{CanStart: authz.CanContactOthers(sess.Actor), Staff: sess.Actor.Kind == authz.Teacher || sess.Actor.Kind == authz.Leader}
	d.Announce = d.Staff && d.CanStart
	for _, it := range inbox.Items {
		row := inboxRow{ID: it.ID, Unread: it.Unread, Announcement: it.Kind == store.ConvAnnouncement, Urgent: it.Urgent,
			Recipient: it.Role == store.RoleRecipient, Preview: preview(it.LastBody), Attachments: it.Attachments}
		row.Title = it.Subject
		if row.Title == "" {
			row.Title = memberNames(p.L, it.With, sess.User.ID)
		}
		if it.StudentFirst != "" {
			row.About = p.L.T("message.about", "name", it.StudentFirst)
		} else if it.ClassName != "" {
			row.About = it.ClassName
		}
		row.When = s.shortTime(it.LastMessageAt)
		_, row.ISO = s.msgTime(it.LastMessageAt)
		if it.Scheduled(s.app.Now()) {
			row.Scheduled, _ = s.msgTime(*it.SendAt)
		}
		d.Rows = append(d.Rows, row)
	}
	d.NextURL = nextURL("/messages", inbox.Next)
	for _, id := range sess.Actor.SchoolIDs() {
		if authz.CanReviewMessages(sess.Actor, id) {
			school, err := s.app.School(r.Context(), id)
			if err != nil {
				return err
			}
			d.SchoolURL = append(d.SchoolURL, storyLink{Label: p.L.T("message.school_link", "school", school.Name), URL: "/schools/" + strconv.FormatInt(id, 10) + "/messages"})
		}
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "message_inbox", p)
	return nil
}

// conversationPage shows a conversation's latest messages and marks them
// read.
func (s *Server) conversationPage(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := sessionAt(r, "id")
	if err != nil {
		return err
	}
	p := s.page(w, r, "message.conversation_title")
	d, err := s.conversationData(r, sess, p.L, id)
	if err != nil {
		return err
	}
	p.Title, p.Data = d.Title, d
	s.render(w, r, http.StatusOK, "message_conversation", p)
	return nil
}

func (s *Server) conversationData(r *http.Request, sess *app.Session, l *i18n.Localizer, id int64) (*convPage, error) {
	var before int64
	if b := r.URL.Query().Get("before"); b != "" && r.Method == http.MethodGet {
		n, err := strconv.ParseInt(b, 10, 64)
		if err != nil || n <= 0 {
			return nil, app.ErrNotFound
		}
		before = n
	}
	v, err := s.app.OpenConversation(r.Context(), sess, id, before, 50)
	if err != nil {
		return nil, err
	}
	d := s.convView(l, sess, v)
	if v.Older != 0 {
		d.OlderURL = "/messages/" + strconv.FormatInt(id, 10) + "?before=" + strconv.FormatInt(v.Older, 10)
	}
	return d, nil
}

// convView turns a conversation the app loaded into its page's data.
func (s *Server) convView(l *i18n.Localizer, sess *app.Session, v *app.ConversationView) *convPage {
	c := v.Conversation
	d := &convPage{ID: c.ID, SchoolID: c.SchoolID, Announcement: c.Kind == store.ConvAnnouncement, Urgent: c.Urgent,
		CanWrite: v.CanWrite, CanReply: v.CanReply, Recipient: v.Recipient, Blocked: v.Blocked, Recipients: v.Recipients,
		CanContact: authz.CanContactOthers(sess.Actor),
		CanExport:  authz.CanReviewMessages(sess.Actor, c.SchoolID),
		Observer:   v.Observer, ReadOnly: v.ReadOnly}
	if len(v.ReadingAlong) > 0 {
		d.ReadingAlong = memberNames(l, v.ReadingAlong, 0)
	}
	d.Title = c.Subject
	if c.Scheduled(s.app.Now()) {
		d.Scheduled, _ = s.msgTime(*c.SendAt)
	}
	if d.Title == "" {
		d.Title = memberNames(l, v.Writers, sess.User.ID)
	}
	d.Writers = memberNames(l, v.Writers, 0)
	path := "/messages/" + strconv.FormatInt(c.ID, 10)
	switch {
	case v.Blocked:
	case v.CanWrite:
		who := d.Title
		if d.ReadingAlong != "" {
			who += ", " + d.ReadingAlong // the parents read every message
		}
		d.Compose = &composeView{Action: path, Label: l.T("message.write"), Button: l.T("message.send"), Who: l.T("message.who_reads", "names", who)}
	case v.CanReply:
		d.Compose = &composeView{Action: path + "/reply", Label: l.T("message.reply_privately_label"), Button: l.T("message.reply_send"), Who: l.T("message.reply_who")}
	}
	if d.Compose != nil {
		d.Compose.MaxFiles, d.Compose.MaxMB = app.MessageMaxFiles, storyMaxMB(s)
	}
	if c.StudentFirst != "" {
		d.About = l.T("message.about", "name", c.StudentFirst)
	} else if c.ClassName != "" {
		d.About = c.ClassName
	}
	if v.ReplyTo != nil {
		d.ReplyTo = &storyLink{Label: l.T("message.reply_to", "subject", v.ReplyTo.Subject), URL: "/messages/" + strconv.FormatInt(v.ReplyTo.ID, 10)}
	}
	for _, q := range v.Quiet {
		d.Quiet = append(d.Quiet, quietView{Name: q.Name, Until: s.shortTime(q.Until)})
	}
	if (sess.Actor.Kind == authz.Teacher || sess.Actor.Kind == authz.Leader) && !d.Announcement && authz.CanBlockParent(sess.Actor, c.SchoolID) {
		for _, m := range v.Writers {
			if m.Kind == store.KindParent {
				d.Parents = append(d.Parents, m)
			}
		}
	}
	others := 0
	for _, m := range v.Writers {
		if m.UserID != sess.User.ID {
			others++
		}
	}
	for _, m := range v.Messages {
		d.Messages = append(d.Messages, s.msgViewOf(l, m, v.Receipts, others))
	}
	return d
}

func (s *Server) msgViewOf(l *i18n.Localizer, m app.MessageView, receipts bool, others int) msgView {
	mv := msgView{ID: m.ID, Body: m.Body, Mine: m.Mine, CanEdit: m.CanEdit, CanReport: m.CanReport, Edited: m.EditedAt != nil,
		ReceiptsShown: receipts && m.Mine, ReadByAllRequired: others}
	if m.SenderID != 0 {
		mv.Sender = l.PersonName(m.SenderTitle, m.SenderFirst, m.SenderLast)
	}
	if mv.Sender == "" {
		mv.Sender = formerName(l, m.SenderKind)
	}
	mv.When, mv.ISO = s.msgTime(m.CreatedAt)
	if m.OriginalBody != nil {
		mv.Original = *m.OriginalBody
	}
	for _, a := range m.Attachments {
		f := msgFile{PublicID: a.PublicID, Name: a.Name, Width: a.Width, Height: a.Height}
		switch {
		case a.Size >= 1<<20:
			f.SizeText = l.T("story.size_mb", "n", strconv.FormatFloat(float64(a.Size)/(1<<20), 'f', 1, 64))
		default:
			f.SizeText = l.T("story.size_kb", "n", (a.Size+1023)/1024)
		}
		if a.Kind == store.AttachPhoto {
			mv.Photos = append(mv.Photos, f)
		} else {
			mv.Files = append(mv.Files, f)
		}
	}
	for _, rd := range m.Reads {
		if rd.UserID == m.SenderID {
			continue
		}
		name := l.PersonName(rd.Title, rd.FirstName, rd.LastName)
		if name == "" {
			name = formerName(l, rd.Kind)
		}
		rv := readView{Name: name}
		rv.When, rv.ISO = s.msgTime(rd.ReadAt)
		rv.When = s.shortTime(rd.ReadAt)
		mv.Reads = append(mv.Reads, rv)
	}
	return mv
}

// contactOption is one person (or all of a child's parents) the composer
// offers.
type contactOption struct {
	Value, Label string
	Selected     bool
}

// contactGroup is the options about one child, or between staff.
type contactGroup struct {
	Label   string
	Options []contactOption
}

// newConvPage is the form to start a conversation.
type newConvPage struct {
	Groups   []contactGroup
	Text     string
	MaxFiles int
	MaxMB    int64
}

// contactValue names a contact in the form: person, child and school.
func contactValue(to, student, school int64) string {
	return strconv.FormatInt(to, 10) + ":" + strconv.FormatInt(student, 10) + ":" + strconv.FormatInt(school, 10)
}

// parseContact reads the form's "to" back; "all" for all of a child's
// parents.
func parseContact(v string) (app.NewConversation, bool) {
	parts := strings.Split(v, ":")
	if len(parts) != 3 {
		return app.NewConversation{}, false
	}
	var nc app.NewConversation
	if parts[0] == "all" {
		nc.AllParents = true
	} else {
		n, err := strconv.ParseInt(parts[0], 10, 64)
		if err != nil || n <= 0 {
			return nc, false
		}
		nc.To = n
	}
	st, err1 := strconv.ParseInt(parts[1], 10, 64)
	sc, err2 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil || st < 0 || sc <= 0 {
		return nc, false
	}
	nc.StudentID, nc.SchoolID = st, sc
	return nc, true
}

func (s *Server) newConvData(r *http.Request, sess *app.Session, l *i18n.Localizer, selected string) (*newConvPage, error) {
	if !authz.CanContactOthers(sess.Actor) {
		return nil, &app.RefusedError{Key: "message.verify_to_write", Err: app.ErrForbidden}
	}
	list, err := s.app.Contacts(r.Context(), sess)
	if err != nil {
		return nil, err
	}
	d := &newConvPage{MaxFiles: app.MessageMaxFiles, MaxMB: storyMaxMB(s)}
	index := map[string]int{}
	staff := sess.Actor.Kind == authz.Teacher || sess.Actor.Kind == authz.Leader
	for _, c := range list {
		key := strconv.FormatInt(c.StudentID, 10) + ":" + strconv.FormatInt(c.SchoolID, 10)
		student := c.Kind == store.KindStudent
		if student {
			key = "students:" + strconv.FormatInt(c.SchoolID, 10)
		}
		i, ok := index[key]
		if !ok {
			label := l.T("message.staff_group")
			if student {
				label = l.T("message.students_group")
			} else if c.StudentID != 0 {
				label = l.T("message.about", "name", c.StudentFirst)
			}
			d.Groups = append(d.Groups, contactGroup{Label: label})
			i = len(d.Groups) - 1
			index[key] = i
		}
		g := &d.Groups[i]
		if student {
			g.Options = append(g.Options, contactOption{Value: contactValue(c.UserID, c.StudentID, c.SchoolID), Label: l.T("message.student_contact", "name", l.PersonName(c.Title, c.FirstName, c.LastName))})
			continue
		}
		if staff && c.StudentID != 0 && len(g.Options) == 1 {
			// A second parent: offer them all at once, first.
			all := contactValue(0, c.StudentID, c.SchoolID)
			all = "all" + all[1:]
			g.Options = append([]contactOption{{Value: all, Label: l.T("message.all_parents_of", "name", c.StudentFirst)}}, g.Options...)
		}
		name := l.PersonName(c.Title, c.FirstName, c.LastName)
		if c.Kind == store.KindLeader && c.StudentID != 0 && !staff {
			name = l.T("message.office", "name", name)
		}
		g.Options = append(g.Options, contactOption{Value: contactValue(c.UserID, c.StudentID, c.SchoolID), Label: name})
	}
	for gi := range d.Groups {
		for oi := range d.Groups[gi].Options {
			o := &d.Groups[gi].Options[oi]
			o.Selected = o.Value == selected
		}
	}
	return d, nil
}

// newConversationPage is the form to write to someone new.
func (s *Server) newConversationPage(w http.ResponseWriter, r *http.Request) error {
	sess := session(r)
	if sess.Actor.Kind == authz.Student {
		return app.ErrNotFound
	}
	p := s.page(w, r, "message.new_title")
	q := r.URL.Query()
	sel := q.Get("to")
	d, err := s.newConvData(r, sess, p.L, sel)
	if err != nil {
		return err
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "message_new", p)
	return nil
}

// audienceOption is where an announcement may go.
type audienceOption struct {
	Value, Label string
	Selected     bool
}

// announcePage is the announcement form's data.
type announceData struct {
	Audiences []audienceOption
	Urgent    bool // the writer may mark it urgent (a leader)
	Subject   string
	Text      string
	IsUrgent  bool
	SendAt    string // the datetime-local value the form was sent with
	MinSendAt string // the earliest it offers: now, in the school's zone
	MaxFiles  int
	MaxMB     int64
}

func (s *Server) announceData(r *http.Request, sess *app.Session, l *i18n.Localizer, selected string) (*announceData, error) {
	act := sess.Actor
	if act.Kind != authz.Teacher && act.Kind != authz.Leader {
		return nil, app.ErrNotFound
	}
	if !authz.CanContactOthers(act) {
		return nil, &app.RefusedError{Key: "message.verify_to_write", Err: app.ErrForbidden}
	}
	d := &announceData{MaxFiles: app.MessageMaxFiles, MaxMB: storyMaxMB(s), MinSendAt: s.app.Now().In(s.app.Location).Format("2006-01-02T15:04")}
	classes, err := s.app.Classes(r.Context(), sess, store.ClassPage{Limit: 200})
	if err != nil && !errors.Is(err, app.ErrForbidden) {
		return nil, err
	}
	for _, c := range classes {
		if c.ArchivedAt == nil && authz.CanAnnounceToClass(act, authz.ClassRef{ID: c.ID, SchoolID: c.SchoolID}) {
			d.Audiences = append(d.Audiences, audienceOption{Value: "class:" + strconv.FormatInt(c.ID, 10), Label: l.T("message.to_class", "class", c.Name)})
		}
	}
	for _, id := range act.SchoolIDs() {
		if !authz.CanAnnounceToSchool(act, id) {
			continue
		}
		school, err := s.app.School(r.Context(), id)
		if err != nil {
			return nil, err
		}
		sid := strconv.FormatInt(id, 10)
		d.Urgent = true
		d.Audiences = append(d.Audiences, audienceOption{Value: "families:" + sid, Label: l.T("message.to_families", "school", school.Name)},
			audienceOption{Value: "staff:" + sid, Label: l.T("message.to_staff", "school", school.Name)})
	}
	if len(d.Audiences) == 0 {
		return nil, app.ErrNotFound
	}
	for i := range d.Audiences {
		d.Audiences[i].Selected = d.Audiences[i].Value == selected
	}
	return d, nil
}

// announcePage is the form for an announcement to a class's families, or
// a school's families or staff.
func (s *Server) announcePage(w http.ResponseWriter, r *http.Request) error {
	sess := session(r)
	p := s.page(w, r, "message.announce_title")
	d, err := s.announceData(r, sess, p.L, r.URL.Query().Get("to"))
	if err != nil {
		return err
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "message_announce", p)
	return nil
}

// messageSettingsData is a member of staff's quiet hours and blocks.
type messageSettingsData struct {
	Enabled, Weekends bool
	Starts, Ends      string
	Blocks            []blockView
}

// blockView is a block as a list shows it.
type blockView struct {
	ID                 int64
	Parent, By, Reason string
	When               string
	SchoolID           int64
}

func (s *Server) blockViews(list []store.MessageBlock) []blockView {
	out := make([]blockView, 0, len(list))
	for _, b := range list {
		out = append(out, blockView{ID: b.ID, Parent: b.ParentName, By: b.BlockerName, Reason: b.Reason, When: s.shortTime(b.CreatedAt), SchoolID: b.SchoolID})
	}
	return out
}

// messageSettingsPage is where staff set their quiet hours and see whom
// they blocked.
func (s *Server) messageSettingsPage(w http.ResponseWriter, r *http.Request) error {
	sess := session(r)
	if k := sess.User.Kind; k != store.KindTeacher && k != store.KindLeader {
		return app.ErrNotFound // everyone's quiet hours are on /settings/notifications
	}
	h, err := s.app.MyQuietHours(r.Context(), sess)
	if errors.Is(err, app.ErrForbidden) {
		return app.ErrNotFound
	}
	if err != nil {
		return err
	}
	p := s.page(w, r, "message.settings_title")
	d, err := s.messageSettingsData(r, sess, h)
	if err != nil {
		return err
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "message_settings", p)
	return nil
}

func (s *Server) messageSettingsData(r *http.Request, sess *app.Session, h app.QuietHours) (*messageSettingsData, error) {
	blocks, err := s.app.MyMessageBlocks(r.Context(), sess)
	if err != nil {
		return nil, err
	}
	return &messageSettingsData{Enabled: h.Enabled, Weekends: h.Weekends, Starts: app.ClockText(h.Starts), Ends: app.ClockText(h.Ends), Blocks: s.blockViews(blocks)}, nil
}

// msgReportView is a reported message for the leaders' queue.
type msgReportView struct {
	ID             int64
	ConversationID int64
	Reporter       string
	Reason         string
	When           string
	Message        msgView
}

// schoolMessagesData is a school's messaging page for its leaders.
type schoolMessagesData struct {
	SchoolID      int64
	School        string
	Settings      store.MessageSettings
	Grades        []gradeOption // the grades a school chooses from
	Classes       []classGradeView
	Reports       []msgReportView
	Blocks        []blockView
	Conversations []inboxRow
}

// gradeOption is a grade in a list to choose from.
type gradeOption struct {
	Value    string
	Label    string
	Selected bool
}

// classGradeView is a class with its grade, for the leaders' form.
type classGradeView struct {
	ID     int64
	Name   string
	Grades []gradeOption // "" first: no grade
}

// gradeLabel names a grade in the reader's language.
func gradeLabel(l *i18n.Localizer, g int) string {
	if g == 0 {
		return l.T("message.grade_k")
	}
	return l.T("message.grade_n", "n", g)
}

// gradeOptions lists the grades, the selected one marked (nil: none).
func gradeOptions(l *i18n.Localizer, selected *int, none bool) []gradeOption {
	var out []gradeOption
	if none {
		out = append(out, gradeOption{Value: "", Label: l.T("message.grade_none"), Selected: selected == nil})
	}
	for g := store.MinGrade; g <= store.MaxGrade; g++ {
		out = append(out, gradeOption{Value: strconv.Itoa(g), Label: gradeLabel(l, g), Selected: selected != nil && *selected == g})
	}
	return out
}

// schoolMessagesPage shows a school's reported messages, blocks and
// switches, and its conversations for a safeguarding export, to its
// leaders.
func (s *Server) schoolMessagesPage(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := sessionAt(r, "id")
	if err != nil {
		return err
	}
	p := s.page(w, r, "message.school_title")
	reports, err := s.app.MessageReports(r.Context(), sess, id)
	if err != nil {
		return err
	}
	blocks, err := s.app.MessageBlocks(r.Context(), sess, id)
	if err != nil {
		return err
	}
	set, err := s.app.MessageSettings(r.Context(), sess, id)
	if err != nil {
		return err
	}
	convs, err := s.app.SchoolConversations(r.Context(), sess, id, 100)
	if err != nil {
		return err
	}
	school, err := s.app.School(r.Context(), id)
	if err != nil {
		return err
	}
	classes, err := s.app.ClassGrades(r.Context(), sess, id)
	if err != nil {
		return err
	}
	d := &schoolMessagesData{SchoolID: id, School: school.Name, Settings: set, Blocks: s.blockViews(blocks),
		Grades: gradeOptions(p.L, &set.StudentsMinGrade, false)}
	for _, c := range classes {
		d.Classes = append(d.Classes, classGradeView{ID: c.ID, Name: c.Name, Grades: gradeOptions(p.L, c.Grade, true)})
	}
	for _, rp := range reports {
		rv := msgReportView{ID: rp.ID, ConversationID: rp.Message.ConversationID, Reporter: rp.ReporterName, Reason: rp.Reason, When: s.shortTime(rp.CreatedAt)}
		rv.Message = s.msgViewOf(p.L, app.MessageView{Message: rp.Message}, false, 0)
		d.Reports = append(d.Reports, rv)
	}
	for _, c := range convs {
		row := inboxRow{ID: c.ID, Announcement: c.Kind == store.ConvAnnouncement, Title: c.Subject}
		if row.Title == "" {
			row.Title = memberNames(p.L, c.With, 0)
		}
		if c.StudentFirst != "" {
			row.About = p.L.T("message.about", "name", c.StudentFirst)
		}
		row.When = s.shortTime(c.LastMessageAt)
		d.Conversations = append(d.Conversations, row)
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "message_school", p)
	return nil
}

// historyData is a conversation's whole history, to print or download.
type historyData struct {
	*convPage
	Export   bool // a leader's safeguarding export, recorded
	Exported string
	TextURL  string
}

// historyPage is a conversation's whole history for its members: to
// print, or ?format=txt to download.
func (s *Server) historyPage(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := sessionAt(r, "id")
	if err != nil {
		return err
	}
	v, err := s.app.MessageHistory(r.Context(), sess, id)
	if err != nil {
		return err
	}
	return s.writeHistory(w, r, sess, v, false, r.URL.Query().Get("format"))
}

func (s *Server) writeHistory(w http.ResponseWriter, r *http.Request, sess *app.Session, v *app.ConversationView, export bool, format string) error {
	p := s.page(w, r, "message.history_title")
	d := &historyData{convPage: s.convView(p.L, sess, v), Export: export}
	d.Exported, _ = s.msgTime(s.app.Now())
	// Every message of the history shows its reads.
	for i := range d.Messages {
		d.Messages[i].ReceiptsShown = true
	}
	name := "conversation-" + strconv.FormatInt(v.Conversation.ID, 10)
	switch format {
	case "":
	case "txt":
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.txt"`)
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Write([]byte(historyText(p.L, d)))
		return nil
	default:
		return app.ErrNotFound
	}
	d.TextURL = "/messages/" + strconv.FormatInt(v.Conversation.ID, 10) + "/history?format=txt"
	p.Title, p.Data = d.Title, d
	s.render(w, r, http.StatusOK, "message_history", p)
	return nil
}

// historyText is the history as plain text, for a download.
func historyText(l *i18n.Localizer, d *historyData) string {
	var b strings.Builder
	b.WriteString(d.Title + "\n")
	if d.About != "" {
		b.WriteString(d.About + "\n")
	}
	b.WriteString(l.T("message.history_people", "names", d.Writers) + "\n")
	b.WriteString(l.T("message.history_made", "when", d.Exported) + "\n")
	if d.Export {
		b.WriteString(l.T("message.export_recorded") + "\n")
	}
	for _, m := range d.Messages {
		b.WriteString("\n" + m.When + " · " + m.Sender)
		if m.Edited {
			b.WriteString(" · " + l.T("message.edited"))
		}
		b.WriteString("\n" + m.Body + "\n")
		if m.Edited && m.Original != "" {
			b.WriteString(l.T("message.original") + " " + m.Original + "\n")
		}
		for _, f := range append(append([]msgFile{}, m.Photos...), m.Files...) {
			b.WriteString(l.T("message.attachment") + " " + f.Name + "\n")
		}
		for _, rd := range m.Reads {
			b.WriteString(l.T("message.read_by", "name", rd.Name, "when", rd.When) + "\n")
		}
	}
	return b.String()
}

// messageFile serves a message's attachment, checking on every request
// that the reader sees its conversation.
func (s *Server) messageFile(w http.ResponseWriter, r *http.Request) error {
	sess := session(r)
	f, err := s.app.OpenMessageFile(r.Context(), sess, r.PathValue("id"), r.URL.Query().Get("size"))
	if err != nil {
		return err
	}
	defer f.Close()
	serveMessageFile(w, f)
	return nil
}

// cmpErr is err, or fallback when there is none.
func cmpErr(err, fallback error) error {
	if err != nil {
		return err
	}
	return fallback
}

// convURL is a conversation's page, at a message.
func convURL(convID, msgID int64, sent bool) string {
	u := "/messages/" + strconv.FormatInt(convID, 10)
	if sent {
		u += "?sent=" + url.QueryEscape(strconv.FormatInt(msgID, 10))
	}
	if msgID != 0 {
		u += "#m-" + strconv.FormatInt(msgID, 10)
	}
	return u
}
