package app

import (
	"context"
	"encoding/json"
	"slices"

	"cubby/internal/privacy"
	"cubby/internal/store"
)

// RecordNotice archives the transparency page's current version if it is
// new, with what changed and whether materially (INV-7), and returns every
// version, newest first. It is idempotent: the page, consents and the
// daily job call it.
func (a *App) RecordNotice(ctx context.Context) ([]store.NoticeVersion, error) {
	page := a.Transparency()
	versions, err := store.NoticeVersions(ctx, a.db.R)
	if err != nil {
		return nil, err
	}
	if slices.ContainsFunc(versions, func(v store.NoticeVersion) bool { return v.Version == page.Version }) {
		return versions, nil
	}
	facts := page.Facts()
	var prev []byte
	if len(versions) > 0 {
		prev = []byte(versions[0].Content)
	}
	changes, err := privacy.CompareNotices(prev, facts)
	if err != nil {
		return nil, err
	}
	cj, _ := json.Marshal(changes)
	if err := store.AddNoticeVersion(ctx, a.db.W, store.NoticeVersion{Version: page.Version, EffectiveAt: a.Now(),
		Material: changes.Material(), Changes: string(cj), Content: string(facts)}); err != nil {
		return nil, err
	}
	a.notices.invalidate() // the banner check reads the archive from memory
	if changes.Material() {
		a.Log.Warn("the data transparency page changed materially; consents given on earlier versions must be given again",
			"version", page.Version)
	}
	return store.NoticeVersions(ctx, a.db.R)
}

// coveredVersions are the notice versions in effect since the latest
// material change: a consent given on one of them still covers what Cubby
// does; one given earlier must be given again.
func (a *App) coveredVersions(ctx context.Context) (map[string]bool, error) {
	versions, err := a.RecordNotice(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, v := range versions {
		out[v.Version] = true
		if v.Material {
			break
		}
	}
	return out, nil
}
