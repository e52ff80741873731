-- Custody restrictions recorded before the person ever connects (a court
-- order handed to the school at enrolment): a school leader names an email
-- address that must not reach a student. Any account with that address,
-- now or later, is refused the parent code and invitations, and one that
-- is connected is disconnected. guardian_blocks holds restrictions on
-- accounts already connected. Every column has its entry in
-- internal/privacy/inventory/guardian_email_blocks.yaml.

-- +goose Up
CREATE TABLE guardian_email_blocks (
    id              {{id}},
    school_id       BIGINT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    student_id      BIGINT NOT NULL REFERENCES students (id) ON DELETE CASCADE,
    -- Lower case, as typed otherwise: addresses are compared without case.
    email           TEXT NOT NULL,
    reason          TEXT NOT NULL CHECK (reason IN ('court_order', 'custody_agreement', 'safeguarding', 'other')),
    note            TEXT NOT NULL DEFAULT '',
    created_by      BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at      {{ts}} NOT NULL,
    lifted_by       BIGINT REFERENCES users (id) ON DELETE SET NULL,
    lifted_at       {{ts}},
    refused_count   INTEGER NOT NULL DEFAULT 0,
    last_refused_at {{ts}}
);
CREATE UNIQUE INDEX guardian_email_blocks_active ON guardian_email_blocks (student_id, email) WHERE lifted_at IS NULL;
CREATE INDEX guardian_email_blocks_email ON guardian_email_blocks (email);
CREATE INDEX guardian_email_blocks_school ON guardian_email_blocks (school_id);
CREATE INDEX guardian_email_blocks_created_by ON guardian_email_blocks (created_by);
CREATE INDEX guardian_email_blocks_lifted_by ON guardian_email_blocks (lifted_by);

-- +goose Down
DROP TABLE guardian_email_blocks;
