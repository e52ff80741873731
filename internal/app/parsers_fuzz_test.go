package app

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"cubby/internal/store"
)

// Fuzz tests of the parsers of outside input (issue 19). Run as normal
// tests, each replays its seeds (below and any under testdata/fuzz/);
// `go test -fuzz=FuzzX -fuzztime=1m ./internal/app/` searches further, and
// a failing input it finds is kept under testdata/fuzz/FuzzX/ for good.

// seedFiles adds every file of a testdata folder as a seed.
func seedFiles(f *testing.F, dir string) {
	f.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", dir, "*"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seeds in testdata/%s: %v", dir, err)
	}
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
}

// A spreadsheet of students, whatever its bytes: an error or named rows,
// never a panic; every row has a first name of valid UTF-8 and a line
// number of the file.
func FuzzParseStudentCSV(f *testing.F) {
	seedFiles(f, "csv")
	f.Add([]byte("First Name,Last Name\n\"Ava,Martin\n"))
	f.Add([]byte("\xef\xbb\xbfName\r\nMartin, Ava\r\n"))
	f.Add([]byte("Vorname;Nachname\n\xe4\xf6\xfc;M\xfcller\n"))
	f.Add([]byte("first name,last name\n\x00,\x00\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, _, err := ParseStudentCSV(data)
		if err != nil {
			return
		}
		for _, r := range rows {
			if r.FirstName == "" || !utf8.ValidString(r.FirstName) || !utf8.ValidString(r.LastName) {
				t.Errorf("row %+v: a name empty or not UTF-8", r)
			}
			if r.Line < 1 {
				t.Errorf("row %+v: line %d", r, r.Line)
			}
		}
	})
}

// A OneRoster export with each of its files replaced in turn by the
// fuzzer's bytes: parsed or refused with a *ValidationError, never a
// panic or another error.
func FuzzParseOneRoster(f *testing.F) {
	valid := map[string][]byte{}
	for _, name := range []string{"manifest.csv", "orgs.csv", "users.csv", "classes.csv", "enrollments.csv"} {
		b, err := os.ReadFile(filepath.Join("testdata", "oneroster", "valid", name))
		if err != nil {
			f.Fatal(err)
		}
		valid[name] = b
	}
	for i, name := range []string{"orgs.csv", "users.csv", "classes.csv", "enrollments.csv"} {
		f.Add(uint8(i), valid[name])
	}
	f.Add(uint8(1), []byte("sourcedId,status\n\"x\n"))
	f.Add(uint8(3), []byte("sourcedId,classSourcedId,userSourcedId,role\ne1,nope,nope,student\n"))
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		files := map[string][]byte{}
		for k, v := range valid {
			files[k] = v
		}
		files[[]string{"orgs.csv", "users.csv", "classes.csv", "enrollments.csv"}[which%4]] = data
		_, err := ParseOneRoster(files)
		var ve *ValidationError
		if err != nil && !errors.As(err, &ve) {
			t.Errorf("not a validation error: %v", err)
		}
	})
}

// A school search as typed: a query or a validation error, never a panic.
func FuzzParseSchoolSearch(f *testing.F) {
	f.Add("maple grove", "44.97", "-93.26", "20", "1")
	f.Add(strings.Repeat("é", 300), "", "", "", "")
	f.Add("x", "NaN", "Inf", "-1", "99999999999999999999")
	f.Add("\x00\xff", "91", "181", "0", "0")
	f.Fuzz(func(t *testing.T, q, lat, lon, limit, page string) {
		parseSchoolSearch(SchoolSearch{Q: q, Lat: lat, Lon: lon, Limit: limit, Page: page})
	})
}

// Dates of a report's range: a range of at most two years forward, or a
// validation error.
func FuzzParseRange(f *testing.F) {
	a := &App{Location: time.UTC, clock: func() time.Time { return time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC) }}
	f.Add("2026-11-01", "2026-11-30")
	f.Add("", "")
	f.Add("2026-02-30", "2026-13-01")
	f.Add("0000-01-01", "9999-12-31")
	f.Add("2026-12-07T00:00:00Z", "-2026-01-01")
	f.Fuzz(func(t *testing.T, from, to string) {
		start, end, err := a.ParseRange(from, to)
		if err != nil {
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Errorf("%q..%q: not a validation error: %v", from, to, err)
			}
			return
		}
		if !start.Before(end) || end.Sub(start) > 2*366*24*time.Hour {
			t.Errorf("%q..%q: range %v..%v", from, to, start, end)
		}
	})
}

// Cursors, clocks, group layouts, avatar keys and audit details come back
// from clients: refused or read, never a panic.
func FuzzParseClientValues(f *testing.F) {
	f.Add(timeCursor(time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC), 42))
	f.Add("07:30")
	f.Add("1-2-3.4-5")
	f.Add("cat-blue")
	f.Add("class-report:17")
	f.Add("\x00:99999999999999999999")
	f.Fuzz(func(t *testing.T, s string) {
		if c, err := parseTimeCursor(s); err == nil && c != nil && c.ID < 0 {
			t.Errorf("cursor %q: id %d", s, c.ID)
		}
		if m, ok := parseClock(s); ok && (m < 0 || m >= 24*60) {
			t.Errorf("clock %q: %d minutes", s, m)
		}
		if n, err := ParseGroupSize(s); err == nil && (n < MinGroupSize || n > MaxGroupSize) {
			t.Errorf("group size %q: %d", s, n)
		}
		present := []store.Student{{ID: 1}, {ID: 2}, {ID: 3}}
		if groups, err := ParseGroups(s, present); err == nil {
			for _, g := range groups {
				if len(g) == 0 {
					t.Errorf("layout %q: an empty group", s)
				}
			}
		}
		ParseAvatar(s)
		parseBulkDetail(s)
		HashToken(s)
		checkEmail(s)
		checkUsername(s)
		if name, key := cleanName(s, true); key == "" && !utf8.ValidString(name) {
			t.Errorf("name %q accepted as %q, not UTF-8", s, name)
		}
	})
}
