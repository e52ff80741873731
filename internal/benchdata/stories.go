package benchdata

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"cubby/internal/db"
	"cubby/internal/store"
)

// StoryShape is the size of each school of a story district.
type StoryShape struct {
	Classes, PerClass int
	// Days of Class Story, one post per class per day ending today
	// (365: about 30 posts per class per month).
	Days int
	// SchoolPosts is each school's School Story over the same days.
	SchoolPosts int
}

// StoryDistrict describes what Stories built. School 0 is the one
// measured; the others are there so that a query that scans more than
// its own school's rows shows.
type StoryDistrict struct {
	SchoolIDs []int64
	// ParentID is a parent of three children: in classes 0 and 1 of
	// school 0 and class 0 of school 1 (a sibling in another school of
	// the district), so their feed has five stories.
	ParentID  int64
	TeacherID int64 // teaches ClassID, and only it
	LeaderID  int64 // of school 0
	ClassID   int64 // class 0 of school 0
	Posts     int   // in the whole district
}

// Stories seeds schools of the shape, each like a real one: a teacher per
// class, a parent account per student (a second for one in ten), media
// consent for most children, and on every post one to three photos with
// up to three children tagged, a few likes and comments from the class's
// families, and reads by about four in five of them. Everything is
// written through the store, a class per transaction.
func Stories(ctx context.Context, d *db.DB, schools int, shape StoryShape, now time.Time) (*StoryDistrict, error) {
	out := &StoryDistrict{}
	start := now.AddDate(0, 0, -shape.Days)
	tag := now.UnixNano() % 1e9
	var parent *store.User
	for si := range schools {
		sd := &storySeed{ctx: ctx, d: d, rng: rand.New(rand.NewPCG(11, uint64(si))), start: start, tag: fmt.Sprintf("%d.%d", tag, si)}
		school := &store.School{Name: fmt.Sprintf("District School %d", si+1), Country: "US", Source: "bench", SourceID: sd.tag, CreatedAt: start}
		if err := store.CreateSchool(ctx, d.W, school); err != nil {
			return nil, err
		}
		out.SchoolIDs = append(out.SchoolIDs, school.ID)
		var leader *store.User
		err := d.Tx(ctx, func(tx db.Querier) error {
			var err error
			if leader, err = sd.staff(tx, school.ID, store.KindLeader, store.RoleLeader, "leader"); err != nil {
				return err
			}
			if si == 0 {
				if parent, err = sd.user(tx, store.KindParent, "Pat", "Parent", "parent"); err != nil {
					return err
				}
				out.ParentID, out.LeaderID = parent.ID, leader.ID
			}
			// School Story, spread over the days.
			for k := range shape.SchoolPosts {
				at := start.Add(time.Duration(k+1) * time.Duration(shape.Days) * 24 * time.Hour / time.Duration(shape.SchoolPosts+1))
				p := &store.StoryPost{SchoolID: school.ID, AuthorID: leader.ID, Body: fmt.Sprintf("School news %d", k), CreatedAt: at, PublishedAt: &at}
				if err := store.CreateStoryPost(ctx, tx, p); err != nil {
					return err
				}
				if err := sd.photos(tx, p, nil); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		for ci := range shape.Classes {
			err := d.Tx(ctx, func(tx db.Querier) error {
				var mine []int64 // the measured parent's children here
				if si == 0 && ci < 2 || si == 1 && ci == 0 {
					mine = []int64{parent.ID}
				}
				classID, teacherID, n, err := sd.class(tx, school.ID, ci, shape, mine)
				if si == 0 && ci == 0 {
					out.ClassID, out.TeacherID = classID, teacherID
				}
				out.Posts += n
				return err
			})
			if err != nil {
				return nil, err
			}
		}
		out.Posts += shape.SchoolPosts
	}
	return out, nil
}

type storySeed struct {
	ctx   context.Context
	d     *db.DB
	rng   *rand.Rand
	start time.Time
	tag   string
	n     int
}

func (sd *storySeed) user(q db.Querier, kind, first, last, what string) (*store.User, error) {
	sd.n++
	u := &store.User{Kind: kind, Title: "Ms.", FirstName: first, LastName: last, Language: "en", CreatedAt: sd.start}
	name := fmt.Sprintf("%s.%s.%d", what, sd.tag, sd.n)
	if kind == store.KindStudent {
		u.Title, u.Username = "", name
	} else {
		u.Email = name + "@bench.test"
	}
	return u, store.CreateUser(sd.ctx, q, u)
}

func (sd *storySeed) staff(q db.Querier, schoolID int64, kind, role, what string) (*store.User, error) {
	u, err := sd.user(q, kind, "Sam", "Staff", what)
	if err != nil {
		return nil, err
	}
	return u, store.AddMembership(sd.ctx, q, &store.Membership{SchoolID: schoolID, UserID: u.ID, Role: role, Status: "active", VerifiedAt: &sd.start, CreatedAt: sd.start})
}

// class seeds one class with its teacher, students, families and a post a
// day; extraParents are connected to the class's first student.
func (sd *storySeed) class(q db.Querier, schoolID int64, ci int, shape StoryShape, extraParents []int64) (classID, teacherID int64, posts int, err error) {
	ctx, rng := sd.ctx, sd.rng
	teacher, err := sd.staff(q, schoolID, store.KindTeacher, store.RoleTeacher, "teacher")
	if err != nil {
		return 0, 0, 0, err
	}
	class := &store.Class{SchoolID: schoolID, Name: fmt.Sprintf("Class %d", ci+1), CreatedAt: sd.start}
	if err := store.CreateClass(ctx, q, class, teacher.ID); err != nil {
		return 0, 0, 0, err
	}
	var consented []int64 // students who may be tagged
	var families []int64  // parent accounts of the class
	for k := range shape.PerClass {
		u, err := sd.user(q, store.KindStudent, fmt.Sprintf("S%d", k), fmt.Sprintf("C%d", ci), "student")
		if err != nil {
			return 0, 0, 0, err
		}
		st := &store.Student{SchoolID: schoolID, UserID: u.ID, ParentCode: fmt.Sprintf("SB%s.%d", sd.tag, sd.n), CreatedAt: sd.start}
		if err := store.CreateStudent(ctx, q, st); err != nil {
			return 0, 0, 0, err
		}
		if err := store.EnrollStudent(ctx, q, schoolID, class.ID, st.ID, sd.start); err != nil {
			return 0, 0, 0, err
		}
		var guardians []int64
		if k == 0 {
			guardians = append(guardians, extraParents...)
		}
		for g := 0; g < 1 || g == 1 && rng.IntN(10) == 0; g++ {
			p, err := sd.user(q, store.KindParent, "G", fmt.Sprint(k), "guardian")
			if err != nil {
				return 0, 0, 0, err
			}
			guardians = append(guardians, p.ID)
		}
		for _, g := range guardians {
			if err := store.AddGuardian(ctx, q, schoolID, st.ID, g, sd.start); err != nil {
				return 0, 0, 0, err
			}
		}
		families = append(families, guardians...)
		// Nine in ten families allow photos in the class, six in ten in
		// the whole school too.
		purposes := []string{}
		if rng.IntN(10) < 9 {
			purposes = append(purposes, "story_photos_class")
			consented = append(consented, st.ID)
			if rng.IntN(3) < 2 {
				purposes = append(purposes, "story_photos_school")
			}
		}
		for _, purpose := range purposes {
			if err := store.AddConsent(ctx, q, &store.Consent{SubjectUserID: u.ID, GrantorUserID: guardians[len(guardians)-1], GrantorRole: "parent",
				Purpose: purpose, NoticeVersion: "bench", Method: "connection_form", Evidence: "benchmark", GrantedAt: sd.start}); err != nil {
				return 0, 0, 0, err
			}
		}
	}
	reads := map[int64][]store.StoryPost{}
	for day := range shape.Days {
		at := sd.start.Add(time.Duration(day)*24*time.Hour + time.Duration(8*60+rng.IntN(480))*time.Minute)
		p := &store.StoryPost{SchoolID: schoolID, ClassID: class.ID, AuthorID: teacher.ID, Body: fmt.Sprintf("Today in class %d, day %d", ci+1, day),
			CreatedAt: at, PublishedAt: &at}
		if err := store.CreateStoryPost(ctx, q, p); err != nil {
			return 0, 0, 0, err
		}
		posts++
		if err := sd.photos(q, p, consented); err != nil {
			return 0, 0, 0, err
		}
		for range rng.IntN(7) {
			if err := store.AddStoryLike(ctx, q, schoolID, p.ID, families[rng.IntN(len(families))], at); err != nil && !errors.Is(err, db.ErrConflict) {
				return 0, 0, 0, err
			}
		}
		for range rng.IntN(3) {
			if err := store.CreateStoryComment(ctx, q, &store.StoryComment{SchoolID: schoolID, PostID: p.ID, AuthorID: families[rng.IntN(len(families))],
				Body: "Lovely, thank you!", CreatedAt: at}); err != nil {
				return 0, 0, 0, err
			}
		}
		for _, f := range families {
			if rng.IntN(5) < 4 {
				reads[f] = append(reads[f], *p)
			}
		}
	}
	for _, f := range families {
		if err := store.MarkStoryRead(ctx, q, reads[f], f, sd.start); err != nil {
			return 0, 0, 0, err
		}
	}
	return class.ID, teacher.ID, posts, nil
}

// photos attaches one to three ready photos to a post, each tagging up to
// three of the children who may be tagged.
func (sd *storySeed) photos(q db.Querier, p *store.StoryPost, taggable []int64) error {
	for i := range 1 + sd.rng.IntN(3) {
		a := &store.StoryAttachment{SchoolID: p.SchoolID, PostID: p.ID, PublicID: fmt.Sprintf("b%s.%d.%d", sd.tag, p.ID, i), Position: i,
			Kind: store.AttachPhoto, Name: fmt.Sprintf("IMG_%04d.jpg", i), ContentType: "image/jpeg", Size: 300_000, Width: 1600, Height: 1200,
			Status: store.AttachReady, FileKey: fmt.Sprintf("story/bench-%d-%d", p.ID, i), CreatedAt: p.CreatedAt}
		if err := store.CreateStoryAttachment(sd.ctx, q, a); err != nil {
			return err
		}
		if len(taggable) == 0 {
			continue
		}
		seen := map[int64]bool{}
		for range sd.rng.IntN(4) {
			st := taggable[sd.rng.IntN(len(taggable))]
			if seen[st] {
				continue
			}
			seen[st] = true
			if err := store.AddStoryTag(sd.ctx, q, p.SchoolID, p.ID, a.ID, st, p.CreatedAt); err != nil {
				return err
			}
		}
	}
	return nil
}
