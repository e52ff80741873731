package app

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"cubby/internal/authz"
	"cubby/internal/db"
	"cubby/internal/store"
)

// Views of many students' records at once — the class screen with today's
// points, a class's attendance history or report, a school's summary or
// the School Directory's student list — are audited too (ACL-4), but as
// one entry per reader, view and day, with no subject: detail names the
// view and its class or school ("class_report:12"). The students are
// those enrolled there at the time (store.Enrolment), so the entry stays
// one line in the log, and a family's access log still lists it for
// their child (AccessLog).
//
// The class screen is opened all day long, so the "already logged today"
// answer comes from memory (bulkAudits); the database is asked at most
// once per reader, view and day in each process, and written to once.

// BulkView names a view of many students' records.
type BulkView string

// The views of a class; their detail carries the class's id.
const (
	// ViewClass is the class screen: its students with today's points,
	// the attendance register and the roster with parent codes.
	ViewClass           BulkView = "class"
	ViewClassReport     BulkView = "class_report"
	ViewClassAttendance BulkView = "class_attendance"
)

// The views of a school; their detail carries the school's id.
const (
	ViewSchoolReport    BulkView = "school_report"
	ViewSchoolDirectory BulkView = "school_directory"
)

var (
	classViews  = []BulkView{ViewClass, ViewClassReport, ViewClassAttendance}
	schoolViews = []BulkView{ViewSchoolReport, ViewSchoolDirectory}
)

func bulkDetail(v BulkView, id int64) string { return string(v) + ":" + strconv.FormatInt(id, 10) }

// parseBulkDetail reads a detail bulkDetail wrote.
func parseBulkDetail(detail string) (BulkView, int64, bool) {
	v, id, ok := strings.Cut(detail, ":")
	if !ok || (!slices.Contains(classViews, BulkView(v)) && !slices.Contains(schoolViews, BulkView(v))) {
		return "", 0, false
	}
	n, err := strconv.ParseInt(id, 10, 64)
	return BulkView(v), n, err == nil
}

// AuditClassRead records that a member of staff looked at a view of a
// whole class.
func (a *App) AuditClassRead(ctx context.Context, s *Session, c *store.Class, v BulkView) error {
	return a.auditBulk(ctx, s, store.AuditRead, c.SchoolID, bulkDetail(v, c.ID))
}

// AuditClassExport records that a member of staff downloaded a view of a
// whole class (a CSV file).
func (a *App) AuditClassExport(ctx context.Context, s *Session, c *store.Class, v BulkView) error {
	return a.auditBulk(ctx, s, store.AuditExport, c.SchoolID, bulkDetail(v, c.ID))
}

// AuditSchoolRead records that a member of staff looked at a view of a
// whole school.
func (a *App) AuditSchoolRead(ctx context.Context, s *Session, schoolID int64, v BulkView) error {
	return a.auditBulk(ctx, s, store.AuditRead, schoolID, bulkDetail(v, schoolID))
}

// AuditSchoolExport records that a member of staff downloaded a view of a
// whole school.
func (a *App) AuditSchoolExport(ctx context.Context, s *Session, schoolID int64, v BulkView) error {
	return a.auditBulk(ctx, s, store.AuditExport, schoolID, bulkDetail(v, schoolID))
}

// auditBulk writes a bulk view's entry unless this reader has one for it
// today. Like single records, only staff are logged: families and
// students never see other children's records.
func (a *App) auditBulk(ctx context.Context, s *Session, action string, schoolID int64, detail string) error {
	if s == nil || (s.Actor.Kind != authz.Teacher && s.Actor.Kind != authz.Leader) {
		return nil
	}
	day := a.Now().Truncate(24 * time.Hour)
	key := bulkKey{reader: s.User.ID, action: action, detail: detail}
	if !a.bulkAudits.claim(day, key) {
		return nil
	}
	err := a.writeBulkAudit(ctx, s, action, schoolID, detail, day)
	if err != nil {
		a.bulkAudits.release(day, key) // the next view tries again
	}
	return err
}

func (a *App) writeBulkAudit(ctx context.Context, s *Session, action string, schoolID int64, detail string, day time.Time) error {
	// Another process, or this one before a restart, may have logged it.
	done, err := store.AuditedScopeSince(ctx, a.db.R, s.User.ID, action, detail, day)
	if err != nil || done {
		return err
	}
	return a.db.Tx(ctx, func(tx db.Querier) error {
		return a.audit(ctx, tx, store.AuditEntry{SchoolID: schoolID, ActorID: s.User.ID, ActorRole: roleOf(s), Action: action, Detail: detail})
	})
}

