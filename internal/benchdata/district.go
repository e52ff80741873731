package benchdata

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"cubby/internal/db"
	"cubby/internal/store"
)

// DistrictOptions sizes a district (cubby bench seed). A district of
// 100,000 students has about 100 schools, 4,000 teachers and classes,
// 150,000 parents, 10 M points and 18 M attendance records over a school
// year; smaller ones scale down by students.
type DistrictOptions struct {
	Students int
	// Seed picks the schools, the sizes and every point: the same seed,
	// size and End give the same district.
	Seed uint64
	// Days is the number of school days (Monday to Friday), ending on End.
	Days int
	End  time.Time // the last school day (its date in UTC)
	// Schools are real schools to name the district's after (see
	// ReadSchools); too few or none, and the rest are made up.
	Schools []store.School
	// PasswordHash is set on every adult, so a load benchmark can log in
	// as any of them; empty, and nobody can log in with a password.
	PasswordHash string
	// Progress, when set, gets a progress bar (a terminal) or a line now
	// and then (Terminal false).
	Progress *Progress
}

// Counts is what a district holds.
type Counts struct {
	Schools, Leaders, Teachers, Classes, Students, Parents, Points, Attendance int64
}

// Rows is the number of rows Counts add up to.
func (c Counts) Rows() int64 {
	return c.Schools + c.Leaders + c.Teachers + c.Classes + c.Students*2 + c.Parents*2 + c.Points + c.Attendance
}

// The shape of a district. Points per student and school day average
// pointsPerDay, but teachers differ a lot (activitySpread): a quiet class
// gets a tenth of that, a busy one five times as much.
const (
	studentsPerSchool = 1000
	studentsPerClass  = 25
	pointsPerDay      = 0.55
	activitySpread    = 0.9
	absentRate        = 0.04
	lateRate          = 0.015
	leftEarlyRate     = 0.005
)

