-- The notifications outbox: one row per email or text message, written in
-- the same transaction as the action that causes it (a sign-up, a password
-- reset request), so a message exists if and only if that action committed.
-- A worker delivers due rows (package notify). The row holds the message
-- exactly as rendered at enqueue time, so what is sent is what was decided.

-- +goose Up
CREATE TABLE outbox (
    id              {{id}},
    -- NULL for messages about no school (account emails).
    school_id       BIGINT REFERENCES schools (id) ON DELETE CASCADE,
    -- Random and unique; used as the email's Message-ID and the SMS
    -- gateway's Idempotency-Key, so a re-sent copy can be recognised.
    message_key     TEXT NOT NULL UNIQUE,
    channel         TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
    recipient       TEXT NOT NULL,
    language        TEXT NOT NULL,
    template        TEXT NOT NULL,
    subject         TEXT NOT NULL DEFAULT '',
    body_text       TEXT NOT NULL DEFAULT '',
    body_html       TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'cancelled')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at {{ts}} NOT NULL,
    -- Set while a worker holds the row (status sending); another worker may
    -- take the row over only after it has passed.
    lease_until     {{ts}},
    -- The class of the last delivery error, never the recipient or body.
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      {{ts}} NOT NULL,
    sent_at         {{ts}}
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_school ON outbox (school_id);
CREATE INDEX outbox_created ON outbox (created_at);
CREATE INDEX outbox_recipient ON outbox (recipient);

-- +goose Down
-- Forward-only: Cubby never migrates down.
