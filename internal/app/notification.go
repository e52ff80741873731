package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"cubby/internal/authz"
	"cubby/internal/db"
	"cubby/internal/i18n"
	"cubby/internal/notify"
	"cubby/internal/store"
)

// Notifications (issue 14). A feature that tells people something calls
// Notify with its own transaction, naming a kind (notify.Kinds), the thing
// (RefID) and whom to tell. For each person Cubby then decides, from their
// choice for the kind (notify.Pref*, notify.DefaultPref) and their quiet
// hours: a row in their notification centre (none when they turned the
// kind off), with push_due_at set for push (the push worker sends it when
// due), an email at once through the outbox (held to the end of quiet
// hours), or a place in the daily digest (notification_jobs.go). A few
// people are decided in the action's own transaction; many (a school's
// families) are written as one fan-out row in it and decided by the
// notification job in small batches, so the action never holds the
// database's writer for long and nothing is lost if the server stops.

// Notice is what a feature tells people about.
type Notice struct {
	Kind      string // one of notify.Kinds
	SchoolID  int64
	RefID     int64 // the thing: see notify.Kinds
	ActorID   int64 // who caused it; never told of their own action
	StudentID int64 // the child it is about, for points and absences
	// To lists the people to tell. ToParents instead tells the parents of
	// StudentID as they are when the job runs (points, absences).
	To        []int64
	ToParents bool
	// At is when it becomes visible (a scheduled announcement's time);
	// zero is now.
	At time.Time
	// Urgent: an urgent announcement, emailed and pushed even in quiet hours.
	Urgent bool
	// Delay lets the job tell people only after it (a point's undo
	// window): a point undone meanwhile is never told.
	Delay time.Duration
}

// Notifications configures notifications.
type Notifications struct {
	// InlineMax is how many people a notice may tell in the action's own
	// transaction; more go through the job. 0 means 100.
	InlineMax int
	// Batch is how many people one job transaction decides; 0 means 50.
	Batch int
	// DigestHour is the hour (schools' zone) from which the daily digest
	// goes; 0 means 17 (after school).
	DigestHour int

	once sync.Once
	kick chan struct{}
}

func (n *Notifications) init() {
	n.once.Do(func() { n.kick = make(chan struct{}, 1) })
}

func (n *Notifications) inlineMax() int { return cmpDefault(n.InlineMax, 100) }
func (n *Notifications) batch() int     { return cmpDefault(n.Batch, 50) }
func (n *Notifications) digestHour() int {
	if n.DigestHour <= 0 || n.DigestHour > 23 {
		return 17
	}
	return n.DigestHour
}

func cmpDefault(v, d int) int {
	if v <= 0 {
		return d
	}
	return v
}

// NotificationKick is signalled when a fan-out is written, so the job
// runs at once instead of at its next tick.
func (a *App) NotificationKick() <-chan struct{} {
	a.Notifications.init()
	return a.Notifications.kick
}

func (a *App) kickNotifications() {
	a.Notifications.init()
	select {
	case a.Notifications.kick <- struct{}{}:
	default:
	}
}

// Notify tells people about something, inside the caller's transaction:
// the notifications exist if and only if the action commits.
func (a *App) Notify(ctx context.Context, tx db.Querier, n Notice) error {
	if !notify.IsKind(n.Kind) {
		return fmt.Errorf("app: unknown notification kind %q", n.Kind)
	}
	now := a.Now()
	if n.At.IsZero() {
		n.At = now
	}
	n.At = n.At.UTC().Truncate(time.Microsecond)
	to := make([]int64, 0, len(n.To))
	for _, id := range n.To {
		if id != 0 && id != n.ActorID && !slices.Contains(to, id) {
			to = append(to, id)
		}
	}
	if len(to) == 0 && !n.ToParents {
		return nil
	}
	if n.ToParents || n.Delay > 0 || len(to) > a.Notifications.inlineMax() {
		f := &store.Fanout{SchoolID: n.SchoolID, Kind: n.Kind, RefID: n.RefID, ActorID: n.ActorID, StudentID: n.StudentID,
			Urgent: n.Urgent, VisibleAt: n.At, DueAt: now.Add(n.Delay), Recipients: to, CreatedAt: now}
		if n.ToParents {
			f.Recipients = nil
		}
		if err := store.AddFanout(ctx, tx, f); err != nil {
			return err
		}
		a.kickNotifications()
		return nil
	}
	return a.deliverNotice(ctx, tx, n, to, now)
}

