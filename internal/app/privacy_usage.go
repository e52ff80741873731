package app

import (
	"context"
	"strings"
	"sync"
	"time"

	"cubby/internal/db"
	"cubby/internal/store"
)

// Request logs and product usage (first-party only). Every request leaves
// one line: the route's pattern, status, timing, the address shortened to
// its network and the browser family — for security and quality of
// service, kept as long as the inventory's request_log entry says. Requests
// by logged-in people who have not opted out (and are not students whose
// processing is restricted) also add one to the day's count for that
// feature; no count names or counts a person. Both are buffered in memory
// and written in batches, so a request never waits for the database.

// maxBuffered bounds the buffer if the database is unreachable for long:
// lines beyond it are dropped and counted, never kept unbounded.
const maxBuffered = 10000

// usageCacheTTL is how long a person's opt-out is remembered in memory.
const usageCacheTTL = 5 * time.Minute

type recorder struct {
	mu      sync.Mutex
	lines   []store.RequestLine
	usage   map[[2]string]int
	dropped int
	optOut  map[int64]optOutEntry
}

type optOutEntry struct {
	out bool
	at  time.Time
}

func (a *App) rec() *recorder {
	a.Privacy.recOnce.Do(func() {
		a.Privacy.rec = &recorder{usage: map[[2]string]int{}, optOut: map[int64]optOutEntry{}}
	})
	return a.Privacy.rec
}

// RecordRequest buffers one request's line, and counts its feature for a
// logged-in person (userID > 0) who has not opted out. Only successful
// requests to real routes count as use.
func (a *App) RecordRequest(ctx context.Context, line store.RequestLine, userID int64) {
	r := a.rec()
	count := userID != 0 && line.Status < 400 && countable(line.Route) && !a.optedOut(ctx, r, userID)
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.lines) >= maxBuffered {
		r.dropped++
		return
	}
	r.lines = append(r.lines, line)
	if count {
		r.usage[[2]string{line.At.UTC().Format(time.DateOnly), line.Route}]++
	}
}

// countable leaves out what is not a feature: assets, health checks,
// metrics and unmatched paths.
func countable(route string) bool {
	for _, skip := range []string{"/static/", "/healthz", "/readyz", "/metrics", "unmatched"} {
		if strings.Contains(route, skip) {
			return false
		}
	}
	return route != ""
}

func (a *App) optedOut(ctx context.Context, r *recorder, userID int64) bool {
	now := time.Now()
	r.mu.Lock()
	e, ok := r.optOut[userID]
	r.mu.Unlock()
	if ok && now.Sub(e.at) < usageCacheTTL {
		return e.out
	}
	// Opted out, or a student whose processing is restricted
	// (restriction.go): either way, not counted.
	out, err := store.UsageExcluded(ctx, a.db.R, userID)
	if err != nil {
		out = true // when in doubt, do not count
	}
	r.mu.Lock()
	r.optOut[userID] = optOutEntry{out: out, at: now}
	r.mu.Unlock()
	return out
}

// FlushRequestLog writes the buffered lines and counts.
func (a *App) FlushRequestLog(ctx context.Context) error {
	r := a.rec()
	r.mu.Lock()
	lines, usage, dropped := r.lines, r.usage, r.dropped
	r.lines, r.usage, r.dropped = nil, map[[2]string]int{}, 0
	r.mu.Unlock()
	if dropped > 0 {
		a.Log.Warn("request log buffer full; lines dropped", "dropped", dropped)
	}
	if len(lines) == 0 && len(usage) == 0 {
		return nil
	}
	return a.db.Tx(ctx, func(tx db.Querier) error { return store.WriteRequestLog(ctx, tx, lines, usage) })
}

// UsageCounting reports whether the actor is counted in usage statistics.
func (a *App) UsageCounting(ctx context.Context, s *Session) (bool, error) {
	out, err := store.UsageOptedOut(ctx, a.db.R, s.User.ID)
	return !out, err
}

// SetUsageCounting turns the actor's counting on or off; it takes effect
// at once.
func (a *App) SetUsageCounting(ctx context.Context, s *Session, on bool) error {
	var at *time.Time
	if !on {
		now := a.Now()
		at = &now
	}
	if err := store.SetUsageOptOut(ctx, a.db.W, s.User.ID, at); err != nil {
		return err
	}
	r := a.rec()
	r.mu.Lock()
	delete(r.optOut, s.User.ID)
	r.mu.Unlock()
	return nil
}

// UsageStats returns the daily counts since a day (YYYY-MM-DD), for the
// operator's view of which features are used.
func (a *App) UsageStats(ctx context.Context, fromDay string) ([]store.UsageCount, error) {
	return store.UsageCounts(ctx, a.db.R, fromDay)
}
