package app_test

import (
	"fmt"
	"testing"

	"cubby/internal/app"
	"cubby/internal/store"
)

func TestPageStudents(t *testing.T) {
	t.Parallel()
	var all []store.SchoolStudent
	for i := range 120 {
		all = append(all, store.SchoolStudent{ID: int64(i + 1), FirstName: fmt.Sprintf("Kid%03d", i), LastName: "Martin"})
	}
	all = append(all, store.SchoolStudent{ID: 500, FirstName: "Élodie", LastName: "Öztürk"})
	for _, c := range []struct {
		q                               string
		page                            int
		matched, pg, pages, from, to, n int
	}{
		{"", 1, 121, 1, 3, 1, 50, 50},
		{"", 3, 121, 3, 3, 101, 121, 21},
		{"", 9, 121, 3, 3, 101, 121, 21}, // past the end: the last page
		{"", -2, 121, 1, 3, 1, 50, 50},
		{"  elodie  ozt ", 1, 1, 1, 1, 1, 1, 1}, // accents and case ignored, every word must match
		{"kid11", 1, 10, 1, 1, 1, 10, 10},
		{"kid11 dupont", 1, 0, 1, 1, 0, 0, 0},
	} {
		p := app.PageStudents(all, c.q, c.page)
		if p.Matched != c.matched || p.Page != c.pg || p.Pages != c.pages || p.From != c.from || p.To != c.to || len(p.List) != c.n || p.Total != 121 {
			t.Errorf("PageStudents(%q, %d) = matched %d page %d/%d rows %d–%d (%d listed), total %d", c.q, c.page,
				p.Matched, p.Page, p.Pages, p.From, p.To, len(p.List), p.Total)
		}
	}
	if p := app.PageStudents(all, "élodie", 1); len(p.List) != 1 || p.List[0].ID != 500 {
		t.Errorf("search with the accent typed: %+v", p.List)
	}
}
