// Package cli implements the cubby command and its subcommands. Wiring
// reads top-down like a script: configuration, database, app, server.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"

	"cubby/internal/app"
	"cubby/internal/config"
	"cubby/internal/db"
	"cubby/internal/i18n"
	"cubby/internal/privacy"
)

// command is one subcommand.
type command struct {
	name, usage, summary string
	run                  func(ctx context.Context, env *env, args []string) error
}

// env is what every subcommand gets.
type env struct {
	stdout, stderr io.Writer
}

func commands() []command {
	return []command{
		{"serve", "cubby serve [flags]", "run Cubby for real: no demo data", runServe},
		{"demo", "cubby demo [flags]", "run Cubby with a ready demo school and print its logins", runDemo},
		{"migrate", "cubby migrate [flags]", "apply database migrations and exit", runMigrate},
		{"schools", schoolsUsage, "import school records from a CSV file (see cubby schools import -h)", runSchools},
		{"staff", staffUsage, "list a school's staff, confirm a school someone added, make someone its leader", runStaff},
		{"helpdesk", helpdeskUsage, "the operator's help requests: those about no school, or a school without a leader", runHelpdesk},
		{"outbox", outboxUsage, "show the email/SMS queue; retry-failed queues failed messages again", runOutbox},
		{"privacy", privacyUsage, "audit the privacy inventory, verify the audit log, run retention (see cubby privacy -h)", runPrivacy},
		{"news", newsUsage, "send product news to the adults who opted in", runNews},
		{"bench", benchUsage, "fill an empty database with a district (seed); drive a server with a mix of use cases (load)", runBench},
		{"version", "cubby version", "print the version and the database schema version", runVersion},
	}
}

// Version is set at build time with -ldflags "-X cubby/internal/cli.Version=…".
var Version = "dev"

// Run executes the command line and returns the process exit code.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	e := &env{stdout: stdout, stderr: stderr}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		usage(stdout)
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] {
			err := c.run(ctx, e, args[1:])
			if errors.Is(err, flag.ErrHelp) {
				return 0
			}
			if err != nil {
				fmt.Fprintf(stderr, "cubby %s: %v\n", c.name, err)
				return 1
			}
			return 0
		}
	}
	fmt.Fprintf(stderr, "cubby: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Cubby — a self-hosted, privacy-first school community platform.")
	fmt.Fprintln(w, "\nUsage: cubby <command> [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'cubby <command> -h' for a command's flags. Every flag can also be set")
	fmt.Fprintln(w, "with its CUBBY_* environment variable (see the README).")
}

// loadConfig parses the common flags (and CUBBY_* variables) for a command.
func loadConfig(e *env, name string, args []string, extra func(fs *flag.FlagSet)) (config.Config, error) {
	cfg := config.Default()
	fs := flag.NewFlagSet("cubby "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	cfg.Flags(fs)
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	return cfg, cfg.Validate()
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	level.UnmarshalText([]byte(cfg.LogLevel))
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level}))
}

// openDB opens and migrates the configured database.
func openDB(ctx context.Context, cfg config.Config) (*db.DB, error) {
	var database *db.DB
	var err error
	if cfg.IsPostgres() {
		database, err = db.OpenPostgres(ctx, cfg.DatabaseURL)
	} else {
		database, err = db.OpenSQLite(filepath.Join(cfg.DataDir, "cubby.db"))
	}
	if err != nil {
		return nil, err
	}
	if err := database.Migrate(ctx); err != nil {
		database.Close()
		return nil, err
	}
	return database, nil
}

// newApp builds the use cases with the deployment's settings, the
// languages Cubby speaks, the privacy inventory notices are generated
// from, and the outbox emails go through.
func newApp(cfg config.Config, database *db.DB, log *slog.Logger, bundle *i18n.Bundle, mail app.Mailer) (*app.App, error) {
	inv, err := privacy.LoadInventory()
	if err != nil {
		return nil, err
	}
	a := app.New(database, log)
	a.SessionTTL, a.Country, a.BaseURL, a.Inventory, a.Mail, a.I18n = cfg.SessionTTL, cfg.Country, cfg.BaseURL, inv, mail, bundle
	store, err := openFiles(cfg)
	if err != nil {
		return nil, err
	}
	a.Privacy.Deployment, a.Privacy.Files = deployment(cfg), store
	a.Stories.Media = app.NewMediaPipeline(0) // photos re-encoded, videos stripped (story_pipeline.go)
	if err := checkGrace(inv, a.Privacy.Deployment); err != nil {
		return nil, err
	}
	for _, l := range bundle.Locales() {
		a.Languages = append(a.Languages, l.Code)
	}
	if err := setUpPush(cfg, a); err != nil { // push.go
		return nil, err
	}
	return a, nil
}

// openAppWithOutbox opens the database and builds the use cases over it
// for a command that queues emails (the server's outbox workers send
// them); close the database when done.
func openAppWithOutbox(ctx context.Context, e *env, cfg config.Config) (*app.App, *db.DB, error) {
	database, err := openDB(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	a, err := func() (*app.App, error) {
		bundle, err := i18n.Load()
		if err != nil {
			return nil, err
		}
		worker, err := newOutboxWorker(cfg, database, bundle, newLogger(cfg, e.stderr))
		if err != nil {
			return nil, err
		}
		return newApp(cfg, database, newLogger(cfg, e.stderr), bundle, worker.Outbox())
	}()
	if err != nil {
		database.Close()
		return nil, nil, err
	}
	return a, database, nil
}

func runMigrate(ctx context.Context, e *env, args []string) error {
	cfg, err := loadConfig(e, "migrate", args, nil)
	if err != nil {
		return err
	}
	database, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer database.Close()
	cur, _, err := database.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "database schema is at version %d\n", cur)
	return nil
}

func runVersion(ctx context.Context, e *env, args []string) error {
	fmt.Fprintf(e.stdout, "cubby %s\n", Version)
	return nil
}
