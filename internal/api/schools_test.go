package api_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"cubby/internal/db"
	"cubby/internal/db/dbtest"
	"cubby/internal/schoolimport"
	"cubby/internal/testenv"
)

// schoolsEnv is a running Cubby with the school fixture imported.
func schoolsEnv(t *testing.T, d db.Dialect) *testenv.Env {
	t.Helper()
	env := testenv.New(t, d)
	m, err := schoolimport.ParseMapping([]string{"school_id=source_id,school_name=name,street=address,town=city,state=region,zip=postal_code,latitude=lat,longitude=lon"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := schoolimport.ImportFile(context.Background(), env.DB, "../schoolimport/testdata/schools.csv",
		schoolimport.Options{Source: "fixture", Mapping: m, Country: "US"}); err != nil {
		t.Fatal(err)
	}
	return env
}

func schoolNames(out map[string]any) []string {
	var names []string
	list, _ := out["schools"].([]any)
	for _, s := range list {
		names = append(names, s.(map[string]any)["name"].(string))
	}
	return names
}

// The public search endpoint: no login, the contract's fields, best first.
func TestSchoolSearchAPI(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := schoolsEnv(t, d)
			anon := &client{t: t, env: env}

			s, out, h := anon.do("GET", "/api/v1/schools/search?q=albertvile+middle", "")
			if s != 200 || h.Get("Cache-Control") != "no-store" {
				t.Fatalf("status %d, headers %v", s, h)
			}
			first := out["schools"].([]any)[0].(map[string]any)
			for k, want := range map[string]any{"name": "Albertville Middle School", "city": "ALBERTVILLE", "region": "AL",
				"postal_code": "35950", "country": "US", "distance_m": nil} {
				if first[k] != want {
					t.Errorf("%s = %#v, want %#v", k, first[k], want)
				}
			}
			if id, ok := first["id"].(string); !ok || id == "" {
				t.Errorf("id %#v must be a string", first["id"])
			}

			_, out, _ = anon.do("GET", "/api/v1/schools/search?q=albertvile+middle&lat=45.22&lon=-93.66", "")
			got := schoolNames(out)
			if len(got) < 3 || !strings.HasPrefix(strings.ToLower(got[0]), "st. michael-albertville middle") || got[2] != "Albertville Middle School" {
				t.Errorf("with a position, nearer good matches first: %q", got)
			}
			if m, ok := out["schools"].([]any)[0].(map[string]any)["distance_m"].(float64); !ok || m < 1000 || m > 3000 || m != float64(int64(m)) {
				t.Errorf("distance_m %v: whole metres expected", m)
			}

			_, out, _ = anon.do("GET", "/api/v1/schools/search?lat=34.2&lon=-86.15&limit=2", "")
			if got := schoolNames(out); len(got) != 2 || got[0] != "Boaz Middle School" {
				t.Errorf("nearest: %q", got)
			}
			if _, out, _ = anon.do("GET", "/api/v1/schools/search?q=zzyzx", ""); out["schools"] == nil || len(out["schools"].([]any)) != 0 {
				t.Errorf("no match must be an empty list, not null: %v", out)
			}
		})
	}
}

