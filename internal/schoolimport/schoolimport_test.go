package schoolimport_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cubby/internal/db"
	"cubby/internal/db/dbtest"
	"cubby/internal/schoolimport"
	"cubby/internal/store"
)

// fixtureMapping maps testdata/schools.csv.
const fixtureMapping = "school_id=source_id,school_name=name,street=address,town=city,state=region,zip=postal_code,latitude=lat,longitude=lon,year_start=year_start"

func options(t *testing.T, source, mapping string, set ...string) schoolimport.Options {
	t.Helper()
	m, err := schoolimport.ParseMapping([]string{mapping})
	if err != nil {
		t.Fatal(err)
	}
	s, err := schoolimport.ParseSet(set)
	if err != nil {
		t.Fatal(err)
	}
	return schoolimport.Options{Source: source, Mapping: m, Set: s, Country: "US", BatchRows: 4}
}

func importFile(t *testing.T, database *db.DB, path string, o schoolimport.Options) *schoolimport.Result {
	t.Helper()
	res, err := schoolimport.ImportFile(context.Background(), database, path, o)
	if err != nil {
		t.Fatalf("import %s: %v", path, err)
	}
	return res
}

func school(t *testing.T, database *db.DB, source, id string) *store.School {
	t.Helper()
	s, err := store.SchoolBySource(context.Background(), database.R, source, id)
	if err != nil {
		t.Fatalf("school %s/%s: %v", source, id, err)
	}
	return s
}

func search(t *testing.T, database *db.DB, text string) []store.SchoolHit {
	t.Helper()
	hits, err := store.SearchSchools(context.Background(), database.R, database.Dialect, store.SchoolQuery{Text: text, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	return hits
}

// Importing is idempotent on (source, source_id): the same file again
// changes nothing, an edited row updates its school in place, and the
// search index follows.
func TestImportIsIdempotentAndUpdates(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			database := dbtest.Open(t, d)
			o := options(t, "fixture", fixtureMapping)
			res := importFile(t, database, "testdata/schools.csv", o)
			if res.Rows != 12 || res.New != 11 || res.Updated != 0 || res.SkippedTotal() != 1 || res.Skipped[schoolimport.ReasonNoLocation] != 1 {
				t.Fatalf("first import: %+v", res)
			}
			s := school(t, database, "fixture", "AL-1")
			if s.Name != "Albertville Middle School" || s.City != "ALBERTVILLE" || s.Region != "AL" || s.PostalCode != "35950" ||
				s.Country != "US" || s.Lat == nil || *s.Lat != 34.260194 || s.YearStart != "2025-08-11" || s.Address != "600 E ALABAMA AVE" {
				t.Errorf("imported school: %+v", s)
			}
			if pr := school(t, database, "fixture", "PR-1"); pr.PostalCode != "00961" || pr.City != "BAYAMÓN" {
				t.Errorf("leading zeros and accents must survive: %+v", pr)
			}

			again := importFile(t, database, "testdata/schools.csv", o)
			if again.New != 0 || again.Updated != 0 || again.Unchanged != 11 {
				t.Errorf("re-import: %+v", again)
			}

			edited := filepath.Join(t.TempDir(), "edited.csv")
			b, _ := os.ReadFile("testdata/schools.csv")
			b = bytes.Replace(b, []byte("Boaz Middle School"), []byte("Boaz Intermediate School"), 1)
			os.WriteFile(edited, b, 0o644)
			upd := importFile(t, database, edited, o)
			if upd.New != 0 || upd.Updated != 1 || upd.Unchanged != 10 {
				t.Errorf("edited import: %+v", upd)
			}
			if s := school(t, database, "fixture", "AL-5"); s.Name != "Boaz Intermediate School" {
				t.Errorf("update lost: %+v", s)
			}
			var n int
			database.R.QueryRow(`SELECT count(*) FROM schools WHERE source = 'fixture'`).Scan(&n)
			if n != 11 {
				t.Errorf("%d schools after three imports, want 11", n)
			}
			if hits := search(t, database, "boaz intermediate"); len(hits) == 0 || hits[0].Name != "Boaz Intermediate School" {
				t.Errorf("search index not updated: %+v", hits)
			}
			if hits := search(t, database, "boaz middle"); len(hits) > 0 && hits[0].Name == "Boaz Middle School" {
				t.Errorf("old name still found: %+v", hits)
			}

			// Another source with the same ids is other schools.
			other := importFile(t, database, "testdata/schools.csv", options(t, "fixture-copy", fixtureMapping))
			if other.New != 11 {
				t.Errorf("second source: %+v", other)
			}
		})
	}
}

