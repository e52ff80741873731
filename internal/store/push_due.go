package store

import (
	"context"
	"time"

	"cubby/internal/db"
)

// DuePush is a notification whose push is due (the notifications table
// is the notification centre's, migration 00060): who it is for, its kind
// and its id — all a push carries.
type DuePush struct {
	ID     int64
	UserID int64
	Kind   string
}

// ClaimDuePushes marks up to limit notifications whose push is due at now
// as pushed and returns them: claiming in one statement means two workers
// never push the same notification. A push is sent at most once; the
// notification centre still shows it if the push service lost it.
func ClaimDuePushes(ctx context.Context, q db.Querier, now time.Time, limit int) ([]DuePush, error) {
	rows, err := q.QueryContext(ctx, `UPDATE notifications SET pushed_at = $1
		WHERE id IN (SELECT id FROM notifications WHERE push_due_at <= $1 AND pushed_at IS NULL ORDER BY push_due_at, id LIMIT $2)
		AND pushed_at IS NULL
		RETURNING id, user_id, kind`, now, limit)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []DuePush
	for rows.Next() {
		var d DuePush
		if err := rows.Scan(&d.ID, &d.UserID, &d.Kind); err != nil {
			return nil, db.MapError(err)
		}
		out = append(out, d)
	}
	return out, db.MapError(rows.Err())
}

// PushSubscriptionsOfUsers lists the subscriptions of several people at
// once, by person.
func PushSubscriptionsOfUsers(ctx context.Context, q db.Querier, userIDs []int64) (map[int64][]PushSubscription, error) {
	out := map[int64][]PushSubscription{}
	for start := 0; start < len(userIDs); start += 500 {
		ids := userIDs[start:min(start+500, len(userIDs))]
		query, args := inList(`SELECT `+pushColumns+` FROM push_subscriptions WHERE user_id IN (%s) ORDER BY id`, ids)
		rows, err := q.QueryContext(ctx, query, args...)
		if err != nil {
			return nil, db.MapError(err)
		}
		for rows.Next() {
			p, err := scanPush(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			out[p.UserID] = append(out[p.UserID], p)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, db.MapError(err)
		}
	}
	return out, nil
}
