package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"cubby/internal/app"
	"cubby/internal/config"
	"cubby/internal/files"
	"cubby/internal/privacy"
)

const privacyUsage = `cubby privacy <audit|verify-audit|retention|replay-erasures|record> [flags]

  audit            check the privacy inventory, the policy on student data and
                   this server's privacy settings; exits 1 and lists every
                   problem (-strict also fails on settings the page shows as
                   "not set by the operator")
  verify-audit     check the audit log's hash chain; exits 1 if an entry was
                   removed, inserted or changed
  retention        apply every retention rule now (the server does it daily)
  replay-erasures  erase again accounts in the erasure ledger that a restored
                   backup brought back
  record           print the GDPR Art. 30 record of processing as CSV`

// deployment is this server's privacy settings: the configuration plus the
// email and SMS providers the outbox will use.
func deployment(cfg config.Config) *privacy.Deployment {
	return cfg.Deployment(app.ProcessorsOf(notifySettings(cfg).Processors()))
}

func runPrivacy(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, privacyUsage)
		return errors.New("missing subcommand")
	}
	sub, rest := args[0], args[1:]
	strict := false
	cfg, err := loadConfig(e, "privacy "+sub, rest, func(fs *flag.FlagSet) {
		if sub == "audit" {
			fs.BoolVar(&strict, "strict", false, "also fail on settings the operator has not given")
		}
	})
	if err != nil {
		return err
	}
	switch sub {
	case "audit":
		return privacyAudit(e, cfg, strict)
	case "record":
		inv, err := privacy.LoadInventory()
		if err != nil {
			return err
		}
		_, err = e.stdout.Write(inv.Record(deployment(cfg)).CSV())
		return err
	case "verify-audit", "retention", "replay-erasures":
	default:
		fmt.Fprintln(e.stderr, privacyUsage)
		return fmt.Errorf("unknown subcommand %q", sub)
	}
	a, database, err := openAppWithOutbox(ctx, e, cfg)
	if err != nil {
		return err
	}
	defer database.Close()
	switch sub {
	case "verify-audit":
		r, err := a.VerifyAudit(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "audit log: %d entries (%d to %d), %d redacted by erasures\n", r.Entries, r.First, r.Last, r.Redacted)
		for _, p := range r.Problems {
			fmt.Fprintln(e.stdout, "  BROKEN:", p)
		}
		if !r.OK() {
			return fmt.Errorf("the audit log's hash chain is broken (%d problems)", len(r.Problems))
		}
		fmt.Fprintln(e.stdout, "the hash chain is intact")
	case "retention":
		rep, err := a.RunRetention(ctx)
		if err != nil {
			return err
		}
		for _, l := range rep.Lines {
			fmt.Fprintf(e.stdout, "%-22s %-40s school %-4d %d rows\n", l.Table, l.Rule, l.School, l.Rows)
		}
		fmt.Fprintf(e.stdout, "%d batches; %d accounts erased, %d unused accounts warned, %d erasures replayed\n", len(rep.Lines), rep.Erased, rep.Warned, rep.Replayed)
	case "replay-erasures":
		n, err := a.ReplayErasures(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%d accounts erased again\n", n)
	}
	return nil
}

// privacyAudit is INV-3 and SEC-6 as a command: CI runs it (.ci/run), and
// an operator can run it with their settings before going live.
func privacyAudit(e *env, cfg config.Config, strict bool) error {
	inv, err := privacy.LoadInventory()
	if err != nil {
		return err
	}
	tx, err := privacy.LoadTaxonomy()
	if err != nil {
		return err
	}
	problems, notes := privacy.Audit(inv, tx, deployment(cfg))
	for _, p := range problems {
		fmt.Fprintln(e.stdout, "FAIL", p)
	}
	for _, n := range notes {
		fmt.Fprintln(e.stdout, "NOTE", n)
	}
	if strict {
		problems = append(problems, notes...)
	}
	if len(problems) > 0 {
		return fmt.Errorf("%d problems in the privacy inventory or settings", len(problems))
	}
	fmt.Fprintf(e.stdout, "privacy audit clean: %d tables, %d personal fields, every one with purpose, legal basis, retention and recipients; no forbidden use of student data\n",
		len(inv.Tables()), len(inv.PersonalFields()))
	return nil
}

// privacyJobs runs the daily retention job and flushes the request log
// every few seconds until ctx ends, flushing once more on the way out.
func privacyJobs(ctx context.Context, a *app.App) {
	flush := time.NewTicker(5 * time.Second)
	defer flush.Stop()
	daily := time.NewTimer(time.Minute) // soon after start, then daily
	defer daily.Stop()
	for {
		select {
		case <-ctx.Done():
			if err := a.FlushRequestLog(context.WithoutCancel(ctx)); err != nil {
				a.Log.Error("request log", "err", err)
			}
			a.WaitJobs()
			return
		case <-flush.C:
			if err := a.FlushRequestLog(ctx); err != nil && ctx.Err() == nil {
				a.Log.Error("request log", "err", err)
			}
		case <-daily.C:
			if _, err := a.RunRetention(ctx); err != nil && ctx.Err() == nil {
				a.Log.Error("retention", "err", err)
			}
			daily.Reset(24 * time.Hour)
		}
	}
}

// openFiles is the file store CUBBY_FILES_URL names: the data folder's
// files/ by default, or a bucket. It does not touch it; serve checks it.
func openFiles(cfg config.Config) (files.Store, error) {
	loc, err := cfg.Files()
	if err != nil {
		return nil, err
	}
	return files.Open(loc)
}

// checkGrace refuses a deletion grace period longer than the inventory
// promises erasure within.
func checkGrace(inv *privacy.Inventory, d *privacy.Deployment) error {
	if max, ok := inv.ErasureDeadline(); ok && d.DeletionGrace.Approx() > max.Approx() {
		return fmt.Errorf("CUBBY_DELETION_GRACE %s is longer than %s, within which the privacy inventory promises erasure", d.DeletionGrace, max)
	}
	return nil
}

const newsUsage = `cubby news send -subject "…" -body-file news.txt [-lang es]

Queue product news for every adult who opted in (never students), each
email with a one-click unsubscribe link. -lang sends only to people using
Cubby in that language; write one file per language.`

func runNews(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] != "send" {
		fmt.Fprintln(e.stderr, newsUsage)
		return errors.New("missing subcommand send")
	}
	var subject, bodyFile, lang string
	cfg, err := loadConfig(e, "news send", args[1:], func(fs *flag.FlagSet) {
		fs.StringVar(&subject, "subject", "", "the email's subject")
		fs.StringVar(&bodyFile, "body-file", "", "a text file with the news; paragraphs separated by blank lines")
		fs.StringVar(&lang, "lang", "", "only people using Cubby in this language")
	})
	if err != nil {
		return err
	}
	if cfg.BaseURL == "" {
		return errors.New("set CUBBY_BASE_URL: the unsubscribe links in the emails must point at this server")
	}
	body, err := os.ReadFile(bodyFile)
	if err != nil {
		return fmt.Errorf("read -body-file: %w", err)
	}
	a, database, err := openAppWithOutbox(ctx, e, cfg)
	if err != nil {
		return err
	}
	defer database.Close()
	n, err := a.SendNews(ctx, app.News{Subject: subject, Body: strings.TrimSpace(string(body)), Lang: lang})
	var ve *app.ValidationError
	if errors.As(err, &ve) {
		return fmt.Errorf("give both -subject and a -body-file with text")
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%d emails queued; the server's outbox delivers them\n", n)
	return nil
}
