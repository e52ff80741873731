package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"cubby/internal/db"
)

// AuditEntry is one entry of the hash-chained audit log.
type AuditEntry struct {
	Seq       int64
	SchoolID  int64 // 0 when no school is involved
	CreatedAt time.Time
	ActorID   int64 // 0 for the system, or once redacted
	ActorRole string
	Action    string
	SubjectID int64 // 0 once redacted
	Detail    string
	Salt      string
	BodyHash  string
	PrevHash  string
	Hash      string
}

// Audit actions.
const (
	AuditRead      = "read"
	AuditExport    = "export"
	AuditDisclose  = "disclose"
	AuditCorrect   = "correct"
	AuditErase     = "erase"
	AuditRequest   = "request" // a correction or erasure asked for
	AuditRetention = "retention"
	// AuditMerge: two profiles of one child were merged; the detail names
	// the account that was folded in (MergedDetail).
	AuditMerge = "merge"
)

// MergedDetail is a merge entry's detail: the folded-in account's id.
func MergedDetail(droppedUserID int64) string {
	return "merged:" + strconv.FormatInt(droppedUserID, 10)
}

// MergedAccounts maps every account merged into one of ids — directly or
// through earlier merges — to the account it was merged into, from the
// merge entries of the audit log. Entries about a folded-in account stay
// about its old id (the log is append-only); this is how they are found.
func MergedAccounts(ctx context.Context, q db.Querier, ids []int64) (map[int64]int64, error) {
	out := map[int64]int64{}
	for next := ids; len(next) > 0; {
		args, in := []any{AuditMerge}, ""
		for i, id := range next {
			if i > 0 {
				in += ", "
			}
			args = append(args, id)
			in += fmt.Sprintf("$%d", i+2)
		}
		rows, err := q.QueryContext(ctx, `SELECT subject_user_id, detail FROM audit_log WHERE action = $1 AND subject_user_id IN (`+in+`)`, args...)
		if err != nil {
			return nil, db.MapError(err)
		}
		next = nil
		for rows.Next() {
			var kept int64
			var detail string
			if err := rows.Scan(&kept, &detail); err != nil {
				rows.Close()
				return nil, db.MapError(err)
			}
			idText, ok := strings.CutPrefix(detail, "merged:")
			dropped, err := strconv.ParseInt(idText, 10, 64)
			if !ok || err != nil || dropped == kept {
				continue
			}
			if _, seen := out[dropped]; !seen {
				out[dropped] = kept
				next = append(next, dropped)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, db.MapError(err)
		}
	}
	return out, nil
}

// GenesisHash is the chain's starting point.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// Body is the canonical text an entry's hash commits to. Times are unix
// microseconds, the precision both engines keep, so reading an entry back
// reproduces it exactly.
func (e *AuditEntry) Body() string {
	return fmt.Sprintf("%d|%d|%d|%d|%s|%s|%d|%s|%s", e.Seq, e.SchoolID, e.CreatedAt.UnixMicro(), e.ActorID,
		e.ActorRole, e.Action, e.SubjectID, e.Detail, e.Salt)
}

// ChainHash links an entry to the previous one.
func ChainHash(prev string, seq int64, bodyHash string) string {
	return sha(fmt.Sprintf("%s|%d|%s", prev, seq, bodyHash))
}

func sha(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// AppendAudit adds an entry to the chain inside q, which must be a
// transaction. Bumping audit_head first takes its row lock on PostgreSQL
// (and the single writer on SQLite), so concurrent appends queue and the
// chain cannot fork.
func AppendAudit(ctx context.Context, q db.Querier, e *AuditEntry) error {
	if err := q.QueryRowContext(ctx, `UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash`).Scan(&e.Seq, &e.PrevHash); err != nil {
		return db.MapError(err)
	}
	b := make([]byte, 16)
	rand.Read(b)
	e.Salt = hex.EncodeToString(b)
	e.BodyHash = sha(e.Body())
	e.Hash = ChainHash(e.PrevHash, e.Seq, e.BodyHash)
	_, err := q.ExecContext(ctx, `INSERT INTO audit_log (seq, school_id, created_at, actor_user_id, actor_role, action, subject_user_id, detail, salt, body_hash, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		e.Seq, nullID(e.SchoolID), e.CreatedAt, nullID(e.ActorID), e.ActorRole, e.Action, nullID(e.SubjectID), e.Detail, e.Salt, e.BodyHash, e.PrevHash, e.Hash)
	if err != nil {
		return db.MapError(err)
	}
	_, err = q.ExecContext(ctx, `UPDATE audit_head SET hash = $1 WHERE id = 1`, e.Hash)
	return db.MapError(err)
}

const auditColumns = `seq, school_id, created_at, actor_user_id, actor_role, action, subject_user_id, detail, salt, body_hash, prev_hash, hash`

func scanAudit(rows *sql.Rows) (AuditEntry, error) {
	var e AuditEntry
	var school, actor, subject sql.NullInt64
	err := rows.Scan(&e.Seq, &school, &e.CreatedAt, &actor, &e.ActorRole, &e.Action, &subject, &e.Detail, &e.Salt, &e.BodyHash, &e.PrevHash, &e.Hash)
	e.SchoolID, e.ActorID, e.SubjectID = school.Int64, actor.Int64, subject.Int64
	e.CreatedAt = e.CreatedAt.UTC()
	return e, db.MapError(err)
}

// WalkAudit calls fn with every entry in chain order.
func WalkAudit(ctx context.Context, q db.Querier, fn func(AuditEntry) error) error {
	rows, err := q.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit_log ORDER BY seq`)
	if err != nil {
		return db.MapError(err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return err
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return db.MapError(rows.Err())
}

// AuditHead returns the newest entry's number and hash.
func AuditHead(ctx context.Context, q db.Querier) (int64, string, error) {
	var seq int64
	var hash string
	err := q.QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&seq, &hash)
	return seq, hash, db.MapError(err)
}

// AuditAbout lists the newest entries about the given people, newest first.
func AuditAbout(ctx context.Context, q db.Querier, subjectIDs []int64, limit int) ([]AuditEntry, error) {
	if len(subjectIDs) == 0 {
		return nil, nil
	}
	args := []any{limit}
	in := ""
	for i, id := range subjectIDs {
		if i > 0 {
			in += ", "
		}
		args = append(args, id)
		in += fmt.Sprintf("$%d", i+2)
	}
	rows, err := q.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit_log WHERE subject_user_id IN (`+in+`) ORDER BY seq DESC LIMIT $1`, args...)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, db.MapError(rows.Err())
}

// AuditedSince reports whether the actor already has an entry of this
// action and detail about the subject since a moment (reads are logged
// once a day per record kind, so the log stays readable).
func AuditedSince(ctx context.Context, q db.Querier, actorID, subjectID int64, action, detail string, since time.Time) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM audit_log WHERE actor_user_id = $1 AND subject_user_id = $2
		AND action = $3 AND detail = $4 AND created_at >= $5`, actorID, subjectID, action, detail, since).Scan(&n)
	return n > 0, db.MapError(err)
}
