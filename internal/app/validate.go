package app

import (
	"net/mail"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Titles people may choose to be addressed by. "" means none.
var Titles = []string{"", "Mr.", "Mrs.", "Ms.", "Mx.", "Dr.", "Prof."}

// normalizeEmail trims and lower-cases an address, the form in which
// addresses are stored and compared.
func normalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// checkEmail validates an address and returns the translation key of its
// problem, or "".
func checkEmail(s string) string {
	if s == "" {
		return "validation.required"
	}
	if len(s) > 254 {
		return "validation.email"
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return "validation.email"
	}
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || !strings.Contains(domain, ".") || strings.HasSuffix(domain, ".") || strings.ContainsAny(s, " <>") {
		return "validation.email"
	}
	return ""
}

// cleanName trims a person's name and reports a problem key, allowing any
// script but no control characters, and only UTF-8.
func cleanName(s string, required bool) (string, string) {
	s = strings.Join(strings.Fields(s), " ")
	switch {
	case s == "" && required:
		return s, "validation.required"
	case utf8.RuneCountInString(s) > 100:
		return s, "validation.too_long"
	case !utf8.ValidString(s) || strings.ContainsRune(s, utf8.RuneError) || strings.IndexFunc(s, unicode.IsControl) >= 0:
		// A form's bytes need not be UTF-8 (%FF), and CleanText has made
		// them U+FFFD, which no one's name has.
		return s, "validation.name"
	}
	return s, ""
}

// usernameOK: 3–32 of a–z, 0–9, dot, dash, underscore; what children can
// type on any keyboard and teachers can read aloud.
func checkUsername(s string) string {
	if s == "" {
		return "validation.required"
	}
	if len(s) < 3 || len(s) > 32 {
		return "username.invalid"
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_') {
			return "username.invalid"
		}
	}
	return ""
}

func validTitle(t string) bool { return slices.Contains(Titles, t) }

// CleanText makes text from outside (a form's bytes) storable: bytes that
// are not UTF-8 and NUL, which PostgreSQL refuses in text and SQLite keeps
// unreadable, become U+FFFD, as encoding/json does with a JSON body's.
func CleanText(s string) string {
	if utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}
