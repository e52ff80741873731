package cli

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cubby/internal/db/dbtest"
)

func TestOutboxCommand(t *testing.T) {
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			dir := dataOn(t, d)
			run := func(args ...string) (string, int) {
				var out, errOut strings.Builder
				code := Run(context.Background(), append(args, "-data-dir", dir), &out, &errOut)
				return out.String() + errOut.String(), code
			}
			out, code := run("outbox")
			if code != 0 || !strings.Contains(out, "pending    0") || !strings.Contains(out, "nothing waiting") ||
				!strings.Contains(out, "email: written as .eml files to "+filepath.Join(dir, "mail")) || !strings.Contains(out, "sms:   disabled") {
				t.Fatalf("empty outbox (exit %d):\n%s", code, out)
			}

			database, err := openData(t, d, dir)
			if err != nil {
				t.Fatal(err)
			}
			defer database.Close()
			queued := time.Now().UTC().Add(-90 * time.Minute)
			for i, status := range []string{"pending", "failed", "sent"} {
				if _, err := database.W.Exec(`INSERT INTO outbox (message_key, channel, recipient, language, template, body_text, status, next_attempt_at, created_at)
			VALUES ($1, 'email', 'secret.parent@example.test', 'en', 'verify_email', 'body', $2, $3, $3)`, "k"+string(rune('a'+i)), status, queued); err != nil {
					t.Fatal(err)
				}
			}
			out, code = run("outbox")
			if code != 0 || !strings.Contains(out, "pending    1") || !strings.Contains(out, "failed     1") || !strings.Contains(out, "sent       1") ||
				!strings.Contains(out, "oldest waiting message queued 1h30m") || !strings.Contains(out, "cubby outbox retry-failed") {
				t.Fatalf("outbox (exit %d):\n%s", code, out)
			}
			if strings.Contains(out, "secret.parent") {
				t.Errorf("the operator view shows a recipient:\n%s", out)
			}
			if out, code = run("outbox", "retry-failed"); code != 0 || !strings.Contains(out, "1 failed message queued again") {
				t.Fatalf("retry-failed (exit %d):\n%s", code, out)
			}
			if out, _ = run("outbox"); !strings.Contains(out, "pending    2") || !strings.Contains(out, "failed     0") {
				t.Errorf("after retry-failed:\n%s", out)
			}
			if out, code = run("outbox", "resend-everything"); code == 0 || !strings.Contains(out, `unknown subcommand "resend-everything"`) {
				t.Errorf("unknown subcommand (exit %d):\n%s", code, out)
			}
		})
	}
}

// Every email and SMS setting problem is reported at once, before start,
// and no message repeats a password from the URL.
func TestNotifySettingsAreValidated(t *testing.T) {
	t.Setenv("CUBBY_SMTP_URL", "http://user:hunter2@mail.example")
	t.Setenv("CUBBY_SMS_TOKEN", "t")
	var out, errOut strings.Builder
	code := Run(context.Background(), []string{"outbox", "-data-dir", t.TempDir()}, &out, &errOut)
	msg := errOut.String()
	for _, want := range []string{"CUBBY_SMTP_URL must look like", "CUBBY_SMTP_FROM must be set", "CUBBY_SMTP_PROCESSOR_NAME", "CUBBY_SMTP_PROCESSOR_COUNTRY", "CUBBY_SMS_TOKEN is set but CUBBY_SMS_URL is not"} {
		if !strings.Contains(msg, want) {
			t.Errorf("lacks %q", want)
		}
	}
	if code != 1 || strings.Contains(msg, "hunter2") {
		t.Errorf("exit %d:\n%s", code, msg)
	}

	t.Setenv("CUBBY_SMTP_URL", "smtp://user:hunter2@mail.example:587")
	t.Setenv("CUBBY_SMTP_FROM", "Cubby <cubby@school.example>")
	t.Setenv("CUBBY_SMTP_PROCESSOR_NAME", "Example Mail")
	t.Setenv("CUBBY_SMTP_PROCESSOR_COUNTRY", "DE")
	t.Setenv("CUBBY_SMS_TOKEN", "")
	out.Reset()
	errOut.Reset()
	if code := Run(context.Background(), []string{"outbox", "-data-dir", t.TempDir()}, &out, &errOut); code != 0 {
		t.Fatalf("valid settings refused (exit %d): %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "email: sent through SMTP server mail.example:587 (tls=starttls)") || strings.Contains(out.String(), "hunter2") {
		t.Errorf("output:\n%s", out.String())
	}
}
