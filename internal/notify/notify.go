// Package notify sends Cubby's emails and text messages through an outbox.
//
// A use case that needs to tell someone something (an address check, a
// password reset link, a parent's consent request, an invitation) calls
// Outbox.Email or Outbox.SMS with its own transaction. The message is
// rendered there and then, in the recipient's language, and written as an
// outbox row in that transaction: it exists if and only if the action that
// caused it commits. A Worker delivers due rows in the background through an
// EmailSender (SMTP, or .eml files in development) or an SMSSender (an HTTP
// gateway).
//
// # Delivery guarantee
//
// Nothing is lost: a row stays in the database until the provider has
// accepted it, through outages of any length (retries back off
// exponentially, with jitter, up to an hour apart; after MaxAttempts a row
// is marked failed and kept, visible to `cubby outbox` and re-queued by
// `cubby outbox retry-failed`). Rows are deleted 30 days after they were
// queued, whatever their state (the retention declared in the privacy
// inventory).
//
// Nothing is sent twice in normal operation, including a clean shutdown and
// an outage of the provider: a worker takes rows with a lease (status
// sending, lease_until) in a transaction, sends one, and marks it sent
// immediately after the provider accepts it, before sending the next; a
// send in progress at shutdown is finished and recorded, not abandoned. A row
// whose lease is still running is never taken by another worker, and a
// worker stops using a row before its own lease could run out.
//
// Exactly-once delivery to an SMTP server is impossible, so the residual
// risk is stated rather than hidden: the guarantee is at-least-once. If the
// process dies (or the database write fails) after the provider accepted a
// message and before the row was marked sent, the row stays in sending and
// is sent again once its lease expires. The same happens when the
// connection drops after the message's final "." but before the server's
// reply, because the outcome is then unknown. Both windows are a few
// milliseconds per message. A re-sent email carries the same Message-ID
// (derived from the row's message_key), which mail stores such as Gmail
// use to collapse duplicates; a re-sent SMS carries the same
// Idempotency-Key header for gateways that honour it. Choosing at-most-once
// instead would lose those messages, which for a password reset or a
// consent request is the worse failure.
package notify

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"time"

	"cubby/internal/db"
	"cubby/internal/i18n"
)

// Errors callers may want to tell apart.
var (
	// ErrSMSDisabled is returned by Outbox.SMS when no SMS gateway is
	// configured: the message is refused, never silently dropped.
	ErrSMSDisabled = errors.New("notify: SMS is disabled (no CUBBY_SMS_URL configured)")
	// ErrUnknownTemplate means there is no template of that name.
	ErrUnknownTemplate = errors.New("notify: unknown template")
	// ErrBadRecipient means the address or phone number cannot be sent to.
	ErrBadRecipient = errors.New("notify: invalid recipient")
)

// Email is an email to render and queue.
type Email struct {
	To       string         // bare address, e.g. "ana@example.org"
	Lang     string         // recipient's language code ("en", "es", …); unknown codes fall back to English
	Template string         // a template under templates/: verify_email, password_reset, consent_request, invite
	Data     map[string]any // template values, e.g. "Name", "Link"; every value a template uses is required
	SchoolID int64          // 0 when not about a school
	// NotBefore holds the email until then (a teacher's quiet hours);
	// zero sends it as soon as possible.
	NotBefore time.Time
	// Unsubscribe is the https link that stops this kind of email with
	// one click (RFC 8058): sent as List-Unsubscribe with
	// List-Unsubscribe-Post. Empty for emails one cannot stop (a password
	// reset).
	Unsubscribe string
}

// SMS is a text message to render and queue.
type SMS struct {
	To       string         // E.164 phone number, e.g. "+4915112345678"
	Lang     string         // recipient's language code
	Template string         // a templates/<name>.sms.txt template, e.g. consent_request
	Data     map[string]any // template values
	SchoolID int64          // 0 when not about a school
}

// Channels of an outbox row.
const (
	ChannelEmail = "email"
	ChannelSMS   = "sms"
)

// Statuses of an outbox row.
const (
	StatusPending   = "pending"   // waiting for its next attempt
	StatusSending   = "sending"   // leased by a worker
	StatusSent      = "sent"      // accepted by the provider
	StatusFailed    = "failed"    // given up on; `cubby outbox retry-failed` re-queues it
	StatusCancelled = "cancelled" // withdrawn before delivery
)

