package i18n

import "testing"

// Accept-Language comes from any client: whatever it says, negotiation
// picks one of the bundle's locales, never panics (issue 19).
func FuzzNegotiate(f *testing.F) {
	b, err := Load()
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"es-MX,es;q=0.9,en;q=0.8", "ar", "*", "en;q=abc, fr", "xx-\x00", ";;;,,q=", "zh-Hant-TW;q=0.1"} {
		f.Add("", s)
	}
	f.Add("fr", "")
	f.Add("\xff", "de")
	f.Fuzz(func(t *testing.T, pref, header string) {
		parseAcceptLanguage(header)
		got := b.Negotiate(pref, header)
		for _, l := range b.Locales() {
			if l.Code == got {
				return
			}
		}
		t.Errorf("Negotiate(%q, %q) = %q, not a locale of the bundle", pref, header, got)
	})
}
