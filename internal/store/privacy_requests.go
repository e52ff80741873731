package store

import (
	"context"
	"database/sql"
	"time"

	"cubby/internal/db"
)

// Erasure is a deletion request and, once carried out, its ledger entry.
type Erasure struct {
	ID          int64
	UserID      int64
	Reason      string // self | school | inactive
	RequestedBy int64
	RequestedAt time.Time
	DueAt       time.Time
	ErasedAt    *time.Time
	Summary     string
}

// Erasure reasons.
const (
	ErasureSelf     = "self"
	ErasureSchool   = "school"
	ErasureInactive = "inactive"
	ErasureOperator = "operator" // erased directly by the server's operator
)

const erasureColumns = `id, user_id, reason, requested_by, requested_at, due_at, erased_at, summary`

func scanErasure(row interface{ Scan(...any) error }) (*Erasure, error) {
	var e Erasure
	var by sql.NullInt64
	var erased sql.NullTime
	if err := row.Scan(&e.ID, &e.UserID, &e.Reason, &by, &e.RequestedAt, &e.DueAt, &erased, &e.Summary); err != nil {
		return nil, db.MapError(err)
	}
	e.RequestedBy, e.ErasedAt = by.Int64, timePtr(erased)
	e.RequestedAt, e.DueAt = e.RequestedAt.UTC(), e.DueAt.UTC()
	return &e, nil
}

