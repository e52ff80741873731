package notify

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/wneessen/go-mail"
)

// Message is one queued message as a provider sees it.
type Message struct {
	Key       string // the row's message_key: the email's Message-ID, the SMS gateway's Idempotency-Key
	To        string
	Lang      string
	Subject   string // email only
	Text      string
	HTML      string // email only
	CreatedAt time.Time
	// Unsubscribe is the one-click unsubscribe link (RFC 8058), or "".
	Unsubscribe string
}

// EmailSender hands emails to a provider. Send returns nil only once the
// provider has accepted the message, and a *SendError otherwise so the
// worker can tell a rejected message from an unreachable provider.
type EmailSender interface {
	Send(ctx context.Context, m Message) error
	// Close ends a delivery pass, closing any connection Send opened.
	Close() error
}

// SMSSender hands text messages to a provider, with the same contract as
// EmailSender.Send.
type SMSSender interface {
	Send(ctx context.Context, m Message) error
}

// SendError is a delivery failure described in words that are safe to store
// (outbox.last_error) and log: Class names the kind of failure — an SMTP
// status code, "connection refused", an HTTP status — and never holds the
// recipient or the message, which the underlying error often does.
type SendError struct {
	Class       string
	Permanent   bool  // the provider refused this message; retrying will not help
	Unavailable bool  // the provider could not be reached; other messages would fail too
	Err         error // the underlying error: may name the recipient, so never stored or logged
}

func (e *SendError) Error() string { return e.Class }
func (e *SendError) Unwrap() error { return e.Err }

// sendTimeout bounds one message's conversation with a provider. The
// worker never starts a send that could outlive its lease.
const sendTimeout = 30 * time.Second

// smtpSender sends through an SMTP server with go-mail, keeping one
// connection open for the length of a delivery pass.
type smtpSender struct {
	target smtpTarget
	from   string
	domain string
	tlsCfg *tls.Config // nil: system roots, server name from the URL

	mu     sync.Mutex
	client *mail.Client
}

func (s *smtpSender) Send(ctx context.Context, m Message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	msg, err := buildMsg(s.from, s.domain, m)
	if err != nil {
		return &SendError{Class: "message could not be built", Permanent: true, Err: err}
	}
	if s.client == nil {
		c, err := s.dial(ctx)
		if err != nil {
			return connectError("smtp", err)
		}
		s.client = c
	}
	err = s.client.Send(msg)
	if err == nil {
		return nil
	}
	if msg.IsDelivered() {
		// The server accepted the message; only the RSET after it
		// failed. The connection is suspect, the message is not.
		s.drop()
		return nil
	}
	se := smtpError(err)
	if se.Unavailable {
		s.drop()
	}
	return se
}

func (s *smtpSender) dial(ctx context.Context) (*mail.Client, error) {
	t := s.target
	opts := []mail.Option{mail.WithPort(t.port), mail.WithTimeout(sendTimeout)}
	switch t.tls {
	case "none":
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	case "starttls":
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	case "tls":
		opts = append(opts, mail.WithSSL())
	}
	if s.tlsCfg != nil {
		opts = append(opts, mail.WithTLSConfig(s.tlsCfg))
	}
	if t.user != "" {
		// AutoDiscover picks the strongest mechanism the server offers
		// and refuses to send a plain password over an unencrypted link.
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover), mail.WithUsername(t.user), mail.WithPassword(t.pass))
	}
	c, err := mail.NewClient(t.host, opts...)
	if err != nil {
		return nil, err
	}
	if err := c.DialWithContext(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

func (s *smtpSender) drop() {
	if s.client != nil {
		s.client.Close()
		s.client = nil
	}
}

func (s *smtpSender) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.client == nil {
		return nil
	}
	err := s.client.Close()
	s.client = nil
	return err
}

// smtpError classifies a go-mail send error by the server's status code;
// its text (which names recipients) is kept only in Err.
func smtpError(err error) *SendError {
	var me *mail.SendError
	if !errors.As(err, &me) {
		return connectError("smtp", err)
	}
	code, esc := me.ErrorCode(), me.EnhancedStatusCode()
	status := strings.TrimSpace(fmt.Sprintf("%d %s", code, esc))
	switch {
	case code >= 500:
		return &SendError{Class: "smtp " + me.Reason.String() + ": rejected " + status, Permanent: true, Err: err}
	case code >= 400:
		return &SendError{Class: "smtp " + me.Reason.String() + ": deferred " + status, Err: err}
	}
	// No status code: the conversation broke (connection closed, timeout).
	return &SendError{Class: "smtp " + me.Reason.String() + ": " + netClass(err), Unavailable: true, Err: err}
}

