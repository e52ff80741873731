// Package e2e drives Cubby in a real browser: Debian's Chromium through
// chromedp. Without Chromium the tests skip with a note, unless
// CUBBY_REQUIRE_BROWSER=1 (as .ci/run sets), when its absence fails them.
// Every page visited is saved as a PNG in $CUBBY_SCREENSHOTS (.ci/run sets
// test-output/screenshots), else in the test's artifact directory (kept
// with go test -artifacts).
package e2e

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"cubby/internal/db"
	"cubby/internal/db/dbtest"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// engine is the database under the browser tests, SQLite on purpose:
// they check what a person sees and does in a real browser, the SQL under
// every page runs on both engines in the web, API and app tests, and a
// second browser pass would double the slowest package of the suite.
func engine(t *testing.T) db.Dialect {
	t.Helper()
	return dbtest.SQLiteOnly(t, "browser tests; the pages' SQL runs on both engines in the web, API and app tests")
}

type browser struct {
	t        *testing.T
	ctx      context.Context
	mu       sync.Mutex
	problems []string
	marks    map[string]chan struct{} // console markers settleConsole waits for
	allowed  []string                 // console errors a test expects (allow)
	size     [2]int64
}

// consoleMark starts the console messages settleConsole writes.
const consoleMark = "cubby-e2e-console-mark-"

// marks numbers console markers across browsers.
var marks atomic.Int32

// streamWatch runs in every document before its own scripts and counts the
// server-sent event streams that have opened, so a test can wait until a
// live page listens (the server subscribes before it answers).
const streamWatch = `(() => {
  if (!window.EventSource || window.cubbyOpenStreams !== undefined) return;
  window.cubbyOpenStreams = 0;
  const ES = window.EventSource;
  window.EventSource = class extends ES {
    constructor(...args) {
      super(...args);
      this.addEventListener("open", () => { window.cubbyOpenStreams++; });
    }
  };
})()`

// shots numbers screenshots across browsers, so two browsers in one test
// (a child and a parent) never overwrite each other's pictures.
var shots atomic.Int32

// Viewports people use: a small phone and a desktop window.
var (
	phone   = [2]int64{375, 740}
	desktop = [2]int64{1280, 800}
)

func newBrowser(t *testing.T, viewport [2]int64, lang string) *browser {
	t.Helper()
	exe := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			exe = p
			break
		}
	}
	if exe == "" {
		if os.Getenv("CUBBY_REQUIRE_BROWSER") == "1" {
			t.Fatal("Chromium is required (CUBBY_REQUIRE_BROWSER=1) but not installed; .ci/run installs it")
		}
		t.Skip("browser tests skipped: Chromium is not installed (apt-get install chromium, or run .ci/run)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("lang", lang),
		chromedp.WindowSize(int(viewport[0]), int(viewport[1])),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	// A browser's whole life: long enough for the longest story (the
	// messages test, 50 s alone and 96 s beside the app tests in CI),
	// short enough that a page that never answers fails the test.
	ctx, cancelTimeout := context.WithTimeout(ctx, 4*time.Minute)
	b := &browser{t: t, ctx: ctx, size: viewport, marks: map[string]chan struct{}{}}
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(viewport[0], viewport[1])); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: streamWatch}); err != nil {
		t.Fatalf("watch event streams: %v", err)
	}
	// Any console error — a script exception, a CSP violation, a failed
	// asset — fails the test.
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleDebug && strings.HasPrefix(m.Text, consoleMark) {
				b.mu.Lock()
				if ch := b.marks[m.Text]; ch != nil {
					close(ch)
					delete(b.marks, m.Text)
				}
				b.mu.Unlock()
				continue
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				b.mu.Lock()
				if text := m.String() + " at " + m.URL; !slices.ContainsFunc(b.allowed, func(a string) bool { return strings.Contains(text, a) }) {
					b.problems = append(b.problems, text)
				}
				b.mu.Unlock()
			}
		}
	}()
	t.Cleanup(b.checkConsole)
	return b
}

// allow expects console errors containing text, as Chromium logs a form
// the server answered 4xx ("status of 400 (Bad Request) at …/path").
func (b *browser) allow(text string) {
	b.mu.Lock()
	b.allowed = append(b.allowed, text)
	b.mu.Unlock()
}

// do runs actions and fails the test on error.
func (b *browser) do(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.t.Fatalf("browser: %v", err)
	}
}

