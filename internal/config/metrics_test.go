package config

import (
	"flag"
	"net/netip"
	"slices"
	"strings"
	"testing"
)

func TestMetricsAllowedNetworks(t *testing.T) {
	c := Default()
	if got := c.MetricsNetworks(); !slices.Equal(got, []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}) {
		t.Errorf("default: %v", got)
	}
	c.MetricsAllowedNetworks = " 10.1.2.3/16 , 192.0.2.7,fd00::/8 "
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if got := c.MetricsNetworks(); !slices.Equal(got, []netip.Prefix{netip.MustParsePrefix("10.1.0.0/16"), netip.MustParsePrefix("192.0.2.7/32"), netip.MustParsePrefix("fd00::/8")}) {
		t.Errorf("parsed: %v", got)
	}
	c.MetricsAllowedNetworks = ""
	if got := c.MetricsNetworks(); got == nil || len(got) != 0 || c.Validate() != nil {
		t.Errorf("empty allows no one: %#v", got)
	}
	c.MetricsAllowedNetworks = "127.0.0.0/8,10.0.0.300/8"
	err := c.Validate()
	if err == nil || !strings.Contains(err.Error(), "CUBBY_METRICS_ALLOWED_NETWORKS") || !strings.Contains(err.Error(), `"10.0.0.300/8"`) {
		t.Errorf("bad network: %v", err)
	}

	t.Setenv("CUBBY_METRICS_ALLOWED_NETWORKS", "10.0.0.0/8")
	c = Default()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	c.Flags(fs)
	if c.MetricsAllowedNetworks != "10.0.0.0/8" {
		t.Errorf("from the environment: %q", c.MetricsAllowedNetworks)
	}
	if err := fs.Parse([]string{"-metrics-allowed-networks", "192.0.2.0/24"}); err != nil || c.MetricsAllowedNetworks != "192.0.2.0/24" {
		t.Errorf("the flag: %q %v", c.MetricsAllowedNetworks, err)
	}
}
