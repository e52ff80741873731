// Package demo seeds the demo school that `cubby demo` runs with. Its logins
// are fixed so that people, scripts and tests can rely on them, and seeding
// is idempotent: running the demo again reuses the same data.
package demo

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"cubby/internal/app"
	"cubby/internal/db"
	"cubby/internal/store"
)

// Password is every demo account's password.
const Password = "cubby-demo"

// The fixed demo logins.
const (
	LeaderEmail   = "leader@demo.cubby.test"
	TeacherEmail  = "teacher@demo.cubby.test"
	Teacher2Email = "teacher2@demo.cubby.test"
	ParentEmail   = "parent@demo.cubby.test"
	// StudentUsername is the student whose login the demo prints.
	StudentUsername = "ava.m"
)

const (
	source   = "demo"
	sourceID = "cubby-demo-school"
)

// Logins describes the accounts to print after seeding.
type Logins struct {
	SchoolName string
	Staff      []string
	Parent     string
	Student    string
}

// firstNames and lastNames give 50 distinct, varied students; the first
// student is the one whose login the demo prints.
var firstNames = []string{
	"Ava", "Mateo", "Amara", "Liam", "Sofia", "Kenji", "Zara", "Noah", "Priya", "Lucas",
	"Fatima", "Oliver", "Mei", "Ethan", "Isabella", "Omar", "Chloe", "Diego", "Aisha", "Leo",
	"Hana", "Samuel", "Nia", "Felix", "Yara",
	"Elena", "Kwame", "Lily", "Arjun", "Maya", "Jonas", "Ines", "Tariq", "Ruby", "Mikael",
	"Layla", "Hugo", "Aiko", "Daniel", "Freya", "Rafael", "Zoe", "Idris", "Emma", "Santiago",
	"Leila", "Theo", "Amelia", "Yusuf", "Nora",
}

var lastNames = []string{
	"Martin", "Garcia", "Okafor", "Smith", "Rossi", "Tanaka", "Ahmed", "Johnson", "Patel", "Silva",
	"Haddad", "Brown", "Chen", "Wilson", "Lopez", "Farouk", "Dubois", "Hernandez", "Bello", "Novak",
	"Kim", "Mensah", "Adeyemi", "Schmidt", "Nasser",
	"Martin", "Asante", "Walker", "Sharma", "Cohen", "Berg", "Moreau", "Aziz", "Evans", "Lindqvist",
	"Karimi", "Laurent", "Sato", "Murphy", "Olsen", "Costa", "Clarke", "Diallo", "Fischer", "Ramirez",
	"Saleh", "Weber", "Hughes", "Demir", "Andersen",
}

// Seed creates the demo school unless it exists, and returns its logins.
// Like the operator's other tools (the school import), it writes to the
// database directly, in one transaction, with the app's settings.
func Seed(ctx context.Context, database *db.DB, a *app.App) (*Logins, error) {
	logins := &Logins{
		SchoolName: "Maple Grove Community School",
		Staff:      []string{LeaderEmail, TeacherEmail, Teacher2Email},
		Parent:     ParentEmail,
		Student:    StudentUsername,
	}
	_, err := store.SchoolBySource(ctx, database.R, source, sourceID)
	if err == nil {
		return logins, nil
	}
	if !errors.Is(err, db.ErrNotFound) {
		return nil, err
	}
	// One hash for every demo account: they share a password anyway, and
	// hashing 60 times would make the first start slow for nothing.
	hash, err := app.HashPassword(Password, a.Password)
	if err != nil {
		return nil, err
	}
	now := a.Now()
	err = database.Tx(ctx, func(tx db.Querier) error {
		return seed(ctx, a, tx, logins.SchoolName, hash, now)
	})
	if err != nil {
		return nil, fmt.Errorf("seed demo school: %w", err)
	}
	return logins, nil
}

