package notify_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"cubby/internal/db"
	"cubby/internal/db/dbtest"
	"cubby/internal/notify"
)

var errRollback = errors.New("the action failed")

// The message exists if and only if the caller's transaction commits.
func TestEmailIsPartOfTheCallersTransaction(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			database := dbtest.Open(t, d)
			o := newOutbox(t, notify.Settings{MailDir: t.TempDir()})
			now := newClock().Now()
			err := database.Tx(t.Context(), func(q db.Querier) error {
				if err := o.Email(t.Context(), q, verifyEmail("ana@example.test", "es"), now); err != nil {
					return err
				}
				return errRollback
			})
			if !errors.Is(err, errRollback) {
				t.Fatalf("tx: %v", err)
			}
			if s := stats(t, database); s[notify.StatusPending] != 0 {
				t.Fatalf("rolled back, yet queued: %v", s)
			}
			enqueue(t, database, o, verifyEmail("Ana@Example.test", "es"), now)
			rs := rows(t, database)
			if len(rs) != 1 || rs[0].Status != notify.StatusPending || rs[0].Recipient != "ana@example.test" || rs[0].Text == "" || rs[0].HTML == "" {
				t.Fatalf("committed: %+v", rs)
			}
			if s := stats(t, database); s[notify.StatusPending] != 1 || len(s) != len(notify.Statuses) {
				t.Errorf("stats %v", s)
			}
			oldest, ok, err := notify.OldestPending(t.Context(), database.R)
			if err != nil || !ok || !oldest.Equal(now) {
				t.Errorf("oldest pending %v %v %v, want %v", oldest, ok, err, now)
			}
		})
	}
}

// Delivered through a real SMTP server, in the recipient's language, with
// text and HTML; the row is then marked sent and its body blanked.
func TestDeliverThroughSMTP(t *testing.T) {
	t.Parallel()
	mp := startMailpit(t)
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			database := dbtest.Open(t, d)
			o := newOutbox(t, notify.Settings{SMTPURL: mp.SMTPURL()})
			clk := newClock()
			logs := &logBuffer{}
			w := newWorker(database, o, clk, logs)
			to := "ana." + string(d) + "@example.test"
			enqueue(t, database, o, verifyEmail(to, "es"), clk.Now())
			enqueue(t, database, o, notify.Email{To: to, Lang: "fr", Template: "consent_request", SchoolID: 0,
				Data: map[string]any{"ChildName": "Ava", "Link": "https://cubby.school.test/c/1", "Days": 1}}, clk.Now())
			n, err := w.DeliverPending(t.Context())
			if err != nil || n != 2 {
				t.Fatalf("delivered %d, %v\n%s", n, err, logs)
			}
			got := byMessageID(t, mp)
			for _, r := range rows(t, database) {
				if r.Status != notify.StatusSent || r.Text != "" || r.HTML != "" || r.Attempts != 1 {
					t.Errorf("row after delivery: %+v", r)
				}
				if len(got[r.Key]) != 1 {
					t.Fatalf("message %s arrived %d times", r.Key, len(got[r.Key]))
				}
			}
			rs := rows(t, database)
			es := mp.Message(t, got[rs[0].Key][0].ID)
			if es.Subject != "Confirma tu dirección de correo para Cubby" || len(es.To) != 1 || es.To[0].Address != to ||
				!strings.Contains(es.Text, "Hola, Ana:") || !strings.Contains(es.Text, "https://cubby.school.test/verify/abc123") ||
				!strings.Contains(es.HTML, `<html lang="es" dir="ltr">`) || !strings.Contains(es.HTML, `href="https://cubby.school.test/verify/abc123"`) {
				t.Errorf("Spanish email as received:\n%+v", es)
			}
			fr := mp.Message(t, got[rs[1].Key][0].ID)
			if fr.Subject != "Ava vous demande l’autorisation d’utiliser Cubby" || !strings.Contains(fr.Text, "expire dans 1 jour.") {
				t.Errorf("French email as received: %q\n%s", fr.Subject, fr.Text)
			}
			if strings.Contains(logs.String(), to) {
				t.Errorf("the log names the recipient:\n%s", logs)
			}
		})
	}
}

// kills the SMTP server from inside a pass, right after the n-th message
// was accepted, so the rest of the pass meets a dead server.
type killAfter struct {
	notify.EmailSender
	mu   sync.Mutex
	n    int
	kill func()
}

