package app_test

import (
	"testing"
	"time"

	"cubby/internal/app"
	"cubby/internal/notify"
)

// touchNotifications gives the privacy fixture's parent every kind of
// notification data: choices, a notification read, one due for push and
// pushed, and one sent in a daily digest.
func touchNotifications(t *testing.T, f *family) {
	t.Helper()
	ctx, a, env := f.ctx, f.env.App, f.env
	must(t, a.SetNotificationPrefs(ctx, f.parent, map[string]string{notify.KindStory: notify.PrefPush, notify.KindPoints: notify.PrefDigest}))
	// The fixture's point reaches the parent after its undo window.
	now := a.Now()
	at(env, now.Add(app.RecordGrace+time.Second))
	_, err := a.RunNotificationJobs(ctx)
	must(t, err)
	// A story notification due for push, which the push worker sent.
	must(t, a.Notify(ctx, env.DB.W, app.Notice{Kind: notify.KindStory, SchoolID: f.schoolID, RefID: 1, ActorID: f.teacherID, To: []int64{f.parentID}}))
	_, err = env.DB.W.Exec(`UPDATE notifications SET pushed_at = push_due_at WHERE user_id = $1 AND push_due_at IS NOT NULL`, f.parentID)
	must(t, err)
	page, err := a.MyNotifications(ctx, f.parent, "", 10)
	must(t, err)
	if len(page.Items) == 0 {
		t.Fatal("the fixture's parent has no notifications")
	}
	_, err = a.ReadNotification(ctx, f.parent, page.Items[0].ID)
	must(t, err)
	// The daily digest, from the digest hour of the present hour.
	hour := now.In(a.Location).Hour()
	if hour == 0 {
		at(env, now.Add(time.Hour+app.RecordGrace))
		hour = 1
	}
	a.Notifications.DigestHour = hour
	n, err := a.SendDigests(ctx)
	must(t, err)
	if n == 0 {
		t.Fatal("no digest for the fixture's parent")
	}
	a.Notifications.DigestHour = 0
	a.SetClock(time.Now)
}
