-- Custody restrictions and eligible students (privacy requirements DSR-4,
-- ACL-6): a school leader records that a named parent account must not
-- reach a student (a court order, a custody agreement, a safeguarding
-- decision), and that a student now holds the rights over their own
-- records (an "eligible student": 18 under FERPA, or the local age of
-- majority). Cubby stores neither an age nor a birth date, only the day
-- the school recorded the transfer.
-- Every column has its entry in internal/privacy/inventory.

-- +goose Up
-- A guardian block. While lifted_at is NULL the guardian cannot be
-- connected to the student by any path (parent code, invitation, merge);
-- a lifted block stays as the school's history of the decision.
CREATE TABLE guardian_blocks (
    id               {{id}},
    school_id        BIGINT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    student_id       BIGINT NOT NULL REFERENCES students (id) ON DELETE CASCADE,
    guardian_user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reason           TEXT NOT NULL CHECK (reason IN ('court_order', 'custody_agreement', 'safeguarding', 'other')),
    note             TEXT NOT NULL DEFAULT '',
    created_by       BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at       {{ts}} NOT NULL,
    lifted_by        BIGINT REFERENCES users (id) ON DELETE SET NULL,
    lifted_at        {{ts}},
    -- How often the blocked account tried to connect again, and when
    -- last: a safeguarding signal for the school's leaders.
    refused_count    INTEGER NOT NULL DEFAULT 0,
    last_refused_at  {{ts}}
);
-- At most one block in force per guardian and student.
CREATE UNIQUE INDEX guardian_blocks_active ON guardian_blocks (student_id, guardian_user_id) WHERE lifted_at IS NULL;
CREATE INDEX guardian_blocks_guardian ON guardian_blocks (guardian_user_id);
CREATE INDEX guardian_blocks_school ON guardian_blocks (school_id);
CREATE INDEX guardian_blocks_created_by ON guardian_blocks (created_by);
CREATE INDEX guardian_blocks_lifted_by ON guardian_blocks (lifted_by);

-- When the school recorded that the student holds their own rights; NULL
-- while their parents do. What it means for parents' access is the
-- deployment's choice (CUBBY_ELIGIBLE_PARENT_ACCESS).
ALTER TABLE students ADD COLUMN eligible_since {{ts}};

-- A correction request a school leader filed on a parent's behalf (DSR-4):
-- requested_by is the parent, filed_by the leader. NULL when the parent
-- (or an eligible student) asked themself.
ALTER TABLE corrections ADD COLUMN filed_by BIGINT REFERENCES users (id) ON DELETE SET NULL;
CREATE INDEX corrections_filed_by ON corrections (filed_by);

-- +goose Down
-- Forward-only.
