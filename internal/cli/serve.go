package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"cubby/internal/app"
	"cubby/internal/config"
	"cubby/internal/db"
	"cubby/internal/demo"
	"cubby/internal/files"
	"cubby/internal/i18n"
	"cubby/internal/web"
)

func runServe(ctx context.Context, e *env, args []string) error {
	cfg, err := loadConfig(e, "serve", args, nil)
	if err != nil {
		return err
	}
	return serve(ctx, e, cfg, nil)
}

func runDemo(ctx context.Context, e *env, args []string) error {
	cfg, err := loadConfig(e, "demo", args, nil)
	if err != nil {
		return err
	}
	return serve(ctx, e, cfg, func(ctx context.Context, database *db.DB, a *app.App, url string) error {
		logins, err := demo.Seed(ctx, database, a)
		if err != nil {
			return err
		}
		w := e.stdout
		fmt.Fprintf(w, "\nCubby demo is running at %s — %s\n\n", url, logins.SchoolName)
		fmt.Fprintf(w, "Log in with any of these (password %q):\n", demo.Password)
		fmt.Fprintf(w, "  school leader  %s\n", demo.LeaderEmail)
		fmt.Fprintf(w, "  teacher        %s\n", demo.TeacherEmail)
		fmt.Fprintf(w, "  teacher        %s\n", demo.Teacher2Email)
		fmt.Fprintf(w, "  parent         %s\n", demo.ParentEmail)
		fmt.Fprintf(w, "  student        username %s, password %s\n\n", demo.StudentUsername, demo.Password)
		fmt.Fprintln(w, "Press Ctrl+C to stop. Data is kept in", cfg.DataDir)
		return nil
	})
}

// serve runs the HTTP server until ctx is cancelled, then shuts down
// gracefully. before runs after the listener is open and before serving.
func serve(ctx context.Context, e *env, cfg config.Config, before func(context.Context, *db.DB, *app.App, string) error) error {
	log := newLogger(cfg, e.stderr)
	database, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer database.Close()
	bundle, err := i18n.Load()
	if err != nil {
		return err
	}
	worker, err := newOutboxWorker(cfg, database, bundle, log)
	if err != nil {
		return err
	}
	a, err := newApp(cfg, database, log, bundle, worker.Outbox())
	if err != nil {
		return err
	}
	// A bucket that is missing, or keys it refuses, stop the server now
	// rather than the first photo posted.
	store := a.Privacy.Files.(files.Store)
	if err := store.Check(ctx); err != nil {
		return fmt.Errorf("file storage: %w", err)
	}
	srv, err := web.New(a, bundle, log)
	if err != nil {
		return err
	}
	srv.SecureCookies = cfg.SecureCookies()
	srv.MetricsAllowed = cfg.MetricsNetworks()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (set CUBBY_ADDR or -addr to another port)", cfg.Addr, err)
	}
	url := cfg.BaseURL
	if url == "" {
		url = "http://" + displayAddr(ln.Addr())
	}
	a.BaseURL = url
	if before != nil {
		if err := before(ctx, database, a, url); err != nil {
			ln.Close()
			return err
		}
	}
	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	go housekeeping(ctx, a)
	go a.WarmSchoolSearch(ctx)
	if err := a.ResumeStories(ctx); err != nil { // posts whose photos were being prepared
		log.Error("resume stories", "err", err)
	}
	jobsCtx, stopJobs := context.WithCancel(ctx)
	jobsDone := make(chan struct{})
	go func() { privacyJobs(jobsCtx, a); close(jobsDone) }()
	notesDone := make(chan struct{})
	go func() { notificationJobs(jobsCtx, a); close(notesDone) }()
	defer func() { stopJobs(); <-notesDone }()
	// The request log is flushed before the database closes.
	defer func() { stopJobs(); <-jobsDone }()
	defer startWorker(ctx, worker)() // stops the outbox worker before the database closes
	defer startPushWorker(ctx, a)()  // push.go
	log.Info("listening", "addr", ln.Addr().String(), "database", string(database.Dialect), "files", store.Where())
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// housekeeping runs hourly maintenance until ctx ends.
func housekeeping(ctx context.Context, a *app.App) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if err := a.Housekeeping(ctx); err != nil && ctx.Err() == nil {
			a.Log.Error("housekeeping", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// notificationJobs turns fan-outs into each person's notifications as
// soon as one is written (and every few seconds, for those due later: a
// point after its undo window), and sends the daily digests, until ctx
// ends.
func notificationJobs(ctx context.Context, a *app.App) {
	t := time.NewTicker(5 * time.Second)
	defer t.Stop()
	digests := time.NewTicker(time.Minute)
	defer digests.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-a.NotificationKick():
		case <-t.C:
		case <-digests.C:
			if _, err := a.SendDigests(ctx); err != nil && ctx.Err() == nil {
				a.Log.Error("notification digests", "err", err)
			}
			continue
		}
		if _, err := a.RunNotificationJobs(ctx); err != nil && ctx.Err() == nil {
			a.Log.Error("notification jobs", "err", err)
		}
	}
}

// displayAddr turns ":8080" into "localhost:8080" for people to click.
func displayAddr(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil || host == "" || host == "::" || host == "0.0.0.0" {
		return "localhost:" + port
	}
	return a.String()
}
