package store_test

import (
	"errors"
	"testing"

	"cubby/internal/db"
	"cubby/internal/db/dbtest"
	"cubby/internal/store"
)

// A child added twice is recognised whatever the case of an accented
// letter and however the accent was typed (composed or combining), on both
// engines; a different name is not.
func TestStudentByNameFoldsUnicodeCase(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			f := newReportFixture(t, d)
			u := &store.User{Kind: store.KindStudent, FirstName: "Élodie", LastName: "Öztürk", Username: "elodieo", Language: "fr"}
			if err := store.CreateUser(f.ctx, f.q, u); err != nil {
				t.Fatal(err)
			}
			s := &store.Student{SchoolID: f.school, UserID: u.ID, ParentCode: "EEEE5555"}
			if err := store.CreateStudent(f.ctx, f.q, s); err != nil {
				t.Fatal(err)
			}
			for _, name := range [][2]string{{"élodie", "öztürk"}, {"ÉLODIE", "ÖZTÜRK"}, {"E\u0301lodie", "O\u0308ztu\u0308rk"}} {
				got, err := store.StudentByName(f.ctx, f.q, f.school, name[0], name[1])
				if err != nil || got.ID != s.ID {
					t.Errorf("StudentByName(%q, %q) = %v, %v; want student %d", name[0], name[1], got, err, s.ID)
				}
			}
			if _, err := store.StudentByName(f.ctx, f.q, f.school, "Elodie", "Ozturk"); !errors.Is(err, db.ErrNotFound) {
				t.Errorf("a name without its accents matched: %v", err)
			}
		})
	}
}
