package web

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"cubby/internal/app"

	"cubby/internal/i18n"
	"cubby/internal/privacy"
)

// words turns the privacy inventory's keys and facts into sentences in the
// reader's language. Every sentence comes from a catalog key, so the
// transparency page, the Art. 30 record and the privacy settings say the
// same thing in every language.
type words struct{ L *i18n.Localizer }

// list joins items the way a sentence lists them: "a, b and c".
func (w words) list(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return w.L.T("privacy.list", "items", strings.Join(items[:len(items)-1], w.L.T("privacy.list_sep")), "last", items[len(items)-1])
}

// period says a duration: "12 months", "1 year and 6 months".
func (w words) period(p privacy.Period) string {
	var parts []string
	add := func(key string, n int) {
		if n > 0 {
			parts = append(parts, w.L.N(key, n))
		}
	}
	add("privacy.period.years", p.Years)
	add("privacy.period.months", p.Months)
	add("privacy.period.days", p.Days)
	add("privacy.period.hours", p.Hours+(p.Minutes+59)/60)
	return w.list(parts)
}

// country names a country in the reader's language.
func (w words) country(code string) string {
	if code == "" {
		return w.L.T("privacy.not_set")
	}
	r, err := language.ParseRegion(code)
	if err != nil {
		return code
	}
	tag, _ := language.Parse(w.L.Lang())
	if name := display.Regions(tag).Name(r); name != "" {
		return name
	}
	return code
}

func (w words) countries(codes []string) string {
	var names []string
	for _, c := range codes {
		names = append(names, w.country(c))
	}
	return w.list(names)
}

// accountTypes names account types: "Teacher, Parent and Student".
func (w words) accountTypes(ts []privacy.AccountType) string {
	var names []string
	for _, t := range ts {
		names = append(names, w.L.T("account."+string(t)))
	}
	return w.list(names)
}

// retention says one rule: "Deleted 12 months after it is recorded.", or,
// where the rule names its records, "Invitation: deleted 30 days after it
// is recorded." The transparency page and a school's retention settings
// both word their rules here, so they say the same thing.
func (w words) retention(r privacy.Retention) string {
	when := w.L.T("privacy.when."+string(r.Trigger), "period", w.period(r.Period))
	if r.Table != "" {
		return w.L.T("privacy.rule."+string(r.Action), "record", w.L.T("privacy.record."+r.Table), "when", when)
	}
	return w.L.T("privacy.retention."+string(r.Action), "when", when)
}

// basis names a legal basis, GDPR article included.
func (w words) basis(b privacy.LegalBasis) string { return w.L.T("privacy.basis." + string(b)) }

// use names a data use.
func (w words) use(key string) string { return w.L.T("privacy.use." + key) }

func (w words) dataType(t privacy.DataType) string { return w.L.T("datatype." + string(t)) }

// sentence starts a text with a capital letter, for lists of labels that
// are written to sit inside a sentence ("given by the person themself").
// Scripts without case, such as Arabic, are unchanged.
func sentence(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// record says a record's fields in the reader's language: a column's
// label where the catalog has one (field.<table>.<column>), and a value's
// word where it has one (field.<table>.<column>.<value>, e.g. attendance
// statuses); otherwise the column's name and the value as stored.
func (w words) record(table string, fields []app.RecordField) string {
	var parts []string
	for _, f := range fields {
		value := f.Value
		if k := "field." + table + "." + f.Column + "." + f.Value; w.L.Has(k) {
			value = w.L.T(k)
		}
		switch k := "field." + table + "." + f.Column; {
		case f.Column == "":
			parts = append(parts, value)
		case w.L.Has(k):
			parts = append(parts, w.L.T(k)+": "+value)
		default:
			parts = append(parts, strings.ReplaceAll(f.Column, "_", " ")+": "+value)
		}
	}
	return strings.Join(parts, " · ")
}

// orNotSet shows a setting, or says the operator did not set it.
func (w words) orNotSet(s string) string {
	if s == "" {
		return w.L.T("privacy.not_set")
	}
	return s
}
