package testenv

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// EnvRequirePush makes a missing push service fail tests instead of
// skipping them; .ci/run sets it after installing web-push-testing.
const EnvRequirePush = "CUBBY_REQUIRE_PUSH"

// EnvPushServer is the path of web-push-testing's server script
// (node_modules/web-push-testing/src/bin/server.js); .ci/run sets it.
const EnvPushServer = "CUBBY_WEB_PUSH_TESTING"

// pushInstall is how .ci/run and a developer install it, in the
// repository's own .cache folder (ignored by git).
const pushInstall = "npm install --no-save --prefix .cache/node web-push-testing@1.2.2"

// PushService is a real Web Push service (the npm package
// web-push-testing) started for a test on a loopback port of its own. It
// plays the browser's part too: it makes subscriptions (keys included),
// checks each push's VAPID signature and aes128gcm encryption, decrypts it
// and keeps the plaintext for the test to read.
type PushService struct {
	URL string // http://localhost:port
}

// PushSubscription is one subscription the service made.
type PushSubscription struct {
	Endpoint   string `json:"endpoint"`
	ClientHash string `json:"clientHash"`
	Keys       struct {
		P256dh string `json:"p256dh"`
		Auth   string `json:"auth"`
	} `json:"keys"`
}

// pushServerScript finds the server script: $CUBBY_WEB_PUSH_TESTING, or
// .cache/node/… in the repository.
func pushServerScript() (string, bool) {
	if p := os.Getenv(EnvPushServer); p != "" {
		_, err := os.Stat(p)
		return p, err == nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for {
		p := filepath.Join(dir, ".cache", "node", "node_modules", "web-push-testing", "src", "bin", "server.js")
		if _, err := os.Stat(p); err == nil {
			return p, true
		}
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return "", false
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// StartPushService starts web-push-testing for t, killed when t ends.
// Without node or the package the test is skipped with how to install
// it — or fails, when CUBBY_REQUIRE_PUSH=1.
func StartPushService(t testing.TB) *PushService {
	t.Helper()
	script, ok := pushServerScript()
	node, err := exec.LookPath("node")
	if !ok || err != nil {
		msg := "web-push-testing (the push service the web push tests use) or node not found; install it with: " + pushInstall
		if os.Getenv(EnvRequirePush) == "1" {
			t.Fatalf("%s (%s=1 requires it)", msg, EnvRequirePush)
		}
		t.Skip(msg)
	}
	port := freePort(t)
	logs := &SyncBuffer{}
	cmd := exec.Command(node, script, fmt.Sprint(port))
	cmd.Stdout, cmd.Stderr = logs, logs
	cmd.SysProcAttr = dieWithParent()
	if err := cmd.Start(); err != nil {
		t.Fatalf("start web-push-testing: %v", err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("web-push-testing's log:\n%s", logs.String())
		}
	})
	s := &PushService{URL: fmt.Sprintf("http://localhost:%d", port)}
	deadline := time.Now().Add(20 * time.Second)
	for {
		select {
		case <-exited:
			t.Fatalf("web-push-testing exited at start:\n%s", logs.String())
		default:
		}
		if resp, err := http.Post(s.URL+"/status", "application/json", nil); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("web-push-testing did not answer within 20s:\n%s", logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (s *PushService) post(t testing.TB, path string, body any, out any) {
	t.Helper()
	b, _ := json.Marshal(body)
	resp, err := http.Post(s.URL+path, "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatalf("push service %s: %v", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var buf bytes.Buffer
		buf.ReadFrom(resp.Body)
		t.Fatalf("push service %s: %s %s", path, resp.Status, buf.String())
	}
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatalf("push service %s: %v", path, err)
		}
	}
}

// Subscribe makes a subscription for the application server key (the
// server's VAPID public key, base64url), as a browser's
// pushManager.subscribe would.
func (s *PushService) Subscribe(t testing.TB, applicationServerKey string) PushSubscription {
	t.Helper()
	var out struct{ Data PushSubscription }
	s.post(t, "/subscribe", map[string]string{"applicationServerKey": applicationServerKey, "userVisibleOnly": "true"}, &out)
	return out.Data
}

// Messages returns the decrypted payloads the subscription received, in
// order.
func (s *PushService) Messages(t testing.TB, sub PushSubscription) []string {
	t.Helper()
	var out struct {
		Data struct{ Messages []string }
	}
	s.post(t, "/get-notifications", map[string]string{"clientHash": sub.ClientHash}, &out)
	return out.Data.Messages
}

// Expire makes the service forget the subscription: pushes to it are
// then answered 410 Gone, as when a person revokes the permission.
func (s *PushService) Expire(t testing.TB, sub PushSubscription) {
	t.Helper()
	s.post(t, "/expire-subscription/"+sub.ClientHash, map[string]string{}, nil)
}
