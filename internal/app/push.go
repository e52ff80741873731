package app

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"time"

	"cubby/internal/db"
	"cubby/internal/notify/webpush"
	"cubby/internal/store"
)

// Web push (issue 14). A person turns notifications on for a browser or
// the installed app; the browser hands Cubby a subscription (an endpoint
// at its maker's push service and keys), which is device information the
// inventory declares (push_subscriptions.yaml): shown to the person in
// their settings, removed there, at logout on that device, and after 60
// days unused. A push carries only a notification's kind and id,
// encrypted for the device: no names, no message text, no child data. The
// service worker shows a generic line in the person's language and opens
// Cubby, which shows the rest to whoever is logged in.

// Push holds web push's settings and sender.
type Push struct {
	// Sender delivers pushes; nil turns push off (no VAPID key).
	Sender *webpush.Sender
	// Policy decides which endpoints a subscription may name; the same
	// policy guards the sender's connections.
	Policy webpush.Policy
	// MaxPerPerson is how many devices one person may subscribe; more is
	// refused (a flood), until they remove one.
	MaxPerPerson int
	// AppVersion is Cubby's release, recorded with subscriptions and
	// error reports.
	AppVersion string
	// Unused is how long a subscription may go unused before
	// housekeeping deletes it (the inventory says 60 days).
	Unused time.Duration
	// Workers is how many pushes are sent at once.
	Workers int
}

// Defaults of Push.
const (
	DefaultMaxPushDevices = 10
	DefaultPushUnused     = 60 * 24 * time.Hour
	// ClientErrorRetention is how long error reports are kept.
	ClientErrorRetention = 30 * 24 * time.Hour
)

// PushKey is the VAPID public key browsers subscribe with, or "" when
// push is off.
func (a *App) PushKey() string {
	if a.Push.Sender == nil {
		return ""
	}
	return a.Push.Sender.VAPID.PublicKeyString()
}

// PushInput is a subscription as a browser gives it
// (PushSubscription.toJSON()), with the User-Agent it came with.
type PushInput struct {
	Endpoint  string
	P256dh    string
	Auth      string
	UserAgent string
}

// Device is one of a person's subscribed devices, as their settings show
// it.
type Device struct {
	ID         int64
	Platform   string // "" when unknown
	Browser    string
	AppVersion string
	CreatedAt  time.Time
	LastUsedAt time.Time
	// Current: subscribed from the login this request came with.
	Current bool
}

// SubscribePush stores (or renews) the session's browser's subscription.
// An endpoint that is not https, or that resolves into a private,
// loopback or link-local network, malformed keys, and one device more
// than MaxPerPerson are refused and nothing is stored.
func (a *App) SubscribePush(ctx context.Context, s *Session, in PushInput) (Device, error) {
	if a.Push.Sender == nil {
		return Device{}, &RefusedError{Key: "push.off", Err: ErrConflict}
	}
	v := &ValidationError{}
	endpoint := strings.TrimSpace(in.Endpoint)
	if endpoint == "" {
		v.Add("endpoint", "push.endpoint_missing")
	} else if _, err := a.Push.Policy.CheckEndpoint(ctx, endpoint); err != nil {
		v.Add("endpoint", endpointKey(err))
	}
	pub, secret, err := webpush.ParseKeys(in.P256dh, in.Auth)
	if err != nil {
		v.Add("keys", "push.keys_invalid")
	}
	if err := v.Err(); err != nil {
		return Device{}, err
	}
	now := a.Now()
	sub := store.PushSubscription{UserID: s.User.ID, SessionID: s.ID, Endpoint: endpoint,
		P256dh: webpush.Encode(pub), Auth: webpush.Encode(secret),
		Platform: PlatformOf(in.UserAgent), Browser: BrowserFamilyOf(in.UserAgent), AppVersion: a.Push.AppVersion,
		CreatedAt: now, LastUsedAt: now}
	err = a.db.Tx(ctx, func(tx db.Querier) error {
		old, err := store.PushSubscriptionByEndpoint(ctx, tx, endpoint)
		renewal := err == nil && old.UserID == s.User.ID
		if err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		if !renewal {
			n, err := store.CountPushSubscriptions(ctx, tx, s.User.ID)
			if err != nil {
				return err
			}
			if n >= a.maxPushDevices() {
				return &RefusedError{Key: "push.too_many", Err: ErrConflict}
			}
		}
		sub.ID, err = store.SavePushSubscription(ctx, tx, &sub)
		return err
	})
	if err != nil {
		return Device{}, err
	}
	return deviceOf(sub, s.ID), nil
}

func (a *App) maxPushDevices() int {
	if a.Push.MaxPerPerson > 0 {
		return a.Push.MaxPerPerson
	}
	return DefaultMaxPushDevices
}

