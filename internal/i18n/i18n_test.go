package i18n

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
)

func mustLoad(t *testing.T) *Bundle {
	t.Helper()
	b, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return b
}

func mustBundle(t *testing.T, files map[string]string) *Bundle {
	t.Helper()
	raw := make(map[string][]byte, len(files))
	for code, s := range files {
		raw[code] = []byte(s)
	}
	b, err := newBundle(raw)
	if err != nil {
		t.Fatalf("newBundle: %v", err)
	}
	return b
}

func TestRealCatalogsPassCheck(t *testing.T) {
	t.Parallel()
	b := mustLoad(t)
	for _, err := range b.Check() {
		t.Error(err)
	}
}

func TestLocales(t *testing.T) {
	t.Parallel()
	b := mustLoad(t)
	got := b.Locales()
	want := []Locale{
		{"en", "English", "ltr"},
		{"ar", "العربية", "rtl"},
		{"es", "Español", "ltr"},
		{"fr", "Français", "ltr"},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("Locales() = %v, want %v", got, want)
	}
	got[0].Code = "xx"
	if b.Locales()[0].Code != "en" {
		t.Error("Locales returned its internal slice")
	}
	for _, l := range want {
		if !b.Has(l.Code) {
			t.Errorf("Has(%q) = false", l.Code)
		}
	}
	for _, code := range []string{"", "de", "ES", "es-MX"} {
		if b.Has(code) {
			t.Errorf("Has(%q) = true", code)
		}
	}
}

func TestNegotiate(t *testing.T) {
	t.Parallel()
	b := mustLoad(t)
	tests := []struct {
		preferred, header, want string
	}{
		{"", "es-MX,es;q=0.9", "es"},
		{"", "de-CH,de;q=0.9,fr;q=0.5", "fr"},
		{"", "", "en"},
		{"", "de,zh;q=0.8", "en"},
		{"", "ar-EG", "ar"},
		{"", "en-US,en;q=0.9,es;q=0.8", "en"},
		{"", "fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5", "fr"},
		{"", "es;q=0.2,fr;q=0.8", "fr"},
		{"", "not a tag!!, es;q=0.5", "es"}, // one junk entry must not discard the rest
		{"", ";;;,,,", "en"},
		{"ar", "es-MX,es;q=0.9", "ar"},
		{"fr", "", "fr"},
		{"de", "es", "es"}, // unsupported preference is ignored
		{"klingon", "", "en"},
		{"es-MX", "fr", "fr"}, // preferences are exact codes, not headers
	}
	for _, tc := range tests {
		if got := b.Negotiate(tc.preferred, tc.header); got != tc.want {
			t.Errorf("Negotiate(%q, %q) = %q, want %q", tc.preferred, tc.header, got, tc.want)
		}
	}
}

func TestLocalizerBasics(t *testing.T) {
	t.Parallel()
	b := mustLoad(t)
	for _, tc := range []struct{ code, lang, dir string }{
		{"en", "en", "ltr"}, {"es", "es", "ltr"}, {"ar", "ar", "rtl"}, {"de", "en", "ltr"}, {"", "en", "ltr"},
	} {
		l := b.Localizer(tc.code)
		if l.Lang() != tc.lang || l.Dir() != tc.dir {
			t.Errorf("Localizer(%q): Lang=%q Dir=%q, want %q %q", tc.code, l.Lang(), l.Dir(), tc.lang, tc.dir)
		}
	}
	if got := b.Localizer("es").T("nav.classes"); got != "Clases" {
		t.Errorf("es nav.classes = %q", got)
	}
}

