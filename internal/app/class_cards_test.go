package app_test

import (
	"context"
	"errors"
	"net/url"
	"testing"

	"cubby/internal/app"
	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

// A teacher reprints one student's lost card: that student's old card
// stops working, the new one works, and every classmate's card still
// works (issue 15: only the whole class could be reprinted).
func TestReprintOneLoginCard(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env := testenv.New(t, d)
			a := env.App
			teacher := session(t, env, demo.TeacherEmail)
			classes, err := a.Classes(ctx, teacher, store.ClassPage{Limit: 50})
			if err != nil || len(classes) == 0 {
				t.Fatalf("classes: %v", err)
			}
			classID := classes[0].ID
			cards, err := a.PrintLoginCards(ctx, teacher, classID)
			if err != nil || len(cards) < 2 {
				t.Fatalf("print the class's cards: %v (%d)", err, len(cards))
			}
			token := func(link string) string {
				u, err := url.Parse(link)
				if err != nil {
					t.Fatal(err)
				}
				return u.Query().Get("token")
			}
			works := func(link string) bool {
				_, err := a.StudentByCard(ctx, token(link), "192.0.2.7")
				return err == nil
			}
			lost, kept := cards[0], cards[1]
			fresh, err := a.PrintLoginCard(ctx, teacher, classID, lost.Student.ID)
			if err != nil || fresh.Student.ID != lost.Student.ID {
				t.Fatalf("reprint one card: %v", err)
			}
			if works(lost.Link) || !works(fresh.Link) {
				t.Error("the lost card still works, or its replacement does not")
			}
			if !works(kept.Link) {
				t.Error("reprinting one card stopped a classmate's card")
			}
			// A student of no class of the teacher's, and a parent, get nothing.
			other := session(t, env, demo.Teacher2Email)
			otherClasses, _ := a.Classes(ctx, other, store.ClassPage{Limit: 50})
			if len(otherClasses) > 0 {
				if _, err := a.PrintLoginCard(ctx, other, otherClasses[0].ID, lost.Student.ID); !errors.Is(err, app.ErrNotFound) {
					t.Errorf("a card for a student of another class: %v", err)
				}
			}
			if _, err := a.PrintLoginCard(ctx, session(t, env, demo.ParentEmail), classID, lost.Student.ID); err == nil {
				t.Error("a parent printed a login card")
			}
		})
	}
}