// Every kind of bad row is skipped with its reason and line, the good rows
// around them are imported, and a repeated id is counted, the later row
// winning.
func TestImportReportsSkippedRows(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			database := dbtest.Open(t, d)
			o := options(t, "bad", "id=source_id,name=name,lat=lat,lon=lon,city=city,country=country,opened=year_start")
			o.Examples = 50
			res := importFile(t, database, "testdata/bad.csv", o)
			want := map[string]int{
				schoolimport.ReasonNoName:      1,
				schoolimport.ReasonCoordinates: 4,
				schoolimport.ReasonNoLocation:  1,
				schoolimport.ReasonQuoting:     2,
				schoolimport.ReasonColumns:     1,
				schoolimport.ReasonCountry:     1,
				schoolimport.ReasonDate:        1,
				schoolimport.ReasonNoID:        1,
				schoolimport.ReasonTooLong:     1,
				schoolimport.ReasonEncoding:    1,
			}
			for reason, n := range want {
				if res.Skipped[reason] != n {
					t.Errorf("%s: %d skipped, want %d", reason, res.Skipped[reason], n)
				}
			}
			if len(res.Skipped) != len(want) {
				t.Errorf("reasons %v, want %v", res.Skipped, want)
			}
			if res.Rows != 18 || res.Duplicates != 1 || res.New != 3 {
				t.Errorf("rows %d, duplicates %d, new %d; want 18, 1, 3", res.Rows, res.Duplicates, res.New)
			}
			lines := map[string][]int{}
			for _, e := range res.Examples {
				lines[e.Reason] = append(lines[e.Reason], e.Line)
			}
			for reason, want := range map[string][]int{
				schoolimport.ReasonNoName:      {3},
				schoolimport.ReasonCoordinates: {4, 5, 6, 7},
				schoolimport.ReasonQuoting:     {9, 10},
				schoolimport.ReasonDuplicate:   {14},
				schoolimport.ReasonEncoding:    {18},
			} {
				if got := lines[reason]; !equal(got, want) {
					t.Errorf("%s on lines %v, want %v", reason, got, want)
				}
			}
			if s := school(t, database, "bad", "B-1"); s.Name != "Good One School Renamed" {
				t.Errorf("the later duplicate must win: %q", s.Name)
			}
			if s := school(t, database, "bad", "B-13"); s.Country != "AU" || s.YearStart != "2025-01-28" {
				t.Errorf("country upper-cased, date kept: %+v", s)
			}
			var summary strings.Builder
			res.Summary(&summary)
			for _, part := range []string{"3 new", "14 rows skipped", "4  bad coordinates", "line 14: duplicate source_id", "line 9: broken quoting"} {
				if !strings.Contains(summary.String(), part) {
					t.Errorf("summary lacks %q:\n%s", part, summary.String())
				}
			}
		})
	}
}

// A mapped column the file lacks stops the import before it writes
// anything, naming the column and listing the file's.
func TestImportMissingColumnWritesNothing(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			database := dbtest.Open(t, d)
			o := options(t, "fixture", "school_id=source_id,school_name=name,town=city,county=region")
			_, err := schoolimport.ImportFile(context.Background(), database, "testdata/schools.csv", o)
			if err == nil || !strings.Contains(err.Error(), `no column "county"`) || !strings.Contains(err.Error(), "school_id, school_name, street, town") {
				t.Fatalf("error %v", err)
			}
			var n int
			database.R.QueryRow(`SELECT count(*) FROM schools`).Scan(&n)
			if n != 0 {
				t.Errorf("%d schools written", n)
			}
		})
	}
}