func TestN(t *testing.T) {
	t.Parallel()
	b := mustLoad(t)
	tests := []struct {
		code  string
		count int
		want  string
	}{
		{"en", 1, "1 point"},
		{"en", 2, "2 points"},
		{"en", 0, "0 points"},
		{"en", -1, "-1 point"},
		{"en", 1234567, "1234567 points"}, // printed plainly, no grouping
		{"es", 1, "1 punto"},
		{"es", 5, "5 puntos"},
		{"fr", 0, "0 point"}, // French treats 0 as singular
		{"fr", 2, "2 points"},
		{"ar", 0, "لا توجد نقاط"},
		{"ar", 1, "نقطة واحدة"},
		{"ar", 2, "نقطتان"},
		{"ar", 3, "3 نقاط"},
		{"ar", 11, "11 نقطة"},
		{"ar", 100, "100 نقطة"},
	}
	for _, tc := range tests {
		if got := b.Localizer(tc.code).N("student.points", tc.count); got != tc.want {
			t.Errorf("%s N(student.points, %d) = %q, want %q", tc.code, tc.count, got, tc.want)
		}
	}
}

// TestNArabicCategories pins which form each count selects, independent of
// wording, using a synthetic catalog whose forms name themselves.
func TestNArabicCategories(t *testing.T) {
	t.Parallel()
	b := mustBundle(t, map[string]string{
		"en": `{"_meta":{"name":"English","dir":"ltr"},"p":{"one":"one {count}","other":"other {count}"}}`,
		"ar": `{"_meta":{"name":"العربية","dir":"rtl"},"p":{"zero":"zero {count}","one":"one {count}","two":"two {count}","few":"few {count}","many":"many {count}","other":"other {count}"}}`,
	})
	ar := b.Localizer("ar")
	for count, want := range map[int]string{0: "zero", 1: "one", 2: "two", 3: "few", 10: "few", 11: "many", 99: "many", 100: "other", 102: "other", 103: "few"} {
		if got := ar.N("p", count); got != fmt.Sprintf("%s %d", want, count) {
			t.Errorf("ar N(p, %d) = %q, want category %s", count, got, want)
		}
	}
	en := b.Localizer("en")
	if got := en.N("p", 1); got != "one 1" {
		t.Errorf("en N(p, 1) = %q", got)
	}
	if got := en.N("p", 2); got != "other 2" {
		t.Errorf("en N(p, 2) = %q", got)
	}
}

func TestTPlaceholdersAndFallbacks(t *testing.T) {
	t.Parallel()
	b := mustBundle(t, map[string]string{
		"en": `{"_meta":{"name":"English","dir":"ltr"},
			"hello":"Hello, {name}!",
			"two":"{a} and {b} and {a}",
			"only_en":"English only {x}",
			"braces":"{ not a placeholder } {{name}} {bad-name}",
			"p":{"one":"{count} thing for {who}","other":"{count} things for {who}"},
			"plain":"Count: {count}"}`,
		"es": `{"_meta":{"name":"Español","dir":"ltr"},
			"hello":"¡Hola, {name}!",
			"p":{"one":"{count} cosa para {who}","other":"{count} cosas para {who}"}}`,
	})
	en, es := b.Localizer("en"), b.Localizer("es")
	tests := []struct {
		l    *Localizer
		got  string
		want string
	}{
		{en, en.T("hello", "name", "Ada"), "Hello, Ada!"},
		{es, es.T("hello", "name", "Ada"), "¡Hola, Ada!"},
		{en, en.T("hello"), "Hello, {name}!"},                     // missing value stays visible
		{en, en.T("hello", "name"), "Hello, {name}!"},             // dangling name ignored
		{en, en.T("hello", "other", 1, "name", 42), "Hello, 42!"}, // %v formatting
		{en, en.T("hello", "name", 3.5), "Hello, 3.5!"},           // %v formatting
		{en, en.T("hello", "name", nil), "Hello, <nil>!"},         // %v formatting
		{en, en.T("hello", "name", errors.New("e")), "Hello, e!"}, // %v uses Error()
		{en, en.T("two", "b", "B", "a", "A"), "A and B and A"},    // order-independent, repeated
		{es, es.T("only_en", "x", 1), "English only 1"},           // fallback to en
		{es, es.T("nope"), "nope"},                                // missing everywhere
		{en, en.T("braces", "name", "N"), "{ not a placeholder } {N} {bad-name}"},
		{en, en.T("p", "count", 3, "who", "me"), "3 things for me"},       // T on a plural uses "other"
		{es, es.N("p", 1, "who", "Ana"), "1 cosa para Ana"},               //
		{es, es.N("p", 2, "who", "Ana", "count", 99), "2 cosas para Ana"}, // N's count wins
		{es, es.N("plain", 7), "Count: 7"},                                // N on a plain string via fallback
		{es, es.N("nope", 7), "nope"},
	}
	for i, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("case %d (%s): got %q, want %q", i, tc.l.Lang(), tc.got, tc.want)
		}
	}
	if !es.Has("hello") || !es.Has("only_en") || es.Has("nope") {
		t.Error("Has should see own keys and English fallbacks only")
	}
}