func (k *killAfter) Send(ctx context.Context, m notify.Message) error {
	err := k.EmailSender.Send(ctx, m)
	k.mu.Lock()
	defer k.mu.Unlock()
	if err == nil {
		if k.n--; k.n == 0 {
			k.kill()
		}
	}
	return err
}

// The SMTP server dies mid-delivery and comes back later on the same port:
// every message is delivered, each exactly once.
func TestSMTPOutageLosesNothingAndSendsNothingTwice(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			mp := startMailpit(t)
			database := dbtest.Open(t, d)
			o := newOutbox(t, notify.Settings{SMTPURL: mp.SMTPURL()})
			clk := newClock()
			logs := &logBuffer{}
			w := newWorker(database, o, clk, logs)
			for i := range 20 {
				enqueue(t, database, o, verifyEmail(fmt.Sprintf("parent%02d@example.test", i), "en"), clk.Now())
			}
			notify.SetEmailSender(o, &killAfter{EmailSender: notify.EmailSenderOf(o), n: 7, kill: mp.Stop})

			n, err := w.DeliverPending(t.Context())
			if n != 7 || err == nil {
				t.Fatalf("first pass: delivered %d, err %v; want 7 and an error", n, err)
			}
			s := stats(t, database)
			if s[notify.StatusSent] != 7 || s[notify.StatusPending] != 13 || s[notify.StatusSending] != 0 {
				t.Fatalf("after the server died: %v", s)
			}
			// The message that met the dead server was charged an attempt
			// and backs off; the rest were handed back untried.
			var backedOff []outboxRow
			for _, r := range rows(t, database) {
				if r.Status == notify.StatusPending && r.Attempts > 0 {
					backedOff = append(backedOff, r)
				}
			}
			if len(backedOff) != 1 || !backedOff[0].Next.After(clk.Now()) || backedOff[0].LastError == "" {
				t.Fatalf("backed off: %+v", backedOff)
			}

			// While the server is down every pass fails, and each failed
			// message waits longer before its next try.
			for pass := range 4 {
				clk.Add(10 * time.Minute)
				n, err := w.DeliverPending(t.Context())
				if n != 0 || err == nil || !strings.Contains(err.Error(), "connection refused") {
					t.Fatalf("pass %d while down: %d, %v", pass, n, err)
				}
			}
			first := rows(t, database)[7]
			if first.Attempts < 2 || first.LastError != "smtp connect: connection refused" {
				t.Errorf("row retried while down: %+v", first)
			}
			if s := stats(t, database); s[notify.StatusSent] != 7 || s[notify.StatusFailed] != 0 {
				t.Fatalf("while down: %v", s)
			}

			mp.Start()
			clk.Add(3 * time.Hour)
			for pass := 0; stats(t, database)[notify.StatusSent] < 20; pass++ {
				if pass > 5 {
					t.Fatalf("not delivered after the server came back: %v\n%s", stats(t, database), logs)
				}
				if _, err := w.DeliverPending(t.Context()); err != nil {
					t.Fatalf("after restart: %v", err)
				}
			}
			got := byMessageID(t, mp)
			for _, r := range rows(t, database) {
				if len(got[r.Key]) != 1 {
					t.Errorf("message %s (%s) arrived %d times", r.Key, r.Status, len(got[r.Key]))
				}
			}
			if len(got) != 20 {
				t.Errorf("mailpit holds %d distinct messages, want 20", len(got))
			}
		})
	}
}

