-- The base schema: schools, people, classes and the links between them.
-- Every table that belongs to one school carries school_id, the key a
-- distributed PostgreSQL (Citus) would shard on. Column types {{id}} and
-- {{ts}} are filled in per engine (see migrate.go). Every column here has an
-- entry in internal/privacy/inventory; a test fails otherwise.

-- +goose Up
CREATE TABLE schools (
    id          {{id}},
    name        TEXT NOT NULL,
    address     TEXT NOT NULL DEFAULT '',
    city        TEXT NOT NULL DEFAULT '',
    region      TEXT NOT NULL DEFAULT '',
    postal_code TEXT NOT NULL DEFAULT '',
    country     TEXT NOT NULL,
    lat         DOUBLE PRECISION,
    lon         DOUBLE PRECISION,
    year_start  TEXT,
    year_end    TEXT,
    source      TEXT NOT NULL DEFAULT 'manual',
    source_id   TEXT,
    verified    BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  {{ts}} NOT NULL,
    UNIQUE (source, source_id)
);

-- Every account type lives here; kind is the account type chosen at sign-up
-- (or "student" for accounts teachers create). Email is stored lower-cased
-- so that one equality index serves both engines.
CREATE TABLE users (
    id                {{id}},
    kind              TEXT NOT NULL CHECK (kind IN ('teacher', 'parent', 'leader', 'student')),
    title             TEXT NOT NULL DEFAULT '',
    first_name        TEXT NOT NULL,
    last_name         TEXT NOT NULL DEFAULT '',
    email             TEXT UNIQUE,
    username          TEXT UNIQUE,
    password_hash     TEXT NOT NULL DEFAULT '',
    language          TEXT NOT NULL DEFAULT 'en',
    email_verified_at {{ts}},
    created_at        {{ts}} NOT NULL,
    updated_at        {{ts}} NOT NULL
);

-- Server-side sessions, for the web cookie and API bearer tokens alike. Only
-- a SHA-256 of the token is stored, so a leaked table logs no one in.
CREATE TABLE sessions (
    id           TEXT PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('web', 'api')),
    browser      TEXT NOT NULL DEFAULT '',
    created_at   {{ts}} NOT NULL,
    last_seen_at {{ts}} NOT NULL,
    expires_at   {{ts}} NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- Staff of a school. status=pending is a join request waiting for a leader.
CREATE TABLE school_members (
    school_id   BIGINT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role        TEXT NOT NULL CHECK (role IN ('teacher', 'leader')),
    status      TEXT NOT NULL CHECK (status IN ('pending', 'active')),
    verified_at {{ts}},
    created_at  {{ts}} NOT NULL,
    PRIMARY KEY (school_id, user_id)
);
CREATE INDEX school_members_user ON school_members (user_id);

-- A student's profile in one school: one row per child per school, kept
-- across school years so history is never split. Names live in users.
CREATE TABLE students (
    id          {{id}},
    school_id   BIGINT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    user_id     BIGINT NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    parent_code TEXT NOT NULL UNIQUE,
    created_at  {{ts}} NOT NULL,
    left_at     {{ts}}
);
CREATE INDEX students_school ON students (school_id);

CREATE TABLE classes (
    id          {{id}},
    school_id   BIGINT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    archived_at {{ts}},
    created_at  {{ts}} NOT NULL
);
CREATE INDEX classes_school ON classes (school_id);

-- Teachers of a class; every teacher of a class has the same rights.
CREATE TABLE class_teachers (
    school_id  BIGINT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    class_id   BIGINT NOT NULL REFERENCES classes (id) ON DELETE CASCADE,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at {{ts}} NOT NULL,
    PRIMARY KEY (class_id, user_id)
);
CREATE INDEX class_teachers_user ON class_teachers (user_id);

-- Roster. removed_at keeps the history of a student who left the class.
CREATE TABLE class_students (
    school_id  BIGINT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    class_id   BIGINT NOT NULL REFERENCES classes (id) ON DELETE CASCADE,
    student_id BIGINT NOT NULL REFERENCES students (id) ON DELETE CASCADE,
    added_at   {{ts}} NOT NULL,
    removed_at {{ts}},
    PRIMARY KEY (class_id, student_id)
);
CREATE INDEX class_students_student ON class_students (student_id);

-- Parent–child links; several guardians may connect to one child.
CREATE TABLE guardians (
    school_id  BIGINT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    student_id BIGINT NOT NULL REFERENCES students (id) ON DELETE CASCADE,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at {{ts}} NOT NULL,
    PRIMARY KEY (student_id, user_id)
);
CREATE INDEX guardians_user ON guardians (user_id);

-- Remembered API responses, so that a retried write with the same
-- Idempotency-Key returns the first result and writes nothing new.
CREATE TABLE idempotency_keys (
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    idem_key     TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status       INTEGER NOT NULL,
    response     TEXT NOT NULL,
    created_at   {{ts}} NOT NULL,
    PRIMARY KEY (user_id, idem_key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- +goose Down
-- Forward-only: Cubby never migrates down.
