package app

import (
	"context"
	"errors"
	"time"

	"cubby/internal/db"
	"cubby/internal/notify"
	"cubby/internal/store"
)

// The notification job: fan-outs become each person's notification a
// batch at a time, each batch one short transaction that also moves the
// fan-out's position (so a crash repeats nobody and skips nobody), and the
// daily digest goes to everyone with notifications waiting for it, one
// person per transaction, keyed by person and day (so running it twice
// sends one). The server runs it every few seconds and whenever a fan-out
// is written (cli: notificationJobs).

// NotificationRetention is how long a notification stays in the centre;
// the privacy inventory (notifications.yaml) declares the same.
const NotificationRetention = 90 * 24 * time.Hour

// RunNotificationJobs handles every fan-out that is due and reports how
// many people it decided for.
func (a *App) RunNotificationJobs(ctx context.Context) (int, error) {
	total := 0
	for {
		list, err := store.DueFanouts(ctx, a.db.R, a.Now(), 20)
		if err != nil || len(list) == 0 {
			return total, err
		}
		for _, f := range list {
			n, err := a.runFanout(ctx, f)
			total += n
			if err != nil {
				return total, err
			}
		}
	}
}

func (a *App) runFanout(ctx context.Context, f store.Fanout) (int, error) {
	// The unsubscribe links' key exists before the batches read it on
	// the read connection (prepareFanout).
	if _, err := store.ServerKey(ctx, a.db.W, unsubscribeNotifKey, a.Now()); err != nil {
		return 0, err
	}
	n := Notice{Kind: f.Kind, SchoolID: f.SchoolID, RefID: f.RefID, ActorID: f.ActorID, StudentID: f.StudentID,
		At: f.VisibleAt, Urgent: f.Urgent}
	if f.Recipients == nil {
		// The child's parents as they are now (custody blocks applied);
		// few enough for one transaction.
		parents, err := store.ParentsOfStudent(ctx, a.db.R, f.StudentID, a.keepEligible())
		if err != nil {
			return 0, err
		}
		f.Recipients = without(parents, f.ActorID)
		f.Done = 0
		w, err := a.prepareFanout(ctx, n, f.Recipients)
		if err != nil {
			return 0, err
		}
		err = a.db.Tx(ctx, func(tx db.Querier) error {
			if err := store.DeleteFanout(ctx, tx, f.ID); err != nil {
				return err
			}
			return w.write(ctx, tx, a.Now())
		})
		if err == nil {
			a.fanoutTold(f, f.Recipients)
		}
		return len(f.Recipients), err
	}
	done, batch := f.Done, a.Notifications.batch()
	for done < len(f.Recipients) {
		next := min(done+batch, len(f.Recipients))
		ids := f.Recipients[done:next]
		started := time.Now()
		w, err := a.prepareFanout(ctx, n, without(ids, f.ActorID))
		if err != nil {
			return done - f.Done, err
		}
		err = a.db.Tx(ctx, func(tx db.Querier) error {
			// Moving the position first makes a second job running the
			// same batch wait here, then fail and roll back.
			if err := store.AdvanceFanout(ctx, tx, f.ID, done, next); err != nil {
				return err
			}
			if next == len(f.Recipients) {
				if err := store.DeleteFanout(ctx, tx, f.ID); err != nil {
					return err
				}
			}
			return w.write(ctx, tx, a.Now())
		})
		if errors.Is(err, ErrConflict) {
			return done - f.Done, nil // another job has it
		}
		if err != nil {
			return done - f.Done, err
		}
		a.fanoutTold(f, ids)
		done = next
		// Rest as long as the batch took: a fan-out to a thousand parents
		// never takes more than half the machine from the people using
		// Cubby meanwhile, and still tells them in under a second.
		if done < len(f.Recipients) {
			rest := time.NewTimer(time.Since(started))
			select {
			case <-ctx.Done():
				rest.Stop()
				return done - f.Done, ctx.Err()
			case <-rest.C:
			}
		}
	}
	return done - f.Done, nil
}

// prepareFanout decides and renders a batch of a fan-out before the
// transaction that writes it, reading committed data: the writer is then
// held for the inserts alone, not for rendering fifty emails, and awards
// do not wait behind a thousand parents' notifications.
func (a *App) prepareFanout(ctx context.Context, n Notice, ids []int64) (*noticeWrite, error) {
	return a.prepareNotice(ctx, a.db.R, n, ids, a.Now())
}