// A crash leaves rows in sending. One whose lease has run out is sent
// again, once; one whose lease still runs belongs to a live worker and is
// left alone until its lease runs out.
func TestCrashedWorkersRowsAreResentOnceAfterTheirLease(t *testing.T) {
	t.Parallel()
	mp := startMailpit(t)
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			database := dbtest.Open(t, d)
			o := newOutbox(t, notify.Settings{SMTPURL: mp.SMTPURL()})
			clk := newClock()
			w := newWorker(database, o, clk, &logBuffer{})
			enqueue(t, database, o, verifyEmail("expired@example.test", "en"), clk.Now())
			enqueue(t, database, o, verifyEmail("live@example.test", "en"), clk.Now())
			rs := rows(t, database)
			now := clk.Now()
			for _, x := range []struct {
				id    int64
				lease time.Time
			}{{rs[0].ID, now.Add(-time.Second)}, {rs[1].ID, now.Add(time.Minute)}} {
				if _, err := database.W.Exec(`UPDATE outbox SET status = 'sending', attempts = 1, lease_until = $1 WHERE id = $2`, x.lease, x.id); err != nil {
					t.Fatal(err)
				}
			}
			for range 2 {
				n, err := w.DeliverPending(t.Context())
				if err != nil {
					t.Fatal(err)
				}
				if got := byMessageID(t, mp); len(got[rs[0].Key]) != 1 || len(got[rs[1].Key]) != 0 {
					t.Fatalf("expired lease delivered %d times, live lease %d times (pass sent %d)", len(got[rs[0].Key]), len(got[rs[1].Key]), n)
				}
			}
			if r := rows(t, database); r[0].Status != notify.StatusSent || r[0].Attempts != 2 || r[1].Status != notify.StatusSending {
				t.Fatalf("rows: %+v", r)
			}
			clk.Add(time.Minute)
			if n, err := w.DeliverPending(t.Context()); n != 1 || err != nil {
				t.Fatalf("after the live lease ran out: %d, %v", n, err)
			}
			got := byMessageID(t, mp)
			if len(got[rs[0].Key]) != 1 || len(got[rs[1].Key]) != 1 {
				t.Errorf("delivered %d and %d times", len(got[rs[0].Key]), len(got[rs[1].Key]))
			}
		})
	}
}

// A worker does not start a send its lease might not cover.
func TestWorkerHandsBackRowsItsLeaseCannotCover(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			database := dbtest.Open(t, d)
			dir := t.TempDir()
			o := newOutbox(t, notify.Settings{MailDir: dir})
			clk := newClock()
			w := newWorker(database, o, clk, &logBuffer{})
			w.Lease = notify.SendTimeout / 2
			enqueue(t, database, o, verifyEmail("a@example.test", "en"), clk.Now())
			if n, err := w.DeliverPending(t.Context()); n != 0 || err != nil {
				t.Fatalf("sent %d, %v", n, err)
			}
			if r := rows(t, database); r[0].Status != notify.StatusPending || r[0].Attempts != 0 {
				t.Errorf("row: %+v", r[0])
			}
		})
	}
}

// The SMTP server refuses a recipient: the message fails for good, and
// neither last_error nor the log holds the address, although the server's
// own error text does.
func TestLastErrorNeverHoldsTheRecipient(t *testing.T) {
	t.Parallel()
	mp := startMailpit(t, "--smtp-allowed-recipients", `@allowed\.test$`)
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			database := dbtest.Open(t, d)
			o := newOutbox(t, notify.Settings{SMTPURL: mp.SMTPURL()})
			clk := newClock()
			logs := &logBuffer{}
			w := newWorker(database, o, clk, logs)
			to := "ava.martin.parent@blocked.test"
			enqueue(t, database, o, verifyEmail(to, "en"), clk.Now())
			enqueue(t, database, o, verifyEmail("ok@allowed.test", "en"), clk.Now())
			if n, err := w.DeliverPending(t.Context()); n != 1 || err != nil {
				t.Fatalf("delivered %d, %v", n, err)
			}
			r := rows(t, database)[0]
			if r.Status != notify.StatusFailed || r.LastError == "" || !strings.Contains(r.LastError, "rejected 5") {
				t.Fatalf("refused row: %+v", r)
			}
			for _, part := range []string{to, "ava.martin", "blocked.test"} {
				if strings.Contains(r.LastError, part) || strings.Contains(logs.String(), part) {
					t.Errorf("%q leaked into last_error %q or the log:\n%s", part, r.LastError, logs)
				}
			}
			// The guard is needed: the raw error does name the recipient.
			err := notify.EmailSenderOf(o).Send(t.Context(), notify.Message{Key: "k", To: to, Subject: "s", Text: "t", CreatedAt: clk.Now()})
			notify.EmailSenderOf(o).Close()
			var se *notify.SendError
			if !errors.As(err, &se) || !se.Permanent || strings.Contains(se.Error(), to) || !strings.Contains(se.Err.Error(), to) {
				t.Errorf("send error %v (raw %v)", err, se.Err)
			}
		})
	}
}

