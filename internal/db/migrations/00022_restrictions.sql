-- Restriction of processing (GDPR Art. 18): a parent, or the student, asks
-- the school to restrict what is done with a student's records, on one of
-- the four grounds of Art. 18(1); a leader of the school decides, or sets
-- one directly on a request made on paper. While a restriction is in force
-- the records are only stored: see internal/app/restriction.go for what
-- that means in Cubby. Every column has its entry in
-- internal/privacy/inventory/processing_restrictions.yaml.

-- +goose Up
CREATE TABLE processing_restrictions (
    id           {{id}},
    school_id    BIGINT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    student_id   BIGINT NOT NULL REFERENCES students (id) ON DELETE CASCADE,
    ground       TEXT NOT NULL CHECK (ground IN ('accuracy', 'unlawful', 'legal_claims', 'objection')),
    -- requested: waiting for a leader; active: in force; declined: not
    -- granted; lifted: was in force, ended by a leader.
    status       TEXT NOT NULL CHECK (status IN ('requested', 'active', 'declined', 'lifted')),
    request      TEXT NOT NULL DEFAULT '',
    requested_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    decided_by   BIGINT REFERENCES users (id) ON DELETE SET NULL,
    reason       TEXT NOT NULL DEFAULT '',
    lifted_by    BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at   {{ts}} NOT NULL,
    decided_at   {{ts}},
    lifted_at    {{ts}},
    -- When the request was declined or the restriction lifted; NULL while
    -- it waits or is in force. Retention counts from here, so a restriction
    -- in force is never deleted by the retention job.
    closed_at    {{ts}},
    CHECK ((closed_at IS NULL) = (status IN ('requested', 'active')))
);
-- One open request or restriction per student and ground: asking twice is
-- a conflict, not a second row.
CREATE UNIQUE INDEX processing_restrictions_open ON processing_restrictions (student_id, ground) WHERE closed_at IS NULL;
-- Read paths ask "is this student restricted?" (the award, reports).
CREATE INDEX processing_restrictions_student ON processing_restrictions (student_id, status);
CREATE INDEX processing_restrictions_school ON processing_restrictions (school_id, status);
CREATE INDEX processing_restrictions_requested_by ON processing_restrictions (requested_by);
CREATE INDEX processing_restrictions_decided_by ON processing_restrictions (decided_by);
CREATE INDEX processing_restrictions_lifted_by ON processing_restrictions (lifted_by);

-- +goose Down
-- Forward-only.
