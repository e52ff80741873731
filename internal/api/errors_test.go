package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"

	"cubby/internal/i18n"
)

// catalogKeys reads the message keys of each locale's files as they are on
// disk, so a key only English has is not found in Spanish.
func catalogKeys(t *testing.T) map[string]map[string]bool {
	t.Helper()
	keys := map[string]map[string]bool{}
	for _, lang := range []string{"en", "es", "fr", "ar"} {
		keys[lang] = map[string]bool{}
		files, err := filepath.Glob(filepath.Join("..", "i18n", "locales", lang, "*.json"))
		if err != nil || len(files) == 0 {
			t.Fatalf("%s catalogs: %v", lang, err)
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var m map[string]json.RawMessage
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			for k := range m {
				keys[lang][k] = true
			}
		}
	}
	return keys
}

// Every error the table names answers with its own row, a status that is
// not a server fault's 500, and a message every locale has; the API's
// problem says it in the caller's language.
func TestErrorTableAnswers(t *testing.T) {
	t.Parallel()
	bundle, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	x := &API{i18n: bundle, log: slog.New(slog.NewTextHandler(&logs, nil))}
	keys := catalogKeys(t)
	ctx := context.Background()
	for i, rule := range errorTable {
		if ty := reflect.TypeOf(rule.Example).String(); strings.HasPrefix(rule.Name, "*") && ty != rule.Name {
			t.Errorf("row %q holds a %s", rule.Name, ty)
		}
		for j, earlier := range errorTable[:i] {
			if earlier.matches(rule.Example) {
				t.Errorf("%s is answered by row %d (%s), above its own", rule.Name, j, earlier.Name)
			}
		}
		o := Classify(ctx, fmt.Errorf("wrapped: %w", rule.Example))
		if o.Status == http.StatusInternalServerError || o.Status == 0 {
			t.Errorf("%s: status %d", rule.Name, o.Status)
		}
		if rule.detail == nil && (o.Status != rule.Status || o.Key != rule.Key) {
			t.Errorf("%s: %d %s, the table says %d %s", rule.Name, o.Status, o.Key, rule.Status, rule.Key)
		}
		for lang, have := range keys {
			for _, k := range []string{rule.Key, o.Key} {
				if !have[k] {
					t.Errorf("%s: %s has no %q", rule.Name, lang, k)
				}
			}
		}

		r := httptest.NewRequest("GET", "/api/v1/x", nil)
		r.Header.Set("Accept-Language", "fr")
		w := httptest.NewRecorder()
		x.fail(w, r, rule.Example)
		var p Problem
		if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
			t.Fatalf("%s: %v", rule.Name, err)
		}
		if w.Code != o.Status || p.Status != o.Status || w.Header().Get("Content-Type") != "application/problem+json" ||
			p.Detail == "" || p.Detail == o.Key || w.Header().Get("Content-Language") != "fr" {
			t.Errorf("%s: the API answers %d %+v", rule.Name, w.Code, p)
		}
	}
	if strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("errors of the table were logged as faults:\n%s", logs.String())
	}

	// What the table does not know is a logged 500 with a safe message.
	w := httptest.NewRecorder()
	x.fail(w, httptest.NewRequest("GET", "/api/v1/x", nil), errors.New("disk on fire"))
	if w.Code != 500 || strings.Contains(w.Body.String(), "disk on fire") || !strings.Contains(logs.String(), "disk on fire") {
		t.Errorf("an unknown error: %d %s; log %s", w.Code, w.Body.String(), logs.String())
	}
}

// A client that hung up is recorded as 499 and not logged as a fault,
// whatever error its going caused.
func TestErrorClientGone(t *testing.T) {
	t.Parallel()
	bundle, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	x := &API{i18n: bundle, log: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))}
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	for name, c := range map[string]struct {
		ctx context.Context
		err error
	}{
		"context canceled":     {context.Background(), fmt.Errorf("query: %w", context.Canceled)},
		"broken pipe":          {context.Background(), fmt.Errorf("write tcp: %w", syscall.EPIPE)},
		"connection reset":     {context.Background(), fmt.Errorf("write tcp: %w", syscall.ECONNRESET)},
		"the request canceled": {canceled, errors.New("sqlite: interrupted")},
	} {
		if o := Classify(c.ctx, c.err); o.Status != StatusClientClosedRequest {
			t.Errorf("%s: %d", name, o.Status)
		}
		w := httptest.NewRecorder()
		x.fail(w, httptest.NewRequest("GET", "/api/v1/x", nil).WithContext(c.ctx), c.err)
		if w.Code != StatusClientClosedRequest || w.Body.Len() != 0 {
			t.Errorf("%s: answered %d %q", name, w.Code, w.Body.String())
		}
	}
	if logs.Len() != 0 {
		t.Errorf("a hang-up was logged at info or above:\n%s", logs.String())
	}
	if o := Classify(context.Background(), errors.New("disk on fire")); o.Status != 500 {
		t.Errorf("a fault is not a hang-up: %d", o.Status)
	}
}

// Every error app declares — an exported Err… variable or an exported type
// with an Error method — has its row, so a new error cannot fall through to
// a 500 unnoticed.
func TestErrorTableCoversApp(t *testing.T) {
	t.Parallel()
	named := map[string]bool{}
	for _, rule := range errorTable {
		named[rule.Name] = true
	}
	fset := token.NewFileSet()
	files, err := filepath.Glob(filepath.Join("..", "app", "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range file.Decls {
			switch d := decl.(type) {
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					if vs, ok := spec.(*ast.ValueSpec); ok {
						for _, n := range vs.Names {
							if strings.HasPrefix(n.Name, "Err") {
								found++
								if !named["app."+n.Name] {
									t.Errorf("app.%s (%s) has no row in the error table", n.Name, filepath.Base(f))
								}
							}
						}
					}
				}
			case *ast.FuncDecl:
				if d.Name.Name != "Error" || d.Recv == nil || len(d.Recv.List) != 1 {
					continue
				}
				star, ok := d.Recv.List[0].Type.(*ast.StarExpr)
				if !ok {
					continue
				}
				if id, ok := star.X.(*ast.Ident); ok && id.IsExported() {
					found++
					if !named["*app."+id.Name] {
						t.Errorf("*app.%s (%s) has no row in the error table", id.Name, filepath.Base(f))
					}
				}
			}
		}
	}
	if found < 20 {
		t.Errorf("found only %d errors in app: the scan is not reading it", found)
	}
}
