package app

import (
	"context"
	"errors"
	"sync"

	"cubby/internal/notify"
	"cubby/internal/privacy"
	"cubby/internal/store"
)

// Privacy is the deployment's side of the privacy machinery: what the
// operator configured (the transparency page and Art. 30 record read it),
// and where files live. Export, erasure and retention walk the inventory
// (App.Inventory); this says where their results go.
type Privacy struct {
	Deployment *privacy.Deployment
	Files      privacy.FileStore

	once    sync.Once
	exports chan struct{} // one export job at a time: they read everything
	schema  privacy.Schema
	userRef map[string]bool // table.column → refers to users.id
	mu      sync.Mutex
	recOnce sync.Once
	rec     *recorder
	jobs    sync.WaitGroup // background export jobs
}

// ErrNoFileStore means the server was started without a place for files.
var ErrNoFileStore = errors.New("no file store configured")

// Deployment returns the deployment settings, with safe defaults when the
// server was started without them (tests, tools).
func (a *App) Deployment() *privacy.Deployment {
	if d := a.Privacy.Deployment; d != nil {
		return d
	}
	return &privacy.Deployment{Country: a.Country, ServerLocation: a.Country, DeletionGrace: privacy.DefaultDeletionGrace}
}

// Transparency is the content of the public data transparency page.
func (a *App) Transparency() *privacy.Transparency {
	return a.Inventory.Transparency(a.Deployment())
}

// RecordOfProcessing is the GDPR Art. 30 record.
func (a *App) RecordOfProcessing() privacy.Record {
	return a.Inventory.Record(a.Deployment())
}

// liveSchema reads the live schema once; erasure and retention need column
// types to clear values without code of their own.
func (a *App) liveSchema(ctx context.Context) (privacy.Schema, error) {
	a.Privacy.mu.Lock()
	defer a.Privacy.mu.Unlock()
	if a.Privacy.schema != nil {
		return a.Privacy.schema, nil
	}
	s, err := privacy.ReadSchema(ctx, a.db)
	if err != nil {
		return nil, err
	}
	fks, err := privacy.ReadForeignKeys(ctx, a.db)
	if err != nil {
		return nil, err
	}
	a.Privacy.userRef = map[string]bool{}
	for _, fk := range fks {
		if fk.RefTable == "users" {
			a.Privacy.userRef[fk.Table+"."+fk.Column] = true
		}
	}
	a.Privacy.schema = s
	return s, nil
}

// refersToUser reports a column holding another account's internal id,
// which means nothing to a person reading a summary.
func (a *App) refersToUser(ctx context.Context, table, col string) bool {
	if _, err := a.liveSchema(ctx); err != nil {
		return false
	}
	a.Privacy.mu.Lock()
	defer a.Privacy.mu.Unlock()
	return a.Privacy.userRef[table+"."+col]
}

// ResetSchemaCache forgets the cached live schema, for tests that add a
// table at run time.
func (a *App) ResetSchemaCache() {
	a.Privacy.mu.Lock()
	a.Privacy.schema = nil
	a.Privacy.mu.Unlock()
}

func (a *App) exportSlot() chan struct{} {
	a.Privacy.once.Do(func() { a.Privacy.exports = make(chan struct{}, 1) })
	return a.Privacy.exports
}

// subjectsOf lists the people whose data an account may export or see the
// access log of: themself and, for a parent, each connected child.
func (a *App) subjectsOf(ctx context.Context, s *Session) ([]*store.User, error) {
	out := []*store.User{s.User}
	if s.User.Kind != store.KindParent {
		return out, nil
	}
	children, err := a.familyChildren(ctx, s)
	if err != nil {
		return nil, err
	}
	for _, c := range children {
		u, err := store.UserByID(ctx, a.db.R, c.UserID)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, nil
}

// ProcessorsOf turns the outbox's configured providers into the processors
// the transparency page lists; the deployment adds their agreements.
func ProcessorsOf(ps []notify.Processor) []privacy.Processor {
	var out []privacy.Processor
	for _, p := range ps {
		out = append(out, privacy.Processor{ID: privacy.Recipient(p.ID), Name: p.Name, Country: p.Country, Purpose: p.Purpose, PurposeKey: p.PurposeKey, Integral: p.ID == "smtp"})
	}
	return out
}
