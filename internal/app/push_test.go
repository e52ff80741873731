package app_test

import (
	"context"
	"crypto/ecdh"
	"crypto/rand"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"cubby/internal/app"
	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/notify/webpush"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

const (
	androidChrome = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36"
	iPhoneSafari  = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
	desktopFF     = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
)

func uaKey(t *testing.T) *ecdh.PrivateKey {
	t.Helper()
	k, err := ecdh.P256().GenerateKey(rand.Reader)
	must(t, err)
	return k
}

// validInput is a subscription whose keys are well formed, at an
// endpoint of this machine (allowed in tests).
func validInput(t *testing.T, endpoint, ua string) app.PushInput {
	auth := make([]byte, 16)
	rand.Read(auth)
	return app.PushInput{Endpoint: endpoint, P256dh: webpush.Encode(uaKey(t).PublicKey().Bytes()), Auth: webpush.Encode(auth), UserAgent: ua}
}

func countSubs(t *testing.T, env *testenv.Env) int {
	t.Helper()
	var n int
	must(t, env.DB.R.QueryRow(`SELECT count(*) FROM push_subscriptions`).Scan(&n))
	return n
}

// Subscribing stores what the inventory declares and no more: the
// browser's and system's families from the User-Agent, Cubby's version,
// the login; the settings list it as this device; subscribing again from
// the same browser keeps one row; removing, logging out and 60 days
// unused delete it.
func TestPushSubscriptionLifecycle(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env := testenv.New(t, d)
			a := env.App
			start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
			at(env, start)
			parent := session(t, env, demo.ParentEmail)

			phone, err := a.SubscribePush(ctx, parent, validInput(t, "http://127.0.0.1:9/push/phone", androidChrome))
			must(t, err)
			if phone.Platform != "Android" || phone.Browser != "Chrome" || phone.AppVersion != "test" || !phone.Current {
				t.Errorf("device %+v", phone)
			}
			var ua string
			must(t, env.DB.R.QueryRow(`SELECT platform || '/' || browser FROM push_subscriptions WHERE id = $1`, phone.ID).Scan(&ua))
			if ua != "Android/Chrome" {
				t.Errorf("stored %q: more than the families", ua)
			}
			// The same browser again (new keys): still one device.
			again, err := a.SubscribePush(ctx, parent, validInput(t, "http://127.0.0.1:9/push/phone", androidChrome))
			must(t, err)
			if again.ID != phone.ID || countSubs(t, env) != 1 {
				t.Errorf("renewal made a second row: %d, %d rows", again.ID, countSubs(t, env))
			}
			// Another login of the parent's, on a laptop.
			laptop := session(t, env, demo.ParentEmail)
			lap, err := a.SubscribePush(ctx, laptop, validInput(t, "http://127.0.0.1:9/push/laptop", desktopFF))
			must(t, err)
			list, err := a.Devices(ctx, parent)
			must(t, err)
			if len(list) != 2 || list[0].Current == list[1].Current {
				t.Fatalf("devices %+v", list)
			}
			for _, dev := range list {
				if dev.Current != (dev.ID == phone.ID) {
					t.Errorf("device %d current %v from the phone's login", dev.ID, dev.Current)
				}
			}
			// Someone else cannot remove them.
			teacher := session(t, env, demo.TeacherEmail)
			if err := a.RemoveDevice(ctx, teacher, phone.ID); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("a teacher removed a parent's device: %v", err)
			}
			// Logging out on the laptop deletes its subscription only.
			lapToken := loginToken(t, env, demo.ParentEmail)
			lapSess := sessionOf(t, env, lapToken)
			_, err = a.SubscribePush(ctx, lapSess, validInput(t, "http://127.0.0.1:9/push/tablet", iPhoneSafari))
			must(t, err)
			must(t, a.Logout(ctx, lapToken))
			if _, err := store.PushSubscriptionByEndpoint(ctx, env.DB.R, "http://127.0.0.1:9/push/tablet"); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("logging out left the device's subscription: %v", err)
			}
			// Removing from the settings.
			must(t, a.RemoveDevice(ctx, parent, lap.ID))
			if err := a.RemoveDevice(ctx, parent, lap.ID); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("removing twice: %v", err)
			}
			// Opening Cubby on the phone on day 59 keeps it; 60 days unused
			// after that, housekeeping deletes it.
			at(env, start.Add(59*24*time.Hour))
			known, err := a.TouchDevice(ctx, parent, "http://127.0.0.1:9/push/phone")
			if err != nil || !known {
				t.Fatalf("touch: %v %v", known, err)
			}
			at(env, start.Add(59*24*time.Hour+60*24*time.Hour-time.Hour))
			must(t, a.Housekeeping(ctx))
			if countSubs(t, env) != 1 {
				t.Fatal("housekeeping deleted a device used within 60 days")
			}
			at(env, start.Add(59*24*time.Hour+60*24*time.Hour+time.Hour))
			must(t, a.Housekeeping(ctx))
			if countSubs(t, env) != 0 {
				t.Error("a device unused for 60 days was kept")
			}
			if known, _ := a.TouchDevice(ctx, parent, "http://127.0.0.1:9/push/phone"); known {
				t.Error("a deleted device is still known")
			}
		})
	}
}

