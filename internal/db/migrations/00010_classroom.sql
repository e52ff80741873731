-- The classroom: skills and feedback points, attendance, class codes for
-- shared-device logins, personal login links, and class settings.

-- +goose Up
-- A class's code lets students on a shared device log in by picking their
-- name; it expires after a few hours and the teacher can rotate it. Only
-- its hash is stored, like every other secret.
ALTER TABLE classes ADD COLUMN code_hash TEXT;
ALTER TABLE classes ADD COLUMN code_expires_at {{ts}};
CREATE UNIQUE INDEX classes_code ON classes (code_hash);
-- Families see their child's points unless the teacher turns this on.
ALTER TABLE classes ADD COLUMN hide_points BOOLEAN NOT NULL DEFAULT FALSE;
-- A school can show students by initials instead of first names.
ALTER TABLE schools ADD COLUMN show_initials BOOLEAN NOT NULL DEFAULT FALSE;

-- Skills: what a point is for, with a weight from -5 to +5 (0 allowed:
-- feedback that is noticed without being scored). class_id NULL means a
-- school-wide skill, set by leaders, shown in every class.
CREATE TABLE skills (
    id          {{id}},
    school_id   BIGINT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    class_id    BIGINT REFERENCES classes (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    weight      INTEGER NOT NULL CHECK (weight BETWEEN -5 AND 5),
    archived_at {{ts}},
    created_at  {{ts}} NOT NULL
);
CREATE INDEX skills_class ON skills (class_id);
CREATE INDEX skills_school ON skills (school_id);

-- Feedback points. The weight is copied at award time, so changing a
-- skill later does not rewrite history.
CREATE TABLE points (
    id          {{id}},
    school_id   BIGINT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    class_id    BIGINT NOT NULL REFERENCES classes (id) ON DELETE CASCADE,
    student_id  BIGINT NOT NULL REFERENCES students (id) ON DELETE CASCADE,
    skill_id    BIGINT REFERENCES skills (id) ON DELETE SET NULL,
    skill_name  TEXT NOT NULL,
    weight      INTEGER NOT NULL CHECK (weight BETWEEN -5 AND 5),
    note        TEXT NOT NULL DEFAULT '',
    awarded_by  BIGINT REFERENCES users (id) ON DELETE SET NULL,
    awarded_at  {{ts}} NOT NULL
);
CREATE INDEX points_student_time ON points (student_id, awarded_at);
CREATE INDEX points_class_time ON points (class_id, awarded_at);
CREATE INDEX points_awarded_at ON points (awarded_at);

-- Attendance: one record per student per class per day (YYYY-MM-DD in the
-- school's calendar). No record means the teacher did not take attendance.
CREATE TABLE attendance (
    school_id   BIGINT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    class_id    BIGINT NOT NULL REFERENCES classes (id) ON DELETE CASCADE,
    student_id  BIGINT NOT NULL REFERENCES students (id) ON DELETE CASCADE,
    day         TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('present', 'absent', 'late', 'left_early')),
    recorded_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    recorded_at {{ts}} NOT NULL,
    PRIMARY KEY (class_id, student_id, day)
);
CREATE INDEX attendance_student_day ON attendance (student_id, day);
CREATE INDEX attendance_class_day ON attendance (class_id, day);

-- Personal login links printed on a student's login card (as a QR code).
-- Only the hash is stored; printing new cards replaces the old links.
CREATE TABLE login_links (
    id         TEXT PRIMARY KEY,
    school_id  BIGINT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    student_id BIGINT NOT NULL REFERENCES students (id) ON DELETE CASCADE,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at {{ts}} NOT NULL,
    expires_at {{ts}} NOT NULL
);
CREATE INDEX login_links_student ON login_links (student_id);

-- +goose Down
-- Forward-only.