// District writes a district into an empty (migrated) database. People and
// classes go in through the store, a school per transaction; points and
// attendance, nearly all of the rows, through the engine's bulk path
// (COPY on PostgreSQL, large transactions of many-row INSERTs on SQLite).
func District(ctx context.Context, d *db.DB, o DistrictOptions) (*Counts, error) {
	if o.Students < 1 {
		return nil, fmt.Errorf("benchdata: %d students", o.Students)
	}
	if o.Days < 1 {
		o.Days = 180
	}
	if o.End.IsZero() {
		o.End = time.Now().UTC()
	}
	end := time.Date(o.End.Year(), o.End.Month(), o.End.Day(), 0, 0, 0, 0, time.UTC)
	days := schoolDays(end, o.Days)
	start := days[0].AddDate(0, 0, -1)
	rng := rand.New(rand.NewPCG(o.Seed, 0x5eed))
	sizes := schoolSizes(rng, o.Students)
	schools := pickSchools(rng, o.Schools, len(sizes))
	c := &Counts{}
	o.Progress.begin(int64(float64(o.Students) * (3.5 + float64(o.Days)*(1+pointsPerDay))))
	defer o.Progress.done()
	w := newBulkWriter(d)
	err := withoutIndexes(ctx, d, []string{pointsTable.name, marksTable.name}, func() error {
		return c.fill(ctx, d, w, rng, sizes, schools, days, start, o)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// fill writes the schools, one after another.
func (c *Counts) fill(ctx context.Context, d *db.DB, w *bulkWriter, rng *rand.Rand, sizes []int, schools []store.School, days []time.Time, start time.Time, o DistrictOptions) error {
	for i, size := range sizes {
		sc := schools[i]
		sc.Source, sc.SourceID, sc.CreatedAt = "bench", fmt.Sprintf("%d-%d-%s", o.Seed, i, sc.SourceID), start
		sc.Country = cmpOr(sc.Country, "US")
		var b *builtSchool
		err := d.Tx(ctx, func(tx db.Querier) error {
			var err error
			b, err = buildSchool(ctx, tx, rng, &sc, size, o, start, c)
			return err
		})
		if err != nil {
			return fmt.Errorf("school %d: %w", i+1, err)
		}
		o.Progress.add(int64(size) * 7 / 2)
		if err := b.year(ctx, w, rng, days, c, o.Progress); err != nil {
			return fmt.Errorf("school %d: %w", i+1, err)
		}
	}
	return nil
}

// schoolDays lists n weekdays ending on end, oldest first.
func schoolDays(end time.Time, n int) []time.Time {
	out := make([]time.Time, 0, n)
	for day := end; len(out) < n; day = day.AddDate(0, 0, -1) {
		if day.Weekday() != time.Saturday && day.Weekday() != time.Sunday {
			out = append(out, day)
		}
	}
	slices.Reverse(out)
	return out
}

// schoolSizes splits the students among about one school per thousand,
// with sizes spread as a real district's are (a few large schools, many
// small ones), none empty.
func schoolSizes(rng *rand.Rand, students int) []int {
	// A small district (a test's) still has a few schools.
	n := max(1, min(3, students/100), int(math.Round(float64(students)/studentsPerSchool)))
	w := make([]float64, n)
	var sum float64
	for i := range w {
		w[i] = math.Exp(rng.NormFloat64() * 0.6)
		sum += w[i]
	}
	sizes := make([]int, n)
	left := students - n // one each first
	given := 0
	for i := range sizes {
		sizes[i] = 1 + int(float64(left)*w[i]/sum)
		given += sizes[i]
	}
	for i := 0; given < students; i = (i + 1) % n {
		sizes[i]++
		given++
	}
	return sizes
}

// pickSchools draws n distinct schools from the list, making up the rest.
func pickSchools(rng *rand.Rand, from []store.School, n int) []store.School {
	idx := rng.Perm(len(from))
	out := make([]store.School, n)
	for i := range out {
		if i < len(idx) {
			out[i] = from[idx[i]]
		} else {
			out[i] = store.School{Name: fmt.Sprintf("Bench School %d", i+1), City: "Springfield", Country: "US", SourceID: fmt.Sprint(i + 1)}
		}
	}
	return out
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// builtSchool is what a school's year of points and attendance needs.
type builtSchool struct {
	schoolID int64
	skills   []store.Skill
	classes  []builtClass
}

type builtClass struct {
	id, teacher int64
	students    []int64
	activity    float64 // points per student per school day
	absentee    []bool  // often absent
}

// buildSchool creates a school with its leader, teachers, classes, skills,
// students and parents.
func buildSchool(ctx context.Context, tx db.Querier, rng *rand.Rand, sc *store.School, size int, o DistrictOptions, start time.Time, c *Counts) (*builtSchool, error) {
	if err := store.CreateSchool(ctx, tx, sc); err != nil {
		return nil, err
	}
	c.Schools++
	b := &builtSchool{schoolID: sc.ID}
	n := c.Schools
	adult := func(kind, email, first, last string) (int64, error) {
		u := &store.User{Kind: kind, FirstName: first, LastName: last, Email: email, PasswordHash: o.PasswordHash,
			Language: "en", EmailVerifiedAt: &start, CreatedAt: start}
		err := store.CreateUser(ctx, tx, u)
		return u.ID, err
	}
	staff := func(id int64, role string) error {
		return store.AddMembership(ctx, tx, &store.Membership{SchoolID: sc.ID, UserID: id, Role: role, Status: "active", VerifiedAt: &start, CreatedAt: start})
	}
	leader, err := adult(store.KindLeader, LeaderEmail(o.Seed, n), "Leader", fmt.Sprint(n))
	if err != nil {
		return nil, err
	}
	if err := staff(leader, store.RoleLeader); err != nil {
		return nil, err
	}
	c.Leaders++
	for k, w := range []int{1, 1, 1, 2, 0, -1} {
		s := store.Skill{SchoolID: sc.ID, Name: fmt.Sprintf("Skill %d", k+1), Weight: w, CreatedAt: start}
		if err := store.CreateSkill(ctx, tx, &s); err != nil {
			return nil, err
		}
		b.skills = append(b.skills, s)
	}
	// Classes of different sizes: each student joins a class drawn by
	// weight, so some classes have 15 and others 35.
	nc := max(1, int(math.Round(float64(size)/studentsPerClass)))
	weights := make([]float64, nc)
	var sum float64
	for i := range weights {
		weights[i] = math.Exp(rng.NormFloat64() * 0.3)
		sum += weights[i]
	}
	for i := range nc {
		c.Teachers++
		t, err := adult(store.KindTeacher, TeacherEmail(o.Seed, c.Teachers), "Teacher", fmt.Sprint(c.Teachers))
		if err != nil {
			return nil, err
		}
		if err := staff(t, store.RoleTeacher); err != nil {
			return nil, err
		}
		class := &store.Class{SchoolID: sc.ID, Name: fmt.Sprintf("Class %d", i+1), CreatedAt: start}
		if err := store.CreateClass(ctx, tx, class, t); err != nil {
			return nil, err
		}
		c.Classes++
		b.classes = append(b.classes, builtClass{id: class.ID, teacher: t,
			activity: pointsPerDay * math.Exp(rng.NormFloat64()*activitySpread-activitySpread*activitySpread/2)})
	}
	for range size {
		ci, x := 0, rng.Float64()*sum
		for ci < nc-1 && x >= weights[ci] {
			x -= weights[ci]
			ci++
		}
		c.Students++
		u := &store.User{Kind: store.KindStudent, FirstName: "Student", LastName: fmt.Sprint(c.Students),
			Username: StudentUsername(o.Seed, c.Students), Language: "en", CreatedAt: start}
		if err := store.CreateUser(ctx, tx, u); err != nil {
			return nil, err
		}
		st := &store.Student{SchoolID: sc.ID, UserID: u.ID, ParentCode: fmt.Sprintf("BENCH-%d-%d", o.Seed, c.Students), CreatedAt: start}
		if err := store.CreateStudent(ctx, tx, st); err != nil {
			return nil, err
		}
		if err := store.EnrollStudent(ctx, tx, sc.ID, b.classes[ci].id, st.ID, start); err != nil {
			return nil, err
		}
		b.classes[ci].students = append(b.classes[ci].students, st.ID)
		b.classes[ci].absentee = append(b.classes[ci].absentee, rng.IntN(20) == 0)
		// One or two parents, one and a half on average.
		for p := 1 + rng.IntN(2); p > 0; p-- {
			c.Parents++
			id, err := adult(store.KindParent, ParentEmail(o.Seed, c.Parents), "Parent", fmt.Sprint(c.Parents))
			if err != nil {
				return nil, err
			}
			if err := store.AddGuardian(ctx, tx, sc.ID, st.ID, id, start); err != nil {
				return nil, err
			}
		}
	}
	return b, nil
}

// The logins of a district's people, by seed and number (1, 2, …).
func LeaderEmail(seed uint64, n int64) string { return fmt.Sprintf("leader%d@s%d.bench.test", n, seed) }
func TeacherEmail(seed uint64, n int64) string {
	return fmt.Sprintf("teacher%d@s%d.bench.test", n, seed)
}
func ParentEmail(seed uint64, n int64) string { return fmt.Sprintf("parent%d@s%d.bench.test", n, seed) }

// StudentUsername is a district student's username.
func StudentUsername(seed uint64, n int64) string { return fmt.Sprintf("s%d.%d", seed, n) }

// year writes a school's attendance for every school day and its points,
// a day of the school at a time, flushing every flushRows rows.
func (b *builtSchool) year(ctx context.Context, w *bulkWriter, rng *rand.Rand, days []time.Time, c *Counts, p *Progress) error {
	const flushRows = 50000
	var points, marks [][]any
	flush := func() error {
		if err := w.write(ctx, pointsTable, points, marksTable, marks); err != nil {
			return err
		}
		c.Points += int64(len(points))
		c.Attendance += int64(len(marks))
		p.add(int64(len(points) + len(marks)))
		points, marks = points[:0], marks[:0]
		return nil
	}
	for _, day := range days {
		date := day.Format(time.DateOnly)
		for ci := range b.classes {
			cl := &b.classes[ci]
			taken := day.Add(8*time.Hour + time.Duration(rng.IntN(1800))*time.Second)
			for k, sid := range cl.students {
				status := store.Present
				x := rng.Float64()
				absent := absentRate
				if cl.absentee[k] {
					absent *= 4
				}
				switch {
				case x < absent:
					status = store.Absent
				case x < absent+lateRate:
					status = store.Late
				case x < absent+lateRate+leftEarlyRate:
					status = store.LeftEarly
				}
				marks = append(marks, []any{b.schoolID, cl.id, sid, date, status, cl.teacher, taken})
				if status == store.Absent {
					continue
				}
				for n := poisson(rng, cl.activity); n > 0; n-- {
					sk := b.skills[rng.IntN(len(b.skills))]
					at := day.Add(8*time.Hour + time.Duration(rng.IntN(7*3600))*time.Second)
					points = append(points, []any{b.schoolID, cl.id, sid, sk.ID, sk.Name, sk.Weight, cl.teacher, at})
				}
			}
		}
		if len(points)+len(marks) >= flushRows {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// poisson draws from a Poisson distribution of mean m (Knuth's method; m
// is small).
func poisson(rng *rand.Rand, m float64) int {
	l, k, p := math.Exp(-m), 0, 1.0
	for {
		p *= rng.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// Progress draws a progress bar on a terminal, or writes a line every ten
// seconds to a log.
type Progress struct {
	W        io.Writer
	Terminal bool

	total, count int64
	start, last  time.Time
}

func (p *Progress) begin(total int64) {
	if p != nil {
		p.total, p.start, p.last = total, time.Now(), time.Now()
	}
}

func (p *Progress) add(n int64) {
	if p == nil || p.W == nil {
		return
	}
	p.count += n
	now := time.Now()
	every := 10 * time.Second
	if p.Terminal {
		every = 200 * time.Millisecond
	}
	if now.Sub(p.last) < every {
		return
	}
	p.last = now
	frac := min(float64(p.count)/float64(max(p.total, 1)), 1)
	elapsed := now.Sub(p.start)
	line := fmt.Sprintf("%3.0f%%  %d rows  %.0f rows/s", frac*100, p.count, float64(p.count)/elapsed.Seconds())
	if frac > 0 {
		line += "  ETA " + time.Duration(float64(elapsed)*(1-frac)/frac).Round(time.Second).String()
	}
	if p.Terminal {
		const width = 24
		fill := int(frac * width)
		fmt.Fprintf(p.W, "\r[%s%s] %s\x1b[K", repeat('#', fill), repeat('.', width-fill), line)
	} else {
		fmt.Fprintln(p.W, line)
	}
}

func (p *Progress) done() {
	if p != nil && p.W != nil && p.Terminal {
		fmt.Fprint(p.W, "\r\x1b[K")
	}
}

func repeat(c byte, n int) string {
	b := make([]byte, max(n, 0))
	for i := range b {
		b[i] = c
	}
	return string(b)
}
