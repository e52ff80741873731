package web

import (
	"testing"

	"cubby/internal/i18n"
)

func TestReadable(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"ALBERTVILLE":                         "Albertville",
		"ST. MICHAEL-ALBERTVILLE MIDDLE EAST": "St. Michael-Albertville Middle East",
		"MS 266 PARK PLACE COMMUNITY MIDDLE":  "MS 266 Park Place Community Middle",
		"ST MARY'S SCHOOL":                    "St Mary's School",
		"PS 101 K-8":                          "PS 101 K-8",
		"JOHN PAUL II HIGH SCHOOL":            "John Paul II High School",
		"BAYAMÓN":                             "Bayamón",
		"McCord Elementary":                   "McCord Elementary",
		"Albertville Middle School":           "Albertville Middle School",
		"":                                    "",
		"12345":                               "12345",
	} {
		if got := readableCaps(in); got != want {
			t.Errorf("readable(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDistance(t *testing.T) {
	t.Parallel()
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	m := func(f float64) *float64 { return &f }
	for _, tc := range []struct {
		lang string
		m    *float64
		want string
	}{
		{"en", nil, ""},
		{"en", m(0), "0 m"},
		{"en", m(444), "440 m"},
		{"en", m(2449), "2.4 km"},
		{"es", m(2449), "2,4 km"},
		{"fr", m(37_600), "38 km"},
	} {
		if got := schoolDistance(b.Localizer(tc.lang), tc.m); got != tc.want {
			t.Errorf("%s %v: %q, want %q", tc.lang, tc.m, got, tc.want)
		}
	}
}
