package app

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"cubby/internal/store"
)

// DirectoryStudentsPerPage is how many students one Directory page lists:
// a school has hundreds, and a phone should not scroll through them all.
const DirectoryStudentsPerPage = 50

// StudentPage is one page of a Directory's students whose name matches a
// search.
type StudentPage struct {
	Query string
	List  []store.SchoolStudent
	// Total is every current student; Matched those matching Query.
	Total, Matched int
	// Page counts from 1; Pages is at least 1.
	Page, Pages int
	// From and To number the first and last student listed (from 1).
	From, To int
}

// PageStudents picks page (from 1; out of range means the nearest page) of
// the students whose first and last name contain every word of query,
// ignoring case and accents ("elo" finds Élodie).
func PageStudents(all []store.SchoolStudent, query string, page int) StudentPage {
	p := StudentPage{Query: strings.TrimSpace(query), Total: len(all)}
	match := MatchStudents(all, p.Query)
	p.Matched = len(match)
	p.Pages = max(1, (p.Matched+DirectoryStudentsPerPage-1)/DirectoryStudentsPerPage)
	p.Page = min(max(page, 1), p.Pages)
	start := (p.Page - 1) * DirectoryStudentsPerPage
	end := min(start+DirectoryStudentsPerPage, p.Matched)
	p.List = match[start:end]
	if end > start {
		p.From, p.To = start+1, end
	}
	return p
}

// MatchStudents keeps the students whose first and last name contain
// every word of query, ignoring case and accents, in their order.
func MatchStudents(all []store.SchoolStudent, query string) []store.SchoolStudent {
	words := strings.Fields(searchFold(query))
	if len(words) == 0 {
		return all
	}
	var out []store.SchoolStudent
	for _, st := range all {
		name := searchFold(st.FirstName + " " + st.LastName)
		ok := true
		for _, w := range words {
			ok = ok && strings.Contains(name, w)
		}
		if ok {
			out = append(out, st)
		}
	}
	return out
}

// searchFold lowers s and drops its accents, for forgiving name searches.
func searchFold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}
