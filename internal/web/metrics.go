package web

import (
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the Prometheus series served at /metrics. Labels use the
// route pattern, never the raw path, so series stay few and carry no ids.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cubby_http_requests_total", Help: "HTTP requests by route and status.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "cubby_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"route"}),
	}
	m.reg.MustRegister(m.requests, m.duration,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) observe(method, route string, status int, d time.Duration) {
	m.requests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(route).Observe(d.Seconds())
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// loopback is who reads /metrics when the server is given no list.
var loopback = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}

// forwardingHeaders mark a request relayed by a proxy.
var forwardingHeaders = []string{"Forwarded", "X-Forwarded-For", "X-Real-Ip"}

// metricsAllowed decides who may read /metrics: a peer address (the
// connection's, never a forwarded header) inside the allowed networks, on
// a request no proxy relayed. Behind a reverse proxy on the same machine
// every request comes from the proxy's address, often loopback; a relayed
// request carries a forwarding header (nginx, Caddy and Traefik set
// X-Forwarded-For or Forwarded), so it is refused rather than let the
// internet in through the proxy. A client adding such a header only
// refuses itself. Scrapers connect to Cubby's own address.
func (s *Server) metricsAllowed(r *http.Request) bool {
	for _, h := range forwardingHeaders {
		if r.Header.Get(h) != "" {
			return false
		}
	}
	addr, err := netip.ParseAddr(clientIP(r))
	if err != nil {
		return false
	}
	addr = addr.Unmap().WithZone("")
	allowed := s.MetricsAllowed
	if allowed == nil {
		allowed = loopback
	}
	return slices.ContainsFunc(allowed, func(p netip.Prefix) bool { return p.Contains(addr) })
}

// serveMetrics answers others as an unknown path would: 404, so /metrics
// does not even say it exists (403 would, and invite guessing at the list).
func (s *Server) serveMetrics() http.Handler {
	h := s.metrics.handler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.metricsAllowed(r) {
			s.errorPage(w, r, http.StatusNotFound, "error.not_found")
			return
		}
		h.ServeHTTP(w, r)
	})
}
