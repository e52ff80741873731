package i18n

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
)

// metaKey holds per-catalog facts (native name, direction) rather than text.
// Keys starting with "_" are reserved so more such entries can be added later
// without colliding with message keys.
const metaKey = "_meta"

// numForms is the number of plural.Form values (Other, Zero, One, Two, Few,
// Many), used to index a message's forms by the value x/text returns.
const numForms = 6

// formNames maps plural.Form to the CLDR category names used in the JSON.
var formNames = [numForms]string{
	plural.Other: "other",
	plural.Zero:  "zero",
	plural.One:   "one",
	plural.Two:   "two",
	plural.Few:   "few",
	plural.Many:  "many",
}

// cldrOrder is the order CLDR lists categories in, so error messages read the
// way translators see them documented.
var cldrOrder = [numForms]plural.Form{plural.Zero, plural.One, plural.Two, plural.Few, plural.Many, plural.Other}

func formByName(name string) (plural.Form, bool) {
	for f, n := range formNames {
		if n == name {
			return plural.Form(f), true
		}
	}
	return 0, false
}

type catalog struct {
	code    string
	tag     language.Tag
	name    string // from _meta; may be empty (Check reports it)
	dir     string // from _meta; may be empty or invalid (Check reports it)
	hasMeta bool
	msgs    map[string]*message
}

func (c *catalog) displayName() string {
	if c.name != "" {
		return c.name
	}
	return c.code
}

// message is one catalog entry, compiled. Exactly one of text or forms is
// used, depending on plural.
type message struct {
	plural bool
	text   *template
	forms  [numForms]*template // indexed by plural.Form; nil where absent
}

// template is a message string split at its placeholders once at load time,
// so rendering is a walk over parts with no scanning or allocation beyond the
// result.
type template struct {
	raw   string
	parts []part
	names []string // distinct placeholder names, sorted; for Check
}

type part struct {
	text string // literal text, or the placeholder name when arg is set
	arg  bool
}

// compile splits s at {name} placeholders. Only identifier-like names count;
// any other brace is kept literally so prose such as "{ }" or "{{" in a
// translation cannot break rendering.
func compile(s string) *template {
	t := &template{raw: s}
	lit := 0
	for i := 0; i < len(s); i++ {
		if s[i] != '{' {
			continue
		}
		j := i + 1
		for j < len(s) && isNameByte(s[j]) {
			j++
		}
		if j == i+1 || j >= len(s) || s[j] != '}' {
			continue
		}
		if lit < i {
			t.parts = append(t.parts, part{text: s[lit:i]})
		}
		name := s[i+1 : j]
		t.parts = append(t.parts, part{text: name, arg: true})
		if !slices.Contains(t.names, name) {
			t.names = append(t.names, name)
		}
		lit = j + 1
		i = j
	}
	if lit < len(s) {
		t.parts = append(t.parts, part{text: s[lit:]})
	}
	slices.Sort(t.names)
	return t
}

func isNameByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// render fills placeholders. withCount makes {count} come from count, ahead
// of args, so the number shown is always the number the plural form was
// chosen for.
func (t *template) render(args []any, count int, withCount bool) string {
	if len(t.names) == 0 {
		return t.raw
	}
	var sb strings.Builder
	sb.Grow(len(t.raw) + 16)
	for _, p := range t.parts {
		if !p.arg {
			sb.WriteString(p.text)
			continue
		}
		if withCount && p.text == "count" {
			sb.WriteString(strconv.Itoa(count))
			continue
		}
		v, ok := argValue(args, p.text)
		if !ok {
			sb.WriteByte('{')
			sb.WriteString(p.text)
			sb.WriteByte('}')
			continue
		}
		writeValue(&sb, v)
	}
	return sb.String()
}

// argValue scans name/value pairs linearly: calls pass a handful of args, so
// this beats building a map on every call.
func argValue(args []any, name string) (any, bool) {
	for i := 0; i+1 < len(args); i += 2 {
		if k, ok := args[i].(string); ok && k == name {
			return args[i+1], true
		}
	}
	return nil, false
}

