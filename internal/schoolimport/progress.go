package schoolimport

import (
	"bufio"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"cubby/internal/db"
)

// ImportFile imports a CSV file, gzip-compressed or not (told by its first
// bytes, not its name). Progress is measured in bytes of the file as stored,
// so the estimate holds for compressed files too.
func ImportFile(ctx context.Context, database *db.DB, path string, opts Options) (*Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return &Result{Source: opts.Source}, err
	}
	defer f.Close()
	size := int64(0)
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		size = st.Size()
	}
	counted := &countingReader{r: f}
	br := bufio.NewReaderSize(counted, 64<<10)
	var r io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return &Result{Source: opts.Source}, fmt.Errorf("%s: %w", path, err)
		}
		defer zr.Close()
		r = zr
	}
	if opts.Progress != nil {
		opts.Progress.read = &counted.n
		opts.Progress.size = size
	}
	return Import(ctx, database, r, opts)
}

type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// Progress reports an import's progress: a bar redrawn in place on a
// terminal, or a plain line now and then for logs.
type Progress struct {
	W        io.Writer
	Terminal bool
	// Every is how often a plain line is written (default 10s); the bar
	// redraws five times a second.
	Every time.Duration

	read  *atomic.Int64 // bytes of the file read so far
	size  int64
	start time.Time
	last  time.Time
}

func (p *Progress) begin() {
	if p != nil {
		p.start = time.Now()
		p.last = p.start
	}
}

func (p *Progress) update(rows int) {
	if p == nil || p.W == nil {
		return
	}
	now := time.Now()
	every := p.Every
	switch {
	case p.Terminal:
		every = 200 * time.Millisecond
	case every <= 0:
		every = 10 * time.Second
	}
	if now.Sub(p.last) < every {
		return
	}
	p.last = now
	line := p.line(rows, now)
	if p.Terminal {
		fmt.Fprintf(p.W, "\r%s\x1b[K", line)
	} else {
		fmt.Fprintln(p.W, line)
	}
}

// line is "[#####.....] 45%  42,000 rows  12,000 rows/s  ETA 4s".
func (p *Progress) line(rows int, now time.Time) string {
	elapsed := now.Sub(p.start).Seconds()
	rate := float64(rows) / max(elapsed, 1e-9)
	var b strings.Builder
	eta := ""
	if p.size > 0 && p.read != nil {
		frac := min(float64(p.read.Load())/float64(p.size), 1)
		if p.Terminal {
			const width = 24
			fill := int(frac * width)
			b.WriteString("[" + strings.Repeat("#", fill) + strings.Repeat(".", width-fill) + "] ")
		}
		fmt.Fprintf(&b, "%3.0f%%  ", frac*100)
		if frac > 0 {
			eta = "  ETA " + (time.Duration(elapsed*(1-frac)/frac*1000) * time.Millisecond).Round(time.Second).String()
		}
	}
	fmt.Fprintf(&b, "%s rows  %s rows/s%s", thousands(int64(rows)), thousands(int64(rate)), eta)
	return b.String()
}

func (p *Progress) done() {
	if p == nil || p.W == nil || p.start.IsZero() {
		return
	}
	if p.Terminal {
		fmt.Fprint(p.W, "\r\x1b[K")
	}
}
