package app

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"cubby/internal/db"
	"cubby/internal/i18n"
	"cubby/internal/notify"
	"cubby/internal/store"
)

// Notification emails. Each is rendered in the recipient's language when
// it is decided and queued in the outbox in the same transaction, held
// until the end of the person's quiet hours. Messages and join requests
// keep the emails they had (message_new, message_announcement,
// join_request); the other kinds share one (notification). Every one
// carries a one-click unsubscribe link for its kind (RFC 8058): the
// List-Unsubscribe header, and the same link in its footer.

// emailNotice is the email of one person's notification.
func (a *App) emailNotice(ctx context.Context, q db.Querier, n Notice, info *noticeInfo, row *store.Notification, t store.NotifyTarget, due, now time.Time) (notify.Email, error) {
	loc := a.localizer(t.Language)
	unsub, err := a.unsubscribeLink(ctx, q, t.UserID, n.Kind)
	if err != nil {
		return notify.Email{}, err
	}
	if info.actor != nil {
		row.ActorTitle, row.ActorFirst, row.ActorLast = info.actor.Title, info.actor.FirstName, info.actor.LastName
	}
	row.StudentName, row.SchoolName, row.Correction = info.student, info.schoolName, info.correction
	name := (&store.User{Title: t.Title, FirstName: t.FirstName, LastName: t.LastName}).DisplayName()
	sender := senderName(loc, row.ActorTitle, row.ActorFirst, row.ActorLast)
	if sender == "" {
		sender = loc.T("notifications.someone")
	}
	link := a.BaseURL + NotificationLink(row)
	e := notify.Email{To: t.Email, Lang: t.Language, SchoolID: n.SchoolID, Unsubscribe: unsub}
	switch {
	case n.Kind == notify.KindMessage && info.conv != nil && info.conv.Kind == store.ConvAnnouncement:
		e.Template = "message_announcement"
		e.Data = map[string]any{"Name": name, "Sender": sender, "SchoolName": info.schoolName, "Link": link, "Urgent": n.Urgent, "Unsubscribe": unsub}
	case n.Kind == notify.KindMessage:
		e.Template = "message_new"
		e.Data = map[string]any{"Name": name, "Sender": sender, "SchoolName": info.schoolName, "Link": link, "Unsubscribe": unsub}
	case n.Kind == notify.KindJoinRequest && info.actor != nil:
		e.Template = "join_request"
		e.Data = map[string]any{"Name": name, "Requester": info.actor.FullName(), "SchoolName": info.schoolName, "Link": link, "Unsubscribe": unsub}
	default:
		e.Template = "notification"
		e.Data = map[string]any{"Name": name, "Line": NotificationLine(loc, row), "Link": link, "Unsubscribe": unsub,
			"KindName": loc.T("notifications.kind." + n.Kind)}
	}
	if due.After(now) {
		e.NotBefore = due
	}
	return e, nil
}

// unsubscribeKind is the server key that signs notification unsubscribe
// links; digestKind names the digest in them (all kinds it carries).
const (
	unsubscribeNotifKey = "notification_unsubscribe"
	digestKind          = "digest"
)

// unsubscribeLink is the one-click link that turns kind off for the
// person: "<user id>.<kind>.<signature>", needing no login and useless
// for anyone else or another kind.
func (a *App) unsubscribeLink(ctx context.Context, q db.Querier, userID int64, kind string) (string, error) {
	tok, err := a.unsubscribeNotifToken(ctx, q, userID, kind)
	if err != nil {
		return "", err
	}
	return a.BaseURL + "/notifications/unsubscribe?token=" + url.QueryEscape(tok), nil
}

func (a *App) unsubscribeNotifToken(ctx context.Context, q db.Querier, userID int64, kind string) (string, error) {
	key, err := store.ServerKey(ctx, q, unsubscribeNotifKey, a.Now())
	if err != nil {
		return "", err
	}
	p := strconv.FormatInt(userID, 10) + "." + kind
	m := hmac.New(sha256.New, key)
	m.Write([]byte("notification-unsubscribe:" + p))
	return p + "." + hex.EncodeToString(m.Sum(nil)[:16]), nil
}

// UnsubscribeInfo says what an unsubscribe link turns off.
type UnsubscribeInfo struct {
	UserID int64
	Kind   string // a notify kind, or "digest"
}

// CheckUnsubscribe reads an unsubscribe link's token; ErrNotFound when it
// is not one Cubby signed.
func (a *App) CheckUnsubscribe(ctx context.Context, token string) (UnsubscribeInfo, error) {
	parts := strings.Split(token, ".")
	if len(token) > 200 || len(parts) != 3 {
		return UnsubscribeInfo{}, ErrNotFound
	}
	id, err := strconv.ParseInt(parts[0], 10, 64)
	if err != nil || id <= 0 || (!notify.IsKind(parts[1]) && parts[1] != digestKind) {
		return UnsubscribeInfo{}, ErrNotFound
	}
	want, err := a.unsubscribeNotifToken(ctx, a.db.W, id, parts[1])
	if err != nil {
		return UnsubscribeInfo{}, err
	}
	if !hmac.Equal([]byte(want), []byte(token)) {
		return UnsubscribeInfo{}, ErrNotFound
	}
	return UnsubscribeInfo{UserID: id, Kind: parts[1]}, nil
}

// UnsubscribeNotifications turns off what a link names for its person:
// one kind, or every kind that goes in the digest. Twice is fine; a link
// of an erased account is ErrNotFound.
func (a *App) UnsubscribeNotifications(ctx context.Context, token string) (UnsubscribeInfo, error) {
	info, err := a.CheckUnsubscribe(ctx, token)
	if err != nil {
		return info, err
	}
	if _, err := store.UserByID(ctx, a.db.R, info.UserID); err != nil {
		return info, err
	}
	now := a.Now()
	err = a.db.Tx(ctx, func(tx db.Querier) error {
		if info.Kind != digestKind {
			return store.SetNotificationPref(ctx, tx, info.UserID, info.Kind, notify.PrefOff, now)
		}
		prefs, err := store.NotificationPrefs(ctx, tx, info.UserID)
		if err != nil {
			return err
		}
		for _, k := range notify.Kinds {
			c, ok := prefs[k]
			if !ok {
				c = notify.DefaultPref(k)
			}
			if c == notify.PrefDigest {
				if err := store.SetNotificationPref(ctx, tx, info.UserID, k, notify.PrefOff, now); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return info, err
}

var (
	fallbackOnce   sync.Once
	fallbackBundle *i18n.Bundle
)

// localizer is lang's catalog for notification emails; an App built
// without a bundle (benchmarks) loads the embedded catalogs once.
func (a *App) localizer(lang string) *i18n.Localizer {
	if a.I18n != nil {
		return a.I18n.Localizer(lang)
	}
	fallbackOnce.Do(func() { fallbackBundle, _ = i18n.Load() })
	return fallbackBundle.Localizer(lang)
}
