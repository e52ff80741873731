// Package testenv starts a complete Cubby — database, app, HTTP server —
// for tests, seeded with the demo school, on any engine.
package testenv

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"cubby/internal/app"
	"cubby/internal/db"
	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/files"
	"cubby/internal/i18n"
	"cubby/internal/notify"
	"cubby/internal/notify/webpush"
	"cubby/internal/privacy"
	"cubby/internal/web"
)

// Env is a running Cubby.
type Env struct {
	DB     *db.DB
	App    *app.App
	Server *httptest.Server
	URL    string
	Logs   *SyncBuffer
	// Worker delivers the outbox; it runs in the background only when
	// the env was started WithSMTP.
	Worker *notify.Worker
	// Files is the file store (photos, attachments, export archives): a
	// folder of the test's, or a bucket WithFiles gave.
	Files files.Store
}

// Option changes how New starts Cubby.
type Option func(*options)

type options struct {
	smtpURL string
	deploy  func(*privacy.Deployment)
	files   files.Store
}

// WithSMTP sends email through a real SMTP server (see StartMailpit) with
// a delivery worker running; without it, emails are rendered into the
// outbox and written as files, and tests read them from the outbox table.
func WithSMTP(url string) Option { return func(o *options) { o.smtpURL = url } }

// WithFiles keeps files in store (an S3 bucket: see StartS3) instead of
// a folder of the test's.
func WithFiles(store files.Store) Option { return func(o *options) { o.files = store } }

// WithDeployment changes the privacy settings (operator, processors, grace
// period) the server starts with, as CUBBY_* variables would.
func WithDeployment(f func(*privacy.Deployment)) Option { return func(o *options) { o.deploy = f } }

// New starts Cubby on a fresh database of dialect d with the demo school.
func New(t testing.TB, d db.Dialect, opts ...Option) *Env {
	t.Helper()
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	database := dbtest.Open(t, d)
	logs := &SyncBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	a := app.New(database, log)
	bundle, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	inv, err := privacy.LoadInventory()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(a, bundle, log)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewUnstartedServer(srv.Handler())
	hs.Start()
	t.Cleanup(hs.Close)
	outbox, err := notify.NewOutbox(bundle, notify.Settings{BaseURL: hs.URL, From: "Cubby <cubby@demo.cubby.test>",
		SMTPURL: o.smtpURL, MailDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	a.Mail, a.BaseURL, a.Inventory, a.I18n = outbox, hs.URL, inv, bundle
	// Files (export archives, uploads) live in the test's own folder unless
	// the test gave a store; the privacy settings are zero configuration's
	// plus the outbox's providers.
	var store files.Store = files.Dir{Path: t.TempDir()}
	if o.files != nil {
		store = o.files
	}
	a.Privacy.Files = store
	a.Stories.Media = app.NewMediaPipeline(0) // the real pipeline: stories' photos are re-encoded in tests too
	deployment := &privacy.Deployment{Country: a.Country, ServerLocation: a.Country, DeletionGrace: privacy.DefaultDeletionGrace,
		Processors: app.ProcessorsOf(outbox.Settings().Processors())}
	if o.deploy != nil {
		o.deploy(deployment)
	}
	a.Privacy.Deployment = deployment
	for _, l := range bundle.Locales() {
		a.Languages = append(a.Languages, l.Code)
	}
	// Tests hash many passwords; the cheapest argon2id settings keep them
	// fast without changing what is tested.
	a.Password = app.PasswordParams{Time: 1, Memory: 1024, Threads: 1}
	// Web push with a key of the test's; endpoints on this machine are
	// allowed (CUBBY_PUSH_ALLOW_LOCAL's switch), for the local push service
	// (StartPushService). A test of the production policy sets its own.
	vapid, err := webpush.LoadOrCreateVAPID(filepath.Join(t.TempDir(), webpush.VAPIDFile), "mailto:ops@demo.cubby.test")
	if err != nil {
		t.Fatal(err)
	}
	policy := webpush.Policy{AllowLoopback: true}
	a.Push.Sender, a.Push.Policy, a.Push.AppVersion, a.Push.Workers = webpush.NewSender(vapid, policy), policy, "test", 4
	if _, err := demo.Seed(context.Background(), database, a); err != nil {
		t.Fatal(err)
	}
	env := &Env{DB: database, App: a, Server: hs, URL: hs.URL, Logs: logs, Worker: notify.NewWorker(database, outbox, log), Files: store}
	// Background jobs (exports) finish before the database and the
	// folders they write to are removed.
	t.Cleanup(a.WaitJobs)
	if o.smtpURL != "" {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { env.Worker.Run(ctx); close(done) }()
		t.Cleanup(func() { cancel(); <-done })
	}
	return env
}

// LastEmail returns the text body of the newest email queued for an
// address, or "" if there is none.
func (e *Env) LastEmail(t testing.TB, to string) string {
	t.Helper()
	var body string
	err := e.DB.R.QueryRow(`SELECT body_text FROM outbox WHERE recipient = $1 ORDER BY id DESC LIMIT 1`, to).Scan(&body)
	if err != nil && err != sql.ErrNoRows {
		t.Fatal(err)
	}
	return body
}

// LinkIn returns the first link in text starting with prefix (e.g.
// env.URL+"/verify"), or fails the test.
func LinkIn(t testing.TB, text, prefix string) string {
	t.Helper()
	i := strings.Index(text, prefix)
	if i < 0 {
		t.Fatalf("no link %s… in:\n%s", prefix, text)
	}
	link := text[i:]
	if j := strings.IndexAny(link, " \n\r\t<>\")"); j >= 0 {
		link = link[:j]
	}
	return link
}

// Client returns an HTTP client with its own cookie jar that does not
// follow redirects, so tests can see them.
func (e *Env) Client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// SyncBuffer is a goroutine-safe log sink tests can search.
type SyncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *SyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything logged so far.
func (b *SyncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// ReadAll reads and closes a response body.
func ReadAll(t testing.TB, r io.ReadCloser) string {
	t.Helper()
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
