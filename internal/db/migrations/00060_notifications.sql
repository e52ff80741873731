-- Notifications (issue 14): the notification centre, each person's
-- choice per kind (push, email at once, daily digest, off), the fan-out of
-- a notification to many people in batches, and the daily digest's
-- once-per-person-and-day record. Quiet hours are the quiet_hours table of
-- 00040, now open to everyone. Every column has its entry in
-- internal/privacy/inventory/notification*.yaml.

-- +goose Up
-- One thing someone is told about: kind names what (notify.Kinds), ref_id
-- the thing's id (a conversation, a story post, a comment's post, a point,
-- an attendance record, a school, a request). A row is visible from
-- created_at on (a scheduled announcement's rows are dated when it goes).
-- push_due_at is set when the person's choice for the kind is push: to
-- created_at, or to the end of their quiet hours; the push worker sends
-- rows whose push_due_at has come and pushed_at is NULL, then sets
-- pushed_at. digest marks a row waiting for the person's daily digest
-- email, digested_at when it went into one. Removed with the account,
-- and 90 days after created_at.
CREATE TABLE notifications (
    id          {{id}},
    school_id   BIGINT REFERENCES schools (id) ON DELETE CASCADE,
    user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    ref_id      BIGINT NOT NULL DEFAULT 0,
    -- Who caused it (the sender); NULL for none or once their account is erased.
    actor_id    BIGINT REFERENCES users (id) ON DELETE SET NULL,
    -- The child it is about (points, absences), if any.
    student_id  BIGINT REFERENCES students (id) ON DELETE CASCADE,
    created_at  {{ts}} NOT NULL,
    read_at     {{ts}},
    push_due_at {{ts}},
    pushed_at   {{ts}},
    digest      BOOLEAN NOT NULL DEFAULT FALSE,
    digested_at {{ts}}
);
CREATE INDEX notifications_user ON notifications (user_id, created_at, id);
CREATE INDEX notifications_unread ON notifications (user_id, read_at);
CREATE INDEX notifications_push_due ON notifications (push_due_at) WHERE pushed_at IS NULL;
CREATE INDEX notifications_digest ON notifications (user_id, created_at) WHERE digest AND digested_at IS NULL;
CREATE INDEX notifications_created ON notifications (created_at);
CREATE INDEX notifications_actor ON notifications (actor_id);
CREATE INDEX notifications_student ON notifications (student_id);
CREATE INDEX notifications_school ON notifications (school_id);

-- A person's choice for one kind; a kind without a row has its default
-- (notify.DefaultChannel).
CREATE TABLE notification_prefs (
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    channel    TEXT NOT NULL CHECK (channel IN ('push', 'email', 'digest', 'off')),
    updated_at {{ts}} NOT NULL,
    PRIMARY KEY (user_id, kind)
);

-- A notification to many people (an announcement to a school's families,
-- a School Story post), written in the action's transaction and turned
-- into notifications rows by the notification job in small batches, so a
-- thousand recipients never hold the database's writer for long.
-- recipients lists the people's internal ids, comma-separated (empty:
-- the job finds them, the parents of student_id at the time); done is
-- how many of them have been handled (each batch moves it in the batch's
-- transaction: none is told twice or skipped). Deleted when finished.
CREATE TABLE notification_fanouts (
    id         {{id}},
    school_id  BIGINT REFERENCES schools (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    ref_id     BIGINT NOT NULL DEFAULT 0,
    actor_id   BIGINT REFERENCES users (id) ON DELETE SET NULL,
    student_id BIGINT REFERENCES students (id) ON DELETE CASCADE,
    urgent     BOOLEAN NOT NULL DEFAULT FALSE,
    visible_at {{ts}} NOT NULL,
    -- When the job may handle it: at once, or after the undo window of a
    -- point or an attendance mark (a point undone is never told).
    due_at     {{ts}} NOT NULL,
    recipients TEXT NOT NULL,
    done       INTEGER NOT NULL DEFAULT 0,
    created_at {{ts}} NOT NULL
);
CREATE INDEX notification_fanouts_due ON notification_fanouts (due_at);

-- The daily digest sent to a person for a day (YYYY-MM-DD, the schools'
-- zone): written with the digest's outbox row, so the job run twice sends
-- one digest a day.
CREATE TABLE notification_digests (
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    day        TEXT NOT NULL,
    items      INTEGER NOT NULL DEFAULT 0,
    created_at {{ts}} NOT NULL,
    PRIMARY KEY (user_id, day)
);
CREATE INDEX notification_digests_created ON notification_digests (created_at);

-- The one-click unsubscribe address of a notification email (RFC 8058),
-- sent as its List-Unsubscribe header; empty for other emails.
ALTER TABLE outbox ADD COLUMN list_unsubscribe TEXT NOT NULL DEFAULT '';

-- +goose Down
-- Forward-only.
