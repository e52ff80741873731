package config

import (
	"fmt"
	"net/netip"
	"strings"
)

// DefaultMetricsNetworks is who may read /metrics with zero configuration:
// the machine itself.
const DefaultMetricsNetworks = "127.0.0.0/8,::1/128"

// MetricsNetworks is CUBBY_METRICS_ALLOWED_NETWORKS parsed: the networks
// whose peer addresses may read /metrics. An empty setting allows no one
// (a non-nil, empty list). Validate has reported a bad entry already.
func (c *Config) MetricsNetworks() []netip.Prefix {
	nets, _ := ParseNetworks(c.MetricsAllowedNetworks)
	return nets
}

// ParseNetworks reads a comma-separated list of networks in CIDR form
// (10.0.0.0/8, fd00::/8); a bare address means that one host.
func ParseNetworks(list string) ([]netip.Prefix, error) {
	nets := []netip.Prefix{}
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if p, err := netip.ParsePrefix(item); err == nil {
			nets = append(nets, p.Masked())
			continue
		}
		if a, err := netip.ParseAddr(item); err == nil {
			nets = append(nets, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		return nil, fmt.Errorf("%q is not a network in CIDR form such as 10.0.0.0/8 or fd00::/8, nor an address", item)
	}
	return nets, nil
}

func (c *Config) validateMetrics() []error {
	if _, err := ParseNetworks(c.MetricsAllowedNetworks); err != nil {
		return []error{fmt.Errorf("CUBBY_METRICS_ALLOWED_NETWORKS: %w (a comma-separated list; the default is %s)", err, DefaultMetricsNetworks)}
	}
	return nil
}