// AddErasure queues a deletion request.
func AddErasure(ctx context.Context, q db.Querier, e *Erasure) error {
	err := q.QueryRowContext(ctx, `INSERT INTO erasures (user_id, reason, requested_by, requested_at, due_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		e.UserID, e.Reason, nullID(e.RequestedBy), e.RequestedAt, e.DueAt).Scan(&e.ID)
	return db.MapError(err)
}

// PendingErasure returns the account's request not yet carried out.
func PendingErasure(ctx context.Context, q db.Querier, userID int64) (*Erasure, error) {
	return scanErasure(q.QueryRowContext(ctx, `SELECT `+erasureColumns+` FROM erasures WHERE user_id = $1 AND erased_at IS NULL ORDER BY id DESC LIMIT 1`, userID))
}

// CancelErasure withdraws pending requests of an account; false if none.
func CancelErasure(ctx context.Context, q db.Querier, userID int64) (bool, error) {
	res, err := q.ExecContext(ctx, `DELETE FROM erasures WHERE user_id = $1 AND erased_at IS NULL`, userID)
	if err != nil {
		return false, db.MapError(err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// DueErasures lists requests whose grace period is over.
func DueErasures(ctx context.Context, q db.Querier, now time.Time) ([]Erasure, error) {
	return listErasures(ctx, q, `SELECT `+erasureColumns+` FROM erasures WHERE erased_at IS NULL AND due_at <= $1 ORDER BY due_at, id`, now)
}

// ErasuresRequestedBy lists requests a school leader made, pending first.
func ErasuresRequestedBy(ctx context.Context, q db.Querier, leaderID int64) ([]Erasure, error) {
	return listErasures(ctx, q, `SELECT `+erasureColumns+` FROM erasures WHERE requested_by = $1 ORDER BY erased_at IS NOT NULL, due_at DESC LIMIT 100`, leaderID)
}

// ErasedUserIDs lists the erasure ledger, for replaying erasures after a
// backup is restored.
func ErasedUserIDs(ctx context.Context, q db.Querier) ([]int64, error) {
	return idRows(ctx, q, `SELECT DISTINCT user_id FROM erasures WHERE erased_at IS NOT NULL`)
}

// FinishErasure records that an erasure ran, with what it did (counts):
// on the request that asked for it, or, for an erasure nobody requested in
// Cubby (the operator's), on a new ledger entry. A replay after a restore
// finds its entry already there and adds none.
func FinishErasure(ctx context.Context, q db.Querier, userID int64, now time.Time, summary string) error {
	res, err := q.ExecContext(ctx, `UPDATE erasures SET erased_at = COALESCE(erased_at, $1), summary = $2 WHERE user_id = $3 AND summary = ''`, now, summary, userID)
	if err != nil {
		return db.MapError(err)
	}
	if n, err := res.RowsAffected(); err != nil || n > 0 {
		return err
	}
	_, err = q.ExecContext(ctx, `INSERT INTO erasures (user_id, reason, requested_at, due_at, erased_at, summary)
		SELECT $1, 'operator', $2, $2, $2, $3 WHERE NOT EXISTS (SELECT 1 FROM erasures WHERE user_id = $1)`, userID, now, summary)
	return db.MapError(err)
}

func listErasures(ctx context.Context, q db.Querier, query string, args ...any) ([]Erasure, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []Erasure
	for rows.Next() {
		e, err := scanErasure(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *e)
	}
	return out, db.MapError(rows.Err())
}

// Export is a data export request.
type Export struct {
	ID           int64
	TokenHash    string
	UserID       int64
	Status       string
	Progress     int
	Total        int
	FileKey      string
	Size         int64
	CreatedAt    time.Time
	ReadyAt      *time.Time
	ExpiresAt    time.Time
	DownloadedAt *time.Time
}

// Export statuses.
const (
	ExportQueued     = "queued"
	ExportRunning    = "running"
	ExportReady      = "ready"
	ExportDownloaded = "downloaded"
	ExportFailed     = "failed"
)

const exportColumns = `id, token_hash, user_id, status, progress, total, file_key, size, created_at, ready_at, expires_at, downloaded_at`

func scanExport(row interface{ Scan(...any) error }) (*Export, error) {
	var e Export
	var ready, downloaded sql.NullTime
	err := row.Scan(&e.ID, &e.TokenHash, &e.UserID, &e.Status, &e.Progress, &e.Total, &e.FileKey, &e.Size, &e.CreatedAt, &ready, &e.ExpiresAt, &downloaded)
	if err != nil {
		return nil, db.MapError(err)
	}
	e.ReadyAt, e.DownloadedAt = timePtr(ready), timePtr(downloaded)
	e.CreatedAt, e.ExpiresAt = e.CreatedAt.UTC(), e.ExpiresAt.UTC()
	return &e, nil
}

// CreateExport queues an export.
func CreateExport(ctx context.Context, q db.Querier, e *Export) error {
	err := q.QueryRowContext(ctx, `INSERT INTO exports (token_hash, user_id, status, created_at, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		e.TokenHash, e.UserID, e.Status, e.CreatedAt, e.ExpiresAt).Scan(&e.ID)
	return db.MapError(err)
}

// ExportByToken finds an export by the hash of its public id.
func ExportByToken(ctx context.Context, q db.Querier, hash string) (*Export, error) {
	return scanExport(q.QueryRowContext(ctx, `SELECT `+exportColumns+` FROM exports WHERE token_hash = $1`, hash))
}

// ExportByID returns an export.
func ExportByID(ctx context.Context, q db.Querier, id int64) (*Export, error) {
	return scanExport(q.QueryRowContext(ctx, `SELECT `+exportColumns+` FROM exports WHERE id = $1`, id))
}

// ExportsToRun lists queued exports and running ones started before stale
// (left behind by a crash), oldest first.
func ExportsToRun(ctx context.Context, q db.Querier, stale time.Time) ([]int64, error) {
	return idRows(ctx, q, `SELECT id FROM exports WHERE status = 'queued' OR (status = 'running' AND created_at < $1) ORDER BY id`, stale)
}

// ClaimExport moves an export to running; false if another worker has it.
func ClaimExport(ctx context.Context, q db.Querier, id int64, total int, stale time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, `UPDATE exports SET status = 'running', progress = 0, total = $1
		WHERE id = $2 AND (status = 'queued' OR (status = 'running' AND created_at < $3))`, total, id, stale)
	if err != nil {
		return false, db.MapError(err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// SetExportProgress records how far the job is.
func SetExportProgress(ctx context.Context, q db.Querier, id int64, progress int) error {
	_, err := q.ExecContext(ctx, `UPDATE exports SET progress = $1 WHERE id = $2`, progress, id)
	return db.MapError(err)
}

// FinishExport records the archive, or a failure (key "").
func FinishExport(ctx context.Context, q db.Querier, id int64, key string, size int64, now time.Time) error {
	status := ExportReady
	if key == "" {
		status = ExportFailed
	}
	_, err := q.ExecContext(ctx, `UPDATE exports SET status = $1, file_key = $2, size = $3, ready_at = $4, progress = total WHERE id = $5`,
		status, key, size, now, id)
	return db.MapError(err)
}

// SpendExport marks a ready export downloaded, once: the UPDATE … RETURNING
// lets only one download through. Anything else is ErrNotFound.
func SpendExport(ctx context.Context, q db.Querier, hash string, userID int64, now time.Time) (*Export, error) {
	return scanExport(q.QueryRowContext(ctx, `UPDATE exports SET status = 'downloaded', downloaded_at = $1
		WHERE token_hash = $2 AND user_id = $3 AND status = 'ready' AND expires_at > $1 RETURNING `+exportColumns, now, hash, userID))
}

// ClearExportFile forgets an archive's key once the file is gone.
func ClearExportFile(ctx context.Context, q db.Querier, id int64) error {
	_, err := q.ExecContext(ctx, `UPDATE exports SET file_key = '' WHERE id = $1`, id)
	return db.MapError(err)
}

// listExports reads the exports a query selects (or returns).
func listExports(ctx context.Context, q db.Querier, query string, args ...any) ([]Export, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []Export
	for rows.Next() {
		e, err := scanExport(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *e)
	}
	return out, db.MapError(rows.Err())
}

// ExpiredExportFiles lists archives whose link has expired or was spent.
func ExpiredExportFiles(ctx context.Context, q db.Querier, now time.Time) ([]Export, error) {
	return listExports(ctx, q, `SELECT `+exportColumns+` FROM exports WHERE file_key <> '' AND (expires_at <= $1 OR status = 'downloaded')`, now)
}

// LatestExport returns the account's newest export.
func LatestExport(ctx context.Context, q db.Querier, userID int64) (*Export, error) {
	return scanExport(q.QueryRowContext(ctx, `SELECT `+exportColumns+` FROM exports WHERE user_id = $1 ORDER BY id DESC LIMIT 1`, userID))
}
