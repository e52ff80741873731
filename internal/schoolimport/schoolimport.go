// Package schoolimport loads school records from any CSV file with a header
// into the schools table, given a mapping from the file's columns to
// Cubby's fields. It streams (memory does not grow with the file, apart
// from a few bytes per id to spot duplicates), writes in batched
// transactions, is idempotent on (source, source_id), and reports every row
// it could not use and why.
package schoolimport

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"cubby/internal/db"
	"cubby/internal/store"
)

// Options configure an import.
type Options struct {
	// Source names the data set; with each row's source_id it identifies
	// a school, so re-importing updates instead of duplicating.
	Source string
	// Mapping maps CSV columns to fields (store.ImportFields).
	Mapping map[string]string
	// Set gives fields one value for every row, for what the file lacks
	// (e.g. country=US).
	Set map[string]string
	// Country is the deployment's country, used when neither the file nor
	// Set gives one.
	Country string
	// BatchRows is how many rows each transaction writes (default 5,000).
	BatchRows int
	// Examples is how many problem rows to describe (default 10).
	Examples int
	// Progress receives progress reports; nil for none.
	Progress *Progress
	// Now is the clock for created_at (default time.Now).
	Now func() time.Time
}

// Limits that keep a malformed file from using unbounded memory.
const (
	MaxFieldChars  = 1000
	maxRecordBytes = 1 << 20
	statementRows  = 250 // rows per INSERT statement; 13 parameters each
)

// Reasons a row is skipped, as the report names them.
const (
	ReasonQuoting     = "broken quoting"
	ReasonColumns     = "wrong number of columns"
	ReasonEncoding    = "text is not UTF-8"
	ReasonTooLong     = "field longer than 1,000 characters"
	ReasonNoID        = "empty source_id"
	ReasonNoName      = "empty name"
	ReasonNoLocation  = "no location (needs lat and lon, or a city or region)"
	ReasonCoordinates = "bad coordinates"
	ReasonCountry     = "bad country code"
	ReasonDate        = "bad date (want YYYY-MM-DD)"
	// ReasonDuplicate is not a skip: the later row with the same id wins.
	ReasonDuplicate = "duplicate source_id (the later row wins)"
)

// Example describes one problem row.
type Example struct {
	Line    int // first line of the record in the file
	EndLine int // last line, when a record spans several
	Reason  string
	Detail  string
}

func (e Example) String() string {
	at := fmt.Sprintf("line %d", e.Line)
	if e.EndLine > e.Line {
		at = fmt.Sprintf("lines %d–%d", e.Line, e.EndLine)
	}
	if e.Detail != "" {
		return at + ": " + e.Reason + ": " + e.Detail
	}
	return at + ": " + e.Reason
}

// Result is what an import did. After a fatal error it still says what was
// committed: every batch before the failure is in the database.
type Result struct {
	Source     string
	Rows       int // data records read
	New        int64
	Updated    int64
	Unchanged  int64
	Duplicates int
	Skipped    map[string]int // reason → rows
	Examples   []Example
	// Committed counts rows written in committed transactions, and
	// CommittedLine is the last file line they cover.
	Committed     int
	CommittedLine int
	Elapsed       time.Duration
}

// SkippedTotal is the number of rows skipped for any reason.
func (r *Result) SkippedTotal() int {
	n := 0
	for _, c := range r.Skipped {
		n += c
	}
	return n
}

// Summary writes the report people read after an import.
func (r *Result) Summary(w io.Writer) {
	rate := 0.0
	if s := r.Elapsed.Seconds(); s > 0 {
		rate = float64(r.Rows) / s
	}
	fmt.Fprintf(w, "source %q: %s rows read in %s (%s rows/s)\n", r.Source, thousands(int64(r.Rows)), r.Elapsed.Round(time.Millisecond), thousands(int64(rate)))
	fmt.Fprintf(w, "  %s new, %s updated, %s unchanged\n", thousands(r.New), thousands(r.Updated), thousands(r.Unchanged))
	if r.Duplicates > 0 {
		fmt.Fprintf(w, "  %s rows repeated an earlier source_id; the later row won\n", thousands(int64(r.Duplicates)))
	}
	if n := r.SkippedTotal(); n > 0 {
		fmt.Fprintf(w, "  %s rows skipped:\n", thousands(int64(n)))
		reasons := make([]string, 0, len(r.Skipped))
		for k := range r.Skipped {
			reasons = append(reasons, k)
		}
		slices.SortFunc(reasons, func(a, b string) int { return r.Skipped[b] - r.Skipped[a] })
		for _, k := range reasons {
			fmt.Fprintf(w, "    %8s  %s\n", thousands(int64(r.Skipped[k])), k)
		}
	}
	if len(r.Examples) > 0 {
		fmt.Fprintf(w, "  first problems:\n")
		for _, e := range r.Examples {
			fmt.Fprintf(w, "    %s\n", e)
		}
	}
}

