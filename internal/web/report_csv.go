package web

import (
	"bytes"
	"encoding/csv"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"unicode"

	"cubby/internal/app"
	"cubby/internal/store"
)

// csvFile is a CSV download built in memory (reports are small) so that a
// failure half-way shows an error page instead of a truncated file.
type csvFile struct {
	buf bytes.Buffer
	w   *csv.Writer
}

// newCSV starts a file with its header row. A byte-order mark comes first:
// without it, spreadsheet programs read UTF-8 names (Zoé, ليلى) as mojibake.
func newCSV(header ...string) *csvFile {
	f := &csvFile{}
	f.buf.WriteString("\ufeff")
	f.w = csv.NewWriter(&f.buf)
	f.w.UseCRLF = true
	f.w.Write(header)
	return f
}

// row writes one record. Strings are text cells and are defused against
// formula injection; ints are written as numbers.
func (f *csvFile) row(cells ...any) {
	rec := make([]string, len(cells))
	for i, c := range cells {
		switch v := c.(type) {
		case string:
			rec[i] = csvText(v)
		case int:
			rec[i] = strconv.Itoa(v)
		case float64:
			rec[i] = strconv.FormatFloat(v, 'f', 1, 64)
		}
	}
	f.w.Write(rec)
}

// csvText defuses a text cell a spreadsheet would run as a formula: one
// starting with = + - @ (or a tab or carriage return, which some programs
// skip before looking) gets a leading apostrophe, as OWASP advises. Text
// cells come from people (names, skills, classes); numbers Cubby writes
// itself are not text cells and keep their sign.
func csvText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// send writes the file as an attachment named name (without extension).
func (f *csvFile) send(w http.ResponseWriter, name string) error {
	f.w.Flush()
	if err := f.w.Error(); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": fileName(name) + ".csv"}))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	_, err := f.buf.WriteTo(w)
	return err
}

// fileName makes a download name from parts such as a child's name and
// the dates: letters and digits (of any script) joined by dashes, so the
// name is safe on every file system and still says whose report it is.
func fileName(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	if b.Len() == 0 {
		return "cubby"
	}
	return b.String()
}

// csvLine is one per-class or per-student line of a report's CSV.
type csvLine struct {
	section, label string
	points         store.Totals
	attendance     store.AttendanceCounts
}

// reportCSV lays a report out as one table: a "total" line, one "period"
// line per bar of the trend, one "skill" line per skill, then the
// report's per-student or per-class lines. Points are left out when the
// family may not see them.
func reportCSV(rr app.ReportRange, ps *app.PointSummary, as app.AttendanceSummary, trend []app.Period, lines []csvLine) *csvFile {
	f := newCSV("section", "label", "from", "to", "awards", "positive", "needs_work", "net", "present", "absent", "late", "left_early")
	write := func(section, label, from, to string, t *store.Totals, a *store.AttendanceCounts) {
		cells := []any{section, label, from, to}
		if t != nil {
			cells = append(cells, t.Count, t.Positive, t.NeedsWork, t.Total)
		} else {
			cells = append(cells, "", "", "", "")
		}
		if a != nil {
			cells = append(cells, a.Present, a.Absent, a.Late, a.LeftEarly)
		} else {
			cells = append(cells, "", "", "", "")
		}
		f.row(cells...)
	}
	var total *store.Totals
	if ps != nil {
		total = &ps.Totals
	}
	write("total", "", rr.From, rr.To, total, &as.AttendanceCounts)
	for _, p := range trend {
		var t *store.Totals
		if ps != nil {
			t = &p.Points
		}
		write("period", rr.Step, p.From, p.To, t, &p.Attendance)
	}
	if ps != nil {
		for _, sk := range ps.Skills {
			write("skill", sk.Name, rr.From, rr.To, &sk.Totals, nil)
		}
	}
	for _, ln := range lines {
		write(ln.section, ln.label, rr.From, rr.To, &ln.points, &ln.attendance)
	}
	return f
}
