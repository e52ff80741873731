package demo

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"time"

	"cubby/internal/db"
	"cubby/internal/store"
)

// seedPortfolios gives Class 3 two activities (one for the whole class,
// one for Ava alone) and some work: Ava's approved journal entry with a
// like and a comment from her mother, her answer to the first activity
// waiting for approval, and Mateo's returned with a comment from the
// teacher. The demo ships no photos or recordings of children, so the
// work is text; trying the drawing and the recorder is for the visitor.
func seedPortfolios(ctx context.Context, tx db.Querier, schoolID int64, now time.Time) error {
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
	roster, err := store.StudentsOfClass(ctx, tx, class.ID)
	if err != nil {
		return err
	}
	by := map[string]store.Student{}
	for _, st := range roster {
		by[st.FirstName] = st
	}
	ava, mateo := by["Ava"], by["Mateo"]
	if ava.ID == 0 || mateo.ID == 0 {
		return nil
	}
	token := func() string {
		b := make([]byte, 16)
		rand.Read(b)
		return hex.EncodeToString(b)
	}
	diary := &store.PortfolioActivity{SchoolID: schoolID, ClassID: class.ID, AuthorID: teacher.ID, Title: "My sunflower diary",
		Instructions: "Draw or photograph your seedling, and write one sentence about how it has changed this week.", ForAll: true,
		PublicID: token(), CreatedAt: now.Add(-50 * time.Hour)}
	if err := store.CreatePortfolioActivity(ctx, tx, diary); err != nil {
		return err
	}
	reading := &store.PortfolioActivity{SchoolID: schoolID, ClassID: class.ID, AuthorID: teacher.ID, Title: "Read aloud to someone at home",
		Instructions: "Record yourself reading one page of your library book.", DueOn: now.AddDate(0, 0, 7).Format(time.DateOnly),
		PublicID: token(), CreatedAt: now.Add(-26 * time.Hour)}
	if err := store.CreatePortfolioActivity(ctx, tx, reading); err != nil {
		return err
	}
	if err := store.AddActivityStudent(ctx, tx, schoolID, reading.ID, ava.ID); err != nil {
		return err
	}
	at := func(h int) time.Time { return now.Add(-time.Duration(h) * time.Hour) }
	approved := at(20)
	items := []*store.PortfolioItem{
		{SchoolID: schoolID, StudentID: ava.ID, ClassID: class.ID, Kind: store.PortfolioText, Status: "approved",
			Body:      "Today we went to the library. I chose a book about owls because they can turn their heads almost all the way round.",
			CreatedAt: at(30), SubmittedAt: at(30), ApprovedAt: &approved, ApprovedBy: teacher.ID},
		{SchoolID: schoolID, StudentID: ava.ID, ClassID: class.ID, ActivityID: diary.ID, Kind: store.PortfolioText, Status: "pending",
			Body: "My seedling has two new leaves and it is 4 cm tall.", CreatedAt: at(2), SubmittedAt: at(2)},
		{SchoolID: schoolID, StudentID: mateo.ID, ClassID: class.ID, ActivityID: diary.ID, Kind: store.PortfolioText, Status: "returned",
			Body: "It grew.", CreatedAt: at(5), SubmittedAt: at(5)},
	}
	for _, it := range items {
		if err := store.CreatePortfolioItem(ctx, tx, it); err != nil {
			return err
		}
	}
	if err := store.AddPortfolioReview(ctx, tx, &store.PortfolioReview{SchoolID: schoolID, ItemID: items[0].ID, ReviewerID: teacher.ID,
		Action: "approved", CreatedAt: approved}); err != nil {
		return err
	}
	if err := store.AddPortfolioReview(ctx, tx, &store.PortfolioReview{SchoolID: schoolID, ItemID: items[2].ID, ReviewerID: teacher.ID,
		Action: "returned", Comment: "Great start, Mateo! How many leaves does it have now? Tell me one more thing you noticed.", CreatedAt: at(4)}); err != nil {
		return err
	}
	if err := store.AddPortfolioLike(ctx, tx, schoolID, items[0].ID, parent.ID, at(19)); err != nil {
		return err
	}
	return store.CreatePortfolioComment(ctx, tx, &store.PortfolioComment{SchoolID: schoolID, ItemID: items[0].ID, AuthorID: parent.ID,
		Body: "We loved reading the owl book together at bedtime!", CreatedAt: at(18)})
}
