package web

import (
	"errors"
	"fmt"
	"html/template"
	"strings"

	"cubby/internal/i18n"
	"cubby/internal/privacy"
)

// "Why we ask" links: every form field that collects personal data links
// to the row of the transparency page that explains its data type. A
// template names the column the field fills ({{why .L "users.email"}}) and
// the inventory says which data type that column is, so no template holds
// a list of data types of its own, and a field cannot point at a row that
// says something else than what is stored.

// errNoInventory: the app was started without its privacy inventory.
var errNoInventory = errors.New("why: the privacy inventory is not loaded")

// columnType returns the data type the inventory declares for a column
// written "table.column". An unknown column, or one without a data type,
// is an error: the template is wrong, and rendering it fails (a test
// checks every why call of every template).
func columnType(inv *privacy.Inventory, column string) (privacy.DataType, error) {
	if inv == nil {
		return "", errNoInventory
	}
	table, name, ok := strings.Cut(column, ".")
	if !ok {
		return "", fmt.Errorf("why %q: want table.column", column)
	}
	f, ok := inv.Field(table, name)
	if !ok {
		return "", fmt.Errorf("why %q: no such column in the privacy inventory", column)
	}
	if f.DataType == "" {
		return "", fmt.Errorf("why %q: the inventory gives this column no data type", column)
	}
	return f.DataType, nil
}

// whyURL is where a why-link goes: the data type's row of the transparency
// page, which opens itself when the fragment names it.
func whyURL(t privacy.DataType) string { return "/transparency#dt-" + string(t) }

// why renders the link for one column. It opens in a new tab so that what
// was typed into the form stays; the accessible name says which data it
// is about and that a tab opens, since several such links share a page.
func (s *Server) why(l *i18n.Localizer, column string) (template.HTML, error) {
	t, err := columnType(s.app.Inventory, column)
	if err != nil {
		return "", err
	}
	if l == nil {
		return "", fmt.Errorf("why %q: no localizer", column)
	}
	esc := template.HTMLEscapeString
	return template.HTML(`<a class="why-link" href="` + esc(whyURL(t)) + `" target="_blank" rel="noopener">` +
		`<svg aria-hidden="true" width="14" height="14" viewBox="0 0 16 16" fill="none" stroke="currentColor" stroke-width="1.6">` +
		`<circle cx="8" cy="8" r="6.5"/><path d="M8 7.2v4M8 4.6v.1" stroke-linecap="round"/></svg>` +
		esc(l.T("whyask.link")) + `<span class="visually-hidden">` + esc(l.T("whyask.link_about", "type", l.T("datatype."+string(t)))) + `</span></a>`), nil
}