func loginToken(t *testing.T, env *testenv.Env, who string) string {
	t.Helper()
	token, _, err := env.App.Login(context.Background(), app.Credentials{Login: who, Password: demo.Password})
	must(t, err)
	return token
}

// Bad subscriptions are refused with the field's message and nothing is
// stored: endpoints that are not https or reach into a private network
// (production's policy), malformed keys, a person's eleventh device.
func TestPushSubscriptionRefusals(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env := testenv.New(t, d)
			a := env.App
			parent := session(t, env, demo.ParentEmail)
			local := a.Push.Policy
			a.Push.Policy = webpush.Policy{} // production: https and public addresses only
			good := validInput(t, "", androidChrome)
			for _, c := range []struct {
				name, endpoint, p256dh, auth, field, key string
			}{
				{"plain http", "http://push.example.net/x", good.P256dh, good.Auth, "endpoint", "push.endpoint_https"},
				{"loopback", "https://127.0.0.1/x", good.P256dh, good.Auth, "endpoint", "push.endpoint_private"},
				{"localhost", "https://localhost:8443/x", good.P256dh, good.Auth, "endpoint", "push.endpoint_private"},
				{"private network", "https://10.0.0.7/wpush", good.P256dh, good.Auth, "endpoint", "push.endpoint_private"},
				{"cloud metadata", "https://169.254.169.254/latest/meta-data/", good.P256dh, good.Auth, "endpoint", "push.endpoint_private"},
				{"IPv6 link-local", "https://[fe80::1]/x", good.P256dh, good.Auth, "endpoint", "push.endpoint_private"},
				{"not a URL", "push service", good.P256dh, good.Auth, "endpoint", "push.endpoint_invalid"},
				{"missing", "", good.P256dh, good.Auth, "endpoint", "push.endpoint_missing"},
				{"short key", "https://8.8.8.8/x", "BCVx", good.Auth, "keys", "push.keys_invalid"},
				{"key off the curve", "https://8.8.8.8/x", webpush.Encode(append([]byte{4}, make([]byte, 64)...)), good.Auth, "keys", "push.keys_invalid"},
				{"short auth", "https://8.8.8.8/x", good.P256dh, "AAAA", "keys", "push.keys_invalid"},
			} {
				_, err := a.SubscribePush(ctx, parent, app.PushInput{Endpoint: c.endpoint, P256dh: c.p256dh, Auth: c.auth, UserAgent: androidChrome})
				if got := fieldKey(t, err, c.field); got != c.key {
					t.Errorf("%s: %s = %q, want %q", c.name, c.field, got, c.key)
				}
			}
			if n := countSubs(t, env); n != 0 {
				t.Fatalf("%d refused subscriptions stored", n)
			}
			// A flood: ten devices, then the eleventh is refused.
			a.Push.Policy = local
			for i := range app.DefaultMaxPushDevices {
				_, err := a.SubscribePush(ctx, parent, validInput(t, "http://127.0.0.1:9/push/"+itoa(int64(i)), androidChrome))
				must(t, err)
			}
			_, err := a.SubscribePush(ctx, parent, validInput(t, "http://127.0.0.1:9/push/eleventh", androidChrome))
			if key := refusedKey(t, err); key != "push.too_many" || !errors.Is(err, app.ErrConflict) {
				t.Errorf("eleventh device: %v", err)
			}
			// Renewing one of the ten still works.
			if _, err := a.SubscribePush(ctx, parent, validInput(t, "http://127.0.0.1:9/push/3", androidChrome)); err != nil {
				t.Errorf("renewal at the limit: %v", err)
			}
			if n := countSubs(t, env); n != app.DefaultMaxPushDevices {
				t.Errorf("%d rows after the flood", n)
			}
		})
	}
}

