package schoolimport

import (
	"bytes"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// The progress line shows rows, rate and an estimate from the bytes of the
// file read; a terminal gets a bar redrawn in place, a log plain lines.
func TestProgressLine(t *testing.T) {
	t.Parallel()
	var read atomic.Int64
	read.Store(250)
	var out bytes.Buffer
	p := &Progress{W: &out, Terminal: true, read: &read, size: 1000}
	p.begin()
	p.start = p.start.Add(-10 * time.Second)
	p.last = p.start
	p.update(20_000)
	got := out.String()
	if !regexp.MustCompile(`(1,99\d|2,000) rows/s`).MatchString(got) {
		t.Errorf("terminal line %q: rate", got)
	}
	for _, want := range []string{"\r[######..................]  25%", "20,000 rows", "ETA 30s", "\x1b[K"} {
		if !strings.Contains(got, want) {
			t.Errorf("terminal line %q lacks %q", got, want)
		}
	}
	out.Reset()
	p.Terminal = false
	p.Every = time.Nanosecond
	p.update(30_000)
	if got := out.String(); strings.Contains(got, "\r") || strings.Contains(got, "[") || !strings.HasSuffix(got, "\n") || !strings.Contains(got, "30,000 rows") {
		t.Errorf("plain line %q", got)
	}
}
