package app

import (
	_ "embed"
	"strings"
	"unicode/utf8"
)

//go:embed account_common_passwords.txt
var commonPasswordList string

var commonPasswords = func() map[string]bool {
	m := map[string]bool{}
	for _, line := range strings.Split(commonPasswordList, "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			m[line] = true
		}
	}
	return m
}()

// Password length limits. No composition rules (NIST SP 800-63B): length
// and a deny-list of common passwords do more for security and less harm
// to memorability than demanding symbols.
const (
	MinPasswordLength = 8
	MaxPasswordLength = 256
)

// checkPassword returns the translation key of the password's problem, or
// "" if it is acceptable. personal are words the password must not be
// (the person's email, username or name).
func checkPassword(pw string, personal ...string) string {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinPasswordLength:
		return "password.too_short"
	case n > MaxPasswordLength:
		return "password.too_long"
	}
	lower := strings.ToLower(pw)
	if commonPasswords[lower] || strings.Count(lower, lower[:1]) == len(lower) {
		return "password.too_common"
	}
	for _, p := range personal {
		p = strings.ToLower(strings.TrimSpace(p))
		if p == "" {
			continue
		}
		if local, _, ok := strings.Cut(p, "@"); ok {
			p = local
		}
		if lower == p || (len(p) >= 4 && strings.Contains(lower, p) && len(lower)-len(p) < 4) {
			return "password.too_personal"
		}
	}
	return ""
}
