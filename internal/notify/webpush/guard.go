package webpush

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// A push subscription's endpoint is a URL the browser hands Cubby, and
// Cubby then makes requests to it: a forged one could point those
// requests into the server's own network (SSRF). Endpoints are checked
// when they are stored (CheckEndpoint) and again when each request
// connects (Dialer), since a name can resolve elsewhere later.

// Reasons an endpoint is refused; the app maps them to translated
// messages.
var (
	ErrEndpointInvalid = errors.New("webpush: endpoint is not an absolute URL")
	ErrEndpointHTTPS   = errors.New("webpush: endpoint is not https")
	ErrEndpointPrivate = errors.New("webpush: endpoint resolves to a private, loopback or link-local address")
	ErrEndpointUnknown = errors.New("webpush: endpoint's host does not resolve")
)

// MaxEndpoint is the longest endpoint accepted; real ones are under 600
// bytes.
const MaxEndpoint = 1024

// Policy says which endpoints may be reached. The zero Policy is
// production's: https only, public addresses only.
type Policy struct {
	// AllowLoopback lets endpoints on this machine through, over http
	// too: for tests with a local push service only
	// (CUBBY_PUSH_ALLOW_LOCAL); never private networks.
	AllowLoopback bool
	// Resolver looks names up; nil is net.DefaultResolver.
	Resolver *net.Resolver
}

// CheckEndpoint parses and checks an endpoint, resolving its host.
func (p Policy) CheckEndpoint(ctx context.Context, raw string) (*url.URL, error) {
	if len(raw) > MaxEndpoint || strings.ContainsAny(raw, " \t\r\n") {
		return nil, ErrEndpointInvalid
	}
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Hostname() == "" || u.User != nil || u.Fragment != "" {
		return nil, ErrEndpointInvalid
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && p.AllowLoopback:
	default:
		return nil, ErrEndpointHTTPS
	}
	if port := u.Port(); port != "" {
		if n, err := netip.ParseAddrPort("0.0.0.0:" + port); err != nil || n.Port() == 0 {
			return nil, ErrEndpointInvalid
		}
	}
	host := u.Hostname()
	if addr, err := netip.ParseAddr(host); err == nil {
		if !p.allowed(addr) {
			return nil, ErrEndpointPrivate
		}
		if u.Scheme == "http" && !addr.Unmap().IsLoopback() {
			return nil, ErrEndpointHTTPS // plain http only ever to this machine
		}
		return u, nil
	}
	r := p.Resolver
	if r == nil {
		r = net.DefaultResolver
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	addrs, err := r.LookupNetIP(ctx, "ip", host)
	if err != nil || len(addrs) == 0 {
		return nil, ErrEndpointUnknown
	}
	for _, a := range addrs {
		if !p.allowed(a) {
			return nil, ErrEndpointPrivate
		}
	}
	if u.Scheme == "http" && !allLoopback(addrs) {
		return nil, ErrEndpointHTTPS // plain http only ever to this machine
	}
	return u, nil
}

func allLoopback(addrs []netip.Addr) bool {
	for _, a := range addrs {
		if !a.Unmap().IsLoopback() {
			return false
		}
	}
	return true
}

// allowed reports whether a connection to addr may be made.
func (p Policy) allowed(addr netip.Addr) bool {
	addr = addr.Unmap()
	if addr.IsLoopback() {
		return p.AllowLoopback
	}
	return Public(addr)
}

// special are ranges that are neither private nor loopback in netip's
// sense yet are no push service: this network, shared address space
// (carrier NAT), IETF protocol assignments, documentation, benchmarking,
// reserved, NAT64 and 6to4 (which embed an IPv4 address), discard-only.
var special = func() []netip.Prefix {
	var out []netip.Prefix
	for _, s := range []string{"0.0.0.0/8", "100.64.0.0/10", "192.0.0.0/24", "192.0.2.0/24", "198.18.0.0/15",
		"198.51.100.0/24", "203.0.113.0/24", "240.0.0.0/4", "255.255.255.255/32",
		"64:ff9b::/96", "64:ff9b:1::/48", "100::/64", "2001:db8::/32", "2002::/16", "2001::/32"} {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}()

// Public reports whether addr is a public unicast address: not
// loopback, private (RFC 1918, fc00::/7), link-local (169.254/16 — where
// cloud metadata services answer — and fe80::/10), multicast,
// unspecified or one of the special ranges above.
func Public(addr netip.Addr) bool {
	addr = addr.Unmap()
	if !addr.IsValid() || addr.IsLoopback() || addr.IsPrivate() || addr.IsLinkLocalUnicast() || addr.IsLinkLocalMulticast() ||
		addr.IsInterfaceLocalMulticast() || addr.IsMulticast() || addr.IsUnspecified() {
		return false
	}
	for _, p := range special {
		if p.Contains(addr) {
			return false
		}
	}
	return true
}

// Dialer returns a dialer that refuses, at the moment of connecting, any
// address the policy does not allow, whatever a name resolved to.
func (p Policy) Dialer() *net.Dialer {
	return &net.Dialer{
		Timeout:  10 * time.Second,
		Resolver: p.Resolver,
		Control: func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil || !p.allowed(ap.Addr()) {
				return ErrEndpointPrivate
			}
			return nil
		},
	}
}
