package app

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"time"

	"cubby/internal/db"
	"cubby/internal/privacy"
	"cubby/internal/store"
)

// After a material change of the privacy notice (INV-7), the people whose
// account type it concerns see a banner on every page until they say they
// have read it, and product news stays off for those whose consent was
// given before the change until they agree again. The check runs on every
// page, so the archive is cached in memory and a person's side costs one
// indexed query, and none at all when no material change came after their
// account was made.

// PendingNotice is a material change of the notice a person has not
// acknowledged.
type PendingNotice struct {
	// Version is the notice as it is now: acknowledging records it.
	Version string
	// EffectiveAt is when the latest unacknowledged change took effect.
	EffectiveAt time.Time
	// Changes are what changed that concerns the person's account type,
	// over every change they have not acknowledged. Empty when only their
	// product news is paused.
	Changes privacy.NoticeChanges
	// NewsPaused: the person's consent to product news was given before
	// the change, so no news goes out until they agree again.
	NewsPaused bool
}

// noticeRefresh bounds how long a cached archive is trusted: another
// server over the same database may have recorded a version meanwhile.
const noticeRefresh = 5 * time.Minute

// noticeCache is the archive as the banner check needs it.
type noticeCache struct {
	mu       sync.Mutex
	state    *noticeState
	loadedAt time.Time
	gen      int // bumped by every invalidation, so a load racing one is not kept
}

type noticeState struct {
	current  string               // the newest version
	at       map[string]time.Time // when each version took effect
	covered  map[string]bool      // versions since the latest material change (coveredVersions)
	material []materialChange     // newest first
}

// materialChange is one material version with what it changed for each
// account type (users.kind) it concerns.
type materialChange struct {
	version string
	at      time.Time
	forKind map[string]privacy.NoticeChanges
}

func (c *noticeCache) invalidate() {
	c.mu.Lock()
	c.state = nil
	c.gen++
	c.mu.Unlock()
}

// noticeState returns the cached archive, loading it (and archiving the
// current version if new) when missing or old.
func (a *App) noticeState(ctx context.Context) (*noticeState, error) {
	now := a.Now()
	c := &a.notices
	c.mu.Lock()
	st, gen := c.state, c.gen
	if age := now.Sub(c.loadedAt); st != nil && age < noticeRefresh && age > -noticeRefresh { // a test's clock may go back
		c.mu.Unlock()
		return st, nil
	}
	c.mu.Unlock()
	if a.Inventory == nil {
		return &noticeState{}, nil // a tool or test without a notice
	}
	versions, err := a.RecordNotice(ctx)
	if err != nil {
		return nil, err
	}
	st = buildNoticeState(a.Transparency(), versions)
	c.mu.Lock()
	if c.gen == gen {
		c.state, c.loadedAt = st, now
	}
	c.mu.Unlock()
	return st, nil
}

func buildNoticeState(page *privacy.Transparency, versions []store.NoticeVersion) *noticeState {
	st := &noticeState{at: map[string]time.Time{}, covered: map[string]bool{}}
	if len(versions) > 0 {
		st.current = versions[0].Version
	}
	seenMaterial := false
	for _, v := range versions {
		st.at[v.Version] = v.EffectiveAt
		if !seenMaterial {
			st.covered[v.Version] = true
		}
		if !v.Material {
			continue
		}
		seenMaterial = true
		var ch privacy.NoticeChanges
		if err := json.Unmarshal([]byte(v.Changes), &ch); err != nil {
			continue // an archive this code cannot read says nothing to show
		}
		st.material = append(st.material, materialChange{version: v.Version, at: v.EffectiveAt, forKind: changesByKind(page, ch)})
	}
	return st
}

// changesByKind splits a change by the account types it concerns: a kind
// of data concerns the account types the inventory says it is about, an
// outside company the account types of the data it receives. Parents
// answer for their children, so what concerns students concerns them too.
func changesByKind(page *privacy.Transparency, ch privacy.NoticeChanges) map[string]privacy.NoticeChanges {
	kindsOf := map[privacy.DataType][]privacy.AccountType{}
	for _, r := range page.Rows {
		kinds := slices.Clone(r.AccountTypes)
		if slices.Contains(kinds, privacy.Student) && !slices.Contains(kinds, privacy.Parent) {
			kinds = append(kinds, privacy.Parent)
		}
		kindsOf[r.Type] = kinds
	}
	out := map[string]privacy.NoticeChanges{}
	for _, k := range []string{store.KindTeacher, store.KindParent, store.KindLeader, store.KindStudent} {
		concerns := func(t privacy.DataType) bool { return slices.Contains(kindsOf[t], privacy.AccountType(k)) }
		var c privacy.NoticeChanges
		for _, t := range ch.AddedTypes {
			if concerns(t) {
				c.AddedTypes = append(c.AddedTypes, t)
			}
		}
		for _, t := range ch.ChangedTypes {
			if concerns(t) {
				c.ChangedTypes = append(c.ChangedTypes, t)
			}
		}
		for _, p := range ch.AddedProcessors {
			id, _, _ := strings.Cut(p, ":")
			if slices.ContainsFunc(page.Rows, func(r privacy.DataTypeRow) bool {
				return r.Personal && concerns(r.Type) && slices.Contains(r.Recipients, privacy.Recipient(id))
			}) {
				c.AddedProcessors = append(c.AddedProcessors, p)
			}
		}
		if c.Material() {
			out[k] = c
		}
	}
	return out
}

