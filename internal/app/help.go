package app

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"

	"cubby/internal/authz"
	"cubby/internal/db"
	"cubby/internal/notify"
	"cubby/internal/store"
)

// Help requests (issue 18): anyone, logged in or not, asks for help from
// the footer of every page. A request about a school goes to the school's
// active leaders; one about no school, or a school with no active leader,
// to the deployment's operator, who answers with `cubby helpdesk` (the same
// way the operator stands in for missing leaders with `cubby staff`).
// There is no operator account: whoever can run the command owns the
// server, and a new kind of account able to read every school's requests
// would be one more thing to protect. Answers go by email through the
// outbox (or by text message where a gateway is configured); internal
// notes stay with the people answering. A request is deleted 30 days after
// it is closed (help_requests.yaml).

// Help configures help requests' rate limits.
type Help struct {
	// PerIP and PerContact limit the requests an hour from one client
	// address and to one email address, phone number or account; 0 means
	// the defaults.
	PerIP, PerContact int

	once       sync.Once
	perIP      *limiter
	perContact *limiter
}

// Default limits of help requests, an hour: a school office behind one
// address may send several, a script not many.
const (
	DefaultHelpPerIP      = 10
	DefaultHelpPerContact = 3
	// HelpMaxBody is the longest question or answer, in characters.
	HelpMaxBody  = 4000
	helpInboxMax = 200
)

func (h *Help) init() {
	h.once.Do(func() {
		ip, contact := h.PerIP, h.PerContact
		if ip <= 0 {
			ip = DefaultHelpPerIP
		}
		if contact <= 0 {
			contact = DefaultHelpPerContact
		}
		h.perIP = newLimiter(ip, time.Hour)
		h.perContact = newLimiter(contact, time.Hour)
	})
}

// HelpTopics are what a request can be about, in the order the form shows them.
var HelpTopics = []string{"login", "child", "privacy", "other"}

// HelpStatuses are a request's statuses, in the order the inbox filters them.
var HelpStatuses = []string{store.HelpNew, store.HelpAnswered, store.HelpClosed}

// HelpInput is a request as the form or the API sends it.
type HelpInput struct {
	Topic    string
	Body     string
	SchoolID int64
	// Email and Phone are a visitor's, for an answer; both optional.
	// A logged-in person's are ignored: the answer goes to the account.
	Email, Phone string
	// Website is the honeypot: a field people never see, which bots fill in.
	Website  string
	Language string
	IP       string
}

// SubmitHelpRequest stores a request for help. s is nil for a visitor.
// Bad input is a ValidationError and nothing is stored; past the limits a
// RateLimitError. A filled-in honeypot stores nothing yet answers as if
// it had (a request with ID 0), so a bot learns nothing.
func (a *App) SubmitHelpRequest(ctx context.Context, s *Session, in HelpInput) (*store.HelpRequest, error) {
	var actor *authz.Actor
	if s != nil {
		actor = s.Actor
	}
	if !authz.CanAskForHelp(actor) {
		return nil, ErrForbidden
	}
	r, err := a.checkHelp(ctx, s, in)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(in.Website) != "" {
		return r, nil
	}
	a.Help.init()
	now := a.Now()
	contact := "user:" + strconv.FormatInt(r.UserID, 10)
	if r.UserID == 0 {
		contact = "contact:" + r.Email + r.Phone
	}
	ipKey := "ip:" + in.IP
	wait := a.Help.perIP.check(ipKey, now)
	if r.UserID != 0 || r.Email != "" || r.Phone != "" {
		wait = max(wait, a.Help.perContact.check(contact, now))
	}
	if wait > 0 {
		return nil, &RateLimitError{RetryAfter: wait, Key: "help.rate_limited"}
	}
	r.CreatedAt = now
	if err := store.CreateHelpRequest(ctx, a.db.W, r); err != nil {
		return nil, err
	}
	a.Help.perIP.add(ipKey, now)
	if r.UserID != 0 || r.Email != "" || r.Phone != "" {
		a.Help.perContact.add(contact, now)
	}
	return r, nil
}

// checkHelp validates a request and returns it ready to store.
func (a *App) checkHelp(ctx context.Context, s *Session, in HelpInput) (*store.HelpRequest, error) {
	v := &ValidationError{}
	r := &store.HelpRequest{Topic: in.Topic, SchoolID: in.SchoolID, Language: in.Language}
	if !oneOf(HelpTopics, in.Topic) {
		v.Add("topic", "help.topic_required")
	}
	body, key := helpText(in.Body, HelpMaxBody)
	if key != "" {
		v.Add("body", key, "max", HelpMaxBody)
	}
	r.Body = body
	if in.SchoolID < 0 {
		v.Add("school_id", "help.school_unknown")
	} else if in.SchoolID > 0 {
		school, err := store.SchoolByID(ctx, a.db.R, in.SchoolID)
		switch {
		case errors.Is(err, ErrNotFound):
			v.Add("school_id", "help.school_unknown")
		case err != nil:
			return nil, err
		default:
			r.SchoolName = school.Name
		}
	}
	if s != nil {
		r.UserID = s.User.ID
		r.Language = s.User.Language
	} else {
		if e := normalizeEmail(in.Email); e != "" {
			if k := checkEmail(e); k != "" {
				v.Add("email", k)
			}
			r.Email = e
		}
		if strings.TrimSpace(in.Phone) != "" {
			p, k := a.checkPhone(in.Phone)
			if k != "" {
				v.Add("phone", k)
			}
			r.Phone = p
		}
	}
	if !oneOf(a.Languages, r.Language) {
		r.Language = "en"
		if len(a.Languages) > 0 {
			r.Language = a.Languages[0]
		}
	}
	return r, v.Err()
}

