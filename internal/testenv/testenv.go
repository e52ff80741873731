// Package testenv starts a complete Cubby — database, app, HTTP server —
// for tests, seeded with the demo school, on any engine.
package testenv

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"sync"
	"testing"

	"cubby/internal/app"
	"cubby/internal/db"
	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/i18n"
	"cubby/internal/web"
)

// Env is a running Cubby.
type Env struct {
	DB     *db.DB
	App    *app.App
	Server *httptest.Server
	URL    string
	Logs   *SyncBuffer
}

// New starts Cubby on a fresh database of dialect d with the demo school.
func New(t testing.TB, d db.Dialect) *Env {
	t.Helper()
	database := dbtest.Open(t, d)
	logs := &SyncBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	a := app.New(database, log)
	if _, err := demo.Seed(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	bundle, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(a, bundle, log)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	return &Env{DB: database, App: a, Server: hs, URL: hs.URL, Logs: logs}
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
