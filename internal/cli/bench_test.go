package cli

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"cubby/internal/db/dbtest"
	"cubby/internal/testenv"
)

// cubby bench seed fills an empty database on either engine with the
// district it reports, and refuses a database that has people in it.
func TestBenchSeed(t *testing.T) {
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			dir := dataOn(t, d)
			var out, errOut strings.Builder
			args := []string{"bench", "seed", "-students", "150", "-seed", "5", "-days", "5", "-schools", "/nonexistent", "-data-dir", dir}
			if code := Run(context.Background(), args, &out, &errOut); code != 0 {
				t.Fatalf("exit %d: %s", code, errOut.String())
			}
			if !strings.Contains(out.String(), "150 students") || !strings.Contains(out.String(), "750 attendance records") ||
				!strings.Contains(out.String(), "teacher1@s5.bench.test") {
				t.Errorf("output %q", out.String())
			}
			database, err := openData(t, d, dir)
			if err != nil {
				t.Fatal(err)
			}
			defer database.Close()
			var students, marks int
			database.R.QueryRow(`SELECT COUNT(*) FROM students`).Scan(&students)
			database.R.QueryRow(`SELECT COUNT(*) FROM attendance`).Scan(&marks)
			if students != 150 || marks != 750 {
				t.Errorf("%d students, %d attendance records", students, marks)
			}
			out.Reset()
			errOut.Reset()
			if code := Run(context.Background(), args, &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "already has 150 students") {
				t.Errorf("second seed: exit %d, %q", code, errOut.String())
			}
		})
	}
}

// cubby bench load against a real cubby serve on a small seeded district:
// a smoke run of two seconds that every use case answers without error
// (times are not asserted: the machine is shared).
func TestBenchLoadSmoke(t *testing.T) {
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			dir := dataOn(t, d)
			var out, errOut strings.Builder
			if code := Run(context.Background(), []string{"bench", "seed", "-students", "120", "-seed", "9", "-days", "3", "-schools", "/nonexistent", "-data-dir", dir}, &out, &errOut); code != 0 {
				t.Fatalf("seed: exit %d: %s", code, errOut.String())
			}
			ctx, cancel := context.WithCancel(context.Background())
			logs := &testenv.SyncBuffer{}
			done := make(chan int)
			go func() {
				done <- Run(ctx, []string{"serve", "-addr", "127.0.0.1:0", "-data-dir", dir, "-log-level", "info"}, logs, logs)
			}()
			defer func() { cancel(); <-done }()
			re := regexp.MustCompile(`"msg":"listening","addr":"([^"]+)"`)
			var addr string
			for deadline := time.Now().Add(60 * time.Second); addr == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
				if m := re.FindStringSubmatch(logs.String()); m != nil {
					addr = m[1]
				}
			}
			if addr == "" {
				t.Fatalf("serve did not start: %s", logs.String())
			}
			out.Reset()
			errOut.Reset()
			if code := Run(context.Background(), []string{"bench", "load", "-url", "http://" + addr, "-seed", "9", "-duration", "2s", "-clients", "4", "-teachers", "2"}, &out, &errOut); code != 0 {
				t.Fatalf("load: exit %d: %s", code, errOut.String())
			}
			for _, c := range loadCases() {
				line := regexp.MustCompile(regexp.QuoteMeta(c.name) + `\s+(\d+)\s+\d+\s+[\d.]+\s+[\d.]+\s+(\d+)`).FindStringSubmatch(out.String())
				if line == nil || line[1] == "0" || line[2] != "0" {
					t.Errorf("%s: %v in\n%s", c.name, line, out.String())
				}
			}
			if code := Run(context.Background(), []string{"bench", "load", "-url", "http://192.0.2.1:80"}, &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "only a server on this machine") {
				t.Errorf("a remote address: exit %d, %q", code, errOut.String())
			}
		})
	}
}
