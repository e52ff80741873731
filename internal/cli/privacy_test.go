package cli

import (
	"strings"
	"testing"

	"cubby/internal/db/dbtest"
)

// `cubby privacy audit` is clean with zero configuration (CI runs it), and
// -strict fails on what the operator has yet to set.
func TestPrivacyAudit(t *testing.T) {
	code, out, errOut := run("privacy", "audit")
	if code != 0 || !strings.Contains(out, "privacy audit clean") || !strings.Contains(out, "NOTE CUBBY_OPERATOR_NAME") {
		t.Fatalf("audit: %d\n%s%s", code, out, errOut)
	}
	if code, _, errOut := run("privacy", "audit", "-strict"); code != 1 || !strings.Contains(errOut, "problems") {
		t.Errorf("strict audit: %d %s", code, errOut)
	}
	t.Setenv("CUBBY_OPERATOR_NAME", "Maple Grove")
	t.Setenv("CUBBY_OPERATOR_EMAIL", "privacy@maple.example")
	t.Setenv("CUBBY_SUPERVISORY_AUTHORITY", "https://authority.example")
	t.Setenv("CUBBY_BACKUP_RETENTION", "P35D")
	if code, out, errOut := run("privacy", "audit", "-strict"); code != 0 {
		t.Errorf("a complete configuration fails the strict audit: %s%s", out, errOut)
	}
	// A mail provider without an agreement link is a problem, not a note.
	t.Setenv("CUBBY_SMTP_URL", "smtp://mail.example:587")
	t.Setenv("CUBBY_SMTP_FROM", "cubby@maple.example")
	t.Setenv("CUBBY_SMTP_PROCESSOR_NAME", "Mail Co")
	t.Setenv("CUBBY_SMTP_PROCESSOR_COUNTRY", "US")
	if code, out, _ := run("privacy", "audit"); code != 1 || !strings.Contains(out, "FAIL processor Mail Co (smtp) has no data processing agreement") {
		t.Errorf("processor without agreement: %d\n%s", code, out)
	}
	t.Setenv("CUBBY_SMTP_PROCESSOR_DPA_URL", "https://mail.example/dpa")
	if code, out, _ := run("privacy", "audit"); code != 0 {
		t.Errorf("with the agreement: %d\n%s", code, out)
	}
}

func TestPrivacyCommandsOnADatabase(t *testing.T) {
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			dir := dataOn(t, d)
			if code, out, errOut := run("privacy", "verify-audit", "-data-dir", dir); code != 0 || !strings.Contains(out, "intact") {
				t.Errorf("verify-audit: %d %s %s", code, out, errOut)
			}
			if code, out, errOut := run("privacy", "retention", "-data-dir", dir); code != 0 || !strings.Contains(out, "batches") {
				t.Errorf("retention: %d %s %s", code, out, errOut)
			}
			if code, out, _ := run("privacy", "record"); code != 0 || !strings.HasPrefix(out, "controller,") {
				t.Errorf("record: %d %.80s", code, out)
			}
			if code, _, errOut := run("privacy", "frobnicate"); code != 1 || !strings.Contains(errOut, "unknown subcommand") {
				t.Errorf("unknown subcommand: %d %s", code, errOut)
			}
			if code, _, errOut := run("news", "send", "-data-dir", dir, "-subject", "Hi"); code != 1 || !strings.Contains(errOut, "CUBBY_BASE_URL") {
				t.Errorf("news without a base URL: %d %s", code, errOut)
			}
			t.Setenv("CUBBY_DELETION_GRACE", "P60D")
			if code, _, errOut := run("privacy", "retention", "-data-dir", dir); code != 1 || !strings.Contains(errOut, "CUBBY_DELETION_GRACE P60D is longer than P30D") {
				t.Errorf("a grace period longer than the inventory promises: %d %s", code, errOut)
			}
		})
	}
}
