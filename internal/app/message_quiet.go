package app

import (
	"context"
	"strconv"
	"time"

	"cubby/internal/authz"
	"cubby/internal/db"
	"cubby/internal/notify"
	"cubby/internal/store"
)

// Notifications of messages and each member of staff's quiet hours. A new
// message emails the others in its conversation once: someone who has an
// unread message there already was told and gets no other email until
// they open it. A member of staff's email waits until their quiet hours
// end (an outbox row held until then); they see the message whenever they
// open Cubby. Families writing during quiet hours see when the person is
// back (QuietNotice).

// QuietHours are a member of staff's quiet hours.
type QuietHours = store.QuietHours

// quietAt reports whether t falls in the quiet hours, in loc.
func quietAt(h QuietHours, t time.Time, loc *time.Location) bool {
	if !h.Enabled {
		return false
	}
	l := t.In(loc)
	if h.Weekends && (l.Weekday() == time.Saturday || l.Weekday() == time.Sunday) {
		return true
	}
	m := l.Hour()*60 + l.Minute()
	switch {
	case h.Starts == h.Ends:
		return false
	case h.Starts < h.Ends:
		return m >= h.Starts && m < h.Ends
	default: // overnight
		return m >= h.Starts || m < h.Ends
	}
}

// quietUntil returns when quiet hours in force at t end, or the zero time
// when t is not in them. It walks forward a minute at a time in UTC, so
// daylight saving changes land where the wall clock says.
func quietUntil(h QuietHours, t time.Time, loc *time.Location) time.Time {
	if !quietAt(h, t, loc) {
		return time.Time{}
	}
	u := t.Truncate(time.Minute)
	for i := 0; i < 8*24*60; i++ {
		u = u.Add(time.Minute)
		if !quietAt(h, u, loc) {
			return u.UTC()
		}
	}
	return time.Time{}
}

// QuietNotice says that someone a family writes to is in quiet hours and
// when they are back.
type QuietNotice struct {
	UserID int64
	Name   string
	Until  time.Time
}

// quietNow returns the person's notice if they are in quiet hours now.
func (a *App) quietNow(ctx context.Context, q db.Querier, userID int64, name string) (*QuietNotice, error) {
	n, err := a.quietAt(ctx, q, userID, time.Time{})
	if n != nil {
		n.Name = name
	}
	return n, err
}

// quietAt returns the person's notice if they are in quiet hours at t (the
// zero time: now).
func (a *App) quietAt(ctx context.Context, q db.Querier, userID int64, t time.Time) (*QuietNotice, error) {
	if t.IsZero() {
		t = a.Now()
	}
	h, ok, err := store.QuietHoursOf(ctx, q, userID)
	if err != nil || !ok {
		return nil, err
	}
	until := quietUntil(h, t, a.Location)
	if until.IsZero() {
		return nil, nil
	}
	return &QuietNotice{UserID: userID, Until: until}, nil
}

// MyQuietHours reads the actor's quiet hours (the defaults, off, if none).
func (a *App) MyQuietHours(ctx context.Context, s *Session) (QuietHours, error) {
	if !authz.CanSetQuietHours(s.Actor) {
		return QuietHours{}, ErrForbidden
	}
	h, ok, err := store.QuietHoursOf(ctx, a.db.R, s.User.ID)
	if err == nil && !ok {
		h = QuietHours{Starts: 18 * 60, Ends: 7*60 + 30, Weekends: true}
	}
	return h, err
}

// SetQuietHours saves the actor's quiet hours (times as HH:MM).
func (a *App) SetQuietHours(ctx context.Context, s *Session, enabled bool, starts, ends string, weekends bool) error {
	if !authz.CanSetQuietHours(s.Actor) {
		return ErrForbidden
	}
	v := &ValidationError{}
	st, ok1 := parseClock(starts)
	en, ok2 := parseClock(ends)
	if !ok1 {
		v.Add("starts", "message.quiet_bad_time")
	}
	if !ok2 {
		v.Add("ends", "message.quiet_bad_time")
	}
	if ok1 && ok2 && st == en && enabled {
		v.Add("ends", "message.quiet_same_time")
	}
	if err := v.Err(); err != nil {
		return err
	}
	return store.SetQuietHours(ctx, a.db.W, s.User.ID, QuietHours{Enabled: enabled, Starts: st, Ends: en, Weekends: weekends}, a.Now())
}

// parseClock reads HH:MM into minutes after midnight.
func parseClock(s string) (int, bool) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, false
	}
	return t.Hour()*60 + t.Minute(), true
}

// ClockText writes minutes after midnight as HH:MM.
func ClockText(m int) string {
	return time.Date(2000, 1, 1, m/60, m%60, 0, 0, time.UTC).Format("15:04")
}

// waitingMembers lists who in a conversation was told of it already and
// has not opened it since.
func (a *App) waitingMembers(ctx context.Context, tx db.Querier, convID, senderID int64) (map[int64]bool, error) {
	return store.Waiting(ctx, tx, convID, senderID)
}

// notifyMembers tells everyone else in a conversation of its new message
// (notification.go: the centre, and email or push as each chose, held
// during their quiet hours), except who is waiting already: they were
// told of an earlier message there and have not opened it since.
func (a *App) notifyMembers(ctx context.Context, tx db.Querier, s *Session, conv *store.Conversation, waiting map[int64]bool, now time.Time) error {
	if conv.Kind == store.ConvAnnouncement {
		return nil // announcements tell their recipients themselves
	}
	members, err := store.Writers(ctx, tx, conv.ID)
	if err != nil {
		return err
	}
	var to []int64
	for _, m := range members {
		if m.UserID != s.User.ID && !waiting[m.UserID] {
			to = append(to, m.UserID)
		}
	}
	return a.Notify(ctx, tx, Notice{Kind: notify.KindMessage, SchoolID: conv.SchoolID, RefID: conv.ID, ActorID: s.User.ID, To: to, At: now})
}

func (a *App) conversationLink(id int64) string {
	return a.BaseURL + "/messages/" + strconv.FormatInt(id, 10)
}
