package api

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"cubby/internal/app"
	"cubby/internal/db"
	"cubby/internal/db/dbtest"
	"cubby/internal/i18n"
)

func newTestAPI(t *testing.T, d db.Dialect) *API {
	t.Helper()
	return newTestAPIOn(t, dbtest.Open(t, d))
}

// newTestAPIOn is newTestAPI over a database the test also writes to.
func newTestAPIOn(t *testing.T, database *db.DB) *API {
	t.Helper()
	bundle, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	a := app.New(database, slog.New(slog.NewTextHandler(io.Discard, nil)))
	return New(a, bundle, a.Log)
}

// Every declared route is in the document with its statuses, every
// documented route is served by the mux, and every schema reference
// resolves. API.md's contract routes are checked for by name as they land.
func TestOpenAPIDocument(t *testing.T) {
	t.Parallel()
	x := newTestAPI(t, dbtest.SQLiteOnly(t, "the OpenAPI document is built from the route table, not the database"))
	srv := httptest.NewServer(x)
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/api/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var doc struct {
		OpenAPI    string                               `json:"openapi"`
		Paths      map[string]map[string]map[string]any `json:"paths"`
		Components struct {
			Schemas map[string]any `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi version %q", doc.OpenAPI)
	}
	seenIDs := map[string]bool{}
	for _, op := range x.Ops() {
		o := doc.Paths["/api/v1"+op.Path][strings.ToLower(op.Method)]
		if o == nil {
			t.Errorf("%s %s is served but missing from openapi.json", op.Method, op.Path)
			continue
		}
		if op.Summary == "" || op.ID == "" || op.Tag == "" || op.Handle == nil {
			t.Errorf("%s %s lacks a summary, id, tag or handler", op.Method, op.Path)
		}
		if seenIDs[op.ID] {
			t.Errorf("duplicate operationId %s", op.ID)
		}
		seenIDs[op.ID] = true
		responses := o["responses"].(map[string]any)
		for _, code := range append([]int{op.Success}, op.Errors...) {
			if responses[strconv.Itoa(code)] == nil {
				t.Errorf("%s %s: status %d undocumented", op.Method, op.Path, code)
			}
		}
		// The route really is served: the mux does not answer 405, and an
		// unauthenticated call to a private route gets 401 from wrap.
		req := httptest.NewRequest(op.Method, "/api/v1"+strings.NewReplacer("{", "", "}", "").Replace(op.Path), strings.NewReader("{}"))
		rec := httptest.NewRecorder()
		x.ServeHTTP(rec, req)
		if rec.Code == http.StatusMethodNotAllowed || (!op.Public && rec.Code != http.StatusUnauthorized) {
			t.Errorf("%s %s: answered %d", op.Method, op.Path, rec.Code)
		}
	}
	for name, s := range doc.Components.Schemas {
		b, _ := json.Marshal(s)
		for _, part := range strings.Split(string(b), `"$ref":"#/components/schemas/`)[1:] {
			ref := part[:strings.Index(part, `"`)]
			if doc.Components.Schemas[ref] == nil {
				t.Errorf("schema %s refers to missing %s", name, ref)
			}
		}
	}
	for _, op := range x.Ops() {
		for _, s := range []string{op.Request, op.Response} {
			if s != "" && doc.Components.Schemas[s] == nil {
				t.Errorf("%s %s uses undefined schema %s", op.Method, op.Path, s)
			}
		}
	}
	for _, must := range []string{"POST /auth/signup", "POST /auth/login", "POST /auth/logout", "GET /me", "GET /classes",
		"POST /classes", "POST /classes/{id}/students", "GET /classes/{id}/skills", "POST /classes/{id}/points",
		"PUT /classes/{id}/attendance/{date}", "GET /students/{id}/points", "GET /students/{id}/attendance", "POST /connections",
		"DELETE /me", "POST /classes/{id}/story", "GET /feed"} {
		method, path, _ := strings.Cut(must, " ")
		if doc.Paths["/api/v1"+path][strings.ToLower(method)] == nil {
			t.Errorf("contract route %s missing", must)
		}
	}
}

// Query parameters the handlers read are in the document, with a type.
func TestOpenAPIQueryParameters(t *testing.T) {
	t.Parallel()
	doc := newTestAPI(t, dbtest.SQLiteOnly(t, "the OpenAPI document is built from the route table, not the database")).Document()
	params := func(path, method string) map[string]string {
		op := doc["paths"].(map[string]any)[path].(map[string]any)[method].(map[string]any)
		out := map[string]string{}
		list, _ := op["parameters"].([]any)
		for _, p := range list {
			p := p.(map[string]any)
			if p["in"] == "query" {
				out[p["name"].(string)] = p["schema"].(map[string]any)["type"].(string)
			}
		}
		return out
	}
	for _, c := range []struct {
		path string
		want map[string]string
	}{
		{"/api/v1/schools/search", map[string]string{"q": "string", "lat": "number", "lon": "number", "limit": "integer"}},
		{"/api/v1/students/{id}/points", map[string]string{"from": "string", "to": "string"}},
		{"/api/v1/classes/{id}/report", map[string]string{"from": "string", "to": "string"}},
	} {
		got := params(c.path, "get")
		for name, typ := range c.want {
			if got[name] != typ {
				t.Errorf("%s: query parameter %q has type %q, want %q (all: %v)", c.path, name, got[name], typ, got)
			}
		}
	}
}
