// Package i18n holds Cubby's translation catalogs and picks the language each
// request is rendered in.
//
// Catalogs are plain JSON files embedded in the binary, so a school's
// self-hosted server needs no extra files at runtime and translators can edit
// them without touching Go code. Everything is parsed and compiled once in
// Load; after that a Bundle and its Localizers are immutable, which is what
// makes them safe to share between request goroutines without locks.
//
// English ("en") is the source of truth: every other catalog is checked
// against it (see Bundle.Check) and falls back to it at runtime, so a key that
// someone forgot to translate still renders readable text instead of a blank.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"path"
	"sort"
	"strings"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
)

// sourceLocale is the catalog every other one is compared with and falls
// back to; it is also the answer when negotiation finds nothing better.
const sourceLocale = "en"

//go:embed locales
var localeFiles embed.FS

// Locale describes a catalog for language pickers and the <html> element.
// Name is the language's own name ("Español"), because people look for their
// language written the way they read it.
type Locale struct {
	Code string // BCP 47 code, also the catalog file name: "es"
	Name string // native name from _meta, or Code if missing
	Dir  string // "ltr" or "rtl"
}

// Bundle is the set of loaded catalogs. Build it once at startup with Load and
// share it; it is read-only afterwards.
type Bundle struct {
	locales    []Locale
	localizers map[string]*Localizer
	catalogs   map[string]*catalog // kept for Check
	matcher    language.Matcher
	matchCodes []string // matcher index → locale code
}

// Load parses every embedded catalog. It fails on malformed files (bad JSON,
// wrong value types, unknown plural categories, duplicate keys) because those
// would silently lose text; content problems such as untranslated keys are
// left to Check so that an incomplete translation never stops the server.
func Load() (*Bundle, error) {
	names, err := fs.Glob(localeFiles, "locales/*/*.json")
	if err != nil {
		return nil, fmt.Errorf("i18n: %w", err)
	}
	byLocale := map[string]map[string][]byte{}
	for _, name := range names {
		data, err := localeFiles.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("i18n: %w", err)
		}
		code := path.Base(path.Dir(name))
		if byLocale[code] == nil {
			byLocale[code] = map[string][]byte{}
		}
		byLocale[code][path.Base(name)] = data
	}
	files := make(map[string][]byte, len(byLocale))
	for code, parts := range byLocale {
		merged, err := mergeFiles(parts)
		if err != nil {
			return nil, fmt.Errorf("i18n: locales/%s/%w", code, err)
		}
		files[code] = merged
	}
	return newBundle(files)
}

// mergeFiles joins one locale's files into one catalog. Each feature keeps
// its strings in its own file (core.json, accounts.json, …) so that work on
// different features does not collide; a key defined in two files is an
// error, since one of the two texts would silently win.
func mergeFiles(parts map[string][]byte) ([]byte, error) {
	merged := map[string]json.RawMessage{}
	owner := map[string]string{}
	names := make([]string, 0, len(parts))
	for name := range parts {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		// Parse the file alone first: it catches a key repeated inside it.
		if _, err := parseCatalog(parts[name]); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(parts[name], &m); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		for k, v := range m {
			if prev, ok := owner[k]; ok {
				return nil, fmt.Errorf("%s: key %q is also in %s", name, k, prev)
			}
			owner[k] = name
			merged[k] = v
		}
	}
	return json.Marshal(merged)
}

// newBundle builds a Bundle from raw catalogs keyed by locale code. It exists
// apart from Load so tests can feed small synthetic catalogs.
func newBundle(files map[string][]byte) (*Bundle, error) {
	if _, ok := files[sourceLocale]; !ok {
		return nil, fmt.Errorf("i18n: no %q catalog; it is required as the fallback for every other locale", sourceLocale)
	}
	b := &Bundle{
		localizers: make(map[string]*Localizer, len(files)),
		catalogs:   make(map[string]*catalog, len(files)),
	}
	for code, data := range files {
		tag, err := language.Parse(code)
		if err != nil || tag.String() != code {
			return nil, fmt.Errorf("i18n: catalog %q: name must be a canonical BCP 47 code such as \"es\" or \"pt-BR\"", code)
		}
		cat, err := parseCatalog(data)
		if err != nil {
			return nil, fmt.Errorf("i18n: locales/%s: %w", code, err)
		}
		cat.code = code
		cat.tag = tag
		b.catalogs[code] = cat
	}

	codes := make([]string, 0, len(b.catalogs))
	for code := range b.catalogs {
		codes = append(codes, code)
	}
	sort.Slice(codes, func(i, j int) bool {
		if (codes[i] == sourceLocale) != (codes[j] == sourceLocale) {
			return codes[i] == sourceLocale
		}
		return codes[i] < codes[j]
	})

	en := newLocalizer(b.catalogs[sourceLocale], nil)
	tags := make([]language.Tag, 0, len(codes))
	for _, code := range codes {
		l := en
		if code != sourceLocale {
			l = newLocalizer(b.catalogs[code], en)
		}
		b.localizers[code] = l
		b.locales = append(b.locales, Locale{Code: code, Name: b.catalogs[code].displayName(), Dir: l.dir})
		tags = append(tags, l.tag)
	}
	// en is first, so it is also the matcher's default when nothing matches.
	b.matcher = language.NewMatcher(tags)
	b.matchCodes = codes
	return b, nil
}

// Locales lists the available languages, English first so a picker starts
// with the language every page is guaranteed to be complete in. The slice is
// a copy and may be modified.
func (b *Bundle) Locales() []Locale {
	return append([]Locale(nil), b.locales...)
}