func TestFailedMessagesCanBeRetriedAndRowsExpire(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			database := dbtest.Open(t, d)
			o := newOutbox(t, notify.Settings{MailDir: t.TempDir()})
			clk := newClock()
			w := newWorker(database, o, clk, &logBuffer{})
			w.MaxAttempts = 2
			notify.SetEmailSender(o, refusing{})
			enqueue(t, database, o, verifyEmail("a@example.test", "en"), clk.Now())
			for range 3 {
				w.DeliverPending(t.Context())
				clk.Add(2 * time.Hour)
			}
			if r := rows(t, database)[0]; r.Status != notify.StatusFailed || r.Attempts != 2 || r.LastError != "deferred" {
				t.Fatalf("after MaxAttempts: %+v", r)
			}
			n, err := notify.RetryFailed(t.Context(), database.W, clk.Now())
			if n != 1 || err != nil {
				t.Fatalf("retry-failed: %d, %v", n, err)
			}
			if r := rows(t, database)[0]; r.Status != notify.StatusPending || r.Attempts != 0 || r.LastError != "" {
				t.Fatalf("re-queued: %+v", r)
			}
			if n, _ := notify.Purge(t.Context(), database.W, clk.Now()); n != 0 {
				t.Fatalf("purged a fresh row")
			}
			if n, _ := notify.Purge(t.Context(), database.W, newClock().Now().Add(notify.Retention+time.Second)); n != 1 {
				t.Fatalf("kept a row past its retention")
			}
		})
	}
}

// refusing is a provider that defers every message (a 4xx).
type refusing struct{}

func (refusing) Send(context.Context, notify.Message) error {
	return &notify.SendError{Class: "deferred"}
}
func (refusing) Close() error { return nil }

// Without an SMTP server, emails become .eml files named without the
// recipient, and a re-delivered row replaces its file.
func TestDevelopmentModeWritesFiles(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			database := dbtest.Open(t, d)
			dir := filepath.Join(t.TempDir(), "mail")
			o := newOutbox(t, notify.Settings{MailDir: dir})
			clk := newClock()
			logs := &logBuffer{}
			w := newWorker(database, o, clk, logs)
			enqueue(t, database, o, verifyEmail("ana@example.test", "es"), clk.Now())
			if n, err := w.DeliverPending(t.Context()); n != 1 || err != nil {
				t.Fatalf("%d, %v", n, err)
			}
			files, _ := filepath.Glob(filepath.Join(dir, "*"))
			if len(files) != 1 || strings.Contains(files[0], "ana") {
				t.Fatalf("files %v", files)
			}
			r := rows(t, database)[0]
			b, _ := os.ReadFile(files[0])
			for _, want := range []string{"To: <ana@example.test>", "Message-ID: <" + r.Key + "@school.test>", "Content-Type: text/html", "Content-Language: es"} {
				if !strings.Contains(string(b), want) {
					t.Errorf("file lacks %q:\n%s", want, b)
				}
			}
			// Delivered again (after a crash): the file is replaced, not doubled.
			m := notify.Message{Key: r.Key, To: r.Recipient, Subject: "s", Text: "t", CreatedAt: clk.Now()}
			for range 2 {
				if err := notify.EmailSenderOf(o).Send(t.Context(), m); err != nil {
					t.Fatal(err)
				}
			}
			if again, _ := filepath.Glob(filepath.Join(dir, "*")); len(again) != 1 {
				t.Errorf("files after re-delivery: %v", again)
			}
			if !strings.Contains(logs.String(), "email written to a file") || strings.Contains(logs.String(), "ana@") {
				t.Errorf("log:\n%s", logs)
			}
		})
	}
}

// Two workers on one database never send the same row.
func TestConcurrentWorkersShareTheQueue(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			database := dbtest.Open(t, d)
			o := newOutbox(t, notify.Settings{MailDir: t.TempDir()})
			clk := newClock()
			for i := range 60 {
				enqueue(t, database, o, verifyEmail(fmt.Sprintf("p%d@example.test", i), "en"), clk.Now())
			}
			c := &counting{seen: map[string]int{}}
			notify.SetEmailSender(o, c)
			var wg sync.WaitGroup
			for range 3 {
				w := newWorker(database, o, clk, &logBuffer{})
				w.Batch = 7
				wg.Go(func() {
					for {
						n, err := w.DeliverPending(context.Background())
						if err != nil {
							t.Error(err)
							return
						}
						if n == 0 {
							return
						}
					}
				})
			}
			wg.Wait()
			if s := stats(t, database); s[notify.StatusSent] != 60 || len(c.seen) != 60 {
				t.Fatalf("stats %v, %d distinct sent", s, len(c.seen))
			}
			for k, n := range c.seen {
				if n != 1 {
					t.Errorf("%s sent %d times", k, n)
				}
			}
		})
	}
}