// writeValue matches fmt's %v, with fast paths for the common types so most
// calls avoid fmt's reflection.
func writeValue(sb *strings.Builder, v any) {
	switch x := v.(type) {
	case string:
		sb.WriteString(x)
	case int:
		sb.WriteString(strconv.Itoa(x))
	case int64:
		sb.WriteString(strconv.FormatInt(x, 10))
	default:
		fmt.Fprint(sb, x)
	}
}

// parseCatalog reads one catalog with a token decoder instead of
// json.Unmarshal, because Unmarshal silently keeps the last of two duplicate
// keys — exactly what a bad merge of a shared catalog produces.
func parseCatalog(data []byte) (*catalog, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := expectDelim(dec, '{', "the file must be a JSON object"); err != nil {
		return nil, err
	}
	c := &catalog{msgs: make(map[string]*message)}
	for dec.More() {
		key, err := readKey(dec)
		if err != nil {
			return nil, err
		}
		if key == metaKey {
			if c.hasMeta {
				return nil, fmt.Errorf("duplicate key %q", key)
			}
			c.hasMeta = true
			if err := parseMeta(dec, c); err != nil {
				return nil, err
			}
			continue
		}
		if key == "" || strings.HasPrefix(key, "_") {
			return nil, fmt.Errorf("key %q: keys must be non-empty and must not start with \"_\" (reserved)", key)
		}
		if _, dup := c.msgs[key]; dup {
			return nil, fmt.Errorf("duplicate key %q", key)
		}
		m, err := parseMessage(dec)
		if err != nil {
			return nil, fmt.Errorf("key %q: %w", key, err)
		}
		c.msgs[key] = m
	}
	if err := expectDelim(dec, '}', "unterminated object"); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("unexpected data after the top-level object")
	}
	return c, nil
}

func parseMessage(dec *json.Decoder) (*message, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch v := tok.(type) {
	case string:
		return &message{text: compile(v)}, nil
	case json.Delim:
		if v != '{' {
			break
		}
		m := &message{plural: true}
		n := 0
		for dec.More() {
			name, err := readKey(dec)
			if err != nil {
				return nil, err
			}
			f, ok := formByName(name)
			if !ok {
				return nil, fmt.Errorf("unknown plural category %q (want zero, one, two, few, many or other)", name)
			}
			if m.forms[f] != nil {
				return nil, fmt.Errorf("duplicate plural category %q", name)
			}
			s, err := readString(dec)
			if err != nil {
				return nil, fmt.Errorf("plural category %q: %w", name, err)
			}
			m.forms[f] = compile(s)
			n++
		}
		if err := expectDelim(dec, '}', "unterminated plural object"); err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, errors.New("plural object has no categories")
		}
		return m, nil
	}
	return nil, errors.New("value must be a string or an object of plural categories")
}

func parseMeta(dec *json.Decoder, c *catalog) error {
	if err := expectDelim(dec, '{', metaKey+" must be an object"); err != nil {
		return err
	}
	seen := map[string]bool{}
	for dec.More() {
		field, err := readKey(dec)
		if err != nil {
			return err
		}
		if seen[field] {
			return fmt.Errorf("%s: duplicate field %q", metaKey, field)
		}
		seen[field] = true
		s, err := readString(dec)
		if err != nil {
			return fmt.Errorf("%s.%s: %w", metaKey, field, err)
		}
		switch field {
		case "name":
			c.name = s
		case "dir":
			c.dir = s
		default:
			// Reject rather than ignore, so "direction" is not a silent no-op.
			return fmt.Errorf("%s: unknown field %q (want name, dir)", metaKey, field)
		}
	}
	return expectDelim(dec, '}', "unterminated "+metaKey)
}

func readKey(dec *json.Decoder) (string, error) {
	tok, err := dec.Token()
	if err != nil {
		return "", err
	}
	s, ok := tok.(string)
	if !ok {
		return "", errors.New("expected an object key")
	}
	return s, nil
}

func readString(dec *json.Decoder) (string, error) {
	tok, err := dec.Token()
	if err != nil {
		return "", err
	}
	s, ok := tok.(string)
	if !ok {
		return "", errors.New("value must be a string")
	}
	return s, nil
}

func expectDelim(dec *json.Decoder, want json.Delim, msg string) error {
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("%s: %w", msg, err)
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return errors.New(msg)
	}
	return nil
}
