-- The School Directory: how people join a school (a leader's choice of
-- email domain for automatic approval), whether its staff must use
-- two-factor login, and invitations staff send to teachers and parents.
-- Every column has its entry in internal/privacy/inventory.

-- +goose Up
-- Join requests from people whose verified email address is on this
-- domain are approved at once. NULL: every request waits for a leader.
ALTER TABLE schools ADD COLUMN email_domain TEXT;
-- Staff of the school must log in with two-factor; until they have set it
-- up they can do nothing but set it up.
ALTER TABLE schools ADD COLUMN require_two_factor BOOLEAN NOT NULL DEFAULT FALSE;

-- An invitation to join a school: a teacher invited by staff, or a parent
-- invited to follow one student. Exactly one of email and phone says where
-- the link went. Only a SHA-256 of the link's secret is stored; it works
-- once, until expires_at.
CREATE TABLE invitations (
    id          {{id}},
    school_id   BIGINT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    token_hash  TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL CHECK (kind IN ('teacher', 'parent')),
    student_id  BIGINT REFERENCES students (id) ON DELETE CASCADE,
    email       TEXT,
    phone       TEXT,
    language    TEXT NOT NULL,
    invited_by  BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at  {{ts}} NOT NULL,
    expires_at  {{ts}} NOT NULL,
    accepted_at {{ts}},
    accepted_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    CHECK ((email IS NULL) <> (phone IS NULL)),
    CHECK ((kind = 'parent') = (student_id IS NOT NULL))
);
-- Rate limits count a sender's and a school's recent invitations.
CREATE INDEX invitations_sender ON invitations (invited_by, created_at);
CREATE INDEX invitations_school ON invitations (school_id, created_at);
CREATE INDEX invitations_email ON invitations (email);
CREATE INDEX invitations_phone ON invitations (phone);
CREATE INDEX invitations_accepted_by ON invitations (accepted_by);

-- +goose Down
-- Forward-only.