// PendingNotice returns the material change the person has yet to
// acknowledge, or nil. Changes before their account was made, or before
// the version they acknowledged, are not pending: they saw that notice.
func (a *App) PendingNotice(ctx context.Context, s *Session) (*PendingNotice, error) {
	st, err := a.noticeState(ctx)
	if err != nil {
		return nil, err
	}
	u := s.User
	after := func(t time.Time) []materialChange {
		var out []materialChange
		for _, m := range st.material {
			if m.at.After(t) {
				out = append(out, m)
			}
		}
		return out
	}
	candidates := after(u.CreatedAt)
	concerns := slices.ContainsFunc(candidates, func(m materialChange) bool { _, ok := m.forKind[u.Kind]; return ok })
	if !concerns && !(len(candidates) > 0 && CanReceiveNews(u)) {
		return nil, nil // nothing to ask: no query at all
	}
	ack, err := store.NoticeAck(ctx, a.db.R, u.ID, PurposeProductNews)
	if err != nil {
		return nil, err
	}
	if at, ok := st.at[ack.Acked]; ok && at.After(u.CreatedAt) {
		candidates = after(at)
	}
	if len(candidates) == 0 {
		return nil, nil
	}
	p := &PendingNotice{Version: st.current, EffectiveAt: candidates[0].at}
	for _, m := range slices.Backward(candidates) { // oldest first, as the changelog reads
		c := m.forKind[u.Kind]
		addNew(&p.Changes.AddedTypes, c.AddedTypes...)
		addNew(&p.Changes.ChangedTypes, c.ChangedTypes...)
		addNew(&p.Changes.AddedProcessors, c.AddedProcessors...)
	}
	if CanReceiveNews(u) && len(ack.ConsentVersions) > 0 {
		p.NewsPaused = !slices.ContainsFunc(ack.ConsentVersions, func(v string) bool { return st.covered[v] })
	}
	if !p.Changes.Material() && !p.NewsPaused {
		return nil, nil
	}
	return p, nil
}

func addNew[T comparable](list *[]T, xs ...T) {
	for _, x := range xs {
		if !slices.Contains(*list, x) {
			*list = append(*list, x)
		}
	}
}

// AcknowledgeNotice records that the person has read the notice as of
// version, which must be the current one (what PendingNotice returned): a
// change that arrived since has not been shown to them. keepNews also
// renews their consent to product news on this version, in the same
// transaction.
func (a *App) AcknowledgeNotice(ctx context.Context, s *Session, version string, keepNews bool) error {
	st, err := a.noticeState(ctx)
	if err != nil {
		return err
	}
	v := &ValidationError{}
	if _, known := st.at[version]; version == "" {
		v.Add("version", "validation.required")
	} else if !known {
		v.Add("version", "notices.version_unknown")
	} else if version != st.current {
		v.Add("version", "notices.version_outdated")
	}
	if err := v.Err(); err != nil {
		return err
	}
	subscribed := false
	if keepNews {
		if !CanReceiveNews(s.User) {
			return ErrForbidden
		}
		ack, err := store.NoticeAck(ctx, a.db.R, s.User.ID, PurposeProductNews)
		if err != nil {
			return err
		}
		subscribed = slices.ContainsFunc(ack.ConsentVersions, func(v string) bool { return st.covered[v] })
	}
	now := a.Now()
	return a.db.Tx(ctx, func(tx db.Querier) error {
		if err := store.AckNotice(ctx, tx, s.User.ID, version, now); err != nil {
			return err
		}
		if !keepNews || subscribed {
			return nil
		}
		return store.AddConsent(ctx, tx, &store.Consent{SubjectUserID: s.User.ID, GrantorUserID: s.User.ID, GrantorRole: "self",
			Purpose: PurposeProductNews, NoticeVersion: version, Method: "notice_banner",
			Evidence: "chose to keep receiving product news on the notice of a material change", GrantedAt: now})
	})
}

// currentNotice is the notice version in effect, for acknowledging it at
// sign-up: a new account has just been shown the notice.
func (a *App) currentNotice(ctx context.Context) (string, error) {
	st, err := a.noticeState(ctx)
	if err != nil {
		return "", err
	}
	return st.current, nil
}
