-- A student who signed up on their own asks to join a class with the
-- class code their teacher shows (issue 15): the class's teachers or the
-- school's leaders let them in (a student profile at the school, enrolled
-- in the class) or decline. Until then the student sees nothing of the
-- class and the class nothing of them but their first name. Every column
-- has its entry in internal/privacy/inventory/class_join_requests.yaml.

-- +goose Up
CREATE TABLE class_join_requests (
    id          {{id}},
    school_id   BIGINT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    class_id    BIGINT NOT NULL REFERENCES classes (id) ON DELETE CASCADE,
    user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  {{ts}} NOT NULL,
    -- Set when a teacher or leader answers; outcome says how.
    decided_at  {{ts}},
    decided_by  BIGINT REFERENCES users (id) ON DELETE SET NULL,
    outcome     TEXT NOT NULL DEFAULT '' CHECK (outcome IN ('', 'approved', 'declined'))
);
-- One open request per student and class: asking again is no new request.
CREATE UNIQUE INDEX class_join_requests_open ON class_join_requests (class_id, user_id) WHERE decided_at IS NULL;
CREATE INDEX class_join_requests_user ON class_join_requests (user_id);
CREATE INDEX class_join_requests_school ON class_join_requests (school_id);
CREATE INDEX class_join_requests_decided_by ON class_join_requests (decided_by);

-- +goose Down
-- Forward-only: Cubby never migrates down.