// notified tells the open pages of people that they have a new
// notification, after the transaction that wrote it committed.
func (a *App) notified(ids ...int64) {
	for _, id := range ids {
		a.InboxEvents().PublishTo(id, PointEvent{Notified: true})
	}
}

// noticeInfo is what every person's notification of one notice shares,
// loaded once.
type noticeInfo struct {
	skip       bool // the thing is gone, or not to be told (a point undone, hidden from families)
	actor      *store.User
	student    string
	schoolName string
	conv       *store.Conversation // kind message
	correction bool                // kind privacy_request
}

func (a *App) loadNoticeInfo(ctx context.Context, q db.Querier, n Notice) (*noticeInfo, error) {
	info := &noticeInfo{}
	var err error
	if n.ActorID != 0 {
		if info.actor, err = store.UserByID(ctx, q, n.ActorID); err != nil && !isNotFound(err) {
			return nil, err
		}
	}
	if n.SchoolID != 0 {
		s, err := store.SchoolByID(ctx, q, n.SchoolID)
		if err != nil && !isNotFound(err) {
			return nil, err
		}
		if s != nil {
			info.schoolName = s.Name
		}
	}
	if n.StudentID != 0 {
		st, err := store.StudentByID(ctx, q, n.StudentID)
		if isNotFound(err) {
			info.skip = true
			return info, nil
		}
		if err != nil {
			return nil, err
		}
		info.student = st.FirstName
	}
	switch n.Kind {
	case notify.KindMessage:
		if info.conv, err = store.ConversationByID(ctx, q, n.RefID); isNotFound(err) {
			info.skip = true
		} else if err != nil {
			return nil, err
		}
	case notify.KindPortfolioApproved, notify.KindPortfolioComment:
		it, err := store.PortfolioItemByID(ctx, q, n.RefID)
		if isNotFound(err) {
			info.skip = true // deleted since
			break
		} else if err != nil {
			return nil, err
		}
		info.skip = it.Status != authz.PortfolioApproved
	case notify.KindPoints:
		p, err := store.PointByID(ctx, q, n.RefID)
		if isNotFound(err) {
			info.skip = true // undone
			break
		} else if err != nil {
			return nil, err
		}
		hidden, err := a.pointsHiddenFromFamily(ctx, []int64{p.ClassID})
		if err != nil {
			return nil, err
		}
		info.skip = hidden
	case notify.KindAbsence:
		day := n.At.In(a.Location).Format(time.DateOnly)
		recs, err := store.AttendanceOfClassDay(ctx, q, n.RefID, day)
		if err != nil {
			return nil, err
		}
		r, ok := recs[n.StudentID]
		info.skip = !ok || r.Status != store.Absent // corrected since
	case notify.KindPrivacyRequest:
		if info.correction, err = store.IsCorrection(ctx, q, n.RefID, n.StudentID); err != nil {
			return nil, err
		}
	}
	return info, nil
}

func isNotFound(err error) bool { return err != nil && errors.Is(err, ErrNotFound) }

// deliverNotice decides, for each person, how they hear of n, and writes
// it inside q.
func (a *App) deliverNotice(ctx context.Context, q db.Querier, n Notice, ids []int64, now time.Time) error {
	w, err := a.prepareNotice(ctx, q, n, ids, now)
	if err != nil {
		return err
	}
	return w.write(ctx, q, now)
}

// noticeWrite is what telling people of a notice writes: each person's
// notification and the emails, decided and rendered first, so that the
// notification job holds the database's writer only for the inserts.
type noticeWrite struct {
	rows   []*store.Notification
	emails []notify.Rendered
}

func (w *noticeWrite) write(ctx context.Context, q db.Querier, now time.Time) error {
	for _, row := range w.rows {
		if err := store.AddNotification(ctx, q, row); err != nil {
			return err
		}
	}
	for _, e := range w.emails {
		if err := e.Queue(ctx, q, now); err != nil {
			return err
		}
	}
	return nil
}

