package store_test

import (
	"bytes"
	"cmp"
	"context"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"cubby/internal/db"
	"cubby/internal/db/dbtest"
	"cubby/internal/schoolimport"
	"cubby/internal/store"
)

// BenchmarkSchoolSearch imports the two NCES files (118,362 US schools, when
// ../shared/data/schools is beside the checkout) and a generated register
// of another country (foreignRegister, 25,000 schools) once per engine,
// then runs 500 queries of each kind drawn with a fixed seed from those
// schools, half from each country, and reports for each kind how often the
// wanted school is among the first three results, its median and 99th
// percentile time (and that of each query's fastest of three runs), its
// CPU time, and the load average:
//
//	go test ./internal/store/ -run '^$' -bench SchoolSearch -benchtime 500x
//
// top3-% counts the wanted school only; top3-or-namesake-% also counts an
// answer whose first three are all schools that the query cannot tell from
// it — of exactly its name (name kinds) or its postal code (postcode) —
// when more than three share it: "St Mary's Primary School" is the name of
// dozens, and only the town, the postcode or a position can say which.
func BenchmarkSchoolSearch(b *testing.B) {
	for _, d := range dbtest.Engines(b) {
		b.Run(string(d), func(b *testing.B) {
			database := dbtest.Open(b, d)
			ctx := context.Background()
			if dir := sharedDataDir(); dir != "" {
				for _, f := range []struct{ file, source, mapping string }{
					{"public_schools_2014_15.csv.gz", "nces-ccd", "ncessch=source_id,name=name,street=address,city=city,state=region,zip=postal_code,lat=lat,lon=lon"},
					{"private_schools_2013_14.csv.gz", "nces-pss", "ppin=source_id,name=name,street=address,city=city,state=region,zip=postal_code,lat=lat,lon=lon"},
				} {
					m, _ := schoolimport.ParseMapping([]string{f.mapping})
					if _, err := schoolimport.ImportFile(ctx, database, filepath.Join(dir, f.file), schoolimport.Options{Source: f.source, Mapping: m, Country: "US"}); err != nil {
						b.Fatal(err)
					}
				}
			} else {
				b.Log("no ../shared/data/schools: the generated register only")
			}
			m, _ := schoolimport.ParseMapping([]string{foreignMapping})
			if _, err := schoolimport.Import(ctx, database, bytes.NewReader(foreignRegister(25_000)), schoolimport.Options{Source: "gb-register", Mapping: m, Country: "GB"}); err != nil {
				b.Fatal(err)
			}
			if err := store.WarmSchoolSearch(ctx, database.R); err != nil {
				b.Fatal(err)
			}
			queries := benchSchoolQueries(b, database)
			for _, kind := range benchKinds {
				b.Run(kind, func(b *testing.B) {
					qs := queries[kind]
					load := loadAverage()
					// One untimed pass: the hit rates, and warm caches.
					hits, ties, misses := 0, 0, 0
					judged := qs[:min(len(qs), b.N)] // not all for the probe with b.N = 1
					for _, bq := range judged {
						got, err := store.SearchSchools(ctx, database.R, d, bq.q)
						if err != nil {
							b.Fatal(err)
						}
						if len(got) == 0 && bq.mustFind {
							b.Errorf("%s: %q found nothing", kind, bq.q.Text)
						}
						hit, tie := bq.judge(got)
						if hit {
							hits++
						} else if !tie && testing.Verbose() && misses < 10 {
							misses++
							b.Logf("%s: %q (%s, %s %s) got %q", kind, bq.q.Text, bq.want.name, bq.want.city, bq.want.postcode, names(got[:min(3, len(got))]))
						}
						if hit || tie {
							ties++
						}
					}
					times := make([]time.Duration, 0, b.N)
					cpu := cpuTime()
					b.ResetTimer()
					for i := 0; i < b.N; i++ {
						start := time.Now()
						if _, err := store.SearchSchools(ctx, database.R, d, qs[i%len(qs)].q); err != nil {
							b.Fatal(err)
						}
						times = append(times, time.Since(start))
					}
					b.StopTimer()
					cpu = cpuTime() - cpu
					if testing.Verbose() {
						// The slowest queries, to see where the tail comes from.
						order := make([]int, len(times))
						for i := range order {
							order[i] = i
						}
						slices.SortFunc(order, func(x, y int) int { return cmp.Compare(times[y], times[x]) })
						for _, i := range order[:min(5, len(order))] {
							b.Logf("%s: slow %q %v", kind, qs[i%len(qs)].q.Text, times[i])
						}
					}
					slices.Sort(times)
					ms := func(p float64) float64 { return float64(times[int(p*float64(len(times)-1))]) / 1e6 }
					b.ReportMetric(ms(.50), "p50-ms")
					b.ReportMetric(ms(.99), "p99-ms")
					// The process's CPU time per query (SQLite's work included,
					// PostgreSQL's server not): what a query costs, however busy
					// the machine.
					b.ReportMetric(float64(cpu)/1e6/float64(b.N), "cpu-ms/op")
					b.ReportMetric(100*float64(hits)/float64(len(judged)), "top3-%")
					b.ReportMetric(100*float64(ties)/float64(len(judged)), "top3-or-namesake-%")
					// On a shared machine the neighbours' work lands in the tail;
					// each query's fastest of three runs shows the search's own.
					best := make([]time.Duration, len(judged))
					for i, bq := range judged {
						best[i] = time.Hour
						for range 3 {
							start := time.Now()
							store.SearchSchools(ctx, database.R, d, bq.q)
							best[i] = min(best[i], time.Since(start))
						}
					}
					slices.Sort(best)
					b.ReportMetric(float64(best[int(.99*float64(len(best)-1))])/1e6, "p99-best-of-3-ms")
					b.ReportMetric((load+loadAverage())/2, "load")
				})
			}
		})
	}
}