// Import reads CSV from r (size bytes long, or 0 when unknown; the size is
// for progress only) and writes its schools to database.
func Import(ctx context.Context, database *db.DB, r io.Reader, opts Options) (*Result, error) {
	start := time.Now()
	if opts.BatchRows <= 0 {
		opts.BatchRows = 5000
	}
	if opts.Examples <= 0 {
		opts.Examples = 10
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	res := &Result{Source: opts.Source, Skipped: map[string]int{}}
	opts.Progress.begin()
	plan, err := newPlan(opts)
	if err != nil {
		return res, err
	}
	guard := &recordGuard{r: r}
	cr := csv.NewReader(guard)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		if err == io.EOF {
			return res, errors.New("the file is empty: it needs a header line naming its columns")
		}
		return res, fmt.Errorf("reading the header line: %w", err)
	}
	if err := plan.bind(header); err != nil {
		return res, err
	}
	before, err := store.CountSchoolsBySource(ctx, database.R, opts.Source)
	if err != nil {
		return res, err
	}
	imp := &importer{db: database, plan: plan, opts: opts, res: res, seen: map[uint64]int32{}, index: map[string]int{}}
	err = imp.run(ctx, cr, guard)
	if imp.changed > 0 && ctx.Err() == nil {
		if oerr := store.OptimizeSchoolSearch(ctx, database.W, database.Dialect); oerr != nil {
			err = errors.Join(err, fmt.Errorf("tidying the search index (the import itself is saved): %w", oerr))
		}
	}
	res.Elapsed = time.Since(start)
	after, cerr := store.CountSchoolsBySource(context.WithoutCancel(ctx), database.R, opts.Source)
	if cerr == nil {
		res.New = after - before
		res.Updated = imp.changed - res.New
		res.Unchanged = int64(res.Committed) - imp.changed
	}
	opts.Progress.done()
	return res, errors.Join(err, cerr)
}

type importer struct {
	db      *db.DB
	plan    *plan
	opts    Options
	res     *Result
	seen    map[uint64]int32 // hash of source_id → line, across the file
	index   map[string]int   // source_id → position in batch
	batch   []store.ImportedSchool
	last    int // last line of the batch
	changed int64
}

func (m *importer) run(ctx context.Context, cr *csv.Reader, guard *recordGuard) error {
	var pendingQuote *csv.ParseError
	for {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("stopped: %w", err)
		}
		rec, err := cr.Read()
		guard.reset()
		if pendingQuote != nil {
			if err == io.EOF && pendingQuote.Line > pendingQuote.StartLine {
				// The quoted field never closed and swallowed the rest.
				ferr := m.flush(ctx)
				return errors.Join(fmt.Errorf("line %d opens a quoted field that is never closed, so lines %d–%d could not be read; fix the quoting and import again (it is safe to repeat)",
					pendingQuote.StartLine, pendingQuote.StartLine, pendingQuote.Line), ferr)
			}
			m.skip(ReasonQuoting, pendingQuote.StartLine, pendingQuote.Line, pendingQuote.Err.Error())
			pendingQuote = nil
		}
		if err == io.EOF {
			return m.flush(ctx)
		}
		var pe *csv.ParseError
		switch {
		case errors.As(err, &pe):
			m.res.Rows++
			if errors.Is(pe.Err, csv.ErrQuote) || errors.Is(pe.Err, csv.ErrBareQuote) {
				pendingQuote = pe
				continue
			}
			m.skip(ReasonQuoting, pe.StartLine, pe.Line, pe.Err.Error())
			continue
		case errors.Is(err, errRecordTooLarge):
			ferr := m.flush(ctx)
			return errors.Join(fmt.Errorf("after line %d: %w", m.res.CommittedLine, err), ferr)
		case err != nil:
			ferr := m.flush(ctx)
			return errors.Join(fmt.Errorf("reading the file after line %d: %w", m.res.CommittedLine, err), ferr)
		}
		m.res.Rows++
		line, _ := cr.FieldPos(0)
		s, reason, detail := m.plan.row(rec)
		if reason != "" {
			m.skip(reason, line, 0, detail)
			continue
		}
		m.add(s, line)
		if len(m.batch) >= m.opts.BatchRows {
			if err := m.flush(ctx); err != nil {
				return err
			}
		}
		if m.res.Rows%1024 == 0 {
			m.opts.Progress.update(m.res.Rows)
		}
	}
}

