package web_test

import (
	"net/http"
	"regexp"
	"testing"
)

// refusedTo checks that a refused form post redirected to page and that
// the page then says want once: a reload shows the page without the
// refusal and posts nothing.
func refusedTo(t *testing.T, c *http.Client, base string, status int, loc, page, want string) {
	t.Helper()
	if status != http.StatusSeeOther || loc != page {
		t.Fatalf("a refused post answered %d to %q, want 303 to %q", status, loc, page)
	}
	alert := regexp.MustCompile(`class="form-error" role="alert"[^>]*>[^<]*` + regexp.QuoteMeta(want))
	if _, body, _ := get(t, c, base+loc); !alert.MatchString(body) {
		t.Errorf("after the redirect, %s does not say %q at the top", page, want)
	}
	if _, body, _ := get(t, c, base+loc); alert.MatchString(body) {
		t.Errorf("a reload of %s still says %q", page, want)
	}
}
