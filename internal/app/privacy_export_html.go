package app

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"cubby/internal/i18n"
	"cubby/internal/privacy"
)

// exportTemplate is the readable half of an export: one self-contained
// page (its styles inline, since it is opened from the archive, not served)
// in the person's language.
//
//go:embed privacy_export.html
var exportTemplate string

// renderArchiveHTML writes the archive as a readable page.
func (a *App) renderArchiveHTML(w io.Writer, ar *Archive) error {
	var l *i18n.Localizer
	if a.I18n != nil {
		l = a.I18n.Localizer(ar.Language)
	}
	t := func(key string, args ...any) string {
		if l == nil {
			return key
		}
		return l.T(key, args...)
	}
	funcs := template.FuncMap{
		"t": t,
		"dataTypes": func(ds []privacy.DataType) string {
			s := ""
			for i, d := range ds {
				if i > 0 {
					s += " · "
				}
				s += t("datatype." + string(d))
			}
			return s
		},
		"value": func(v any) string {
			switch x := v.(type) {
			case nil:
				return "—"
			case time.Time:
				return x.UTC().Format("2006-01-02 15:04 UTC")
			case bool:
				if x {
					return t("privacy.yes")
				}
				return t("privacy.no")
			}
			return fmt.Sprint(v)
		},
		"date": func(tm time.Time) string { return tm.UTC().Format("2006-01-02") },
		// label shows a column's name as words ("first_name" → "first name").
		"label": func(col string) string { return strings.ReplaceAll(col, "_", " ") },
		// cap starts a catalog label that is written to sit inside a
		// sentence with a capital letter.
		"cap": func(s string) string {
			r, n := utf8.DecodeRuneInString(s)
			return string(unicode.ToUpper(r)) + s[n:]
		},
	}
	tpl, err := template.New("export").Funcs(funcs).Parse(exportTemplate)
	if err != nil {
		return err
	}
	lang, dir := "en", "ltr"
	if l != nil {
		lang, dir = l.Lang(), l.Dir()
	}
	return tpl.Execute(w, map[string]any{"A": ar, "Lang": lang, "Dir": dir})
}
