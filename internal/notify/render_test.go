package notify

import (
	"errors"
	"io/fs"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"cubby/internal/i18n"
)

var (
	bundleOnce sync.Once
	bundle     *i18n.Bundle
	bundleErr  error
)

func testBundle(t testing.TB) *i18n.Bundle {
	t.Helper()
	bundleOnce.Do(func() { bundle, bundleErr = i18n.Load() })
	if bundleErr != nil {
		t.Fatal(bundleErr)
	}
	return bundle
}

func newOutbox(t testing.TB, s Settings) *Outbox {
	t.Helper()
	s.BaseURL, s.From = "https://cubby.school.test", "Cubby <cubby@school.test>"
	o, err := NewOutbox(testBundle(t), s)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// sampleData has every value any template uses, so each template can be
// rendered in each language.
var sampleData = map[string]map[string]any{
	"verify_email":    {"Name": "Ana", "Link": "https://cubby.school.test/verify/tok1"},
	"password_reset":  {"Name": "Ana", "Link": "https://cubby.school.test/reset/tok2", "Minutes": 60},
	"consent_request": {"ChildName": "Ava", "Link": "https://cubby.school.test/consent/tok3", "Days": 14},
	"invite":          {"InviterName": "Ms. Park", "SchoolName": "Maple Grove", "Link": "https://cubby.school.test/invite/tok4"},
	"join_request":    {"Name": "Dr. Owusu", "Requester": "Amara Diallo", "SchoolName": "Maple Grove", "Link": "https://cubby.school.test/schools/1/directory#requests"},
	// Privacy and data rights (internal/app).
	"deletion_scheduled":  {"Name": "Ana", "Date": "2026-12-12", "Link": "https://cubby.school.test/settings#delete"},
	"inactive_warning":    {"ChildName": "Ava", "Date": "2026-12-12", "Link": "https://cubby.school.test/login"},
	"correction_decided":  {"ChildName": "Ava", "Outcome": "declined", "Link": "https://cubby.school.test/privacy/corrections"},
	"restriction_decided": {"ChildName": "Ava", "Outcome": "active", "Link": "https://cubby.school.test/privacy/restrictions?student=1"},
	"restriction_lifted":  {"ChildName": "Ava", "Link": "https://cubby.school.test/privacy/restrictions?student=1"},
	"product_news":        {"Name": "Ana", "NewsSubject": "What is new", "Paragraphs": []string{"One.", "Two."}, "Link": "https://cubby.school.test/unsubscribe?token=1.ab"},
	// Messages (internal/app/message*.go).
	"message_new":          {"Name": "Ana", "Sender": "Ms. Alvarez", "SchoolName": "Maple Grove", "Link": "https://cubby.school.test/messages/1"},
	"message_announcement": {"Name": "Ana", "Sender": "Dr. Owusu", "SchoolName": "Maple Grove", "Link": "https://cubby.school.test/messages/2", "Urgent": true},
	// Notifications (internal/app/notification*.go).
	"notification": {"Name": "Ana", "Line": "Ms. Alvarez posted in Class Story.", "KindName": "Class and School Story", "Link": "https://cubby.school.test/stories/3",
		"Unsubscribe": "https://cubby.school.test/notifications/unsubscribe?token=1.story.ab"},
	"notification_digest": {"Name": "Ana", "Count": 2, "More": 0, "Link": "https://cubby.school.test/notifications",
		"Items":       []map[string]any{{"Line": "Ava was marked absent.", "Link": "https://cubby.school.test/students/1/attendance", "When": "08:10"}},
		"Unsubscribe": "https://cubby.school.test/notifications/unsubscribe?token=1.digest.ab"},
	// Help requests (internal/app/help.go).
	"help_answer": {"School": "Maple Grove", "Number": "7", "Answer": "Use the link on the login page.", "Question": "I cannot log in.", "Link": "https://cubby.school.test/help"},
}

func TestEveryTemplateRendersInEveryLanguage(t *testing.T) {
	t.Parallel()
	o := newOutbox(t, Settings{MailDir: t.TempDir()})
	if len(o.templates.emails) != len(sampleData) {
		t.Fatalf("templates %v; sampleData covers %d — add the new template's data here", o.templates.emails, len(sampleData))
	}
	for _, loc := range testBundle(t).Locales() {
		for _, name := range o.templates.emails {
			t.Run(loc.Code+"/"+name, func(t *testing.T) {
				r, err := o.templates.renderEmail(name, loc.Code, sampleData[name], "cubby.school.test")
				if err != nil {
					t.Fatal(err)
				}
				if r.lang != loc.Code || r.subject == "" || strings.Contains(r.subject, "\n") {
					t.Errorf("lang %q, subject %q", r.lang, r.subject)
				}
				link := sampleData[name]["Link"].(string)
				for part, body := range map[string]string{"subject": r.subject, "text": r.text, "html": r.html} {
					// A key that is missing from the catalog comes back
					// as the key; a placeholder without a value as {name}.
					if strings.Contains(body, "notify.") || regexp.MustCompile(`\{[a-z_]+\}`).MatchString(body) {
						t.Errorf("%s has an unresolved key or placeholder:\n%s", part, body)
					}
					if part != "subject" && !strings.Contains(body, link) {
						t.Errorf("%s lacks the link:\n%s", part, body)
					}
					if part != "subject" && !strings.Contains(body, "cubby.school.test") {
						t.Errorf("%s lacks the footer naming the site", part)
					}
				}
				if want := `<html lang="` + loc.Code + `" dir="` + loc.Dir + `">`; !strings.Contains(r.html, want) {
					t.Errorf("html lacks %s", want)
				}
				// No remote images, fonts or trackers: the only URLs are the link's.
				if strings.Contains(r.html, "<img") || strings.Contains(r.html, "url(") || strings.Contains(r.html, "@import") {
					t.Error("html loads remote content")
				}
			})
		}
	}
}

func TestRenderedInTheRecipientsLanguage(t *testing.T) {
	t.Parallel()
	o := newOutbox(t, Settings{MailDir: t.TempDir()})
	cases := []struct{ lang, subject, text string }{
		{"es", "Confirma tu dirección de correo para Cubby", "Hola, Ana:"},
		{"fr", "Confirmez votre adresse e-mail pour Cubby", "Bonjour Ana,"},
		{"ar", "أكِّد عنوان بريدك الإلكتروني على Cubby", "مرحبًا Ana،"},
		{"en", "Confirm your email address for Cubby", "Hello Ana,"},
		{"xx", "Confirm your email address for Cubby", "Hello Ana,"}, // unknown: English
	}
	for _, c := range cases {
		r, err := o.templates.renderEmail("verify_email", c.lang, sampleData["verify_email"], "cubby.school.test")
		if err != nil {
			t.Fatal(err)
		}
		if r.subject != c.subject || !strings.HasPrefix(r.text, c.text+"\n") {
			t.Errorf("%s: subject %q, text starts %q", c.lang, r.subject, r.text[:min(len(r.text), 40)])
		}
	}
	r, _ := o.templates.renderEmail("password_reset", "es", sampleData["password_reset"], "x")
	if !strings.Contains(r.text, "caduca en 60 minutos") {
		t.Errorf("password reset does not say when the link expires:\n%s", r.text)
	}
	r, _ = o.templates.renderEmail("password_reset", "en", map[string]any{"Name": "A", "Link": "https://x/y", "Minutes": 1}, "x")
	if !strings.Contains(r.text, "expires in 1 minute.") {
		t.Errorf("plural of minutes:\n%s", r.text)
	}
}

// Every word comes from the catalogs: with template actions and HTML tags
// removed, no letters may remain in any template file.
func TestTemplatesHoldNoWords(t *testing.T) {
	t.Parallel()
	actions := regexp.MustCompile(`(?s)\{\{.*?\}\}`)
	tags := regexp.MustCompile(`(?s)<[^>]*>`)
	letters := regexp.MustCompile(`\p{L}+`)
	err := fs.WalkDir(templateFiles, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := templateFiles.ReadFile(p)
		if err != nil {
			return err
		}
		rest := tags.ReplaceAllString(actions.ReplaceAllString(string(b), ""), "")
		if w := letters.FindAllString(rest, -1); len(w) > 0 {
			t.Errorf("%s has words outside the catalogs: %q", p, w)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestEnqueueRejectsBadInput(t *testing.T) {
	t.Parallel()
	o := newOutbox(t, Settings{MailDir: t.TempDir()})
	ok := sampleData["password_reset"]
	cases := []struct {
		name string
		e    Email
		want error
	}{
		{"missing data", Email{To: "a@b.test", Template: "password_reset", Data: map[string]any{"Name": "A", "Link": "https://x/y"}}, nil},
		{"unknown template", Email{To: "a@b.test", Template: "nope", Data: ok}, ErrUnknownTemplate},
		{"display name", Email{To: "Ana <a@b.test>", Template: "password_reset", Data: ok}, ErrBadRecipient},
		{"header injection", Email{To: "a@b.test\r\nBcc: x@y.test", Template: "password_reset", Data: ok}, ErrBadRecipient},
		{"reserved key", Email{To: "a@b.test", Template: "password_reset", Data: map[string]any{"Name": "A", "Link": "https://x/y", "Minutes": 5, "Site": "evil"}}, nil},
		{"count not a number", Email{To: "a@b.test", Template: "password_reset", Data: map[string]any{"Name": "A", "Link": "https://x/y", "Minutes": "soon"}}, nil},
	}
	for _, c := range cases {
		// A nil Querier: validation and rendering must fail before any SQL.
		err := o.Email(t.Context(), nil, c.e, time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC))
		if err == nil {
			t.Errorf("%s: accepted", c.name)
		} else if c.want != nil && !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
}

func TestParseSMTPURL(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want smtpTarget
		bad  bool
	}{
		{in: "smtp://mail.example.org", want: smtpTarget{host: "mail.example.org", port: 587, tls: "starttls"}},
		{in: "smtps://u:p%40ss@mail.example.org", want: smtpTarget{host: "mail.example.org", port: 465, tls: "tls", user: "u", pass: "p@ss"}},
		{in: "smtp://127.0.0.1:1025?tls=none", want: smtpTarget{host: "127.0.0.1", port: 1025, tls: "none"}},
		{in: "smtp://user:secret@h:2525?tls=tls", want: smtpTarget{host: "h", port: 2525, tls: "tls", user: "user", pass: "secret"}},
		{in: "http://mail.example.org", bad: true},
		{in: "smtp://", bad: true},
		{in: "smtp://h?tls=maybe", bad: true},
		{in: "smtp://h?tsl=none", bad: true},
		{in: "smtp://h:99999", bad: true},
	}
	for _, c := range cases {
		got, err := parseSMTPURL(c.in)
		if c.bad {
			if err == nil {
				t.Errorf("%s: accepted", c.in)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%s: %+v, %v; want %+v", c.in, got, err, c.want)
		}
	}
	if _, err := parseSMTPURL("smtp://u:hunter2@h?tls=bad"); err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error repeats the password: %v", err)
	}
}

func TestProcessorsListOnlyWhatIsConfigured(t *testing.T) {
	t.Parallel()
	if p := (Settings{MailDir: "/tmp/x"}).Processors(); len(p) != 0 {
		t.Errorf("development mode lists processors: %+v", p)
	}
	s := Settings{
		SMTPURL: "smtp://u:p@smtp.mailer.example:587", SMTPProcessorName: "Mailer GmbH", SMTPProcessorCountry: "DE",
		SMSURL: "https://sms.example/send", SMSToken: "t", SMSProcessorName: "Texter SA", SMSProcessorCountry: "FR",
	}
	p := s.Processors()
	if len(p) != 2 || p[0].ID != "smtp" || p[0].Name != "Mailer GmbH" || p[0].Country != "DE" ||
		p[1].ID != "sms" || p[1].Name != "Texter SA" || p[1].Country != "FR" || len(p[0].DataCategories) == 0 {
		t.Errorf("processors: %+v", p)
	}
	for _, x := range p {
		if l := testBundle(t).Localizer("es"); !l.Has(x.PurposeKey) {
			t.Errorf("purpose key %s missing from the catalog", x.PurposeKey)
		}
	}
}
