package i18n

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
)

// checkKind classifies a Check finding so tests can assert on the kind of
// problem rather than on wording.
type checkKind int

const (
	checkMissing      checkKind = iota + 1 // key in en, not in the locale
	checkExtra                             // key in the locale, not in en
	checkPlaceholders                      // placeholder names differ from en's
	checkShape                             // plural in one catalog, plain string in the other
	checkPluralForm                        // a plural lacks a category the language uses
	checkMeta                              // _meta lacks name or a valid dir
	checkEmpty                             // empty text, which renders as a blank
)

type checkError struct {
	locale string
	key    string
	kind   checkKind
	detail string
}

func (e *checkError) Error() string {
	return fmt.Sprintf("i18n: %s: %q: %s", e.locale, e.key, e.detail)
}

// Check compares every catalog with English and reports what a translator
// needs to fix. Runtime tolerates all of these (English fallback, visible
// keys), so Check is what keeps them from reaching users: it runs in tests
// and in CI. Results are sorted by locale (en first) and key so the output
// is stable and diffable.
func (b *Bundle) Check() []error {
	var errs []error
	report := func(c *catalog, key string, kind checkKind, format string, a ...any) {
		errs = append(errs, &checkError{locale: c.code, key: key, kind: kind, detail: fmt.Sprintf(format, a...)})
	}
	en := b.catalogs[sourceLocale]
	for _, loc := range b.locales {
		c := b.catalogs[loc.Code]

		if !c.hasMeta {
			report(c, metaKey, checkMeta, "missing; it needs the native language name and dir")
		} else {
			if c.name == "" {
				report(c, metaKey, checkMeta, "missing name (the language's own name, e.g. \"Español\")")
			}
			if c.dir != "ltr" && c.dir != "rtl" {
				report(c, metaKey, checkMeta, "dir is %q; want \"ltr\" or \"rtl\"", c.dir)
			}
		}

		required := requiredForms(c.tag)
		keys := slices.Collect(maps.Keys(c.msgs))
		if c != en {
			for key := range en.msgs {
				if _, ok := c.msgs[key]; !ok {
					keys = append(keys, key)
				}
			}
		}
		slices.Sort(keys)
		for _, key := range keys {
			m, ok := c.msgs[key]
			if !ok {
				report(c, key, checkMissing, "missing (present in %s)", sourceLocale)
				continue
			}
			src := en.msgs[key]
			if c != en {
				if src == nil {
					report(c, key, checkExtra, "not in %s; remove it or add it to %s first", sourceLocale, sourceLocale)
					continue
				}
				if src.plural != m.plural {
					report(c, key, checkShape, "is %s here but %s in %s", shapeName(m), shapeName(src), sourceLocale)
					continue
				}
			}

			if m.plural {
				var missing []string
				for _, f := range cldrOrder {
					if required[f] && m.forms[f] == nil {
						missing = append(missing, formNames[f])
					}
				}
				if len(missing) > 0 {
					report(c, key, checkPluralForm, "plural lacks %s, which %s uses", strings.Join(missing, ", "), c.code)
				}
				for _, f := range cldrOrder {
					if t := m.forms[f]; t != nil && strings.TrimSpace(t.raw) == "" {
						report(c, key, checkEmpty, "plural category %s is empty", formNames[f])
					}
				}
			} else if strings.TrimSpace(m.text.raw) == "" {
				report(c, key, checkEmpty, "text is empty")
			}

			if c != en {
				checkPlaceholderNames(c, key, src, m, report)
			}
		}
	}
	return errs
}

// checkPlaceholderNames compares placeholder names, not counts or order,
// because translations legitimately reorder and repeat them. In plurals a
// form other than "other" may drop {count}: languages spell out small
// numbers ("نقطتان" is "two points"), but "other" covers arbitrary numbers
// and so must show it.
func checkPlaceholderNames(c *catalog, key string, src, m *message, report func(*catalog, string, checkKind, string, ...any)) {
	if !m.plural {
		if !slices.Equal(m.text.names, src.text.names) {
			report(c, key, checkPlaceholders, "placeholders %s differ from %s's %s", braces(m.text.names), sourceLocale, braces(src.text.names))
		}
		return
	}
	var want []string
	for _, t := range src.forms {
		if t == nil {
			continue
		}
		for _, n := range t.names {
			if !slices.Contains(want, n) {
				want = append(want, n)
			}
		}
	}
	slices.Sort(want)
	for _, f := range cldrOrder {
		t := m.forms[f]
		if t == nil {
			continue
		}
		got := t.names
		if f != plural.Other && slices.Contains(want, "count") && !slices.Contains(got, "count") {
			got = append(append([]string(nil), got...), "count")
			slices.Sort(got)
		}
		if !slices.Equal(got, want) {
			report(c, key, checkPlaceholders, "plural category %s has placeholders %s; %s has %s", formNames[f], braces(t.names), sourceLocale, braces(want))
		}
	}
}

// requiredForms samples x/text's CLDR rules over integers because x/text does
// not export the category list, and N only ever passes integers. Rules look
// at n, n%10, n%100 and n%1000000, so 0..1100 plus a few millions hits every
// integer category; decimal-only categories are correctly not required.
func requiredForms(tag language.Tag) [numForms]bool {
	var seen [numForms]bool
	seen[plural.Other] = true // CLDR requires it of every language
	for n := 0; n <= 1100; n++ {
		seen[pluralForm(tag, n)] = true
	}
	for _, n := range []int{1_000_000, 2_000_000, 10_000_000} {
		seen[pluralForm(tag, n)] = true
	}
	return seen
}

func shapeName(m *message) string {
	if m.plural {
		return "a plural object"
	}
	return "a string"
}

func braces(names []string) string {
	if len(names) == 0 {
		return "(none)"
	}
	return "{" + strings.Join(names, "}, {") + "}"
}