// A push goes through a real push service (web-push-testing), which checks
// the VAPID signature, decrypts the aes128gcm body and keeps the
// plaintext: it is the kind and the id, nothing personal. A subscription
// the service expired (410) is deleted.
func TestPushThroughARealPushService(t *testing.T) {
	t.Parallel()
	svc := testenv.StartPushService(t)
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env := testenv.New(t, d)
			a := env.App
			parent := session(t, env, demo.ParentEmail)
			sub := svc.Subscribe(t, a.PushKey())
			_, err := a.SubscribePush(ctx, parent, app.PushInput{Endpoint: sub.Endpoint, P256dh: sub.Keys.P256dh, Auth: sub.Keys.Auth, UserAgent: androidChrome})
			must(t, err)

			res, err := a.SendPush(ctx, parent.User.ID, app.PushPayload{Kind: "message", ID: 4242})
			must(t, err)
			if res.Sent != 1 {
				t.Fatalf("push report %+v", res)
			}
			msgs := svc.Messages(t, sub)
			if len(msgs) != 1 {
				t.Fatalf("the service received %d messages", len(msgs))
			}
			var got map[string]any
			if err := json.Unmarshal([]byte(msgs[0]), &got); err != nil {
				t.Fatalf("payload %q: %v", msgs[0], err)
			}
			if len(got) != 2 || got["kind"] != "message" || got["id"] != float64(4242) {
				t.Errorf("payload %q holds more than kind and id", msgs[0])
			}
			assertNothingPersonal(t, env, msgs[0])

			svc.Expire(t, sub)
			res, err = a.SendPush(ctx, parent.User.ID, app.PushPayload{Kind: "message", ID: 4243})
			must(t, err)
			if res.Gone != 1 || countSubs(t, env) != 0 {
				t.Errorf("an expired subscription was kept: %+v, %d rows", res, countSubs(t, env))
			}
		})
	}
}

// assertNothingPersonal fails if text holds any account's name or email
// address (students' accounts included).
func assertNothingPersonal(t *testing.T, env *testenv.Env, text string) {
	t.Helper()
	rows, err := env.DB.R.Query(`SELECT first_name, last_name, COALESCE(email, '') FROM users`)
	must(t, err)
	defer rows.Close()
	for rows.Next() {
		var first, last, email string
		must(t, rows.Scan(&first, &last, &email))
		for _, w := range []string{first, last, email} {
			if len(w) > 2 && strings.Contains(strings.ToLower(text), strings.ToLower(w)) {
				t.Errorf("payload %q holds %q", text, w)
			}
		}
	}
}

// Error reports keep no account, no query string and no email address,
// and none is kept where the person's school turned reports off.
func TestClientErrorReports(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env := testenv.New(t, d)
			a := env.App
			parent := session(t, env, demo.ParentEmail)
			stored, err := a.ReportClientError(ctx, parent, app.ClientErrorInput{
				Message:   "TypeError: cannot read ava.martin@example.org of undefined at https://cubby.example/children/12?token=s3cret#x",
				Stack:     "award@https://cubby.example/static/classroom.3f2a.js?v=2:120:17\nonclick@https://cubby.example/classes/9?student=Ava:1:1",
				UserAgent: androidChrome})
			if err != nil || !stored {
				t.Fatalf("report: %v %v", stored, err)
			}
			var msg, stack, browser string
			must(t, env.DB.R.QueryRow(`SELECT message, stack, browser FROM client_errors`).Scan(&msg, &stack, &browser))
			for _, bad := range []string{"ava.martin", "s3cret", "token", "cubby.example", "student=", "Ava"} {
				if strings.Contains(msg+stack, bad) {
					t.Errorf("kept %q:\n%s\n%s", bad, msg, stack)
				}
			}
			if !strings.Contains(stack, "/static/classroom.3f2a.js:120:17") || browser != "Chrome" {
				t.Errorf("lost where it happened: %q, %q", stack, browser)
			}
			if _, err := a.ReportClientError(ctx, parent, app.ClientErrorInput{Message: "   "}); fieldKey(t, err, "message") != "push.report_empty" {
				t.Errorf("empty report: %v", err)
			}
			// The school turns reports off: nothing more is kept.
			leader := session(t, env, demo.LeaderEmail)
			school := leader.Actor.SchoolIDs()[0]
			teacher := session(t, env, demo.TeacherEmail)
			if err := a.SetErrorReports(ctx, teacher, school, false); !errors.Is(err, app.ErrForbidden) {
				t.Errorf("a teacher changed the setting: %v", err)
			}
			must(t, a.SetErrorReports(ctx, leader, school, false))
			parent = session(t, env, demo.ParentEmail)
			stored, err = a.ReportClientError(ctx, parent, app.ClientErrorInput{Message: "ReferenceError: y"})
			if err != nil || stored {
				t.Errorf("reported with reports off: %v %v", stored, err)
			}
			var n int
			must(t, env.DB.R.QueryRow(`SELECT count(*) FROM client_errors`).Scan(&n))
			if n != 1 {
				t.Errorf("%d reports", n)
			}
			// Kept 30 days.
			at(env, a.Now().Add(31*24*time.Hour))
			must(t, a.Housekeeping(ctx))
			must(t, env.DB.R.QueryRow(`SELECT count(*) FROM client_errors`).Scan(&n))
			if n != 0 {
				t.Error("a report outlived 30 days")
			}
		})
	}
}