var benchKinds = []string{"exact", "dropped", "swapped", "word+start", "postcode", "town+word", "position", "word+position"}

// benchSchool is a school as the benchmark draws it.
type benchSchool struct {
	id                   int64
	name, city, postcode string
	lat, lon             float64
	country              string
}

// benchQuery is one query and the school it looks for.
type benchQuery struct {
	q        store.SchoolQuery
	want     benchSchool
	mustFind bool // some school has every word typed
	// alike: the schools the query cannot tell from want (name or
	// postcode), by id, when more than three share it.
	alike map[int64]bool
}

// judge reports whether the wanted school is in the first three hits
// (hit), or all of the first three are indistinguishable from it (tie).
func (bq benchQuery) judge(got []store.SchoolHit) (hit, tie bool) {
	top := got[:min(3, len(got))]
	for _, h := range top {
		if h.ID == bq.want.id {
			return true, false
		}
	}
	if bq.alike == nil || len(top) < 3 {
		return false, false
	}
	for _, h := range top {
		if !bq.alike[h.ID] {
			return false, false
		}
	}
	return false, true
}

// benchSchoolQueries draws 500 queries of each kind, half from US schools
// and half from the other register, with a fixed seed.
func benchSchoolQueries(b *testing.B, database *db.DB) map[string][]benchQuery {
	rows, err := database.R.Query(`SELECT id, name, city, postal_code, lat, lon, country FROM schools WHERE lat IS NOT NULL ORDER BY id`)
	if err != nil {
		b.Fatal(err)
	}
	byCountry := map[string][]benchSchool{}
	byName, byPostcode := map[string][]int64{}, map[string][]int64{}
	for rows.Next() {
		var s benchSchool
		if err := rows.Scan(&s.id, &s.name, &s.city, &s.postcode, &s.lat, &s.lon, &s.country); err != nil {
			b.Fatal(err)
		}
		byCountry[s.country] = append(byCountry[s.country], s)
		k := benchFold(s.name)
		byName[k] = append(byName[k], s.id)
		byPostcode[benchFold(s.postcode)] = append(byPostcode[benchFold(s.postcode)], s.id)
	}
	rows.Close()
	alike := func(ids []int64) map[int64]bool {
		if len(ids) <= 3 {
			return nil
		}
		m := make(map[int64]bool, len(ids))
		for _, id := range ids {
			m[id] = true
		}
		return m
	}
	var countries []string
	for c := range byCountry {
		countries = append(countries, c)
	}
	slices.Sort(countries)
	rng := rand.New(rand.NewPCG(4, 17))
	out := map[string][]benchQuery{}
	for _, kind := range benchKinds {
		for i := 0; len(out[kind]) < 500; i++ {
			all := byCountry[countries[i%len(countries)]]
			s := all[rng.IntN(len(all))]
			bq := benchQuery{want: s, mustFind: true, q: store.SchoolQuery{Limit: 20}}
			words := strings.Fields(s.name)
			switch kind {
			case "exact":
				bq.q.Text, bq.alike = s.name, alike(byName[benchFold(s.name)])
			case "dropped", "swapped":
				t, ok := typo(rng, words, kind == "swapped")
				if !ok {
					continue
				}
				bq.q.Text, bq.alike, bq.mustFind = t, alike(byName[benchFold(s.name)]), false
			case "word+start":
				if len(words) < 2 || len([]rune(words[1])) < 4 {
					continue
				}
				bq.q.Text = words[0] + " " + string([]rune(words[1])[:3+rng.IntN(2)])
			case "postcode":
				if s.postcode == "" {
					continue
				}
				bq.q.Text, bq.alike = s.postcode, alike(byPostcode[benchFold(s.postcode)])
			case "town+word":
				w := commonWord(words)
				if s.city == "" || w == "" {
					continue
				}
				bq.q.Text = s.city + " " + w
			case "position", "word+position":
				// At the school (within 100 m) for a position alone; within
				// 2 km, typing a word of its name ("primary"), with one.
				r := 100.0
				if kind == "word+position" {
					if bq.q.Text = commonWord(words); bq.q.Text == "" {
						continue
					}
					r = 2000
				}
				r, a := r*math.Sqrt(rng.Float64()), rng.Float64()*2*math.Pi
				lat := s.lat + r*math.Sin(a)/111_195
				lon := s.lon + r*math.Cos(a)/(111_195*math.Max(0.01, math.Cos(s.lat*math.Pi/180)))
				bq.q.Lat, bq.q.Lon = &lat, &lon
			}
			out[kind] = append(out[kind], bq)
		}
	}
	return out
}

