package web_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"cubby/internal/config"
	"cubby/internal/db/dbtest"
	"cubby/internal/testenv"
	"cubby/internal/web"
)

// /metrics answers only peers inside the allowed networks, on requests no
// proxy relayed; everyone else gets the not-found page any unknown path
// gets. The peer is the connection's address: a forwarded header never
// lets anyone in.
func TestMetricsAllowedNetworks(t *testing.T) {
	t.Parallel()
	env := testenv.New(t, dbtest.SQLiteOnly(t, "/metrics reads no database"))
	server := func(nets []netip.Prefix) http.Handler {
		srv, err := web.New(env.App, env.App.I18n, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		srv.MetricsAllowed = nets
		return srv.Handler()
	}
	networks := func(list string) []netip.Prefix {
		nets, err := config.ParseNetworks(list)
		if err != nil {
			t.Fatal(err)
		}
		return nets
	}
	zero := server(nil) // as testenv and zero configuration start it
	defaults := server(networks(config.DefaultMetricsNetworks))
	office := server(networks("10.20.0.0/16, 192.0.2.7"))
	nobody := server(networks(""))
	for _, c := range []struct {
		name    string
		h       http.Handler
		peer    string
		headers map[string]string
		ok      bool
	}{
		{"loopback, no list", zero, "127.0.0.1:4000", nil, true},
		{"IPv6 loopback, no list", zero, "[::1]:4000", nil, true},
		{"another host, no list", zero, "203.0.113.9:4000", nil, false},
		{"loopback, default list", defaults, "127.0.0.1:4000", nil, true},
		{"another host, default list", defaults, "198.51.100.1:4000", nil, false},
		{"inside a listed network", office, "10.20.30.40:4000", nil, true},
		{"a listed address", office, "192.0.2.7:4000", nil, true},
		{"a listed address, IPv4-mapped", office, "[::ffff:192.0.2.7]:4000", nil, true},
		{"outside the listed networks", office, "10.21.0.1:4000", nil, false},
		{"loopback, not listed", office, "127.0.0.1:4000", nil, false},
		{"an empty list", nobody, "127.0.0.1:4000", nil, false},
		{"a forged header does not let in", office, "203.0.113.9:4000", map[string]string{"X-Forwarded-For": "10.20.0.1"}, false},
		{"relayed by a proxy on loopback", zero, "127.0.0.1:4000", map[string]string{"X-Forwarded-For": "203.0.113.9"}, false},
		{"relayed, RFC 7239", zero, "127.0.0.1:4000", map[string]string{"Forwarded": "for=203.0.113.9"}, false},
		{"relayed, X-Real-IP", zero, "127.0.0.1:4000", map[string]string{"X-Real-IP": "203.0.113.9"}, false},
	} {
		r := httptest.NewRequest("GET", "/metrics", nil)
		r.RemoteAddr = c.peer
		for k, v := range c.headers {
			r.Header.Set(k, v)
		}
		w := httptest.NewRecorder()
		c.h.ServeHTTP(w, r)
		served := w.Code == http.StatusOK && strings.Contains(w.Body.String(), "go_goroutines")
		if served != c.ok {
			t.Errorf("%s: %d", c.name, w.Code)
		}
		if !c.ok && (w.Code != http.StatusNotFound || strings.Contains(w.Body.String(), "go_goroutines")) {
			t.Errorf("%s: refused with %d, not as an unknown path", c.name, w.Code)
		}
	}
}