// bulkAudits remembers the bulk views logged today, per reader. It is
// emptied when the day changes, and, as a bound on memory, when it holds
// bulkAuditsMax views; after that the database answers each view once more.
type bulkAudits struct {
	mu   sync.Mutex
	day  time.Time
	done map[bulkKey]bool
}

type bulkKey struct {
	reader         int64
	action, detail string
}

const bulkAuditsMax = 100_000

// claim reports whether the caller is the first to log key today, and if
// so marks it logged.
func (b *bulkAudits) claim(day time.Time, key bulkKey) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !day.Equal(b.day) || b.done == nil || len(b.done) >= bulkAuditsMax {
		b.day, b.done = day, map[bulkKey]bool{}
	}
	if b.done[key] {
		return false
	}
	b.done[key] = true
	return true
}

// release forgets a claim whose entry could not be written.
func (b *bulkAudits) release(day time.Time, key bulkKey) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if day.Equal(b.day) {
		delete(b.done, key)
	}
}

// bulkHit is a bulk entry with the people it concerns among those asked
// about.
type bulkHit struct {
	store.AuditEntry
	View     BulkView
	ScopeID  int64
	Subjects []int64 // user ids
}

// bulkEntriesAbout finds the bulk entries that concern the given people:
// views of a class while a student was on its roster, or of their school
// while they were enrolled. An entry stands for every view by its reader
// that day, so it concerns a student who joined later that day as well.
func (a *App) bulkEntriesAbout(ctx context.Context, userIDs []int64, limit int) ([]bulkHit, error) {
	enrolments, err := store.EnrolmentsOf(ctx, a.db.R, userIDs)
	if err != nil {
		return nil, err
	}
	details := func(views []BulkView, id int64) []string {
		var out []string
		for _, v := range views {
			out = append(out, bulkDetail(v, id))
		}
		return out
	}
	type span struct {
		user int64
		store.AuditSpan
	}
	var spans []span
	for _, e := range enrolments {
		spans = append(spans, span{e.UserID, store.AuditSpan{Details: details(schoolViews, e.SchoolID), From: dayStart(e.Since), Until: e.Left}})
		for _, c := range e.Classes {
			spans = append(spans, span{e.UserID, store.AuditSpan{Details: details(classViews, c.ClassID), From: dayStart(c.Added), Until: c.Removed}})
		}
	}
	query := make([]store.AuditSpan, len(spans))
	for i, sp := range spans {
		query[i] = sp.AuditSpan
	}
	entries, err := store.AuditInSpans(ctx, a.db.R, query, limit)
	if err != nil {
		return nil, err
	}
	var out []bulkHit
	for _, e := range entries {
		h := bulkHit{AuditEntry: e}
		var ok bool
		if h.View, h.ScopeID, ok = parseBulkDetail(e.Detail); !ok {
			continue
		}
		for _, sp := range spans {
			if slices.Contains(sp.Details, e.Detail) && !e.CreatedAt.Before(sp.From) &&
				(sp.Until == nil || e.CreatedAt.Before(*sp.Until)) && !slices.Contains(h.Subjects, sp.user) {
				h.Subjects = append(h.Subjects, sp.user)
			}
		}
		out = append(out, h)
	}
	return out, nil
}

// dayStart is the start of t's day, in the days the log is kept by.
func dayStart(t time.Time) time.Time { return t.UTC().Truncate(24 * time.Hour) }

// scopeName names a bulk entry's class or school for the access log, or
// "" when it no longer exists.
func (a *App) scopeName(ctx context.Context, v BulkView, id int64, cache map[string]string) string {
	class := slices.Contains(classViews, v)
	key := strconv.FormatBool(class) + ":" + strconv.FormatInt(id, 10)
	if name, ok := cache[key]; ok {
		return name
	}
	name := ""
	if class {
		if c, err := store.ClassByID(ctx, a.db.R, id); err == nil {
			name = c.Name
		}
	} else if sc, err := store.SchoolByID(ctx, a.db.R, id); err == nil {
		name = sc.Name
	}
	cache[key] = name
	return name
}