// Has reports whether code names a loaded catalog. The match is exact, because
// codes come from our own links and saved settings, not from free text.
func (b *Bundle) Has(code string) bool {
	_, ok := b.localizers[code]
	return ok
}

// Negotiate chooses the locale for a request. An explicit choice the user
// saved wins, because it is the only signal that reflects what they actually
// asked for; browsers' Accept-Language is a guess that is often just the OS
// default. A saved code we no longer ship is ignored rather than trusted.
func (b *Bundle) Negotiate(preferred, acceptLanguage string) string {
	if preferred != "" && b.Has(preferred) {
		return preferred
	}
	tags := parseAcceptLanguage(acceptLanguage)
	if len(tags) == 0 {
		return sourceLocale
	}
	// The returned tag can carry extensions (es-MX matches as
	// "es-u-rg-mxzzzz"), so map the index back to our own code.
	_, idx, conf := b.matcher.Match(tags...)
	if conf == language.No || idx < 0 || idx >= len(b.matchCodes) {
		return sourceLocale
	}
	return b.matchCodes[idx]
}

// parseAcceptLanguage tolerates junk: x/text rejects a whole header when one
// entry is malformed, but one odd entry from a browser extension should not
// cost the user the languages they listed correctly.
func parseAcceptLanguage(header string) []language.Tag {
	header = strings.TrimSpace(header)
	if header == "" {
		return nil
	}
	tags, _, err := language.ParseAcceptLanguage(header)
	if err == nil {
		return tags
	}
	type weighted struct {
		tag language.Tag
		q   float32
	}
	var good []weighted
	for entry := range strings.SplitSeq(header, ",") {
		if len(good) >= 32 {
			break // ParseAcceptLanguage's own size guard no longer applies per entry
		}
		t, q, err := language.ParseAcceptLanguage(entry)
		if err != nil || len(t) != 1 {
			continue
		}
		good = append(good, weighted{t[0], q[0]})
	}
	sort.SliceStable(good, func(i, j int) bool { return good[i].q > good[j].q })
	tags = make([]language.Tag, len(good))
	for i, w := range good {
		tags[i] = w.tag
	}
	return tags
}

// Localizer returns the translator for code. Unknown codes get English rather
// than an error so a stale cookie or hand-edited URL still renders a page.
func (b *Bundle) Localizer(code string) *Localizer {
	if l, ok := b.localizers[code]; ok {
		return l
	}
	return b.localizers[sourceLocale]
}

// Localizer renders messages in one language. It is immutable and shared by
// all requests in that language.
type Localizer struct {
	code     string
	dir      string
	tag      language.Tag
	msgs     map[string]*message
	fallback *Localizer // English; nil for English itself
}

func newLocalizer(c *catalog, fallback *Localizer) *Localizer {
	dir := "ltr"
	if c.dir == "rtl" {
		dir = "rtl"
	}
	return &Localizer{code: c.code, dir: dir, tag: c.tag, msgs: c.msgs, fallback: fallback}
}

// Lang is the code for <html lang>, which screen readers and hyphenation
// depend on.
func (l *Localizer) Lang() string { return l.code }

// Dir is the text direction for <html dir>. Anything but a declared "rtl"
// counts as "ltr", so a typo in _meta cannot flip a whole page.
func (l *Localizer) Dir() string { return l.dir }

// Has reports whether key resolves to real text, in this language or through
// the English fallback. Templates use it to show optional text only when it
// exists instead of showing the raw key.
func (l *Localizer) Has(key string) bool {
	m := l.lookup(key)
	return m != nil
}

// T returns the message for key with {name} placeholders filled from args,
// given as name/value pairs: T("home.greeting", "name", "Ada"). Values are
// formatted like fmt's %v. The result is plain text; html/template escapes it,
// so it must not be marked as safe HTML.
//
// A placeholder without a value is left as "{name}" and a key found nowhere
// comes back as the key itself: both stay visible on the page, which is how
// missing data gets noticed and reported instead of silently dropped.
func (l *Localizer) T(key string, args ...any) string {
	m := l.lookup(key)
	if m == nil {
		return key
	}
	t := m.text
	if m.plural {
		t = m.forms[plural.Other]
	}
	if t == nil {
		return key
	}
	return t.render(args, 0, false)
}

// N is T for messages that depend on a number. It picks the CLDR plural
// category of count in the language the text is actually written in (English
// rules for an English fallback), because languages disagree on which numbers
// are "one" (French counts 0 as one) and some need up to six forms (Arabic).
// {count} is set to count, printed as a plain integer.
func (l *Localizer) N(key string, count int, args ...any) string {
	for loc := l; loc != nil; loc = loc.fallback {
		m := loc.msgs[key]
		if m == nil {
			continue
		}
		if !m.plural {
			return m.text.render(args, count, true)
		}
		if t := m.forms[pluralForm(loc.tag, count)]; t != nil {
			return t.render(args, count, true)
		}
		if t := m.forms[plural.Other]; t != nil {
			return t.render(args, count, true)
		}
	}
	return key
}

func (l *Localizer) lookup(key string) *message {
	for loc := l; loc != nil; loc = loc.fallback {
		if m := loc.msgs[key]; m != nil {
			return m
		}
	}
	return nil
}

// pluralForm works on the absolute value because CLDR rules are defined for
// magnitudes; -1 point is still singular in English.
func pluralForm(tag language.Tag, count int) plural.Form {
	n := count
	if n < 0 {
		if n == math.MinInt {
			n = math.MaxInt
		} else {
			n = -n
		}
	}
	return plural.Cardinal.MatchPlural(tag, n, 0, 0, 0, 0)
}
