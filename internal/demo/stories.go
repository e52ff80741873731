package demo

import (
	"context"
	"time"

	"cubby/internal/db"
	"cubby/internal/store"
)

// seedStories gives the demo a few Class Story and School Story posts
// (text only: the demo ships no photos of children), a like and a comment
// from the demo parent, and Ava's media consent for her class's families,
// so a teacher can try tagging her in a photo and see who cannot be.
func seedStories(ctx context.Context, tx db.Querier, schoolID int64, now time.Time) error {
	leader, err := store.UserByEmail(ctx, tx, LeaderEmail)
	if err != nil {
		return err
	}
	teacher, err := store.UserByEmail(ctx, tx, TeacherEmail)
	if err != nil {
		return err
	}
	parent, err := store.UserByEmail(ctx, tx, ParentEmail)
	if err != nil {
		return err
	}
	classes, err := store.ClassesOfSchool(ctx, tx, schoolID)
	if err != nil || len(classes) == 0 {
		return err
	}
	class := classes[0] // Class 3 Sunflowers
	posts := []struct {
		classID, author int64
		body            string
		ago             time.Duration
	}{
		{0, leader.ID, "Welcome back, everyone! Our autumn fair is on the last Saturday of the month — bring a cake, a game or just yourselves.", 72 * time.Hour},
		{class.ID, teacher.ID, "We started our sunflower diaries today. Ask your child how tall their seedling is!", 26 * time.Hour},
		{class.ID, teacher.ID, "Reminder: library books go back on Thursday. Thank you for reading together at home.", 3 * time.Hour},
	}
	for _, p := range posts {
		at := now.Add(-p.ago)
		post := &store.StoryPost{SchoolID: schoolID, ClassID: p.classID, AuthorID: p.author, Body: p.body, CreatedAt: at, PublishedAt: &at}
		if err := store.CreateStoryPost(ctx, tx, post); err != nil {
			return err
		}
		if p.classID != 0 && p.ago > 24*time.Hour {
			if err := store.AddStoryLike(ctx, tx, schoolID, post.ID, parent.ID, at.Add(time.Hour)); err != nil {
				return err
			}
			if err := store.CreateStoryComment(ctx, tx, &store.StoryComment{SchoolID: schoolID, PostID: post.ID, AuthorID: parent.ID,
				Body: "Ava measured hers with a ruler at breakfast: 4 cm!", CreatedAt: at.Add(2 * time.Hour)}); err != nil {
				return err
			}
		}
	}
	roster, err := store.StudentsOfClass(ctx, tx, class.ID)
	if err != nil || len(roster) == 0 {
		return err
	}
	for _, st := range roster {
		if st.FirstName == "Ava" {
			return store.AddConsent(ctx, tx, &store.Consent{SubjectUserID: st.UserID, GrantorUserID: parent.ID, GrantorRole: "parent",
				Purpose: "story_photos_class", NoticeVersion: "demo", Method: "connection_form", Evidence: "demo data", GrantedAt: now})
		}
	}
	return nil
}
