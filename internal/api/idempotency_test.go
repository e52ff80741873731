package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"cubby/internal/app"
	"cubby/internal/db/dbtest"
	"cubby/internal/store"
)

func TestIdempotencyKey(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			database := dbtest.Open(t, d)
			x := newTestAPIOn(t, database)
			ctx := context.Background()
			u := &store.User{Kind: store.KindTeacher, FirstName: "T", Email: "t@example.org", Language: "en", CreatedAt: x.app.Now()}
			if err := store.CreateUser(ctx, database.W, u); err != nil {
				t.Fatal(err)
			}
			sess := &app.Session{User: u}
			calls := 0
			h := x.idempotent(func(w http.ResponseWriter, r *http.Request) error {
				calls++
				return writeJSON(w, http.StatusCreated, map[string]int{"n": calls})
			})
			do := func(key, body string) (int, string, string) {
				req := httptest.NewRequest("POST", "/api/v1/things", strings.NewReader(body))
				req = req.WithContext(app.WithSession(req.Context(), sess))
				if key != "" {
					req.Header.Set("Idempotency-Key", key)
				}
				rec := httptest.NewRecorder()
				if err := h(rec, req); err != nil {
					x.fail(rec, req, err)
				}
				return rec.Code, strings.TrimSpace(rec.Body.String()), rec.Header().Get("Idempotent-Replayed")
			}
			if s, b, _ := do("k1", `{"a":1}`); s != 201 || b != `{"n":1}` {
				t.Fatalf("first: %d %s", s, b)
			}
			if s, b, replay := do("k1", `{"a":1}`); s != 201 || b != `{"n":1}` || replay != "true" || calls != 1 {
				t.Errorf("repeat must replay without running: %d %s calls=%d", s, b, calls)
			}
			if s, _, _ := do("k1", `{"a":2}`); s != http.StatusConflict || calls != 1 {
				t.Errorf("same key, other request: %d", s)
			}
			if _, b, _ := do("k2", `{"a":1}`); b != `{"n":2}` {
				t.Errorf("new key runs again: %s", b)
			}
			if _, b, _ := do("", `{"a":1}`); b != `{"n":3}` {
				t.Errorf("no key runs every time: %s", b)
			}
			if s, _, _ := do(strings.Repeat("k", 300), `{}`); s != 400 {
				t.Errorf("overlong key: %d", s)
			}
		})
	}
}
