package app_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"cubby/internal/app"
	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

func picturesKey(err error) string {
	var ve *app.ValidationError
	if !errors.As(err, &ve) {
		return ""
	}
	return ve.Fields["pictures"].Key
}

// With picture login on, tapping a name is not enough: the student's two
// pictures, in order, start the session; wrong ones are refused and
// throttled like passwords; a reset pair replaces the old one; the pair
// is on the student's card.
func TestPictureLogin(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			env := testenv.New(t, d)
			a := env.App
			teacher := session(t, env, demo.TeacherEmail)
			code, _, err := a.RotateClassCode(ctx, teacher, 1)
			if err != nil {
				t.Fatal(err)
			}
			roster, _ := store.StudentsOfClass(ctx, env.DB.R, 1)
			ada, kai := roster[0], roster[1]
			login := func(st store.Student, pics []string, ip string) (string, error) {
				return a.ClassCodeLogin(ctx, app.ClassLogin{Code: code, StudentID: st.ID, Pictures: pics, IP: ip, Browser: "Firefox 140"})
			}
			// Off (the default): a name is enough, and nobody has pictures.
			if _, err := login(ada, nil, "203.0.113.5"); err != nil {
				t.Fatalf("picture login off: %v", err)
			}
			if p, err := a.ClassPicturesFor(ctx, teacher, 1); err != nil || p.On || len(p.Students) != 0 {
				t.Fatalf("before: %+v %v", p, err)
			}
			// Only the class's teachers turn it on.
			if err := a.SetPictureLogin(ctx, session(t, env, demo.Teacher2Email), 1, true); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("another class's teacher: %v", err)
			}
			if err := a.SetPictureLogin(ctx, teacher, 1, true); err != nil {
				t.Fatal(err)
			}
			p, err := a.ClassPicturesFor(ctx, teacher, 1)
			if err != nil || !p.On || len(p.Students) != len(roster) {
				t.Fatalf("after turning on: %+v %v", p, err)
			}
			pair := p.Students[ada.ID]
			if len(pair) != 2 || pair[0] == pair[1] || !slices.Contains(app.LoginPictures, pair[0]) || !slices.Contains(app.LoginPictures, pair[1]) {
				t.Fatalf("a pair of two different pictures: %v", pair)
			}
			// The name alone now asks for the pictures.
			if _, err := login(ada, nil, "203.0.113.5"); picturesKey(err) != "picturelogin.needed" {
				t.Errorf("no pictures: %v", err)
			}
			// The right pictures in the wrong order are wrong.
			if _, err := login(ada, []string{pair[1], pair[0]}, "203.0.113.5"); picturesKey(err) != "picturelogin.wrong" {
				t.Errorf("reversed: %v", err)
			}
			token, err := login(ada, pair, "203.0.113.5")
			if err != nil {
				t.Fatalf("right pictures: %v", err)
			}
			if s, _ := a.Authenticate(ctx, token); s == nil || s.Actor.StudentID != ada.ID {
				t.Errorf("logged in as the wrong student")
			}
			// The card carries the pair in order.
			card, err := a.PrintLoginCard(ctx, teacher, 1, ada.ID)
			if err != nil || !slices.Equal(card.Pictures, pair) {
				t.Errorf("card pictures: %v, want %v (%v)", card.Pictures, pair, err)
			}
			// Guessing Kai's pictures stops after ten wrong pairs, even
			// when the right pair comes next, and from another address.
			kaiPair := p.Students[kai.ID]
			wrong := []string{kaiPair[1], kaiPair[0]}
			for i := range 10 {
				if _, err := login(kai, wrong, "198.51.100.7"); picturesKey(err) != "picturelogin.wrong" {
					t.Fatalf("guess %d: %v", i, err)
				}
			}
			var rl *app.RateLimitError
			if _, err := login(kai, kaiPair, "192.0.2.9"); !errors.As(err, &rl) || rl.RetryAfter <= 0 {
				t.Errorf("after ten wrong pairs: %v", err)
			}
			// A new pair: the old one stops working, the new one is on the new card.
			card, err = a.ResetPictures(ctx, teacher, 1, ada.ID)
			if err != nil || len(card.Pictures) != 2 || card.Student.ID != ada.ID {
				t.Fatalf("reset: %+v %v", card, err)
			}
			if !slices.Equal(card.Pictures, pair) {
				if _, err := login(ada, pair, "203.0.113.6"); picturesKey(err) != "picturelogin.wrong" {
					t.Errorf("old pair after reset: %v", err)
				}
			}
			if _, err := login(ada, card.Pictures, "203.0.113.6"); err != nil {
				t.Errorf("new pair: %v", err)
			}
			if _, err := a.ResetPictures(ctx, teacher, 1, roster[0].ID+100000); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("reset a student not in the class: %v", err)
			}
			// Off again: the name is enough again.
			if err := a.SetPictureLogin(ctx, teacher, 1, false); err != nil {
				t.Fatal(err)
			}
			if _, err := login(ada, nil, "203.0.113.6"); err != nil {
				t.Errorf("turned off: %v", err)
			}
		})
	}
}