// prepareNotice decides, for each person, how they hear of n, reading
// through q, and renders their emails.
func (a *App) prepareNotice(ctx context.Context, q db.Querier, n Notice, ids []int64, now time.Time) (*noticeWrite, error) {
	w := &noticeWrite{}
	info, err := a.loadNoticeInfo(ctx, q, n)
	if err != nil || info.skip {
		return w, err
	}
	if n.Kind == notify.KindAbsence {
		// One absence notification a day per child, however often the
		// register is corrected.
		dayStart, err := a.dayStart(n.At.In(a.Location).Format(time.DateOnly))
		if err != nil {
			return nil, err
		}
		told, err := store.NotifiedSince(ctx, q, n.Kind, n.RefID, n.StudentID, dayStart)
		if err != nil {
			return nil, err
		}
		ids = slices.DeleteFunc(slices.Clone(ids), func(id int64) bool { return told[id] })
	}
	targets, err := store.NotifyTargets(ctx, q, n.Kind, ids)
	if err != nil {
		return nil, err
	}
	for _, t := range targets {
		ch := t.Channel
		if ch == "" {
			ch = notify.DefaultPref(n.Kind)
		}
		if ch == notify.PrefOff {
			continue
		}
		due := n.At
		if !n.Urgent && t.HasQuiet {
			if until := quietUntil(t.Quiet, n.At, a.Location); !until.IsZero() {
				due = until.Truncate(time.Microsecond)
			}
		}
		row := &store.Notification{SchoolID: n.SchoolID, UserID: t.UserID, Kind: n.Kind, RefID: n.RefID, ActorID: n.ActorID,
			StudentID: n.StudentID, CreatedAt: n.At, Digest: ch == notify.PrefDigest}
		if ch == notify.PrefPush {
			row.PushDueAt = &due
		}
		w.rows = append(w.rows, row)
		if ch == notify.PrefEmail && t.Email != "" && a.Mail != nil {
			e, err := a.emailNotice(ctx, q, n, info, row, t, due, now)
			if err != nil {
				return nil, err
			}
			r, err := a.Mail.Render(e)
			if err != nil {
				return nil, err
			}
			w.emails = append(w.emails, r)
		}
	}
	return w, nil
}

// senderName is a person as the reader's language addresses them: the
// courtesy title in that language and the last name ("Sra. Alvarez"), or
// the full name without a title.
func senderName(loc *i18n.Localizer, title, first, last string) string {
	if title != "" && last != "" {
		return loc.Title(title) + " " + last
	}
	return strings.TrimSpace(first + " " + last)
}

// NotificationLine is the sentence that says what a notification is, in
// loc's language, for the centre, the push-less page and the emails.
func NotificationLine(loc *i18n.Localizer, n *store.Notification) string {
	sender := senderName(loc, n.ActorTitle, n.ActorFirst, n.ActorLast)
	if sender == "" {
		sender = loc.T("notifications.someone")
	}
	key := "notifications.line." + n.Kind
	if n.Kind == notify.KindPrivacyRequest && !n.Correction {
		key += "_restriction"
	}
	return loc.T(key, "sender", sender, "child", n.StudentName, "school", n.SchoolName)
}

// NotificationLink is where a notification leads: the thing itself, whose
// page checks again who may see it.
func NotificationLink(n *store.Notification) string {
	ref, st := strconv.FormatInt(n.RefID, 10), strconv.FormatInt(n.StudentID, 10)
	switch n.Kind {
	case notify.KindMessage:
		return "/messages/" + ref
	case notify.KindStory, notify.KindStoryComment:
		return "/stories/" + ref
	case notify.KindPortfolioApproved, notify.KindPortfolioComment:
		return "/portfolio-items/" + ref
	case notify.KindPoints:
		return "/students/" + st + "/report"
	case notify.KindAbsence:
		return "/students/" + st + "/attendance"
	case notify.KindJoinRequest:
		return "/schools/" + ref + "/directory#requests"
	case notify.KindPrivacyRequest:
		if n.Correction {
			return "/privacy/corrections"
		}
		return "/privacy/restrictions"
	}
	return "/notifications"
}

// tellPrivacyRequest tells the school's leaders, who answer requests, of a
// family's correction or restriction request (in its transaction).
func (a *App) tellPrivacyRequest(ctx context.Context, q db.Querier, st *store.Student, requestID, requesterID int64) error {
	leaders, err := store.ActiveLeaders(ctx, q, st.SchoolID)
	if err != nil {
		return err
	}
	to := make([]int64, len(leaders))
	for i, l := range leaders {
		to[i] = l.ID
	}
	return a.Notify(ctx, q, Notice{Kind: notify.KindPrivacyRequest, SchoolID: st.SchoolID, RefID: requestID, ActorID: requesterID,
		StudentID: st.ID, To: to})
}

// RecordGrace is how long after a point or an absence its family is told:
// a point undone or an absence corrected within it is never told.
const RecordGrace = 2 * time.Minute