// endpointKey is the message for a refused endpoint.
func endpointKey(err error) string {
	switch {
	case errors.Is(err, webpush.ErrEndpointHTTPS):
		return "push.endpoint_https"
	case errors.Is(err, webpush.ErrEndpointPrivate):
		return "push.endpoint_private"
	case errors.Is(err, webpush.ErrEndpointUnknown):
		return "push.endpoint_unknown"
	default:
		return "push.endpoint_invalid"
	}
}

// UnsubscribePush deletes the session's browser's subscription by its
// endpoint (the browser turned notifications off). Unknown endpoints are
// fine: there is nothing to delete.
func (a *App) UnsubscribePush(ctx context.Context, s *Session, endpoint string) error {
	if len(endpoint) > webpush.MaxEndpoint {
		return nil
	}
	_, err := store.DeletePushSubscriptionByEndpoint(ctx, a.db.W, s.User.ID, strings.TrimSpace(endpoint))
	return err
}

// Devices lists the person's subscribed devices.
func (a *App) Devices(ctx context.Context, s *Session) ([]Device, error) {
	subs, err := store.PushSubscriptionsOf(ctx, a.db.R, s.User.ID)
	if err != nil {
		return nil, err
	}
	out := make([]Device, 0, len(subs))
	for _, p := range subs {
		out = append(out, deviceOf(p, s.ID))
	}
	return out, nil
}

// RemoveDevice deletes one of the person's devices; another person's, or
// none, is not found.
func (a *App) RemoveDevice(ctx context.Context, s *Session, id int64) error {
	ok, err := store.DeletePushSubscription(ctx, a.db.W, s.User.ID, id)
	if err != nil {
		return err
	}
	if !ok {
		return ErrNotFound
	}
	return nil
}

// TouchDevice records that the person opened Cubby on the device whose
// subscription has endpoint (at most once a day). It reports whether the
// device is theirs: a browser whose subscription Cubby no longer has
// (removed in settings, or by housekeeping) subscribes again.
func (a *App) TouchDevice(ctx context.Context, s *Session, endpoint string) (bool, error) {
	if len(endpoint) > webpush.MaxEndpoint {
		return false, nil
	}
	return store.TouchPushSubscription(ctx, a.db.W, s.User.ID, endpoint, a.Now())
}

func deviceOf(p store.PushSubscription, sessionID string) Device {
	return Device{ID: p.ID, Platform: p.Platform, Browser: p.Browser, AppVersion: p.AppVersion,
		CreatedAt: p.CreatedAt, LastUsedAt: p.LastUsedAt, Current: p.SessionID != "" && p.SessionID == sessionID}
}

// PushPayload is everything a push carries.
type PushPayload struct {
	Kind string `json:"kind"`
	ID   int64  `json:"id"`
}

// PushReport is what one run of SendDuePushes did.
type PushReport struct {
	Notifications int // claimed
	Sent          int // pushes the push service accepted
	Gone          int // expired subscriptions deleted
	Failed        int
}

// SendDuePushes pushes every notification whose push is due now (the
// notification centre sets push_due_at: at once, or when the person's
// quiet hours end) to each of its person's devices. A subscription the
// push service no longer knows (404, 410) is deleted. It returns when the
// due ones are done; the worker (RunPushWorker) calls it every few
// seconds, tests with a simulated clock.
func (a *App) SendDuePushes(ctx context.Context) (PushReport, error) {
	var rep PushReport
	if a.Push.Sender == nil {
		return rep, nil
	}
	for {
		now := a.Now()
		due, err := store.ClaimDuePushes(ctx, a.db.W, now, 200)
		if err != nil || len(due) == 0 {
			return rep, err
		}
		rep.Notifications += len(due)
		users := make([]int64, 0, len(due))
		for _, d := range due {
			users = append(users, d.UserID)
		}
		subs, err := store.PushSubscriptionsOfUsers(ctx, a.db.R, users)
		if err != nil {
			return rep, err
		}
		var jobs []pushJob
		for _, d := range due {
			payload, _ := json.Marshal(PushPayload{Kind: d.Kind, ID: d.ID})
			for _, s := range subs[d.UserID] {
				jobs = append(jobs, pushJob{s, payload})
			}
		}
		a.deliverPushes(ctx, jobs, now, &rep)
		if ctx.Err() != nil {
			return rep, ctx.Err()
		}
	}
}

// SendPush sends payload to each of a person's devices now, whatever
// their notification settings: for tests and the notification centre's
// own decisions.
func (a *App) SendPush(ctx context.Context, userID int64, p PushPayload) (PushReport, error) {
	var rep PushReport
	if a.Push.Sender == nil {
		return rep, nil
	}
	subs, err := store.PushSubscriptionsOf(ctx, a.db.R, userID)
	if err != nil {
		return rep, err
	}
	payload, err := json.Marshal(p)
	if err != nil {
		return rep, err
	}
	var jobs []pushJob
	for _, s := range subs {
		jobs = append(jobs, pushJob{s, payload})
	}
	a.deliverPushes(ctx, jobs, a.Now(), &rep)
	return rep, ctx.Err()
}

type pushJob struct {
	sub     store.PushSubscription
	payload []byte
}