// checkPhone reads a phone number as people type it, in the deployment's
// country unless it starts with + or 00, checks with libphonenumber's
// metadata that such a number can exist, and returns it in E.164 form.
func (a *App) checkPhone(s string) (string, string) {
	s = strings.TrimSpace(s)
	if len(s) > 40 {
		return "", "help.phone_invalid"
	}
	if strings.HasPrefix(s, "00") {
		s = "+" + s[2:]
	}
	n, err := phonenumbers.Parse(s, strings.ToUpper(a.Country))
	if err != nil || !phonenumbers.IsValidNumber(n) {
		return "", "help.phone_invalid"
	}
	return phonenumbers.Format(n, phonenumbers.E164), ""
}

// helpText trims a free text, keeps line breaks and tabs but no other
// control characters, and reports a problem key: empty, or over max
// characters.
func helpText(s string, max int) (string, string) {
	s = strings.TrimSpace(strings.ToValidUTF8(s, ""))
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			return -1
		}
		return r
	}, strings.ReplaceAll(s, "\r\n", "\n"))
	switch {
	case s == "":
		return "", "validation.required"
	case utf8.RuneCountInString(s) > max:
		return "", "help.too_long"
	}
	return s, ""
}

func oneOf(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// HelpInbox lists a school's requests for its leaders, waiting ones
// first; status "" means all.
func (a *App) HelpInbox(ctx context.Context, s *Session, schoolID int64, status string) ([]store.HelpRequest, error) {
	if !authz.CanAnswerHelp(s.Actor, schoolID) {
		return nil, ErrNotFound
	}
	if status != "" && !oneOf(HelpStatuses, status) {
		v := &ValidationError{}
		v.Add("status", "help.status_unknown")
		return nil, v
	}
	return store.HelpRequestsOfSchool(ctx, a.db.R, schoolID, status, helpInboxMax)
}

// HelpWaiting counts the school's requests waiting for an answer, for
// its leaders' pages; 0 for anyone else.
func (a *App) HelpWaiting(ctx context.Context, s *Session, schoolID int64) (int, error) {
	if !authz.CanAnswerHelp(s.Actor, schoolID) {
		return 0, nil
	}
	return store.CountOpenHelpRequests(ctx, a.db.R, schoolID)
}

// MyHelpRequests lists the logged-in person's own requests.
func (a *App) MyHelpRequests(ctx context.Context, s *Session) ([]store.HelpRequest, error) {
	return store.HelpRequestsOf(ctx, a.db.R, s.User.ID)
}

// HelpThread is a request with its history, and whether the reader
// answers it (leaders see notes and act; the requester sees neither).
type HelpThread struct {
	Request *store.HelpRequest
	Events  []store.HelpEvent
	Answers bool
	// CanReply: an answer can be sent (an address, or a number with a
	// text message gateway); otherwise the one answering calls back.
	CanReply bool
}

// HelpRequest opens a request: for the school's leaders with its whole
// history, for the person who asked with the answers only. Anyone else,
// and a request of the operator's, is ErrNotFound.
func (a *App) HelpRequest(ctx context.Context, s *Session, id int64) (*HelpThread, error) {
	r, err := store.HelpRequestByID(ctx, a.db.R, id)
	if err != nil {
		return nil, err
	}
	answers := authz.CanAnswerHelp(s.Actor, r.SchoolID)
	if !answers && !authz.CanSeeOwnHelpRequest(s.Actor, r.UserID) {
		return nil, ErrNotFound
	}
	return a.helpThread(ctx, r, answers)
}

func (a *App) helpThread(ctx context.Context, r *store.HelpRequest, answers bool) (*HelpThread, error) {
	events, err := store.HelpEvents(ctx, a.db.R, r.ID)
	if err != nil {
		return nil, err
	}
	if !answers {
		kept := events[:0]
		for _, e := range events {
			if e.Kind != store.HelpEventNote {
				kept = append(kept, e)
			}
		}
		events = kept
	}
	return &HelpThread{Request: r, Events: events, Answers: answers, CanReply: a.helpReachable(r)}, nil
}

func (a *App) helpReachable(r *store.HelpRequest) bool {
	return r.UserEmail != "" || r.Email != "" || (r.Phone != "" && a.texter() != nil)
}

// HelpAction is what a leader or the operator does with a request.
type HelpAction struct {
	Kind   string // reply, note or status
	Body   string // reply, note
	Status string // status
}

// SchoolHelpRequest opens a request of the school's inbox, for its
// leaders, with its whole history; a request of another school, or
// anyone else asking, is ErrNotFound.
func (a *App) SchoolHelpRequest(ctx context.Context, s *Session, schoolID, id int64) (*HelpThread, error) {
	r, err := a.schoolHelp(ctx, s, schoolID, id)
	if err != nil {
		return nil, err
	}
	return a.helpThread(ctx, r, true)
}

func (a *App) schoolHelp(ctx context.Context, s *Session, schoolID, id int64) (*store.HelpRequest, error) {
	if !authz.CanAnswerHelp(s.Actor, schoolID) {
		return nil, ErrNotFound
	}
	r, err := store.HelpRequestByID(ctx, a.db.R, id)
	if err != nil {
		return nil, err
	}
	if r.SchoolID != schoolID {
		return nil, ErrNotFound
	}
	return r, nil
}

// ActOnHelpRequest answers a request of the school's inbox (the answer is
// queued to the person who asked, and a new request becomes answered),
// adds an internal note, or changes its status, for the school's leaders.
func (a *App) ActOnHelpRequest(ctx context.Context, s *Session, schoolID, id int64, act HelpAction) (*store.HelpRequest, error) {
	r, err := a.schoolHelp(ctx, s, schoolID, id)
	if err != nil {
		return nil, err
	}
	return r, a.actOnHelp(ctx, r, s.User.ID, s.User.FullName(), act)
}

// actOnHelp does a leader's (by, their name) or the operator's (by 0) action.
func (a *App) actOnHelp(ctx context.Context, r *store.HelpRequest, by int64, name string, act HelpAction) error {
	now := a.Now()
	switch act.Kind {
	case store.HelpEventReply, store.HelpEventNote:
		body, key := helpText(act.Body, HelpMaxBody)
		if key != "" {
			v := &ValidationError{}
			v.Add("body", key, "max", HelpMaxBody)
			return v
		}
		if act.Kind == store.HelpEventReply && !a.helpReachable(r) {
			return refused("help.no_contact", ErrConflict)
		}
		return a.db.Tx(ctx, func(tx db.Querier) error {
			if err := store.AddHelpEvent(ctx, tx, &store.HelpEvent{RequestID: r.ID, Kind: act.Kind, AuthorID: by, Body: body, CreatedAt: now}, r.SchoolID); err != nil {
				return err
			}
			if act.Kind == store.HelpEventNote {
				return store.TouchHelpRequest(ctx, tx, r.ID, now)
			}
			if err := a.sendHelpAnswer(ctx, tx, r, name, body, now); err != nil {
				return err
			}
			if r.Status == store.HelpNew {
				return store.SetHelpStatus(ctx, tx, r, store.HelpAnswered, by, now)
			}
			return store.TouchHelpRequest(ctx, tx, r.ID, now)
		})
	case store.HelpEventStatus:
		if !oneOf(HelpStatuses, act.Status) {
			v := &ValidationError{}
			v.Add("status", "help.status_unknown")
			return v
		}
		err := a.db.Tx(ctx, func(tx db.Querier) error { return store.SetHelpStatus(ctx, tx, r, act.Status, by, now) })
		if errors.Is(err, ErrConflict) {
			return refused("help.status_same", ErrConflict)
		}
		return err
	}
	v := &ValidationError{}
	v.Add("kind", "help.action_unknown")
	return v
}

// sendHelpAnswer queues the answer: by email to the account or the
// address left, else by text message to the number left.
func (a *App) sendHelpAnswer(ctx context.Context, tx db.Querier, r *store.HelpRequest, name, body string, now time.Time) error {
	from := r.SchoolName
	if from == "" || r.SchoolID == 0 {
		from = "Cubby"
	}
	to := r.UserEmail
	if to == "" {
		to = r.Email
	}
	// The link opens the request for its account holder, and the help
	// form for a visitor, who follows up with a new request.
	link := a.BaseURL + "/help"
	if r.UserID != 0 {
		link = a.BaseURL + "/help/request?id=" + strconv.FormatInt(r.ID, 10)
	}
	data := map[string]any{"School": from, "Answer": body, "Question": r.Body, "Number": strconv.FormatInt(r.ID, 10), "Link": link}
	if to != "" {
		return a.mail(ctx, tx, notify.Email{To: to, Lang: r.Language, Template: "help_answer", Data: data, SchoolID: r.SchoolID}, now)
	}
	t := a.texter()
	if t == nil {
		return refused("help.no_contact", ErrConflict)
	}
	return t.SMS(ctx, tx, notify.SMS{To: r.Phone, Lang: r.Language, Template: "help_answer", Data: data, SchoolID: r.SchoolID}, now)
}