// connectError describes a failure to reach or log in to a provider.
func connectError(provider string, err error) *SendError {
	return &SendError{Class: provider + " connect: " + netClass(err), Unavailable: true, Err: err}
}

// netClass names a network error without addresses or server text.
func netClass(err error) string {
	var dnsErr *net.DNSError
	var netErr net.Error
	var certErr *tls.CertificateVerificationError
	var recErr tls.RecordHeaderError
	msg := err.Error()
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE), errors.Is(err, net.ErrClosed):
		return "connection reset"
	case strings.Contains(msg, "EOF"):
		return "connection closed by the server"
	case errors.As(err, &dnsErr):
		return "host not found"
	case errors.As(err, &certErr), errors.As(err, &recErr), strings.Contains(msg, "tls:"):
		return "TLS failed"
	case strings.Contains(msg, "STARTTLS"):
		return "the server does not offer STARTTLS"
	case strings.Contains(msg, "AUTH"):
		return "authentication failed"
	case errors.As(err, &netErr) && netErr.Timeout(), errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "cancelled"
	}
	return "connection failed"
}

// buildMsg makes the MIME message for m: plain text first and HTML as the
// alternative, the row's key as Message-ID, and headers that ask
// auto-responders to stay quiet. No tracking pixels, no remote content.
func buildMsg(from, domain string, m Message) (*mail.Msg, error) {
	msg := mail.NewMsg(mail.WithNoDefaultUserAgent())
	if err := msg.From(from); err != nil {
		return nil, err
	}
	if err := msg.To(m.To); err != nil {
		return nil, err
	}
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(m.Key + "@" + domain)
	msg.SetDateWithValue(m.CreatedAt)
	msg.SetGenHeader(mail.HeaderContentLang, m.Lang)
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	msg.SetGenHeader("X-Auto-Response-Suppress", "All")
	if m.Unsubscribe != "" {
		// RFC 8058: a mail client POSTs List-Unsubscribe=One-Click to the
		// link, which turns this kind of email off without a login.
		msg.SetGenHeader(mail.HeaderListUnsubscribe, "<"+m.Unsubscribe+">")
		msg.SetGenHeader(mail.HeaderListUnsubscribePost, "List-Unsubscribe=One-Click")
	}
	msg.SetBodyString(mail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(mail.TypeTextHTML, m.HTML)
	}
	return msg, nil
}

// dirSender writes each email as an .eml file instead of sending it: the
// development and demo mode, where there is no mail server. A file is
// named after the row's key and written atomically, so a re-delivered row
// replaces its file instead of adding a second one.
type dirSender struct {
	dir    string
	from   string
	domain string
}

func (d *dirSender) Send(ctx context.Context, m Message) error {
	msg, err := buildMsg(d.from, d.domain, m)
	if err != nil {
		return &SendError{Class: "message could not be built", Permanent: true, Err: err}
	}
	if err := os.MkdirAll(d.dir, 0o750); err != nil {
		return &SendError{Class: "mail folder could not be created", Unavailable: true, Err: err}
	}
	tmp, err := os.CreateTemp(d.dir, ".tmp-*.eml")
	if err != nil {
		return &SendError{Class: "mail file could not be written", Unavailable: true, Err: err}
	}
	defer os.Remove(tmp.Name())
	if _, err := msg.WriteTo(tmp); err != nil {
		tmp.Close()
		return &SendError{Class: "mail file could not be written", Unavailable: true, Err: err}
	}
	if err := tmp.Close(); err != nil {
		return &SendError{Class: "mail file could not be written", Unavailable: true, Err: err}
	}
	if err := os.Rename(tmp.Name(), d.path(m)); err != nil {
		return &SendError{Class: "mail file could not be written", Unavailable: true, Err: err}
	}
	return nil
}

// path names the file of m: sortable by queue time, unique by key, and
// without the recipient, so a directory listing reveals no addresses.
func (d *dirSender) path(m Message) string {
	return filepath.Join(d.dir, m.CreatedAt.UTC().Format("20060102T150405Z")+"-"+m.Key+".eml")
}

func (d *dirSender) Close() error { return nil }

// emailSender builds the configured EmailSender.
func (s Settings) emailSender() (EmailSender, error) {
	from := s.from()
	domain := "localhost"
	if a, err := parseFrom(from); err == nil {
		if i := strings.LastIndexByte(a, '@'); i >= 0 {
			domain = a[i+1:]
		}
	}
	if s.SMTPURL == "" {
		return &dirSender{dir: s.MailDir, from: from, domain: domain}, nil
	}
	t, err := parseSMTPURL(s.SMTPURL)
	if err != nil {
		return nil, err
	}
	return &smtpSender{target: t, from: from, domain: domain}, nil
}
