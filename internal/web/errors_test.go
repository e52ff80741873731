package web_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"cubby/internal/api"
	"cubby/internal/app"
	"cubby/internal/db/dbtest"
	"cubby/internal/i18n"
	"cubby/internal/testenv"
	"cubby/internal/web"
)

// The web answers every error of the table (api.ErrorTable, shared with
// the API) with its status and translated message, never a 500; a visitor
// is sent to log in and staff who must set up two-factor to their settings.
// A client that hung up is recorded as 499, not logged as a fault.
func TestWebErrorPages(t *testing.T) {
	t.Parallel()
	env := testenv.New(t, dbtest.SQLiteOnly(t, "error pages read no database"))
	var logs bytes.Buffer
	srv, err := web.New(env.App, env.App.I18n, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	l := env.App.I18n.Localizer("es")
	request := func(ctx context.Context) *http.Request {
		return httptest.NewRequest("GET", "/classes/1", nil).WithContext(i18n.WithLocalizer(ctx, l))
	}
	for _, rule := range api.ErrorTable() {
		w := httptest.NewRecorder()
		srv.Fail(w, request(context.Background()), fmt.Errorf("wrapped: %w", rule.Example))
		o := api.Classify(context.Background(), rule.Example)
		body := html.UnescapeString(w.Body.String())
		switch {
		case errors.Is(rule.Example, app.ErrUnauthorized):
			if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/login?next=%2Fclasses%2F1" {
				t.Errorf("%s: %d %s", rule.Name, w.Code, w.Header().Get("Location"))
			}
		case errors.Is(rule.Example, app.ErrTwoFactorRequired):
			if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/settings#twofactor" {
				t.Errorf("%s: %d %s", rule.Name, w.Code, w.Header().Get("Location"))
			}
		case w.Code != o.Status || w.Code == http.StatusInternalServerError:
			t.Errorf("%s: the page answers %d, the table %d", rule.Name, w.Code, o.Status)
		case o.Fields == nil && !strings.Contains(body, l.T(o.Key, o.Args...)):
			t.Errorf("%s: the page does not say %q", rule.Name, l.T(o.Key, o.Args...))
		case o.Fields != nil && len(o.Fields.Fields) == 1 && !strings.Contains(body, l.T(firstField(o.Fields).Key)):
			t.Errorf("%s: the page does not say the field's problem", rule.Name)
		}
	}
	if strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("errors of the table were logged as faults:\n%s", logs.String())
	}

	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	w := httptest.NewRecorder()
	srv.Fail(w, request(canceled), errors.New("sqlite: interrupted"))
	if w.Code != api.StatusClientClosedRequest || w.Body.Len() != 0 || strings.Contains(logs.String(), "interrupted") {
		t.Errorf("a client that hung up: %d %q, log %s", w.Code, w.Body.String(), logs.String())
	}

	w = httptest.NewRecorder()
	srv.Fail(w, request(context.Background()), errors.New("disk on fire"))
	if w.Code != 500 || strings.Contains(w.Body.String(), "disk on fire") || !strings.Contains(logs.String(), "disk on fire") {
		t.Errorf("an unknown error: %d %q, log %s", w.Code, w.Body.String(), logs.String())
	}
}

func firstField(ve *app.ValidationError) app.FieldError {
	for _, fe := range ve.Fields {
		return fe
	}
	return app.FieldError{}
}