// Statuses lists every status, in the order operators read them.
var Statuses = []string{StatusPending, StatusSending, StatusSent, StatusFailed, StatusCancelled}

// Outbox renders messages and queues them. It is immutable after NewOutbox
// and safe for concurrent use.
type Outbox struct {
	settings  Settings
	templates *templates
	email     EmailSender // never nil
	sms       SMSSender   // nil when SMS is disabled
	site      string      // host of the base URL, named in footers
}

// NewOutbox prepares the templates in every language of bundle and the
// providers cfg configures. It fails on invalid settings or a broken
// template, so both show up at startup rather than at the first email.
func NewOutbox(bundle *i18n.Bundle, cfg Settings) (*Outbox, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	tpl, err := loadTemplates(bundle)
	if err != nil {
		return nil, err
	}
	o := &Outbox{settings: cfg, templates: tpl, site: cfg.site()}
	if o.email, err = cfg.emailSender(); err != nil {
		return nil, err
	}
	if o.sms, err = cfg.smsSender(); err != nil {
		return nil, err
	}
	return o, nil
}

// Settings returns the settings the outbox was built with.
func (o *Outbox) Settings() Settings { return o.settings }

// SMSEnabled reports whether an SMS gateway is configured, so a page can
// offer text messages only when they can be sent.
func (o *Outbox) SMSEnabled() bool { return o.sms != nil }

// Email renders e in its language and inserts it into the outbox inside q —
// the caller's transaction — so the message exists if and only if the
// action that caused it commits.
func (o *Outbox) Email(ctx context.Context, q db.Querier, e Email, now time.Time) error {
	r, err := o.Render(e)
	if err != nil {
		return err
	}
	return r.Queue(ctx, q, now)
}

// Rendered is an email rendered and ready to queue: rendering many (a
// notification to a thousand parents) before the transaction that queues
// them keeps the database's writer free meanwhile.
type Rendered struct{ r row }

// Render renders e in its language, as Email does, without queueing it.
func (o *Outbox) Render(e Email) (Rendered, error) {
	to, err := cleanAddress(e.To)
	if err != nil {
		return Rendered{}, err
	}
	data := e.Data
	if e.Unsubscribe != "" {
		data = make(map[string]any, len(e.Data)+1)
		for k, v := range e.Data {
			data[k] = v
		}
		data["Unsubscribe"] = e.Unsubscribe
	}
	r, err := o.templates.renderEmail(e.Template, e.Lang, data, o.site)
	if err != nil {
		return Rendered{}, err
	}
	return Rendered{row{
		SchoolID: e.SchoolID, Key: newKey(), Channel: ChannelEmail, Recipient: to,
		Language: r.lang, Template: e.Template, Subject: r.subject, Text: r.text, HTML: r.html, NotBefore: e.NotBefore,
		Unsubscribe: e.Unsubscribe,
	}}, nil
}

// Queue inserts the rendered email into the outbox inside q.
func (r Rendered) Queue(ctx context.Context, q db.Querier, now time.Time) error {
	return insert(ctx, q, r.r, now)
}

// SMS renders s in its language and inserts it into the outbox inside q,
// like Email. It returns ErrSMSDisabled when no SMS gateway is configured.
func (o *Outbox) SMS(ctx context.Context, q db.Querier, s SMS, now time.Time) error {
	if o.sms == nil {
		return ErrSMSDisabled
	}
	if !e164.MatchString(s.To) {
		return fmt.Errorf("%w: a phone number must be in E.164 form, such as +4915112345678", ErrBadRecipient)
	}
	r, err := o.templates.renderSMS(s.Template, s.Lang, s.Data, o.site)
	if err != nil {
		return err
	}
	return insert(ctx, q, row{
		SchoolID: s.SchoolID, Key: newKey(), Channel: ChannelSMS, Recipient: s.To,
		Language: r.lang, Template: s.Template, Text: r.text,
	}, now)
}

var e164 = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)

// cleanAddress accepts a bare address only: a display name would be text
// from a user in a header, and nothing needs one. It is lower-cased like
// users.email, so the privacy inventory's subject path can match the two.
func cleanAddress(s string) (string, error) {
	s = strings.TrimSpace(s)
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return "", fmt.Errorf("%w: not a bare email address", ErrBadRecipient)
	}
	return strings.ToLower(s), nil
}

// newKey returns the row's message_key: 128 random bits.
func newKey() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}