// deliverPushes sends the jobs with Push.Workers at once and counts the
// outcomes into rep.
func (a *App) deliverPushes(ctx context.Context, jobs []pushJob, now time.Time, rep *PushReport) {
	var mu sync.Mutex
	work := make(chan pushJob)
	var wg sync.WaitGroup
	for range max(1, min(a.Push.Workers, len(jobs))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range work {
				sent, gone := a.pushOne(ctx, j.sub, j.payload, now)
				mu.Lock()
				switch {
				case sent:
					rep.Sent++
				case gone:
					rep.Gone++
				default:
					rep.Failed++
				}
				mu.Unlock()
			}
		}()
	}
	for _, j := range jobs {
		work <- j
	}
	close(work)
	wg.Wait()
}

// pushOne sends one push. It logs the outcome by status only: never the
// endpoint, the person or the payload.
func (a *App) pushOne(ctx context.Context, sub store.PushSubscription, payload []byte, now time.Time) (sent, gone bool) {
	pub, secret, err := webpush.ParseKeys(sub.P256dh, sub.Auth)
	if err != nil {
		a.Log.Warn("push: stored keys unreadable", "subscription", sub.ID)
		return false, false
	}
	// The VAPID token is dated by the wall clock, not the app's (which tests
	// move): the push service checks it against its own.
	res, err := a.Push.Sender.Send(ctx, webpush.Subscription{Endpoint: sub.Endpoint, P256dh: pub, Auth: secret}, payload, "normal", time.Now())
	switch {
	case err == nil:
		return true, false
	case errors.Is(err, webpush.ErrGone):
		if err := store.DeleteGonePushSubscription(ctx, a.db.W, sub.ID); err != nil {
			a.Log.Error("push: delete expired subscription", "err", err)
		}
		return false, true
	default:
		a.Log.Warn("push failed", "subscription", sub.ID, "status", res.Status, "err", safePushError(err))
		return false, false
	}
}

// safePushError is an error's class, without the endpoint a network
// error quotes.
func safePushError(err error) string {
	switch {
	case errors.Is(err, webpush.ErrEndpointPrivate):
		return "endpoint now resolves to a private address"
	case errors.Is(err, webpush.ErrEndpointUnknown):
		return "endpoint does not resolve"
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	}
	var text = err.Error()
	if strings.HasPrefix(text, "webpush: push service answered") {
		return text
	}
	return "network error"
}

// RunPushWorker sends due pushes every interval until ctx ends.
func (a *App) RunPushWorker(ctx context.Context, interval time.Duration) {
	if a.Push.Sender == nil {
		return
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if rep, err := a.SendDuePushes(ctx); err != nil && ctx.Err() == nil {
			a.Log.Error("push worker", "err", err)
		} else if rep.Notifications > 0 {
			a.Log.Info("pushes", "notifications", rep.Notifications, "sent", rep.Sent, "expired", rep.Gone, "failed", rep.Failed)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// purgeDevices is housekeeping's part: subscriptions unused for 60 days
// and error reports older than 30.
func (a *App) purgeDevices(ctx context.Context, now time.Time) (devices, reports int64, err error) {
	unused := a.Push.Unused
	if unused <= 0 {
		unused = DefaultPushUnused
	}
	if devices, err = store.DeleteUnusedPushSubscriptions(ctx, a.db.W, now.Add(-unused)); err != nil {
		return 0, 0, err
	}
	reports, err = store.DeleteClientErrorsBefore(ctx, a.db.W, now.Add(-ClientErrorRetention))
	return devices, reports, err
}

// PlatformOf reduces a User-Agent to the system's family, or "".
func PlatformOf(ua string) string {
	switch {
	case strings.Contains(ua, "Android"):
		return "Android"
	case strings.Contains(ua, "iPhone"), strings.Contains(ua, "iPad"), strings.Contains(ua, "iPod"):
		return "iOS"
	case strings.Contains(ua, "CrOS"):
		return "ChromeOS"
	case strings.Contains(ua, "Windows"):
		return "Windows"
	case strings.Contains(ua, "Macintosh"), strings.Contains(ua, "Mac OS X"):
		return "macOS"
	case strings.Contains(ua, "Linux"), strings.Contains(ua, "X11"):
		return "Linux"
	}
	return ""
}

// BrowserFamilyOf reduces a User-Agent to the browser's family, without
// its version, or "".
func BrowserFamilyOf(ua string) string {
	for _, b := range []struct{ token, name string }{
		{"Edg", "Edge"}, {"OPR/", "Opera"}, {"SamsungBrowser/", "Samsung Internet"}, {"Firefox/", "Firefox"},
		{"FxiOS/", "Firefox"}, {"CriOS/", "Chrome"}, {"Chrome/", "Chrome"}, {"Chromium/", "Chromium"}, {"Safari/", "Safari"},
	} {
		if strings.Contains(ua, b.token) {
			return b.name
		}
	}
	return ""
}
