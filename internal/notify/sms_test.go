package notify_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"cubby/internal/db"
	"cubby/internal/db/dbtest"
	"cubby/internal/notify"
)

var consentSMS = notify.SMS{To: "+4915112345678", Lang: "es", Template: "consent_request",
	Data: map[string]any{"ChildName": "Ava", "Link": "https://cubby.school.test/c/xyz"}}

// Without a gateway, SMS is refused loudly and nothing is queued.
func TestSMSDisabledIsAnError(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			database := dbtest.Open(t, d)
			o := newOutbox(t, notify.Settings{MailDir: t.TempDir()})
			if o.SMSEnabled() {
				t.Fatal("SMS enabled without a gateway")
			}
			err := database.Tx(t.Context(), func(q db.Querier) error { return o.SMS(t.Context(), q, consentSMS, newClock().Now()) })
			if !errors.Is(err, notify.ErrSMSDisabled) {
				t.Fatalf("got %v, want ErrSMSDisabled", err)
			}
			if s := stats(t, database); s[notify.StatusPending] != 0 {
				t.Errorf("queued anyway: %v", s)
			}
		})
	}
}

// gateway is a local SMS gateway that answers with the given statuses in
// turn (then 200) and records what it was sent.
type gateway struct {
	mu       sync.Mutex
	statuses []int
	got      []gatewayRequest
}

type gatewayRequest struct {
	Auth, Key, ContentType string
	To, Body               string
}

func (g *gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var in struct{ To, Body string }
	json.NewDecoder(r.Body).Decode(&in)
	g.mu.Lock()
	defer g.mu.Unlock()
	g.got = append(g.got, gatewayRequest{r.Header.Get("Authorization"), r.Header.Get("Idempotency-Key"), r.Header.Get("Content-Type"), in.To, in.Body})
	status := http.StatusOK
	if len(g.statuses) > 0 {
		status, g.statuses = g.statuses[0], g.statuses[1:]
	}
	w.WriteHeader(status)
	// A gateway's error text may well repeat the number; it must not reach
	// last_error.
	w.Write([]byte(`{"error": "cannot deliver to ` + in.To + `"}`))
}

func (g *gateway) requests() []gatewayRequest {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]gatewayRequest(nil), g.got...)
}

// SMS goes through the HTTP gateway with the bearer token, is retried with
// backoff after a 5xx, and carries the same Idempotency-Key each time.
func TestSMSThroughGatewayRetriesOn5xx(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			g := &gateway{statuses: []int{http.StatusServiceUnavailable, http.StatusBadGateway}}
			srv := httptest.NewServer(g)
			defer srv.Close()
			database := dbtest.Open(t, d)
			o := newOutbox(t, notify.Settings{MailDir: t.TempDir(), SMSURL: srv.URL + "/send", SMSToken: "s3cret"})
			clk := newClock()
			logs := &logBuffer{}
			w := newWorker(database, o, clk, logs)
			if err := database.Tx(t.Context(), func(q db.Querier) error { return o.SMS(t.Context(), q, consentSMS, clk.Now()) }); err != nil {
				t.Fatal(err)
			}
			for i, want := range []string{"sms gateway: HTTP 503", "sms gateway: HTTP 502"} {
				n, err := w.DeliverPending(t.Context())
				if n != 0 || err == nil {
					t.Fatalf("try %d: %d, %v", i+1, n, err)
				}
				r := rows(t, database)[0]
				if r.Status != notify.StatusPending || r.Attempts != i+1 || r.LastError != want || !r.Next.After(clk.Now()) {
					t.Fatalf("after try %d: %+v", i+1, r)
				}
				// Not due yet: backing off means no request at all.
				if n, _ := w.DeliverPending(t.Context()); n != 0 || len(g.requests()) != i+1 {
					t.Fatalf("retried before its backoff: %d requests", len(g.requests()))
				}
				clk.Add(time.Hour)
			}
			if n, err := w.DeliverPending(t.Context()); n != 1 || err != nil {
				t.Fatalf("third try: %d, %v", n, err)
			}
			reqs := g.requests()
			if len(reqs) != 3 {
				t.Fatalf("%d requests", len(reqs))
			}
			key := rows(t, database)[0].Key
			for _, r := range reqs {
				if r.Auth != "Bearer s3cret" || r.Key != key || r.ContentType != "application/json" || r.To != consentSMS.To ||
					!strings.Contains(r.Body, "Ava te pide permiso") || !strings.Contains(r.Body, "https://cubby.school.test/c/xyz") {
					t.Errorf("request %+v", r)
				}
			}
			if r := rows(t, database)[0]; r.Status != notify.StatusSent || r.Text != "" {
				t.Errorf("after delivery: %+v", r)
			}
			if strings.Contains(logs.String(), "4915112345678") || strings.Contains(logs.String(), "s3cret") {
				t.Errorf("log holds the number or the token:\n%s", logs)
			}
		})
	}
}

// A 4xx is the gateway refusing this message: it fails at once, and
// last_error says only the status.
func TestSMSRejectedFailsWithoutLeakingTheNumber(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			g := &gateway{statuses: []int{http.StatusBadRequest}}
			srv := httptest.NewServer(g)
			defer srv.Close()
			database := dbtest.Open(t, d)
			o := newOutbox(t, notify.Settings{MailDir: t.TempDir(), SMSURL: srv.URL, SMSToken: "t"})
			clk := newClock()
			w := newWorker(database, o, clk, &logBuffer{})
			database.Tx(t.Context(), func(q db.Querier) error { return o.SMS(t.Context(), q, consentSMS, clk.Now()) })
			if n, err := w.DeliverPending(t.Context()); n != 0 || err != nil {
				t.Fatalf("%d, %v", n, err)
			}
			r := rows(t, database)[0]
			if r.Status != notify.StatusFailed || r.LastError != "sms gateway: HTTP 400" {
				t.Errorf("row %+v", r)
			}
			bad := notify.SMS{To: "015112345678", Template: "consent_request", Data: consentSMS.Data}
			if err := o.SMS(t.Context(), nil, bad, clk.Now()); !errors.Is(err, notify.ErrBadRecipient) {
				t.Errorf("a number not in E.164 form: %v", err)
			}
		})
	}
}
