-- Privacy and data rights: self-service export and erasure, the retention
-- job, the hash-chained audit log, correction requests, request logs and
-- first-party usage counts. Every column has its entry in
-- internal/privacy/inventory.

-- +goose Up
-- When an account was last used: unused student accounts are deleted after
-- the period the inventory declares, parents warned first.
ALTER TABLE users ADD COLUMN last_active_at {{ts}};
-- A person's objection to being counted in the product usage statistics.
ALTER TABLE users ADD COLUMN usage_opt_out_at {{ts}};
-- When erasure kept a consent record as proof (a declared hold); the hold's
-- own retention counts from here.
ALTER TABLE consents ADD COLUMN held_since {{ts}};

-- Erasure requests and, once carried out, the erasure ledger: the internal
-- id of each erased account, kept so that a restore from backup can erase
-- it again. No foreign key: the row outlives the account on purpose.
CREATE TABLE erasures (
    id           {{id}},
    user_id      BIGINT NOT NULL,
    reason       TEXT NOT NULL CHECK (reason IN ('self', 'school', 'inactive', 'operator')),
    requested_by BIGINT,
    requested_at {{ts}} NOT NULL,
    due_at       {{ts}} NOT NULL,
    erased_at    {{ts}},
    summary      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX erasures_user ON erasures (user_id);
CREATE INDEX erasures_due ON erasures (due_at);

-- Data exports. The public export id is a random token; only its hash is
-- stored, so the table cannot be used to download anyone's archive.
CREATE TABLE exports (
    id            {{id}},
    token_hash    TEXT NOT NULL UNIQUE,
    user_id       BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status        TEXT NOT NULL CHECK (status IN ('queued', 'running', 'ready', 'downloaded', 'failed')),
    progress      INTEGER NOT NULL DEFAULT 0,
    total         INTEGER NOT NULL DEFAULT 0,
    file_key      TEXT NOT NULL DEFAULT '',
    size          BIGINT NOT NULL DEFAULT 0,
    created_at    {{ts}} NOT NULL,
    ready_at      {{ts}},
    expires_at    {{ts}} NOT NULL,
    downloaded_at {{ts}}
);
CREATE INDEX exports_user ON exports (user_id);

-- The audit log: who read, exported, corrected or erased whose records,
-- and disclosures outside the school's staff. Each entry's hash covers its
-- content and the previous entry's hash; audit_head serialises appends.
CREATE TABLE audit_log (
    seq             BIGINT PRIMARY KEY,
    school_id       BIGINT,
    created_at      {{ts}} NOT NULL,
    actor_user_id   BIGINT,
    actor_role      TEXT NOT NULL,
    action          TEXT NOT NULL,
    subject_user_id BIGINT,
    detail          TEXT NOT NULL DEFAULT '',
    salt            TEXT NOT NULL DEFAULT '',
    body_hash       TEXT NOT NULL,
    prev_hash       TEXT NOT NULL,
    hash            TEXT NOT NULL
);
CREATE INDEX audit_log_subject ON audit_log (subject_user_id);
CREATE INDEX audit_log_actor ON audit_log (actor_user_id);
CREATE INDEX audit_log_created ON audit_log (created_at);
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Correction requests about a record of a student (a feedback point, an
-- attendance mark), answered by the student's teachers or school leaders.
CREATE TABLE corrections (
    id             {{id}},
    school_id      BIGINT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    student_id     BIGINT NOT NULL REFERENCES students (id) ON DELETE CASCADE,
    record_table   TEXT NOT NULL,
    record_key     TEXT NOT NULL,
    record_summary TEXT NOT NULL,
    requested_by   BIGINT REFERENCES users (id) ON DELETE SET NULL,
    request        TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'declined')),
    decided_by     BIGINT REFERENCES users (id) ON DELETE SET NULL,
    reason         TEXT NOT NULL DEFAULT '',
    created_at     {{ts}} NOT NULL,
    decided_at     {{ts}}
);
CREATE INDEX corrections_student ON corrections (student_id);
CREATE INDEX corrections_school ON corrections (school_id, status);

-- Request logs: a shortened address and the browser family only, never an
-- account, a path or a query.
CREATE TABLE request_log (
    id          {{id}},
    created_at  {{ts}} NOT NULL,
    method      TEXT NOT NULL,
    route       TEXT NOT NULL,
    status      INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL,
    ip_prefix   TEXT NOT NULL,
    browser     TEXT NOT NULL
);
CREATE INDEX request_log_created ON request_log (created_at);

-- First-party product usage: counts per feature per day, never per person.
CREATE TABLE usage_counts (
    day     TEXT NOT NULL,
    feature TEXT NOT NULL,
    count   BIGINT NOT NULL,
    PRIMARY KEY (day, feature)
);

-- A school's shorter retention periods, per data type.
CREATE TABLE retention_overrides (
    school_id BIGINT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    data_type TEXT NOT NULL,
    duration  TEXT NOT NULL,
    set_by    BIGINT REFERENCES users (id) ON DELETE SET NULL,
    set_at    {{ts}} NOT NULL,
    PRIMARY KEY (school_id, data_type)
);

-- Server-side secrets, made once on first use (the key that signs
-- one-click unsubscribe links).
CREATE TABLE server_keys (
    name       TEXT PRIMARY KEY,
    secret     TEXT NOT NULL,
    created_at {{ts}} NOT NULL
);

-- +goose Down
-- Forward-only.