// typo drops a letter from a word of five letters or more, or swaps two
// neighbouring (different) letters of a word of four or more, in one word
// of the name chosen at random.
func typo(rng *rand.Rand, words []string, swap bool) (string, bool) {
	var can []int
	for i, w := range words {
		if n := len([]rune(w)); n >= 5 || swap && n >= 4 {
			can = append(can, i)
		}
	}
	if len(can) == 0 {
		return "", false
	}
	i := can[rng.IntN(len(can))]
	r := []rune(words[i])
	if swap {
		p := rng.IntN(len(r) - 1)
		if r[p] == r[p+1] {
			return "", false
		}
		r[p], r[p+1] = r[p+1], r[p]
	} else {
		p := rng.IntN(len(r))
		r = append(r[:p], r[p+1:]...)
	}
	out := slices.Clone(words)
	out[i] = string(r)
	return strings.Join(out, " "), true
}

// commonWord is the first word of a name that many names share, lower
// case, as someone would type it.
func commonWord(words []string) string {
	for _, w := range words {
		switch lw := strings.ToLower(w); lw {
		case "elementary", "primary", "middle", "high", "academy", "school", "infant", "junior", "montessori",
			"christian", "catholic", "charter", "ysgol", "nursery", "preschool", "intermediate":
			return lw
		}
	}
	return ""
}

// benchFold is a name or postcode as the search compares them: case,
// accents, apostrophes and punctuation aside.
func benchFold(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r == '\'' || r == '’':
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127:
			b.WriteRune(r)
		default:
			b.WriteByte(' ')
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// loadAverage is the machine's one-minute load average (0 where unknown):
// the machine is shared, and the figures follow how busy it is.
func loadAverage() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	f, _ := strconv.ParseFloat(strings.Fields(string(b))[0], 64)
	return f
}

// cpuTime is the CPU time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// sharedDataDir finds shared/data/schools beside the repository (CI keeps
// shared/ next to the clone), or "".
func sharedDataDir() string {
	dir, _ := os.Getwd()
	for ; dir != filepath.Dir(dir); dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
	}
	data := filepath.Join(dir, "..", "shared", "data", "schools")
	if _, err := os.Stat(filepath.Join(data, "public_schools_2014_15.csv.gz")); err != nil {
		return ""
	}
	return data
}
