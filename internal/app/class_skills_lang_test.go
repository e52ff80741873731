package app_test

import (
	"context"
	"testing"

	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

// A new class's starter skills are named in its teacher's language, not
// English (issue 15).
func TestStarterSkillsInTheTeachersLanguage(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env := testenv.New(t, d)
			u, err := store.UserByEmail(ctx, env.DB.R, demo.TeacherEmail)
			if err != nil {
				t.Fatal(err)
			}
			if err := store.SetUserLanguage(ctx, env.DB.W, u.ID, "es", env.App.Now()); err != nil {
				t.Fatal(err)
			}
			teacher := session(t, env, demo.TeacherEmail)
			c, err := env.App.CreateClass(ctx, teacher, teacher.Actor.SchoolIDs()[0], "Aula 5")
			if err != nil {
				t.Fatal(err)
			}
			teacher = session(t, env, demo.TeacherEmail)
			skills, err := env.App.Skills(ctx, teacher, c.ID)
			if err != nil || len(skills) == 0 {
				t.Fatalf("skills: %v", err)
			}
			names := map[string]bool{}
			for _, s := range skills {
				names[s.Name] = true
			}
			if !names["Ayudar a los demás"] || !names["Lo he visto"] || names["Helping others"] {
				t.Errorf("a Spanish teacher's new class has the skills %v", names)
			}
		})
	}
}
