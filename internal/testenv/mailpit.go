package testenv

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// EnvRequireSMTP makes a missing mailpit fail tests instead of skipping
// them; .ci/run sets it after installing mailpit.
const EnvRequireSMTP = "CUBBY_REQUIRE_SMTP"

// Mailpit is a real SMTP server (github.com/axllent/mailpit) started for a
// test, whose HTTP API lets the test read what arrived. It listens on
// loopback ports of its own and keeps its messages in a file, so it can be
// killed and restarted on the same ports without losing them.
type Mailpit struct {
	SMTPAddr string // host:port of the SMTP server
	APIURL   string // base URL of the HTTP API, e.g. http://127.0.0.1:41234

	t      testing.TB
	bin    string
	args   []string
	logTo  *SyncBuffer
	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{}
}

// MailpitBinary finds mailpit on PATH or in $(go env GOPATH)/bin, where
// `go install github.com/axllent/mailpit@v1.33.1` puts it.
func MailpitBinary() (string, bool) {
	if p, err := exec.LookPath("mailpit"); err == nil {
		return p, true
	}
	gopath := os.Getenv("GOPATH")
	if gopath == "" {
		if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
			gopath = strings.TrimSpace(string(out))
		}
	}
	for _, dir := range filepath.SplitList(gopath) {
		p := filepath.Join(dir, "bin", "mailpit")
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p, true
		}
	}
	return "", false
}

// StartMailpit starts a mailpit for t, stopped when t ends. extra are more
// mailpit flags, e.g. "--smtp-allowed-recipients", "@example\\.org$". Without
// mailpit the test is skipped with instructions — or fails, when
// CUBBY_REQUIRE_SMTP=1.
func StartMailpit(t testing.TB, extra ...string) *Mailpit {
	t.Helper()
	bin, ok := MailpitBinary()
	if !ok {
		msg := "mailpit not found on PATH or in $(go env GOPATH)/bin; install it with: go install github.com/axllent/mailpit@v1.33.1"
		if os.Getenv(EnvRequireSMTP) == "1" {
			t.Fatalf("%s (%s=1 requires it)", msg, EnvRequireSMTP)
		}
		t.Skip(msg)
	}
	smtpPort, httpPort := freePort(t), freePort(t)
	m := &Mailpit{
		SMTPAddr: fmt.Sprintf("127.0.0.1:%d", smtpPort),
		APIURL:   fmt.Sprintf("http://127.0.0.1:%d", httpPort),
		t:        t,
		bin:      bin,
		logTo:    &SyncBuffer{},
	}
	m.args = append([]string{
		"--smtp", m.SMTPAddr,
		"--listen", strings.TrimPrefix(m.APIURL, "http://"),
		"--database", filepath.Join(t.TempDir(), "mailpit.db"),
		"--disable-version-check",
		"--smtp-disable-rdns",
		"--max", "0",
	}, extra...)
	m.Start()
	t.Cleanup(m.Stop)
	return m
}

// SMTPURL is the CUBBY_SMTP_URL of this server (plain SMTP, no login).
func (m *Mailpit) SMTPURL() string { return "smtp://" + m.SMTPAddr + "?tls=none" }

// Start runs mailpit (again, after Stop) on its ports and waits until both
// its SMTP server and its API answer.
func (m *Mailpit) Start() {
	m.t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.cmd != nil {
		m.t.Fatal("mailpit is already running")
	}
	cmd := exec.Command(m.bin, m.args...)
	cmd.Stdout, cmd.Stderr = m.logTo, m.logTo
	if err := cmd.Start(); err != nil {
		m.t.Fatalf("start mailpit: %v", err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	m.cmd, m.exited = cmd, exited
	deadline := time.Now().Add(20 * time.Second)
	for {
		select {
		case <-exited:
			m.cmd = nil
			m.t.Fatalf("mailpit exited at start:\n%s", m.logTo.String())
		default:
		}
		if m.ready() {
			return
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			<-exited
			m.cmd = nil
			m.t.Fatalf("mailpit did not start within 20s:\n%s", m.logTo.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (m *Mailpit) ready() bool {
	c, err := net.DialTimeout("tcp", m.SMTPAddr, time.Second)
	if err != nil {
		return false
	}
	c.Close()
	resp, err := http.Get(m.APIURL + "/readyz")
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// Stop kills mailpit (SIGKILL: the SMTP server vanishes mid-conversation,
// as in a crash) and waits for it to exit. Messages it accepted are kept in
// its database for a restart. Stopping a stopped mailpit does nothing.
func (m *Mailpit) Stop() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.cmd == nil {
		return
	}
	m.cmd.Process.Kill()
	<-m.exited
	m.cmd = nil
}

// MailpitAddress is an address as mailpit's API returns it.
type MailpitAddress struct {
	Name    string
	Address string
}

// MailpitMessage is a message as mailpit's API returns it. The summaries
// of Messages leave Text and HTML empty; Message fills them.
type MailpitMessage struct {
	ID        string
	MessageID string
	From      MailpitAddress
	To        []MailpitAddress
	Subject   string
	Text      string
	HTML      string
}

// Messages lists every message mailpit holds, newest first.
func (m *Mailpit) Messages(t testing.TB) []MailpitMessage {
	t.Helper()
	var all []MailpitMessage
	for start := 0; ; {
		var page struct {
			MessagesCount int `json:"messages_count"`
			Messages      []MailpitMessage
		}
		m.get(t, "/api/v1/messages?"+url.Values{"start": {fmt.Sprint(start)}, "limit": {"200"}}.Encode(), &page)
		all = append(all, page.Messages...)
		start += len(page.Messages)
		if len(page.Messages) == 0 || start >= page.MessagesCount {
			return all
		}
	}
}

// Message returns one message with its text and HTML bodies.
func (m *Mailpit) Message(t testing.TB, id string) MailpitMessage {
	t.Helper()
	var msg MailpitMessage
	m.get(t, "/api/v1/message/"+url.PathEscape(id), &msg)
	return msg
}

func (m *Mailpit) get(t testing.TB, path string, v any) {
	t.Helper()
	resp, err := http.Get(m.APIURL + path)
	if err != nil {
		t.Fatalf("mailpit API: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("mailpit API %s: %s", path, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("mailpit API %s: %v", path, err)
	}
}

// freePort asks the kernel for a free loopback port. Another process could
// take it before mailpit binds it; on loopback in a test run that is rare
// enough, and mailpit's start then fails loudly rather than silently.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
