package cli

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"cubby/internal/config"
	"cubby/internal/db"
	"cubby/internal/i18n"
	"cubby/internal/notify"
)

// notifySettings turns the CUBBY_SMTP_* and CUBBY_SMS_* settings into the
// outbox's.
func notifySettings(cfg config.Config) notify.Settings {
	return notify.Settings{
		BaseURL:              cfg.BaseURL,
		From:                 cfg.SMTPFrom,
		SMTPURL:              cfg.SMTPURL,
		MailDir:              filepath.Join(cfg.DataDir, "mail"),
		SMTPProcessorName:    cfg.SMTPProcessorName,
		SMTPProcessorCountry: cfg.SMTPProcessorCountry,
		SMSURL:               cfg.SMSURL,
		SMSToken:             cfg.SMSToken,
		SMSProcessorName:     cfg.SMSProcessorName,
		SMSProcessorCountry:  cfg.SMSProcessorCountry,
	}
}

// newOutboxWorker builds the outbox and its delivery worker and says in the
// log where messages go (never to whom). worker.Outbox() is what use cases
// queue messages with.
func newOutboxWorker(cfg config.Config, database *db.DB, bundle *i18n.Bundle, log *slog.Logger) (*notify.Worker, error) {
	s := notifySettings(cfg)
	o, err := notify.NewOutbox(bundle, s)
	if err != nil {
		return nil, err
	}
	email, sms := s.Describe()
	if cfg.SMTPURL == "" {
		log.Info("no CUBBY_SMTP_URL: emails are written to files instead of sent", "dir", s.MailDir)
	}
	log.Info("outbox", "email", email, "sms", sms)
	return notify.NewWorker(database, o, log), nil
}

// startWorker runs w until ctx ends and returns a function that stops it
// and waits until it has: serve defers it, so the database stays open until
// the last delivery is recorded.
func startWorker(ctx context.Context, w *notify.Worker) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); w.Run(ctx) }()
	return func() { cancel(); <-done }
}

const outboxUsage = "cubby outbox [retry-failed] [flags]"

// runOutbox shows the outbox to an operator — counts by status and the age
// of the oldest waiting message, never recipients or contents — or, with
// retry-failed, puts failed messages back in the queue.
func runOutbox(ctx context.Context, e *env, args []string) error {
	retry := len(args) > 0 && args[0] == "retry-failed"
	if retry {
		args = args[1:]
	} else if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		return fmt.Errorf("unknown subcommand %q (usage: %s)", args[0], outboxUsage)
	}
	cfg, err := loadConfig(e, "outbox", args, nil)
	if err != nil {
		return err
	}
	database, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer database.Close()
	if retry {
		n, err := notify.RetryFailed(ctx, database.W, time.Now())
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%d failed %s queued again\n", n, plural(n, "message", "messages"))
		return nil
	}
	stats, err := notify.Stats(ctx, database.R)
	if err != nil {
		return err
	}
	oldest, waiting, err := notify.OldestPending(ctx, database.R)
	if err != nil {
		return err
	}
	w := e.stdout
	for _, s := range notify.Statuses {
		fmt.Fprintf(w, "%-10s %d\n", s, stats[s])
	}
	if waiting {
		fmt.Fprintf(w, "oldest waiting message queued %s ago\n", time.Since(oldest).Round(time.Second))
	} else {
		fmt.Fprintln(w, "nothing waiting")
	}
	email, sms := notifySettings(cfg).Describe()
	fmt.Fprintf(w, "email: %s\nsms:   %s\n", email, sms)
	if stats[notify.StatusFailed] > 0 {
		fmt.Fprintln(w, "run 'cubby outbox retry-failed' to queue failed messages again")
	}
	return nil
}

func plural(n int64, one, other string) string {
	if n == 1 {
		return one
	}
	return other
}