func TestDeviceFamilies(t *testing.T) {
	for ua, want := range map[string]string{
		androidChrome: "Android/Chrome",
		iPhoneSafari:  "iOS/Safari",
		desktopFF:     "Linux/Firefox",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0": "Windows/Edge",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15":            "macOS/Safari",
		"curl/8.0": "/",
	} {
		if got := app.PlatformOf(ua) + "/" + app.BrowserFamilyOf(ua); got != want {
			t.Errorf("%s: %s, want %s", ua, got, want)
		}
	}
}

// Quiet hours hold a push until they end: the notification centre sets
// push_due_at to the end of the person's quiet hours, and the push worker
// (simulated clock) sends nothing before then and the push after, once.
func TestPushWaitsForTheEndOfQuietHours(t *testing.T) {
	t.Parallel()
	svc := testenv.StartPushService(t)
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env := testenv.New(t, d)
			a := env.App
			evening := time.Date(2026, 3, 3, 21, 30, 0, 0, time.UTC)
			at(env, evening)
			parent := session(t, env, demo.ParentEmail)
			sub := svc.Subscribe(t, a.PushKey())
			_, err := a.SubscribePush(ctx, parent, app.PushInput{Endpoint: sub.Endpoint, P256dh: sub.Keys.P256dh, Auth: sub.Keys.Auth, UserAgent: androidChrome})
			must(t, err)
			morning := time.Date(2026, 3, 4, 7, 0, 0, 0, time.UTC) // when the quiet hours end
			var id int64
			must(t, env.DB.W.QueryRowContext(ctx, `INSERT INTO notifications (user_id, kind, ref_id, created_at, push_due_at)
				VALUES ($1, 'message', 7, $2, $3) RETURNING id`, parent.User.ID, evening, morning).Scan(&id))

			rep, err := a.SendDuePushes(ctx)
			must(t, err)
			if rep.Notifications != 0 || len(svc.Messages(t, sub)) != 0 {
				t.Fatalf("pushed during quiet hours: %+v", rep)
			}
			at(env, morning.Add(-time.Minute))
			if rep, _ := a.SendDuePushes(ctx); rep.Notifications != 0 {
				t.Fatalf("pushed a minute early: %+v", rep)
			}
			at(env, morning)
			rep, err = a.SendDuePushes(ctx)
			must(t, err)
			if rep.Sent != 1 {
				t.Fatalf("at the end of quiet hours: %+v", rep)
			}
			msgs := svc.Messages(t, sub)
			if len(msgs) != 1 || msgs[0] != `{"kind":"message","id":`+itoa(id)+`}` {
				t.Errorf("received %q", msgs)
			}
			if rep, _ := a.SendDuePushes(ctx); rep.Notifications != 0 {
				t.Errorf("pushed twice: %+v", rep)
			}
			var pushed *time.Time
			must(t, env.DB.R.QueryRow(`SELECT pushed_at FROM notifications WHERE id = $1`, id).Scan(&pushed))
			if pushed == nil || !pushed.Equal(morning) {
				t.Errorf("pushed_at %v", pushed)
			}
		})
	}
}