// TestNFallsBackWithEnglishRules: when French lacks a key, the English text
// must be chosen by English rules (0 is "other" in English, "one" in French).
func TestNFallsBackWithEnglishRules(t *testing.T) {
	t.Parallel()
	b := mustBundle(t, map[string]string{
		"en": `{"_meta":{"name":"English","dir":"ltr"},"p":{"one":"{count} item","other":"{count} items"}}`,
		"fr": `{"_meta":{"name":"Français","dir":"ltr"}}`,
	})
	if got := b.Localizer("fr").N("p", 0); got != "0 items" {
		t.Errorf("got %q", got)
	}
}

func TestCheckDetectsProblems(t *testing.T) {
	t.Parallel()
	b := mustBundle(t, map[string]string{
		"en": `{"_meta":{"name":"English","dir":"ltr"},
			"a":"A {x}",
			"b":"B",
			"gone":"only in en",
			"shape":"plain",
			"p":{"one":"{count} p","other":"{count} ps"},
			"q":{"one":"{count} q by {who}","other":"{count} qs by {who}"},
			"bad_en":{"other":"{count}"}}`,
		"es": `{"_meta":{"name":"Español"},
			"a":"A {y}",
			"b":"",
			"extra":"not in en",
			"shape":{"one":"x","other":"y"},
			"p":{"other":"{count} ps"},
			"q":{"one":"una q de {who}","other":"qs de {who}"},
			"bad_en":{"one":"{count}","other":"{count}"}}`,
		"ar": `{"_meta":{"dir":"sideways"},
			"a":"A {x}","b":"B","gone":"g","shape":"s",
			"p":{"one":"{count}","other":"{count}"},
			"q":{"zero":"{count} {who}","one":"{who}","two":"{who}","few":"{count} {who}","many":"{count} {who}","other":"{count} {who}"},
			"bad_en":{"zero":"{count}","one":"{count}","two":"{count}","few":"{count}","many":"{count}","other":"{count}"}}`,
		"fr": `{"a":"A {x}","b":"B","gone":"g","shape":"s",
			"p":{"one":"{count}","other":"{count}"},
			"q":{"one":"{count} {who}","other":"{count} {who}"},
			"bad_en":{"one":"{count}","other":"{count}"}}`,
	})
	type finding struct {
		locale, key string
		kind        checkKind
	}
	want := map[finding]bool{
		{"en", "bad_en", checkPluralForm}: true, // en needs one
		{"es", "_meta", checkMeta}:        true, // no dir
		{"es", "a", checkPlaceholders}:    true,
		{"es", "b", checkEmpty}:           true,
		{"es", "extra", checkExtra}:       true,
		{"es", "gone", checkMissing}:      true,
		{"es", "shape", checkShape}:       true,
		{"es", "p", checkPluralForm}:      true, // es needs one
		{"es", "q", checkPlaceholders}:    true, // "other" dropped {count}
		{"ar", "_meta", checkMeta}:        true, // no name, and a bad dir
		{"ar", "p", checkPluralForm}:      true, // ar needs zero/two/few/many
		{"fr", "_meta", checkMeta}:        true, // _meta missing entirely
	}
	got := map[finding]int{}
	for _, err := range b.Check() {
		var ce *checkError
		if !errors.As(err, &ce) {
			t.Fatalf("Check returned %T: %v", err, err)
		}
		if ce.locale == "" || ce.key == "" || !strings.Contains(err.Error(), ce.locale) {
			t.Errorf("finding lacks context: %v", err)
		}
		f := finding{ce.locale, ce.key, ce.kind}
		got[f]++
		if !want[f] {
			t.Errorf("unexpected finding: %v", err)
		}
	}
	for f := range want {
		if got[f] == 0 {
			t.Errorf("Check missed %+v", f)
		}
	}
	if n := got[finding{"ar", "_meta", checkMeta}]; n != 2 {
		t.Errorf("ar _meta: %d findings, want 2 (name and dir)", n)
	}
	for _, err := range b.Check() {
		var ce *checkError
		if errors.As(err, &ce) && ce.locale == "ar" && ce.key == "p" {
			for _, cat := range []string{"zero", "two", "few", "many"} {
				if !strings.Contains(err.Error(), cat) {
					t.Errorf("ar p finding %q does not name %s", err, cat)
				}
			}
		}
	}
}