// add queues a valid row; a repeated id replaces the earlier row.
func (m *importer) add(s store.ImportedSchool, line int) {
	h := fnv.New64a()
	h.Write([]byte(s.SourceID))
	key := h.Sum64()
	if prev, dup := m.seen[key]; dup {
		m.res.Duplicates++
		m.example(Example{Line: line, Reason: ReasonDuplicate, Detail: fmt.Sprintf("%q was on line %d", s.SourceID, prev)})
	}
	m.seen[key] = int32(min(line, math.MaxInt32))
	if i, ok := m.index[s.SourceID]; ok {
		m.batch[i] = s
	} else {
		m.index[s.SourceID] = len(m.batch)
		m.batch = append(m.batch, s)
	}
	m.last = line
}

func (m *importer) skip(reason string, line, end int, detail string) {
	m.res.Skipped[reason]++
	m.example(Example{Line: line, EndLine: end, Reason: reason, Detail: detail})
}

func (m *importer) example(e Example) {
	if len(m.res.Examples) < m.opts.Examples {
		m.res.Examples = append(m.res.Examples, e)
	}
}

// flush writes the batch in one transaction.
func (m *importer) flush(ctx context.Context) error {
	if len(m.batch) == 0 {
		return nil
	}
	var changed int64
	err := m.db.Tx(ctx, func(q db.Querier) error {
		changed = 0
		up, err := store.PrepareSchoolUpsert(ctx, q, m.db.Dialect, m.opts.Source, m.plan.update, statementRows, m.opts.Now().UTC().Truncate(time.Microsecond))
		if err != nil {
			return err
		}
		defer up.Close()
		// Full statements, then the rest in steps of 25 and of one, so that
		// only three statement texts exist for the drivers' caches.
		for rest := m.batch; len(rest) > 0; {
			n := statementRows
			switch {
			case len(rest) >= statementRows:
			case len(rest) >= 25:
				n = 25
			default:
				n = 1
			}
			c, err := up.Exec(ctx, rest[:n])
			if err != nil {
				return err
			}
			changed += c
			rest = rest[n:]
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("writing the rows up to line %d: %w (rows up to line %d were saved; importing again is safe)", m.last, err, m.res.CommittedLine)
	}
	m.changed += changed
	m.res.Committed += len(m.batch)
	m.res.CommittedLine = m.last
	m.batch = m.batch[:0]
	clear(m.index)
	return nil
}

// errRecordTooLarge stops a record that would not end: typically a quote
// that is never closed in a file too big to hold in memory.
var errRecordTooLarge = fmt.Errorf("a single record is longer than %d MiB, probably because a quoted field is never closed", maxRecordBytes>>20)

// recordGuard caps the bytes the CSV reader may take for one record, so a
// broken file cannot make it buffer without end.
type recordGuard struct {
	r     io.Reader
	since int
}

func (g *recordGuard) Read(p []byte) (int, error) {
	if g.since > maxRecordBytes {
		return 0, errRecordTooLarge
	}
	n, err := g.r.Read(p)
	g.since += n
	return n, err
}

func (g *recordGuard) reset() { g.since = 0 }

// validUTF8 reports whether every field is UTF-8.
func validUTF8(rec []string) bool {
	for _, f := range rec {
		if !utf8.ValidString(f) {
			return false
		}
	}
	return true
}

func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