// fanoutTold tells the open pages of the people a fan-out's batch
// decided for: their bell, and for a message (a scheduled announcement
// whose time came) their inbox.
func (a *App) fanoutTold(f store.Fanout, ids []int64) {
	a.notified(ids...)
	if f.Kind == notify.KindMessage {
		for _, id := range ids {
			a.InboxEvents().PublishTo(id, PointEvent{ConversationID: f.RefID})
		}
	}
}

// DigestItem is one line of a digest email.
type DigestItem struct{ Line, Link, When string }

// digestMaxItems is how many notifications a digest lists; the rest are
// counted ("and 12 more").
const digestMaxItems = 30

// SendDigests queues today's digest for everyone with notifications
// waiting for it, once the day's digest hour has come (schools' zone),
// and reports how many it queued. A person's digest waits for the end of
// their quiet hours. Running it again the same day sends nothing new;
// what arrives after a person's digest waits for the next day's.
func (a *App) SendDigests(ctx context.Context) (int, error) {
	now := a.Now()
	local := now.In(a.Location)
	if local.Hour() < a.Notifications.digestHour() {
		return 0, nil
	}
	day := local.Format(time.DateOnly)
	sent := 0
	for {
		users, err := store.DigestWaiting(ctx, a.db.R, now, day, 200)
		if err != nil || len(users) == 0 {
			return sent, err
		}
		progress := false
		for _, u := range users {
			ok, err := a.sendDigest(ctx, u, day, now)
			if err != nil {
				return sent, err
			}
			if ok {
				sent++
				progress = true
			}
		}
		if !progress {
			return sent, nil // everyone left had today's digest already
		}
	}
}

// sendDigest queues one person's digest of day, in one transaction with
// the day's record and the notifications marked digested.
func (a *App) sendDigest(ctx context.Context, userID int64, day string, now time.Time) (bool, error) {
	sent := false
	err := a.db.Tx(ctx, func(tx db.Querier) error {
		items, err := store.DigestItems(ctx, tx, userID, now)
		if err != nil || len(items) == 0 {
			return err
		}
		ok, err := store.ClaimDigest(ctx, tx, userID, day, len(items), now)
		if err != nil || !ok {
			return err
		}
		ids := make([]int64, len(items))
		for i, it := range items {
			ids[i] = it.ID
		}
		if err := store.MarkDigested(ctx, tx, userID, ids, now); err != nil {
			return err
		}
		sent = true
		u, err := store.UserByID(ctx, tx, userID)
		if err != nil {
			return err
		}
		if u.Email == "" || u.DisabledAt != nil || a.Mail == nil {
			return nil // nothing to email; the centre has them
		}
		loc := a.localizer(u.Language)
		var list []DigestItem
		for i := len(items) - 1; i >= 0 && len(list) < digestMaxItems; i-- { // newest first
			it := items[i]
			list = append(list, DigestItem{Line: NotificationLine(loc, &it), Link: a.BaseURL + NotificationLink(&it),
				When: it.CreatedAt.In(a.Location).Format("2006-01-02 15:04")})
		}
		unsub, err := a.unsubscribeLink(ctx, tx, userID, digestKind)
		if err != nil {
			return err
		}
		e := notify.Email{To: u.Email, Lang: u.Language, Template: "notification_digest", Unsubscribe: unsub,
			Data: map[string]any{"Name": u.DisplayName(), "Count": len(items), "More": len(items) - len(list), "Items": list,
				"Link": a.BaseURL + "/notifications"}}
		h, ok, err := store.QuietHoursOf(ctx, tx, userID)
		if err != nil {
			return err
		}
		if ok {
			if until := quietUntil(h, now, a.Location); !until.IsZero() {
				e.NotBefore = until
			}
		}
		return a.mail(ctx, tx, e, now)
	})
	return sent, err
}

// purgeNotifications applies the notifications' retention (housekeeping).
func (a *App) purgeNotifications(ctx context.Context, now time.Time) (int64, error) {
	return store.PurgeNotifications(ctx, a.db.W, now.Add(-NotificationRetention), now.Add(-30*24*time.Hour))
}
