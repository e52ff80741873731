package notify

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"path"
	"slices"
	"strings"
	texttemplate "text/template"

	"cubby/internal/i18n"
)

// Templates are embedded: an email is templates/<name>.txt (text/template,
// defining "subject", "why" and "body") plus templates/<name>.html
// (html/template, defining "content"), wrapped in the shared layout.txt and
// layout.html; a text message is templates/<name>.sms.txt. Every word comes
// from the i18n catalogs through t and n, so a template holds no language.
//
//go:embed templates
var templateFiles embed.FS

// reserved data keys are filled in by the renderer; a caller's Data must
// not set them.
var reserved = []string{"Site", "Subject", "Why", "Lang", "Dir"}

type templates struct {
	emails []string // email template names, sorted
	sms    []string
	byLang map[string]*langTemplates
}

// langTemplates are the templates parsed once per language, with t and n
// bound to that language, so rendering needs no cloning or locking.
type langTemplates struct {
	loc  *i18n.Localizer
	text map[string]*texttemplate.Template
	html map[string]*htmltemplate.Template
	sms  map[string]*texttemplate.Template
}

func loadTemplates(bundle *i18n.Bundle) (*templates, error) {
	names, err := fs.Glob(templateFiles, "templates/*")
	if err != nil {
		return nil, err
	}
	tp := &templates{byLang: map[string]*langTemplates{}}
	for _, n := range names {
		base := path.Base(n)
		switch {
		case strings.HasSuffix(base, ".sms.txt"):
			tp.sms = append(tp.sms, strings.TrimSuffix(base, ".sms.txt"))
		case strings.HasSuffix(base, ".html") && base != "layout.html":
			tp.emails = append(tp.emails, strings.TrimSuffix(base, ".html"))
		}
	}
	slices.Sort(tp.emails)
	slices.Sort(tp.sms)
	for _, l := range bundle.Locales() {
		lt := &langTemplates{
			loc:  bundle.Localizer(l.Code),
			text: map[string]*texttemplate.Template{},
			html: map[string]*htmltemplate.Template{},
			sms:  map[string]*texttemplate.Template{},
		}
		funcs := funcMap(lt.loc)
		for _, name := range tp.emails {
			if lt.text[name], err = texttemplate.New("layout.txt").Funcs(funcs).Option("missingkey=error").
				ParseFS(templateFiles, "templates/layout.txt", "templates/"+name+".txt"); err != nil {
				return nil, fmt.Errorf("notify: template %s: %w", name, err)
			}
			if lt.html[name], err = htmltemplate.New("layout.html").Funcs(funcs).Option("missingkey=error").
				ParseFS(templateFiles, "templates/layout.html", "templates/"+name+".html"); err != nil {
				return nil, fmt.Errorf("notify: template %s: %w", name, err)
			}
		}
		for _, name := range tp.sms {
			if lt.sms[name], err = texttemplate.New(name+".sms.txt").Funcs(funcs).Option("missingkey=error").
				ParseFS(templateFiles, "templates/"+name+".sms.txt"); err != nil {
				return nil, fmt.Errorf("notify: template %s.sms: %w", name, err)
			}
		}
		tp.byLang[l.Code] = lt
	}
	if tp.byLang["en"] == nil {
		return nil, fmt.Errorf("notify: the i18n bundle has no English catalog")
	}
	return tp, nil
}

// funcMap gives templates the catalog: t "key" "name" value… and
// n "key" count "name" value… (plural by count), plus args to pass several
// values to a sub-template.
func funcMap(loc *i18n.Localizer) map[string]any {
	return map[string]any{
		"t": loc.T,
		"n": func(key string, count any, args ...any) (string, error) {
			c, ok := toInt(count)
			if !ok {
				return "", fmt.Errorf("count for %s is %T, not a whole number", key, count)
			}
			return loc.N(key, c, args...), nil
		},
		"args": func(kv ...any) (map[string]any, error) {
			if len(kv)%2 != 0 {
				return nil, fmt.Errorf("args needs name/value pairs")
			}
			m := make(map[string]any, len(kv)/2)
			for i := 0; i < len(kv); i += 2 {
				k, ok := kv[i].(string)
				if !ok {
					return nil, fmt.Errorf("args: name %v is not a string", kv[i])
				}
				m[k] = kv[i+1]
			}
			return m, nil
		},
	}
}

