package app

import (
	"context"
	"errors"
	"io"
	"slices"
	"time"

	"cubby/internal/db"
	"cubby/internal/store"
)

// Data export (GDPR Art. 15 and 20, DSR-1/2): a person asks, a background
// job walks the inventory from them (and, for a parent, from each connected
// child) into one zip — JSON, a readable HTML page and their files — and
// the person downloads it once. The export id handed out is itself the
// download secret: random, stored only as a hash, bound to the account,
// single-use and expiring. Logs carry route patterns only, so it never
// appears in them.

// ExportTTL is how long a finished archive can be downloaded.
const ExportTTL = 24 * time.Hour

// exportStale is when a running job is presumed dead (a crash) and re-run.
const exportStale = 15 * time.Minute

// ErrExportRunning means an export is already being prepared.
var ErrExportRunning = errors.New("an export is already being prepared")

// RequestExport queues an export of everything about the actor (and their
// children) and starts building it in the background. It returns the
// export id, which only the actor's account can use, once.
func (a *App) RequestExport(ctx context.Context, s *Session) (string, error) {
	if a.Privacy.Files == nil {
		return "", ErrNoFileStore
	}
	now := a.Now()
	if e, err := store.LatestExport(ctx, a.db.R, s.User.ID); err == nil &&
		(e.Status == store.ExportQueued || e.Status == store.ExportRunning) && now.Sub(e.CreatedAt) < exportStale {
		return "", ErrExportRunning
	}
	people, err := a.subjectsOf(ctx, s)
	if err != nil {
		return "", err
	}
	token := NewToken()
	e := &store.Export{TokenHash: HashToken(token), UserID: s.User.ID, Status: store.ExportQueued, CreatedAt: now, ExpiresAt: now.Add(ExportTTL)}
	err = a.db.Tx(ctx, func(tx db.Querier) error {
		if err := store.CreateExport(ctx, tx, e); err != nil {
			return err
		}
		// A child's records handed to a parent are a disclosure outside the
		// school's staff (FERPA 34 CFR 99.32): each is in the log.
		for _, p := range people {
			action := store.AuditExport
			if p.ID != s.User.ID {
				action = store.AuditDisclose
			}
			if err := a.audit(ctx, tx, store.AuditEntry{ActorID: s.User.ID, ActorRole: roleOf(s), Action: action,
				SubjectID: p.ID, Detail: "export archive to " + s.User.Kind}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	a.Privacy.jobs.Add(1)
	go func() {
		defer a.Privacy.jobs.Done()
		a.runExport(context.WithoutCancel(ctx), e.ID)
	}()
	return token, nil
}

// ExportStatus returns the actor's export by its id; someone else's is
// ErrNotFound.
func (a *App) ExportStatus(ctx context.Context, s *Session, token string) (*store.Export, error) {
	if token == "" || len(token) > 128 {
		return nil, ErrNotFound
	}
	e, err := store.ExportByToken(ctx, a.db.R, HashToken(token))
	if err != nil {
		return nil, err
	}
	if e.UserID != s.User.ID {
		return nil, ErrNotFound
	}
	if e.Status == store.ExportReady && !a.Now().Before(e.ExpiresAt) {
		e.Status = "expired"
	}
	return e, nil
}

// ErrExportGone means the archive was downloaded already or expired.
var ErrExportGone = errors.New("the export was downloaded already or has expired")

// Download is an archive being handed out once.
type Download struct {
	io.ReadCloser
	Size int64
	Name string
}

// DownloadExport spends the export's one download and opens the archive.
// Closing the returned reader deletes the file: a copy of someone's data
// lies on the server no longer than needed.
func (a *App) DownloadExport(ctx context.Context, s *Session, token string) (*Download, error) {
	e, err := a.ExportStatus(ctx, s, token)
	if err != nil {
		return nil, err
	}
	if e.Status != store.ExportReady {
		if e.Status == store.ExportQueued || e.Status == store.ExportRunning {
			return nil, ErrExportRunning
		}
		return nil, ErrExportGone
	}
	e, err = store.SpendExport(ctx, a.db.W, e.TokenHash, s.User.ID, a.Now())
	if errors.Is(err, ErrNotFound) {
		return nil, ErrExportGone
	}
	if err != nil {
		return nil, err
	}
	f, err := a.Privacy.Files.Open(e.FileKey)
	if err != nil {
		return nil, err
	}
	name := "cubby-export-" + e.CreatedAt.Format("2006-01-02") + ".zip"
	return &Download{ReadCloser: &removeOnClose{ReadCloser: f, done: func() { a.dropExportFile(context.WithoutCancel(ctx), e) }}, Size: e.Size, Name: name}, nil
}

type removeOnClose struct {
	io.ReadCloser
	done func()
}

func (r *removeOnClose) Close() error {
	err := r.ReadCloser.Close()
	r.done()
	return err
}

func (a *App) dropExportFile(ctx context.Context, e *store.Export) {
	if e.FileKey == "" {
		return
	}
	if err := a.Privacy.Files.Remove(e.FileKey); err != nil {
		a.Log.Error("export: remove archive", "export", e.ID, "err", err)
		return
	}
	if err := store.ClearExportFile(ctx, a.db.W, e.ID); err != nil {
		a.Log.Error("export: forget archive", "export", e.ID, "err", err)
	}
}

// runExport builds one archive. One job runs at a time; a job that fails
// marks the export failed and logs why (never what it was reading).
func (a *App) runExport(ctx context.Context, id int64) {
	slot := a.exportSlot()
	slot <- struct{}{}
	defer func() { <-slot }()
	total := len(a.Inventory.Linked()) + 1
	ok, err := store.ClaimExport(ctx, a.db.W, id, total, a.Now().Add(-exportStale))
	if err != nil || !ok {
		if err != nil {
			a.Log.Error("export: claim", "export", id, "err", err)
		}
		return
	}
	key, size, people, err := a.buildArchive(ctx, id)
	if err != nil {
		a.Log.Error("export: build", "export", id, "err", err)
		key, size = "", 0
	}
	if err := store.FinishExport(ctx, a.db.W, id, key, size, a.Now()); err != nil {
		a.Log.Error("export: finish", "export", id, "err", err)
		return
	}
	if key == "" {
		return
	}
	// A custody block, or the end of parents' rights, while the archive
	// was being built: it may hold a child its owner no longer acts for.
	// Checked after it is marked ready, so a change that commits later is
	// caught by that change's own withdrawal of ready archives.
	if still, err := a.stillActsForAll(ctx, id, people); err != nil || !still {
		if err != nil {
			a.Log.Error("export: recheck access", "export", id, "err", err)
		}
		if e, err := store.ExportByID(ctx, a.db.R, id); err == nil {
			a.withdrawArchives(ctx, e.UserID)
		}
		return
	}
	a.Log.Info("export ready", "export", id, "bytes", size)
}

// stillActsForAll reports whether an export's owner still acts for every
// person its archive holds.
func (a *App) stillActsForAll(ctx context.Context, exportID int64, people []*store.User) (bool, error) {
	e, err := store.ExportByID(ctx, a.db.R, exportID)
	if err != nil {
		return false, err
	}
	owner, err := store.UserByID(ctx, a.db.R, e.UserID)
	if err != nil {
		return false, err
	}
	actor, err := a.loadActor(ctx, owner)
	if err != nil {
		return false, err
	}
	now, err := a.subjectsOf(ctx, &Session{User: owner, Actor: actor})
	if err != nil {
		return false, err
	}
	for _, p := range people {
		if !slices.ContainsFunc(now, func(u *store.User) bool { return u.ID == p.ID }) {
			return false, nil
		}
	}
	return true, nil
}

// ResumeExports runs exports left queued or interrupted (a restart), and
// removes archives that were downloaded or expired. Housekeeping calls it.
func (a *App) ResumeExports(ctx context.Context) error {
	now := a.Now()
	files, err := store.ExpiredExportFiles(ctx, a.db.R, now)
	if err != nil {
		return err
	}
	for i := range files {
		a.dropExportFile(ctx, &files[i])
	}
	ids, err := store.ExportsToRun(ctx, a.db.R, now.Add(-exportStale))
	if err != nil {
		return err
	}
	for _, id := range ids {
		a.runExport(ctx, id)
	}
	return nil
}

// WaitJobs waits for background export jobs to finish, so a shutdown (or
// the end of a test) does not close the database under them.
func (a *App) WaitJobs() { a.Privacy.jobs.Wait() }