func TestLoadRejectsMalformedCatalogs(t *testing.T) {
	t.Parallel()
	const en = `{"_meta":{"name":"English","dir":"ltr"},"a":"A"}`
	tests := map[string]map[string]string{
		"no en":              {"es": `{"a":"A"}`},
		"not an object":      {"en": `["a"]`},
		"bad json":           {"en": `{"a":}`},
		"number value":       {"en": `{"a":1}`},
		"array value":        {"en": `{"a":["x"]}`},
		"unknown category":   {"en": `{"a":{"several":"x","other":"y"}}`},
		"nested plural":      {"en": `{"a":{"other":{"x":"y"}}}`},
		"empty plural":       {"en": `{"a":{}}`},
		"duplicate key":      {"en": `{"a":"A","a":"B"}`},
		"duplicate category": {"en": `{"a":{"other":"x","other":"y"}}`},
		"reserved key":       {"en": `{"_comment":"x"}`},
		"unknown meta field": {"en": `{"_meta":{"name":"English","direction":"ltr"}}`},
		"meta not object":    {"en": `{"_meta":"English"}`},
		"trailing data":      {"en": `{"a":"A"} {}`},
		"bad code":           {"en": en, "Spanish": `{}`},
		"non-canonical code": {"en": en, "ES": `{}`},
	}
	for name, files := range tests {
		raw := map[string][]byte{}
		for code, s := range files {
			raw[code] = []byte(s)
		}
		if _, err := newBundle(raw); err == nil {
			t.Errorf("%s: newBundle succeeded, want error", name)
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	b := mustLoad(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			l := b.Localizer([]string{"en", "es", "fr", "ar"}[i%4])
			for n := range 200 {
				_ = l.T("home.greeting", "name", n)
				_ = l.N("classes.students", n)
				_ = b.Negotiate("", "es-MX,es;q=0.9")
			}
		})
	}
	wg.Wait()
}

func BenchmarkT(b *testing.B) {
	l := mustBundleB(b).Localizer("es")
	for b.Loop() {
		_ = l.T("login.welcome", "name", "Ada")
	}
}

func BenchmarkN(b *testing.B) {
	l := mustBundleB(b).Localizer("ar")
	for b.Loop() {
		_ = l.N("student.points", 42)
	}
}

func mustBundleB(b *testing.B) *Bundle {
	bundle, err := Load()
	if err != nil {
		b.Fatal(err)
	}
	return bundle
}
