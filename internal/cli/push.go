package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"cubby/internal/app"
	"cubby/internal/config"
	"cubby/internal/notify/webpush"
)

// setUpPush gives the app its web push sender: the VAPID key is made at
// first start and kept in the data folder (vapid.pem, readable by the
// server only), so browsers' subscriptions stay valid across restarts.
// The contact push services see is the operator's address, else the
// server's URL.
func setUpPush(cfg config.Config, a *app.App) error {
	subject := cfg.BaseURL
	if cfg.Privacy.OperatorEmail != "" {
		subject = "mailto:" + cfg.Privacy.OperatorEmail
	}
	if !strings.HasPrefix(subject, "https://") && !strings.HasPrefix(subject, "mailto:") {
		subject = "" // push services want mailto: or https:, or nothing
	}
	v, err := webpush.LoadOrCreateVAPID(filepath.Join(cfg.DataDir, webpush.VAPIDFile), subject)
	if err != nil {
		return fmt.Errorf("web push key: %w", err)
	}
	policy := webpush.Policy{AllowLoopback: cfg.PushAllowLocal}
	a.Push.Sender, a.Push.Policy = webpush.NewSender(v, policy), policy
	a.Push.AppVersion, a.Push.Workers = Version, 8
	return nil
}

// startPushWorker sends due pushes every few seconds until ctx ends and
// returns a function that stops it and waits, so the database outlives
// it.
func startPushWorker(ctx context.Context, a *app.App) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); a.RunPushWorker(ctx, 3*time.Second) }()
	return func() { cancel(); <-done }
}
