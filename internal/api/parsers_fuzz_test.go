package api

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// Fuzz tests of what clients put in ids, cursors, page sizes and JSON
// bodies (issue 19): read or refused as a client error, never a panic, and
// never a negative id read. Seeds run as normal tests; `go test
// -fuzz=FuzzX ./internal/api/` searches further.

func FuzzParseClientIDs(f *testing.F) {
	for _, s := range []string{"1", " 42 ", "0", "-1", "99999999999999999999", "1e3", "0x10", "\x00", nextCursorOf(7), "YmVmb3JlOjU"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if n, err := parseIDString(s); err == nil && n <= 0 {
			t.Errorf("id %q read as %d", s, n)
		}
		if n, err := parseOlderCursor(s); err == nil && n < 0 {
			t.Errorf("older cursor %q read as %d", s, n)
		}
		if ids, err := parseIDs(strings.Split(s, ",")); err == nil {
			for _, id := range ids {
				if id <= 0 {
					t.Errorf("ids %q: %d", s, id)
				}
			}
		}
		r := httptest.NewRequest("GET", "/x?"+url.Values{"limit": {s}, "cursor": {s}}.Encode(), nil)
		if after, limit, err := page(r); err == nil && (after < 0 || limit < 1 || limit > maxLimit) {
			t.Errorf("page of %q: after %d, limit %d", s, after, limit)
		}
	})
}

func nextCursorOf(id int64) string { return *nextCursor(1, 1, id) }

// A JSON body, whatever its bytes: decoded, or refused as bad JSON (or as
// too large), never a panic.
func FuzzDecodeBody(f *testing.F) {
	for _, s := range []string{`{"name":"x","weight":1}`, `{`, `{"name":1}`, `{"name":"x"} {}`, `{"weight":1e999}`,
		`{"name":"a\u0000b"}`, "{\"name\":\"\xff\"}", `{"other":1}`, `[]`, `null`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var v struct {
			Name   string `json:"name"`
			Weight int    `json:"weight"`
		}
		r := httptest.NewRequest("POST", "/x", strings.NewReader(string(body)))
		r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, 1<<20)
		err := decode(r, &v)
		var mbe *http.MaxBytesError
		if err != nil && !errors.Is(err, errBadJSON) && !errors.As(err, &mbe) {
			t.Errorf("%q: %v", body, err)
		}
		if err == nil && strings.ContainsRune(v.Name, 0) {
			t.Errorf("%q: a NUL got through", body)
		}
	})
}