// A quote that never closes swallows the rest of the file; the import
// stops, saying where, and keeps what came before.
func TestImportUnclosedQuoteStops(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			database := dbtest.Open(t, d)
			res, err := schoolimport.ImportFile(context.Background(), database, "testdata/unclosed.csv", options(t, "u", "id=source_id,name=name,city=city"))
			if err == nil || !strings.Contains(err.Error(), "line 4 opens a quoted field that is never closed") {
				t.Fatalf("error %v", err)
			}
			if res.Committed != 2 || res.CommittedLine != 3 || res.New != 2 {
				t.Errorf("committed %d through line %d, new %d; want 2, 3, 2", res.Committed, res.CommittedLine, res.New)
			}
		})
	}
}

// A huge record (an unclosed quote in a big file) is refused once it passes
// the cap instead of being read into memory whole.
func TestImportHugeRecordIsCapped(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			database := dbtest.Open(t, d)
			body := "id,name,city\nH-1,Fine School,Town\nH-2,\"Never closed," + strings.Repeat("x", 3<<20) + "\n"
			o := options(t, "h", "id=source_id,name=name,city=city")
			res, err := schoolimport.Import(context.Background(), database, strings.NewReader(body), o)
			if err == nil || !strings.Contains(err.Error(), "longer than 1 MiB") {
				t.Fatalf("error %v", err)
			}
			if res.New != 1 {
				t.Errorf("the row before must be kept: %+v", res)
			}
		})
	}
}

// --set gives a field to every row; without it the deployment's country
// fills rows that have none.
func TestImportSetAndDefaultCountry(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			database := dbtest.Open(t, d)
			importFile(t, database, "testdata/schools.csv", options(t, "set", fixtureMapping, "country=ca", "year_end=2026-06-30"))
			if s := school(t, database, "set", "IL-1"); s.Country != "CA" || s.YearEnd != "2026-06-30" {
				t.Errorf("--set: %+v", s)
			}
			o := options(t, "default", "id=source_id,name=name,city=city,country=country")
			o.Country = "DE"
			importFile(t, database, "testdata/bad.csv", o)
			if s := school(t, database, "default", "B-16"); s.Country != "DE" {
				t.Errorf("default country: %q", s.Country)
			}
			if s := school(t, database, "default", "B-13"); s.Country != "AU" {
				t.Errorf("the file's country wins: %q", s.Country)
			}
		})
	}
}

// Mistakes in the mapping are explained before the file is opened.
func TestMappingErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		mapping, set, want string
	}{
		{"a=source_id,b=nam", "", `unknown field "nam"`},
		{"a=source_id,b=source_id", "", "mapped from both"},
		{"a=source_id,b", "", "write column=field"},
		{"a=name,c=city", "", "source_id"},
		{"a=source_id,b=name,c=lat", "", "both lat and lon"},
		{"a=source_id,b=name", "", "location"},
		{"a=source_id,b=name,c=city", "name=X", "only address"},
		{"a=source_id,b=name,c=city", "city=X", "also mapped"},
		{"a=source_id,b=name,c=city", "country=USA", "two-letter"},
		{"a=source_id,b=name,c=city", "year_start=soon", "not a date"},
	} {
		m, err := schoolimport.ParseMapping([]string{tc.mapping})
		if err == nil {
			var set map[string]string
			if tc.set != "" {
				set, _ = schoolimport.ParseSet([]string{tc.set})
			}
			_, err = schoolimport.Import(context.Background(), nil, strings.NewReader("a,b,c\n"), schoolimport.Options{Source: "s", Mapping: m, Set: set, Country: "US"})
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("--map %s --set %s: error %v, want %q", tc.mapping, tc.set, err, tc.want)
		}
	}
}

