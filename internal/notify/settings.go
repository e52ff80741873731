package notify

import (
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"strconv"
)

// Settings configure the outbox's providers. cli fills them from the
// CUBBY_SMTP_* and CUBBY_SMS_* settings (see the README); the zero value
// with MailDir set is the development mode: emails become files.
type Settings struct {
	BaseURL string // CUBBY_BASE_URL; its host is named in every email's footer
	From    string // CUBBY_SMTP_FROM: the From address, "Cubby <cubby@school.example>" or a bare address

	// SMTPURL is smtp://user:pass@host:port?tls=none|starttls|tls (default
	// starttls; smtps:// means tls). Empty means emails are written as .eml
	// files under MailDir instead of being sent.
	SMTPURL              string
	MailDir              string
	SMTPProcessorName    string // who runs the SMTP server, for the transparency page
	SMTPProcessorCountry string // where, as an ISO country code

	// SMSURL is an HTTP gateway that takes POST {"to", "body"} with a bearer
	// token. Empty disables SMS.
	SMSURL              string
	SMSToken            string
	SMSProcessorName    string
	SMSProcessorCountry string
}

// Processor is an outside party that receives personal data to deliver
// Cubby's messages, as the transparency page lists it.
type Processor struct {
	ID             string   // "smtp" or "sms": the recipient ids of the privacy inventory
	Name           string   // e.g. "Example Mail GmbH"
	Country        string   // ISO 3166-1 alpha-2, where it processes the data
	Purpose        string   // English; pages show PurposeKey translated
	PurposeKey     string   // i18n catalog key of Purpose
	DataCategories []string // fideslang data category keys it receives
}

// Processors lists the processors actually configured: none in the
// development mode, where emails stay on the server as files.
func (s Settings) Processors() []Processor {
	var out []Processor
	if s.SMTPURL != "" {
		name := s.SMTPProcessorName
		if name == "" {
			if t, err := parseSMTPURL(s.SMTPURL); err == nil {
				name = t.host
			}
		}
		out = append(out, Processor{
			ID: "smtp", Name: name, Country: s.SMTPProcessorCountry,
			Purpose:        "Delivers Cubby's emails: address checks, password resets, consent requests and invitations.",
			PurposeKey:     "notify.processor.smtp",
			DataCategories: []string{"user.contact.email", "user.name", "user.demographic.language", "user.authorization.credentials"},
		})
	}
	if s.SMSURL != "" {
		name := s.SMSProcessorName
		if name == "" {
			if u, err := url.Parse(s.SMSURL); err == nil {
				name = u.Hostname()
			}
		}
		out = append(out, Processor{
			ID: "sms", Name: name, Country: s.SMSProcessorCountry,
			Purpose:        "Delivers Cubby's text messages.",
			PurposeKey:     "notify.processor.sms",
			DataCategories: []string{"user.contact.phone_number", "user.name", "user.authorization.credentials"},
		})
	}
	return out
}

// check reports settings the outbox cannot work with. config.Validate
// checks the same settings earlier, phrased for the operator; this guards
// callers that build Settings by hand.
func (s Settings) check() error {
	var errs []error
	if s.SMTPURL != "" {
		if _, err := parseSMTPURL(s.SMTPURL); err != nil {
			errs = append(errs, err)
		}
		if s.From == "" {
			errs = append(errs, errors.New("notify: a From address is required to send email"))
		}
	} else if s.MailDir == "" {
		errs = append(errs, errors.New("notify: set an SMTP URL or a folder for email files"))
	}
	if s.From != "" {
		if _, err := mail.ParseAddress(s.From); err != nil {
			errs = append(errs, fmt.Errorf("notify: From %q is not an email address", s.From))
		}
	}
	if s.SMSURL != "" {
		u, err := url.Parse(s.SMSURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, errors.New("notify: the SMS gateway URL must be http(s)://host/…"))
		}
		if s.SMSToken == "" {
			errs = append(errs, errors.New("notify: the SMS gateway needs a token"))
		}
	}
	return errors.Join(errs...)
}

// from is the From address, with a development default.
func (s Settings) from() string {
	if s.From != "" {
		return s.From
	}
	return "Cubby <cubby@" + s.site() + ">"
}

// site is the host people know this server by.
func (s Settings) site() string {
	if u, err := url.Parse(s.BaseURL); err == nil && u.Host != "" {
		return u.Host
	}
	return "localhost"
}

// smtpTarget is a parsed CUBBY_SMTP_URL.
type smtpTarget struct {
	host       string
	port       int
	user, pass string
	tls        string // none, starttls or tls
}

// parseSMTPURL reads smtp://user:pass@host:port?tls=none|starttls|tls.
// Without ?tls, smtp:// means STARTTLS (required, not opportunistic: an
// attacker who strips the STARTTLS offer must not get the password) and
// smtps:// means TLS from the first byte. Errors never repeat the URL,
// which may hold a password.
func parseSMTPURL(raw string) (smtpTarget, error) {
	bad := func(why string) (smtpTarget, error) {
		return smtpTarget{}, fmt.Errorf("notify: SMTP URL: %s (want smtp://user:pass@host:port?tls=none|starttls|tls)", why)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return bad("not a URL")
	}
	t := smtpTarget{host: u.Hostname()}
	switch u.Scheme {
	case "smtp":
		t.tls = "starttls"
	case "smtps":
		t.tls = "tls"
	default:
		return bad("the scheme must be smtp or smtps")
	}
	if t.host == "" {
		return bad("no host")
	}
	for k := range u.Query() {
		if k != "tls" {
			return bad(fmt.Sprintf("unknown parameter %q", k))
		}
	}
	if v := u.Query().Get("tls"); v != "" {
		if v != "none" && v != "starttls" && v != "tls" {
			return bad(fmt.Sprintf("tls=%s is not none, starttls or tls", v))
		}
		t.tls = v
	}
	t.port = map[string]int{"none": 25, "starttls": 587, "tls": 465}[t.tls]
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return bad("the port is not a number from 1 to 65535")
		}
		t.port = n
	}
	if u.User != nil {
		t.user = u.User.Username()
		t.pass, _ = u.User.Password()
	}
	if u.Path != "" && u.Path != "/" {
		return bad("unexpected path")
	}
	return t, nil
}

// describe names the target without credentials, for logs and the CLI.
func (t smtpTarget) describe() string {
	return fmt.Sprintf("%s:%d (tls=%s)", t.host, t.port, t.tls)
}

// Describe says where emails and text messages go, without credentials,
// for the startup log and `cubby outbox`.
func (s Settings) Describe() (email, sms string) {
	email = "written as .eml files to " + s.MailDir + " (no SMTP server configured)"
	if t, err := parseSMTPURL(s.SMTPURL); s.SMTPURL != "" && err == nil {
		email = "sent through SMTP server " + t.describe()
	}
	sms = "disabled (no SMS gateway configured)"
	if u, err := url.Parse(s.SMSURL); s.SMSURL != "" && err == nil {
		sms = "sent through gateway " + u.Scheme + "://" + u.Host
	}
	return email, sms
}

// parseFrom returns the bare address of a From setting.
func parseFrom(s string) (string, error) {
	a, err := mail.ParseAddress(s)
	if err != nil {
		return "", err
	}
	return a.Address, nil
}