// counting accepts every message and counts them by key.
type counting struct {
	mu   sync.Mutex
	seen map[string]int
}

func (c *counting) Send(_ context.Context, m notify.Message) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seen[m.Key]++
	return nil
}
func (c *counting) Close() error { return nil }

// Run delivers in the background and returns promptly when told to stop.
func TestRunDeliversAndStops(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			database := dbtest.Open(t, d)
			o := newOutbox(t, notify.Settings{MailDir: t.TempDir()})
			w := notify.NewWorker(database, o, discard())
			w.Poll = 20 * time.Millisecond
			ctx, cancel := context.WithCancel(t.Context())
			done := make(chan struct{})
			go func() { w.Run(ctx); close(done) }()
			enqueue(t, database, o, verifyEmail("a@example.test", "en"), time.Now())
			deadline := time.Now().Add(10 * time.Second)
			for stats(t, database)[notify.StatusSent] != 1 {
				if time.Now().After(deadline) {
					t.Fatal("Run did not deliver")
				}
				time.Sleep(10 * time.Millisecond)
			}
			cancel()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("Run did not stop")
			}
		})
	}
}

// Credentials in CUBBY_SMTP_URL log in over STARTTLS (the default: a
// server that does not offer it gets no password); a wrong password stops
// the pass like an unreachable server and is recorded without the password.
func TestSMTPLoginOverSTARTTLS(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			certFile, keyFile, pool := selfSignedCert(t, dir)
			authFile := filepath.Join(dir, "auth")
			if err := os.WriteFile(authFile, []byte("cubby:s3cret-pass\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			mp := startMailpit(t, "--smtp-tls-cert", certFile, "--smtp-tls-key", keyFile, "--smtp-require-starttls", "--smtp-auth-file", authFile)
			database := dbtest.Open(t, d)
			clk := newClock()
			cases := []struct {
				url   string
				sent  int
				class string
			}{
				{"smtp://cubby:wrong-pass@" + mp.SMTPAddr, 0, "smtp connect: authentication failed"},
				{"smtp://cubby:s3cret-pass@" + mp.SMTPAddr + "?tls=starttls", 1, ""},
			}
			for i, c := range cases {
				o := newOutbox(t, notify.Settings{SMTPURL: c.url})
				notify.SetSMTPTLSConfig(o, &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12})
				w := newWorker(database, o, clk, &logBuffer{})
				if i == 0 {
					enqueue(t, database, o, verifyEmail("a@example.test", "en"), clk.Now())
				}
				clk.Add(time.Hour)
				n, err := w.DeliverPending(t.Context())
				if n != c.sent {
					t.Fatalf("%d: sent %d, %v", i, n, err)
				}
				if r := rows(t, database)[0]; c.class != "" && (err == nil || r.LastError != c.class) {
					t.Errorf("%d: %v, last_error %q", i, err, r.LastError)
				}
			}
			if got := mp.Messages(t); len(got) != 1 {
				t.Errorf("mailpit got %d messages", len(got))
			}
		})
	}
}

// selfSignedCert writes a certificate for 127.0.0.1 and its key, and
// returns a pool trusting it.
func selfSignedCert(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "mailpit test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600)
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// smtp:// without ?tls= requires STARTTLS: a server that does not offer it
// (or an attacker stripping the offer) gets nothing, not even the message.
func TestSTARTTLSIsRequiredByDefault(t *testing.T) {
	t.Parallel()
	mp := startMailpit(t)
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			database := dbtest.Open(t, d)
			o := newOutbox(t, notify.Settings{SMTPURL: "smtp://cubby:pw@" + mp.SMTPAddr})
			clk := newClock()
			enqueue(t, database, o, verifyEmail("a@example.test", "en"), clk.Now())
			n, err := newWorker(database, o, clk, &logBuffer{}).DeliverPending(t.Context())
			if r := rows(t, database)[0]; n != 0 || err == nil || r.LastError != "smtp connect: the server does not offer STARTTLS" {
				t.Errorf("sent %d, %v, last_error %q", n, err, r.LastError)
			}
			if got := mp.Messages(t); len(got) != 0 {
				t.Errorf("delivered without TLS")
			}
		})
	}
}