// Bad input is a translated 400 naming the field, never a 500.
func TestSchoolSearchAPIBadInput(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := schoolsEnv(t, d)
			anon := &client{t: t, env: env}
			for _, tc := range []struct{ query, field string }{
				{"", "q"},
				{"q=", "q"},
				{"q=" + strings.Repeat("a", 10_000), "q"},
				{"q=%21%3F", "q"},
				{"lat=91&lon=0", "lat"},
				{"lat=abc&lon=1", "lat"},
				{"lat=NaN&lon=1", "lat"},
				{"lat=1&lon=181", "lon"},
				{"lat=1&lon=Infinity", "lon"},
				{"lat=1", "lon"},
				{"q=lincoln&lon=1", "lat"},
				{"q=lincoln&limit=0", "limit"},
				{"q=lincoln&limit=51", "limit"},
				{"q=lincoln&limit=x", "limit"},
			} {
				s, out, h := anon.do("GET", "/api/v1/schools/search?"+tc.query, "")
				errs, _ := out["errors"].(map[string]any)
				if s != 400 || h.Get("Content-Type") != "application/problem+json" || errs[tc.field] == nil || errs[tc.field] == "" || out["detail"] == "" {
					t.Errorf("?%.40s: %d %v", tc.query, s, out)
				}
			}
			_, out, _ := anon.do("GET", "/api/v1/schools/search", "", "Accept-Language", "es")
			if msg := out["errors"].(map[string]any)["q"]; msg != "Escribe el nombre de una escuela o usa tu ubicación." {
				t.Errorf("Spanish message: %v", msg)
			}
		})
	}
}

// The searcher's position is used for the answer and then forgotten: after
// searches with a distinctive position through the API and the page, no
// table of the database and no log line holds it, nor the words searched.
func TestSchoolSearchDoesNotKeepLocation(t *testing.T) {
	t.Parallel()
	const lat, lon, words = "-41.2864631", "174.7762251", "albertvile zanzibarian"
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			env := schoolsEnv(t, d)
			anon := &client{t: t, env: env}
			query := "?q=" + url.QueryEscape(words) + "&lat=" + lat + "&lon=" + lon
			if s, _, _ := anon.do("GET", "/api/v1/schools/search"+query, ""); s != 200 {
				t.Fatalf("API search: %d", s)
			}
			if s, _, _ := anon.do("GET", "/api/v1/schools/search?lat="+lat+"&lon="+lon, ""); s != 200 {
				t.Fatalf("API search: %d", s)
			}
			resp, err := env.Client().Get(env.URL + "/schools/search" + query)
			if err != nil || resp.StatusCode != 200 {
				t.Fatalf("page: %v %v", err, resp)
			}
			resp.Body.Close()
			secrets := []string{"41.286", "174.776", "41,286", "174,776", "zanzibarian", "albertvile"}
			dump := dumpDatabase(t, env.DB)
			if len(dump) < 1000 || !strings.Contains(dump, "Albertville Middle School") {
				t.Fatalf("the dump proves nothing (%d bytes)", len(dump))
			}
			logs := env.Logs.String()
			if !strings.Contains(logs, "GET /api/v1/schools/search") {
				t.Fatalf("the captured logs prove nothing: %.300s", logs)
			}
			for _, s := range secrets {
				if i := strings.Index(dump, s); i >= 0 {
					t.Errorf("the database holds %q: …%s…", s, dump[max(0, i-80):min(len(dump), i+80)])
				}
				if strings.Contains(logs, s) {
					t.Errorf("the logs hold %q", s)
				}
			}
		})
	}
}

// dumpDatabase renders every row of every table — the search indexes'
// internal tables included — as text.
func dumpDatabase(t *testing.T, database *db.DB) string {
	t.Helper()
	ctx := context.Background()
	list := `SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`
	if database.Dialect == db.Postgres {
		list = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name`
	}
	rows, err := database.R.QueryContext(ctx, list)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		rows.Scan(&name)
		tables = append(tables, name)
	}
	rows.Close()
	if len(tables) < 5 {
		t.Fatalf("only tables %v", tables)
	}
	var b strings.Builder
	for _, table := range tables {
		rows, err := database.R.QueryContext(ctx, `SELECT * FROM "`+table+`"`)
		if err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatalf("%s: %v", table, err)
			}
			b.WriteString(table + ":")
			for _, v := range vals {
				switch v := v.(type) {
				case []byte:
					b.Write(v)
				case sql.RawBytes:
					b.Write(v)
				default:
					fmt.Fprint(&b, v)
				}
				b.WriteByte('|')
			}
			b.WriteByte('\n')
		}
		rows.Close()
	}
	return b.String()
}
