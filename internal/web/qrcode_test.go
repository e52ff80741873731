package web

import (
	"encoding/xml"
	"strings"
	"testing"
)

func TestQRSVG(t *testing.T) {
	t.Parallel()
	svg, err := qrSVG("https://cubby.example/login/class?code=ABC234", `Class "code"`)
	if err != nil {
		t.Fatal(err)
	}
	if err := xml.Unmarshal([]byte(svg), new(struct{})); err != nil {
		t.Errorf("not valid XML: %v", err)
	}
	if !strings.Contains(string(svg), `aria-label="Class &#34;code&#34;"`) || strings.Count(string(svg), "h1v1h-1z") < 100 {
		t.Errorf("unexpected SVG: %.200s", svg)
	}
}
