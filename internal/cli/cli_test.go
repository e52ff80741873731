package cli

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"cubby/internal/db/dbtest"
	"cubby/internal/testenv"
)

func TestHelpAndUnknownCommand(t *testing.T) {
	var out, errOut strings.Builder
	if code := Run(context.Background(), []string{"--help"}, &out, &errOut); code != 0 {
		t.Fatalf("help exit %d", code)
	}
	for _, c := range commands() {
		if !strings.Contains(out.String(), c.name) {
			t.Errorf("help lacks %s", c.name)
		}
	}
	if code := Run(context.Background(), []string{"frobnicate"}, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), `unknown command "frobnicate"`) {
		t.Errorf("unknown command: %d %q", code, errOut.String())
	}
}

func TestBadConfigIsExplained(t *testing.T) {
	var out, errOut strings.Builder
	t.Setenv("CUBBY_DATABASE_URL", "mysql://nope")
	code := Run(context.Background(), []string{"serve", "-addr", "nonsense"}, &out, &errOut)
	msg := errOut.String()
	if code != 1 || !strings.Contains(msg, "CUBBY_ADDR") || !strings.Contains(msg, "CUBBY_DATABASE_URL must start with postgres://") {
		t.Errorf("exit %d, message %q", code, msg)
	}
}

// The demo starts, prints its fixed logins, serves them, and a second run
// on the same data folder reuses the same school.
func TestDemoRunsAndIsReusable(t *testing.T) {
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			dir := dataOn(t, d)
			for run := 1; run <= 2; run++ {
				ctx, cancel := context.WithCancel(context.Background())
				out := &testenv.SyncBuffer{}
				done := make(chan int)
				go func() {
					done <- Run(ctx, []string{"demo", "-addr", "127.0.0.1:0", "-data-dir", dir, "-log-level", "error"}, out, out)
				}()
				var url string
				re := regexp.MustCompile(`running at (http://\S+)`)
				// Seeding the demo takes a few seconds under -race on a busy
				// machine; the wait ends as soon as the address is printed.
				for deadline := time.Now().Add(60 * time.Second); url == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
					if m := re.FindStringSubmatch(out.String()); m != nil {
						url = m[1]
					}
				}
				if url == "" {
					cancel()
					t.Fatalf("run %d: demo did not print its address within 60s:\n%s", run, out.String())
				}
				for _, want := range []string{"leader@demo.cubby.test", "teacher@demo.cubby.test", "teacher2@demo.cubby.test", "parent@demo.cubby.test", "username ava.m", `"cubby-demo"`} {
					if !strings.Contains(out.String(), want) {
						t.Errorf("run %d: output lacks %q", run, want)
					}
				}
				resp, err := http.Get(url + "/healthz")
				if err != nil || resp.StatusCode != 200 {
					t.Errorf("run %d: healthz %v", run, err)
				}
				cancel()
				if code := <-done; code != 0 {
					t.Errorf("run %d: exit %d\n%s", run, code, out.String())
				}
			}
			database, err := openData(t, d, dir)
			if err != nil {
				t.Fatal(err)
			}
			defer database.Close()
			var schools, users int
			database.R.QueryRow(`SELECT count(*) FROM schools`).Scan(&schools)
			database.R.QueryRow(`SELECT count(*) FROM users WHERE email = 'teacher@demo.cubby.test'`).Scan(&users)
			if schools != 1 || users != 1 {
				t.Errorf("after two runs: %d schools, %d demo teachers", schools, users)
			}
		})
	}
}