// follow clicks a link and waits until the page it leads to shows ready.
// The page being left is marked first, so a selector both pages have
// (a report's heading) proves nothing until the new page has loaded.
func (b *browser) follow(link, ready string) {
	b.t.Helper()
	b.eval(`document.documentElement.dataset.left = "1"; ""`)
	b.do(chromedp.Click(chromedp.CSS(link)), chromedp.WaitVisible(chromedp.CSS(`html:not([data-left]) `+ready)))
}

// waitUntil waits until the JavaScript expression js is true on the page,
// and fails the test naming what it waited for after 10 seconds. A poll
// ends when the page navigates (a form posted, a redirect) or when js
// throws on a page still loading; it is started again on the new page.
func (b *browser) waitUntil(what, js string) {
	b.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		left := time.Until(deadline)
		_, err := chromedp.Run(b.ctx, chromedp.Poll[bool](js, chromedp.WithPollingInterval(25*time.Millisecond), chromedp.WithPollingTimeout(left)))
		if err == nil {
			return
		}
		if errors.Is(err, chromedp.ErrPollingTimeout) || b.ctx.Err() != nil || time.Until(deadline) <= 0 {
			b.t.Fatalf("waited 10s until %s (%s): %v", what, js, err)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// settleConsole waits until every console message the page wrote so far
// has reached the test. Messages arrive in order, so once a marker
// written now has come back, all those before it are in.
func (b *browser) settleConsole() error {
	mark := fmt.Sprintf("%s%d", consoleMark, marks.Add(1))
	arrived := make(chan struct{})
	b.mu.Lock()
	b.marks[mark] = arrived
	b.mu.Unlock()
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](fmt.Sprintf(`console.debug(%q), ""`, mark))); err != nil {
		return fmt.Errorf("write a console marker: %w", err)
	}
	select {
	case <-arrived:
		return nil
	case <-time.After(10 * time.Second):
		return fmt.Errorf("the console marker %s did not come back within 10s", mark)
	}
}

// text returns the text of the first element matching a CSS selector.
//
// It finds and reads the element in one step in the page: live pages
// replace their content when an event arrives, and a node looked up first
// and read after may be gone in between.
func (b *browser) text(sel string) string {
	b.t.Helper()
	b.waitUntil("an element "+sel, fmt.Sprintf(`document.querySelector(%q) !== null`, sel))
	return b.eval(fmt.Sprintf(`(() => { const e = document.querySelector(%q); return e ? e.innerText : "" })()`, sel))
}

// eval evaluates a JavaScript expression returning a string.
func (b *browser) eval(js string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](js))
	if err != nil {
		b.t.Fatalf("eval %s: %v", js, err)
	}
	return s
}

// shot saves a full-page screenshot for people to look at.
func (b *browser) shot(name string) {
	b.t.Helper()
	// Grow the viewport to the page's height and capture that: Chromium's
	// capture-beyond-viewport mode crops right-to-left pages wrongly.
	h, err := chromedp.Run(b.ctx, chromedp.Evaluate[int64](`Math.ceil(document.documentElement.scrollHeight)`))
	if err != nil {
		b.t.Fatal(err)
	}
	b.do(chromedp.EmulateViewport(b.size[0], max(h, b.size[1])))
	png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	b.do(chromedp.EmulateViewport(b.size[0], b.size[1]))
	if err != nil {
		b.t.Fatalf("screenshot: %v", err)
	}
	dir := os.Getenv("CUBBY_SCREENSHOTS")
	if dir == "" {
		dir = b.t.ArtifactDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	test := strings.NewReplacer("/", "-", " ", "_").Replace(b.t.Name())
	path := filepath.Join(dir, fmt.Sprintf("%s-%02d-%s.png", test, shots.Add(1), name))
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot %s", path)
}

func (b *browser) checkConsole() {
	// A test that ended with its browser (a timeout) has nothing to wait for.
	if b.ctx.Err() == nil {
		if err := b.settleConsole(); err != nil {
			b.t.Errorf("browser console: %v", err)
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.problems) > 0 {
		b.t.Errorf("browser console errors:\n%s", strings.Join(b.problems, "\n"))
	}
}

// login fills the login form.
func (b *browser) login(base, who, password string) {
	b.t.Helper()
	b.do(
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.ID("login")),
		chromedp.SendKeys(chromedp.ID("login"), who),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.CSS(`form.form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
}
