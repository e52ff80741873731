package app

import (
	"context"
	"slices"

	"cubby/internal/authz"
	"cubby/internal/db"
	"cubby/internal/notify"
	"cubby/internal/store"
)

// The notification centre: a person's own notifications, newest first,
// marked read one by one, all at once, or when the thing is opened; and
// their choices per kind. A parent sees notifications about a child only
// while they act for that child (custody blocks apply).

// NotificationPage is a page of the centre.
type NotificationPage struct {
	Items []store.Notification
	Next  string
}

const notificationPageMax = 200

// MyNotifications lists the actor's notifications from cursor ("" for the
// newest).
func (a *App) MyNotifications(ctx context.Context, s *Session, cursor string, limit int) (*NotificationPage, error) {
	if limit <= 0 || limit > notificationPageMax {
		limit = 50
	}
	before, err := parseTimeCursor(cursor)
	if err != nil {
		return nil, err
	}
	items, err := store.Notifications(ctx, a.db.R, s.User.ID, familyFilter(s.Actor), a.Now(), before, limit)
	if err != nil {
		return nil, err
	}
	page := &NotificationPage{Items: items}
	if len(items) == limit {
		last := items[len(items)-1]
		page.Next = timeCursor(last.CreatedAt, last.ID)
	}
	return page, nil
}

// UnreadNotifications counts the actor's unread notifications, for the bell.
func (a *App) UnreadNotifications(ctx context.Context, s *Session) (int, error) {
	if s == nil {
		return 0, nil
	}
	return store.UnreadNotifications(ctx, a.db.R, s.User.ID, familyFilter(s.Actor), a.Now())
}

// ReadNotification marks one of the actor's notifications read and
// returns it; ErrNotFound for anyone else's.
func (a *App) ReadNotification(ctx context.Context, s *Session, id int64) (*store.Notification, error) {
	n, err := store.NotificationByID(ctx, a.db.R, s.User.ID, id)
	if err != nil {
		return nil, err
	}
	if n.CreatedAt.After(a.Now()) || !a.mayShowNotification(s, n) {
		return nil, ErrNotFound
	}
	if _, err := store.ReadNotification(ctx, a.db.W, s.User.ID, id, a.Now()); err != nil {
		return nil, err
	}
	a.notified(s.User.ID)
	return store.NotificationByID(ctx, a.db.R, s.User.ID, id)
}

func (a *App) mayShowNotification(s *Session, n *store.Notification) bool {
	if n.StudentID == 0 || s.Actor.Kind != authz.Parent {
		return true
	}
	_, ok := s.Actor.Children[n.StudentID]
	return ok
}

// ReadAllNotifications marks all the actor's notifications read.
func (a *App) ReadAllNotifications(ctx context.Context, s *Session) (int64, error) {
	n, err := store.ReadAllNotifications(ctx, a.db.W, s.User.ID, a.Now())
	if err == nil {
		a.notified(s.User.ID)
	}
	return n, err
}

// readNotificationsOf marks the actor's notifications of a thing read when
// they open it (a conversation, a post). It never fails the page.
func (a *App) readNotificationsOf(ctx context.Context, s *Session, refID int64, kinds ...string) {
	if err := store.ReadNotificationsOf(ctx, a.db.W, s.User.ID, kinds, refID, a.Now()); err != nil {
		a.Log.Error("notifications: mark read", "err", err)
	}
}

// NotificationPref is one kind's choice on the settings page.
type NotificationPref struct {
	Kind    string
	Channel string
	Default bool // not chosen: the kind's default
}

// KindsFor lists the kinds that concern an account type, in settings order.
func KindsFor(kind authz.Kind) []string {
	switch kind {
	case authz.Parent:
		return []string{notify.KindMessage, notify.KindStory, notify.KindPoints, notify.KindAbsence,
			notify.KindPortfolioApproved, notify.KindPortfolioComment}
	case authz.Teacher:
		return []string{notify.KindMessage, notify.KindStoryComment, notify.KindPortfolioComment, notify.KindPrivacyRequest}
	case authz.Leader:
		return []string{notify.KindMessage, notify.KindStoryComment, notify.KindJoinRequest, notify.KindPrivacyRequest, notify.KindPortfolioComment}
	case authz.Student:
		return []string{notify.KindMessage, notify.KindStory, notify.KindPortfolioApproved, notify.KindPortfolioComment}
	}
	return nil
}

// MyNotificationPrefs returns the actor's choice for every kind that
// concerns them.
func (a *App) MyNotificationPrefs(ctx context.Context, s *Session) ([]NotificationPref, error) {
	chosen, err := store.NotificationPrefs(ctx, a.db.R, s.User.ID)
	if err != nil {
		return nil, err
	}
	var out []NotificationPref
	for _, k := range KindsFor(s.Actor.Kind) {
		c, ok := chosen[k]
		if !ok {
			c = notify.DefaultPref(k)
		}
		out = append(out, NotificationPref{Kind: k, Channel: c, Default: !ok})
	}
	return out, nil
}

// SetNotificationPrefs saves the actor's choices, kind → channel: all of
// them or, when one names a kind or channel that does not exist, none.
func (a *App) SetNotificationPrefs(ctx context.Context, s *Session, prefs map[string]string) error {
	v := &ValidationError{}
	kinds := make([]string, 0, len(prefs))
	for k, c := range prefs {
		switch {
		case !notify.IsKind(k):
			v.Add(k, "notifications.bad_kind")
		case !notify.IsPref(c):
			v.Add(k, "notifications.bad_channel")
		}
		kinds = append(kinds, k)
	}
	if len(prefs) > len(notify.Kinds) {
		v.Add("prefs", "notifications.bad_kind")
	}
	if err := v.Err(); err != nil {
		return err
	}
	slices.Sort(kinds)
	now := a.Now()
	return a.db.Tx(ctx, func(tx db.Querier) error {
		for _, k := range kinds {
			if err := store.SetNotificationPref(ctx, tx, s.User.ID, k, prefs[k], now); err != nil {
				return err
			}
		}
		return nil
	})
}

// DigestHour is the hour the daily digest goes, for the settings page.
func (a *App) DigestHour() int { return a.Notifications.digestHour() }