func toInt(v any) (int, bool) {
	switch x := v.(type) {
	case int:
		return x, true
	case int64:
		return int(x), true
	case int32:
		return int(x), true
	case float64:
		return int(x), x == float64(int(x))
	}
	return 0, false
}

type rendered struct {
	lang, subject, text, html string
}

// lang picks the templates of code, or English for a code Cubby has no
// catalog for; rendered.lang records what was actually used.
func (tp *templates) lang(code string) *langTemplates {
	if lt := tp.byLang[code]; lt != nil {
		return lt
	}
	return tp.byLang["en"]
}

func (tp *templates) data(lt *langTemplates, in map[string]any, site string) (map[string]any, error) {
	d := make(map[string]any, len(in)+len(reserved))
	for k, v := range in {
		if slices.Contains(reserved, k) {
			return nil, fmt.Errorf("notify: template data must not set %s; the renderer fills it in", k)
		}
		d[k] = v
	}
	d["Site"], d["Lang"], d["Dir"] = site, lt.loc.Lang(), lt.loc.Dir()
	if _, ok := d["Unsubscribe"]; !ok {
		d["Unsubscribe"] = "" // the layout's footer links it when set
	}
	return d, nil
}

func (tp *templates) renderEmail(name, lang string, in map[string]any, site string) (rendered, error) {
	if !slices.Contains(tp.emails, name) {
		return rendered{}, fmt.Errorf("%w: email %q", ErrUnknownTemplate, name)
	}
	lt := tp.lang(lang)
	d, err := tp.data(lt, in, site)
	if err != nil {
		return rendered{}, err
	}
	r := rendered{lang: lt.loc.Lang()}
	text := lt.text[name]
	var b bytes.Buffer
	exec := func(tmpl string) (string, error) {
		b.Reset()
		if err := text.ExecuteTemplate(&b, tmpl, d); err != nil {
			return "", fmt.Errorf("notify: render %s (%s): %w", name, r.lang, err)
		}
		return b.String(), nil
	}
	if r.subject, err = exec("subject"); err != nil {
		return rendered{}, err
	}
	r.subject = strings.Join(strings.Fields(r.subject), " ")
	why, err := exec("why")
	if err != nil {
		return rendered{}, err
	}
	if r.text, err = exec("layout.txt"); err != nil {
		return rendered{}, err
	}
	r.text = tidyText(r.text)
	d["Subject"], d["Why"] = r.subject, strings.TrimSpace(why)
	b.Reset()
	if err := lt.html[name].Execute(&b, d); err != nil {
		return rendered{}, fmt.Errorf("notify: render %s (%s): %w", name, r.lang, err)
	}
	r.html = b.String()
	return r, nil
}

func (tp *templates) renderSMS(name, lang string, in map[string]any, site string) (rendered, error) {
	if !slices.Contains(tp.sms, name) {
		return rendered{}, fmt.Errorf("%w: text message %q", ErrUnknownTemplate, name)
	}
	lt := tp.lang(lang)
	d, err := tp.data(lt, in, site)
	if err != nil {
		return rendered{}, err
	}
	var b bytes.Buffer
	if err := lt.sms[name].Execute(&b, d); err != nil {
		return rendered{}, fmt.Errorf("notify: render %s.sms (%s): %w", name, lt.loc.Lang(), err)
	}
	return rendered{lang: lt.loc.Lang(), text: strings.Join(strings.Fields(b.String()), " ")}, nil
}

// tidyText drops the blank lines and trailing spaces that template actions
// leave behind: at most one empty line between paragraphs.
func tidyText(s string) string {
	var out []string
	blank := true // drops leading blank lines
	for line := range strings.SplitSeq(s, "\n") {
		line = strings.TrimRight(line, " \t\r")
		if line == "" {
			if !blank {
				out = append(out, "")
			}
			blank = true
			continue
		}
		blank = false
		out = append(out, line)
	}
	return strings.TrimSpace(strings.Join(out, "\n")) + "\n"
}
