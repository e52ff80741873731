package store

import (
	"context"
	"time"

	"cubby/internal/db"
)

// AckNotice records that a person has read the notice up to version,
// replacing what they acknowledged before.
func AckNotice(ctx context.Context, q db.Querier, userID int64, version string, at time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO notice_acks (user_id, version, acknowledged_at) VALUES ($1, $2, $3)
		ON CONFLICT (user_id) DO UPDATE SET version = excluded.version, acknowledged_at = excluded.acknowledged_at`,
		userID, version, at)
	return db.MapError(err)
}

// NoticeAckState is what the notice banner needs to know about a person.
type NoticeAckState struct {
	// Acked is the notice version the person last acknowledged; "" if none.
	Acked string
	// ConsentVersions are the notice versions of their unwithdrawn consents
	// to purpose, about themself.
	ConsentVersions []string
}

// NoticeAck reads a person's acknowledged notice version and the notice
// versions of their active consents to purpose in one round trip: it runs
// on every page for people a material change may concern, by primary key
// and by the consents' subject index.
func NoticeAck(ctx context.Context, q db.Querier, userID int64, purpose string) (NoticeAckState, error) {
	var st NoticeAckState
	rows, err := q.QueryContext(ctx, `SELECT 'ack', version FROM notice_acks WHERE user_id = $1
		UNION ALL
		SELECT 'consent', notice_version FROM consents WHERE subject_user_id = $1 AND purpose = $2 AND withdrawn_at IS NULL`, userID, purpose)
	if err != nil {
		return st, db.MapError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind, version string
		if err := rows.Scan(&kind, &version); err != nil {
			return st, db.MapError(err)
		}
		if kind == "ack" {
			st.Acked = version
		} else {
			st.ConsentVersions = append(st.ConsentVersions, version)
		}
	}
	return st, db.MapError(rows.Err())
}

// NoticeAckOf returns a person's acknowledged version and when, or
// ErrNotFound.
func NoticeAckOf(ctx context.Context, q db.Querier, userID int64) (string, time.Time, error) {
	var version string
	var at time.Time
	err := q.QueryRowContext(ctx, `SELECT version, acknowledged_at FROM notice_acks WHERE user_id = $1`, userID).Scan(&version, &at)
	return version, at.UTC(), db.MapError(err)
}
