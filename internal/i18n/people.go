package i18n

import "strings"

// Title is a courtesy title, stored as its English word ("Ms."), in l's
// language ("Sra."); a title the catalog does not know stays as written.
func (l *Localizer) Title(t string) string {
	key := "title." + strings.ToLower(strings.TrimSuffix(t, "."))
	if t == "" || l == nil || !l.Has(key) {
		return t
	}
	return l.T(key)
}

// PersonName is how a person is shown to a reader: their title in the
// reader's language and their last name ("Sra. Rivera"), or their first
// name when they gave no title.
func (l *Localizer) PersonName(title, first, last string) string {
	if title != "" && last != "" {
		return l.Title(title) + " " + last
	}
	return first
}