// Pictures stand for the student, not the class code: a student whose
// other class asks for them taps them whichever class's code they use.
func TestPictureLoginAnyClassAsks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := testenv.New(t, dbtest.SQLiteOnly(t, "the rule is one EXISTS in store.StudentPictures, which TestPictureLogin runs on both engines"))
	a := env.App
	teacher := session(t, env, demo.TeacherEmail)
	roster, _ := store.StudentsOfClass(ctx, env.DB.R, 1)
	ada := roster[0]
	if err := a.SetPictureLogin(ctx, teacher, 1, true); err != nil {
		t.Fatal(err)
	}
	// A second class of the same teacher, without picture login, with Ada in it.
	c2, err := a.CreateClass(ctx, teacher, ada.SchoolID, "Art club")
	if err != nil {
		t.Fatal(err)
	}
	if err := store.EnrollStudent(ctx, env.DB.W, ada.SchoolID, c2.ID, ada.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	code, _, err := a.RotateClassCode(ctx, session(t, env, demo.TeacherEmail), c2.ID) // a session that knows the new class
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.ClassCodeLogin(ctx, app.ClassLogin{Code: code, StudentID: ada.ID, IP: "203.0.113.8"}); picturesKey(err) != "picturelogin.needed" {
		t.Errorf("the other class's code: %v", err)
	}
}

// A student added after picture login was turned on has no pictures until
// their card is printed: the name alone does not let them in, and the
// refusal says to ask for the card; printing it gives them a pair.
func TestPictureLoginNewStudent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := testenv.New(t, dbtest.SQLiteOnly(t, "the wiring of the login and the cards; TestPictureLogin runs both engines"))
	a := env.App
	teacher := session(t, env, demo.TeacherEmail)
	if err := a.SetPictureLogin(ctx, teacher, 1, true); err != nil {
		t.Fatal(err)
	}
	added, err := a.AddStudents(ctx, teacher, 1, []app.NewStudent{{FirstName: "Zola", LastName: "New"}})
	if err != nil {
		t.Fatal(err)
	}
	zola := added[0].Student
	code, _, err := a.RotateClassCode(ctx, teacher, 1)
	if err != nil {
		t.Fatal(err)
	}
	in := app.ClassLogin{Code: code, StudentID: zola.ID, IP: "203.0.113.9"}
	if _, err := a.ClassCodeLogin(ctx, in); picturesKey(err) != "picturelogin.no_pictures" {
		t.Errorf("no pictures yet: %v", err)
	}
	card, err := a.PrintLoginCard(ctx, teacher, 1, zola.ID)
	if err != nil || len(card.Pictures) != 2 {
		t.Fatalf("card: %+v %v", card, err)
	}
	in.Pictures = card.Pictures
	if _, err := a.ClassCodeLogin(ctx, in); err != nil {
		t.Errorf("with the card's pictures: %v", err)
	}
}