// gzip is recognised by its content, not the file's name.
func TestImportGzip(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			database := dbtest.Open(t, d)
			path := filepath.Join(t.TempDir(), "schools.data")
			f, _ := os.Create(path)
			zw := gzip.NewWriter(f)
			b, _ := os.ReadFile("testdata/schools.csv")
			zw.Write(b)
			zw.Close()
			f.Close()
			res := importFile(t, database, path, options(t, "gz", fixtureMapping))
			if res.New != 11 {
				t.Errorf("gzip import: %+v", res)
			}
		})
	}
}

// The real NCES file, when the shared data sits beside the checkout: its
// first rows import cleanly and the typo search finds the first school.
func TestImportRealFileHead(t *testing.T) {
	t.Parallel()
	dir := sharedData(t)
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			database := dbtest.Open(t, d)
			f, err := os.Open(filepath.Join(dir, "public_schools_2014_15.csv.gz"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			zr, err := gzip.NewReader(f)
			if err != nil {
				t.Fatal(err)
			}
			head := headLines(zr, 2001)
			o := options(t, "nces-ccd", NCESPublicMapping)
			o.BatchRows = 500
			res, err := schoolimport.Import(context.Background(), database, head, o)
			if err != nil {
				t.Fatal(err)
			}
			if res.Rows != 2000 || res.New != 2000 || res.SkippedTotal() != 0 {
				t.Errorf("%+v", res)
			}
			if hits := search(t, database, "albertvile middle"); len(hits) == 0 || hits[0].Name != "Albertville Middle School" {
				t.Errorf("search: %+v", hits)
			}
		})
	}
}

// NCESPublicMapping is the README's mapping of the public-school file.
const NCESPublicMapping = "ncessch=source_id,name=name,street=address,city=city,state=region,zip=postal_code,lat=lat,lon=lon"

// headLines reads the first n lines of r.
func headLines(r io.Reader, n int) io.Reader {
	var b bytes.Buffer
	sc := bufio.NewScanner(r)
	for i := 0; i < n && sc.Scan(); i++ {
		b.Write(sc.Bytes())
		b.WriteByte('\n')
	}
	return &b
}

// sharedData finds shared/data/schools beside the repository (CI keeps
// shared/ next to the clone), or skips.
func sharedData(t testing.TB) string {
	t.Helper()
	dir, _ := os.Getwd()
	for ; dir != filepath.Dir(dir); dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
	}
	data := filepath.Join(dir, "..", "shared", "data", "schools")
	if _, err := os.Stat(filepath.Join(data, "public_schools_2014_15.csv.gz")); err != nil {
		t.Skipf("no shared school data at %s", data)
	}
	return data
}

func equal(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// BenchmarkImportPublic imports the 93,796-row public-school file into a
// fresh database of each engine and reports rows per second:
//
//	go test ./internal/schoolimport/ -run '^$' -bench ImportPublic -benchtime 1x
func BenchmarkImportPublic(b *testing.B) {
	path := filepath.Join(sharedData(b), "public_schools_2014_15.csv.gz")
	for _, d := range dbtest.Engines(b) {
		b.Run(string(d), func(b *testing.B) {
			m, _ := schoolimport.ParseMapping([]string{NCESPublicMapping})
			var rows int
			var elapsed float64
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				database := dbtest.Open(b, d)
				b.StartTimer()
				res, err := schoolimport.ImportFile(context.Background(), database, path, schoolimport.Options{Source: "nces-ccd", Mapping: m, Country: "US"})
				if err != nil {
					b.Fatal(err)
				}
				rows += res.Rows
				elapsed += res.Elapsed.Seconds()
			}
			b.ReportMetric(float64(rows)/elapsed, "rows/s")
			b.ReportMetric(elapsed/float64(b.N), "s/import")
		})
	}
}