func seed(ctx context.Context, a *app.App, tx db.Querier, schoolName, hash string, now time.Time) error {
	lat, lon := 44.9778, -93.2650
	school := &store.School{
		Name: schoolName, Address: "1200 Maple Grove Ave", City: "Minneapolis", Region: "MN",
		PostalCode: "55401", Country: "US", Lat: &lat, Lon: &lon,
		YearStart: fmt.Sprintf("%d-09-01", schoolYear(now)), YearEnd: fmt.Sprintf("%d-06-15", schoolYear(now)+1),
		Source: source, SourceID: sourceID, Verified: true, CreatedAt: now,
	}
	if err := store.CreateSchool(ctx, tx, school); err != nil {
		return err
	}
	user := func(kind, title, first, last, email, username string) (*store.User, error) {
		u := &store.User{Kind: kind, Title: title, FirstName: first, LastName: last, Email: email,
			Username: username, PasswordHash: hash, Language: "en", CreatedAt: now}
		if email != "" {
			u.EmailVerifiedAt = &now
		}
		return u, store.CreateUser(ctx, tx, u)
	}
	staff := []struct {
		email, title, first, last, role string
	}{
		{LeaderEmail, "Dr.", "Grace", "Owusu", store.RoleLeader},
		{TeacherEmail, "Ms.", "Rosa", "Alvarez", store.RoleTeacher},
		{Teacher2Email, "Mr.", "Daniel", "Park", store.RoleTeacher},
	}
	var teachers []*store.User
	for _, s := range staff {
		kind := store.KindTeacher
		if s.role == store.RoleLeader {
			kind = store.KindLeader
		}
		u, err := user(kind, s.title, s.first, s.last, s.email, "")
		if err != nil {
			return err
		}
		if err := store.AddMembership(ctx, tx, &store.Membership{SchoolID: school.ID, UserID: u.ID,
			Role: s.role, Status: "active", VerifiedAt: &now, CreatedAt: now}); err != nil {
			return err
		}
		if s.role == store.RoleTeacher {
			teachers = append(teachers, u)
		}
	}
	parent, err := user(store.KindParent, "Mrs.", "Helen", "Martin", ParentEmail, "")
	if err != nil {
		return err
	}
	for ci, name := range []string{"Class 3 Sunflowers", "Class 4 Explorers"} {
		// The classes started four weeks ago, so the demo has history.
		class := &store.Class{SchoolID: school.ID, Name: name, CreatedAt: now.AddDate(0, 0, -28)}
		if err := store.CreateClass(ctx, tx, class, teachers[ci].ID); err != nil {
			return err
		}
		// Grades 3 and 4, as the names say: the school's messages settings
		// then show what teacher-student messages would reach.
		grade := ci + 3
		if _, err := store.SetClassGrade(ctx, tx, school.ID, class.ID, &grade); err != nil {
			return err
		}
		if err := a.AddStarterSkills(ctx, tx, class, "en"); err != nil {
			return err
		}
		var roster []int64
		for i := 0; i < 25; i++ {
			n := ci*25 + i
			first, last := firstNames[n], lastNames[n]
			username := strings.ToLower(first) + "." + strings.ToLower(last[:1])
			su, err := user(store.KindStudent, "", first, last, "", username)
			if err != nil {
				return err
			}
			st := &store.Student{SchoolID: school.ID, UserID: su.ID, ParentCode: app.NewCode(8), CreatedAt: now}
			if err := store.CreateStudent(ctx, tx, st); err != nil {
				return err
			}
			if err := store.EnrollStudent(ctx, tx, school.ID, class.ID, st.ID, class.CreatedAt); err != nil {
				return err
			}
			roster = append(roster, st.ID)
			// The demo parent has one child in each class (Ava and Elena
			// Martin); every fourth other student has a parent of their own.
			switch {
			case i == 0:
				if err := store.AddGuardian(ctx, tx, school.ID, st.ID, parent.ID, now); err != nil {
					return err
				}
			case i%4 == 0:
				email := fmt.Sprintf("parent.%s@demo.cubby.test", strings.ToLower(first))
				p, err := user(store.KindParent, "", "Parent of "+first, last, email, "")
				if err != nil {
					return err
				}
				if err := store.AddGuardian(ctx, tx, school.ID, st.ID, p.ID, now); err != nil {
					return err
				}
			}
		}
		if err := history(ctx, a, tx, class, teachers[ci].ID, roster, now); err != nil {
			return err
		}
	}
	if err := seedStories(ctx, tx, school.ID, now); err != nil { // stories.go
		return err
	}
	return seedPortfolios(ctx, tx, school.ID, now) // portfolios.go
}

// history gives a demo class four weeks of school days, varied as a real
// class's are, so the reports show what they are for: two children are
// often late, one is off sick for a whole week, a few others miss a day
// here and there (none on some days, three on a bad one), and a few
// points per student per day, mostly for positive skills. A fixed seed
// keeps every demo the same.
func history(ctx context.Context, a *app.App, tx db.Querier, class *store.Class, teacherID int64, roster []int64, now time.Time) error {
	skills, err := store.SkillsForClass(ctx, tx, class.SchoolID, class.ID)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(uint64(class.ID), 42))
	today := now.In(a.Location)
	var days []time.Time
	for back := 28; back >= 1; back-- {
		if day := today.AddDate(0, 0, -back); day.Weekday() != time.Saturday && day.Weekday() != time.Sunday {
			days = append(days, day)
		}
	}
	order := rng.Perm(len(roster))
	oftenLate := map[int64]bool{roster[order[0]]: true, roster[order[1]]: true}
	sick := roster[order[2]]
	sickFrom := 5 + rng.IntN(max(len(days)-10, 1)) // a school week, inside the four
	for i, day := range days {
		date := day.Format(time.DateOnly)
		start := time.Date(day.Year(), day.Month(), day.Day(), 8, 30, 0, 0, a.Location).UTC()
		// 0 to 3 other children away that day, most days one or none.
		away := map[int64]bool{}
		for n := []int{0, 0, 1, 1, 1, 2, 3}[rng.IntN(7)]; n > 0; n-- {
			away[roster[order[3+rng.IntN(len(roster)-3)]]] = true
		}
		for _, sid := range roster {
			status := store.Present
			switch {
			case sid == sick && i >= sickFrom && i < sickFrom+5, away[sid]:
				status = store.Absent
			case oftenLate[sid] && rng.IntN(3) == 0, rng.IntN(40) == 0:
				status = store.Late
			case rng.IntN(60) == 0:
				status = store.LeftEarly
			}
			if err := store.SaveAttendance(ctx, tx, &store.AttendanceRecord{SchoolID: class.SchoolID, ClassID: class.ID, StudentID: sid,
				Day: date, Status: status, RecordedBy: teacherID, RecordedAt: start}); err != nil {
				return err
			}
			if status == store.Absent {
				continue
			}
			for n := rng.IntN(4); n > 0; n-- {
				sk := skills[rng.IntN(len(skills))]
				if sk.Weight < 0 && rng.IntN(3) > 0 {
					sk = skills[rng.IntN(6)] // mostly positive
				}
				at := start.Add(time.Duration(rng.IntN(6*60)) * time.Minute)
				if err := store.AddPoint(ctx, tx, &store.Point{SchoolID: class.SchoolID, ClassID: class.ID, StudentID: sid, SkillID: sk.ID,
					SkillName: sk.Name, Weight: sk.Weight, AwardedBy: teacherID, AwardedAt: at}); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// schoolYear is the calendar year the current school year started in,
// assuming a northern-hemisphere year that starts in August.
func schoolYear(now time.Time) int {
	if now.Month() >= time.August {
		return now.Year()
	}
	return now.Year() - 1
}
