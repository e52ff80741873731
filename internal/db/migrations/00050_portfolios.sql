-- Portfolios (issue 13): activities a teacher sets for a class (or chosen
-- students of it), the work students post in answer or as a free journal
-- entry (text, a photo, a drawing made in the browser, a voice recording,
-- a file), the teacher's approval before families see it (or a return to
-- the student with a private comment), and the family's likes and
-- comments. An item belongs to the student (student_id), not to a class:
-- it follows them into next year's class. Every column has its entry in
-- internal/privacy/inventory/portfolio_*.yaml (and classes.yaml,
-- schools.yaml for the settings).

-- +goose Up
-- A class's switches, set by its teachers (and the school's leaders):
-- work reaches families without approval (only where the school allows it
-- for the class's grade), and whether families may comment.
ALTER TABLE classes ADD COLUMN portfolio_approval_off BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE classes ADD COLUMN portfolio_comments_off BOOLEAN NOT NULL DEFAULT FALSE;
-- The lowest grade whose classes' teachers may turn approval off (NULL:
-- approval is always required), set by the school's leaders.
ALTER TABLE schools ADD COLUMN portfolio_no_approval_grade INTEGER CHECK (portfolio_no_approval_grade BETWEEN 0 AND 12);

-- An activity: what the teacher asks for, with an optional template
-- picture or attachment (template_key, processed by the media pipeline:
-- photos re-encoded without metadata) and an optional due date (the
-- school's calendar day). for_all: every student of the class; otherwise
-- the students in portfolio_activity_students.
CREATE TABLE portfolio_activities (
    id            {{id}},
    school_id     BIGINT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    class_id      BIGINT NOT NULL REFERENCES classes (id) ON DELETE CASCADE,
    -- NULL once the teacher's account is erased; the class keeps it.
    author_id     BIGINT REFERENCES users (id) ON DELETE SET NULL,
    title         TEXT NOT NULL,
    instructions  TEXT NOT NULL DEFAULT '',
    due_on        TEXT,
    for_all       BOOLEAN NOT NULL DEFAULT TRUE,
    template_kind TEXT NOT NULL DEFAULT '' CHECK (template_kind IN ('', 'photo', 'file')),
    template_name TEXT NOT NULL DEFAULT '',
    template_type TEXT NOT NULL DEFAULT '',
    template_key  TEXT NOT NULL DEFAULT '',
    public_id     TEXT NOT NULL UNIQUE,
    created_at    {{ts}} NOT NULL
);
CREATE INDEX portfolio_activities_class ON portfolio_activities (class_id, created_at);
CREATE INDEX portfolio_activities_author ON portfolio_activities (author_id, created_at);

-- The students an activity is for, when it is not for the whole class.
CREATE TABLE portfolio_activity_students (
    school_id   BIGINT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    activity_id BIGINT NOT NULL REFERENCES portfolio_activities (id) ON DELETE CASCADE,
    student_id  BIGINT NOT NULL REFERENCES students (id) ON DELETE CASCADE,
    PRIMARY KEY (activity_id, student_id)
);
CREATE INDEX portfolio_activity_students_student ON portfolio_activity_students (student_id);

-- A piece of work. class_id is the class whose teachers review it (the
-- activity's, or the student's class for a journal entry); status pending
-- (waiting for a teacher), returned (back with the student to improve),
-- approved (families see it, ordered by approved_at).
CREATE TABLE portfolio_items (
    id           {{id}},
    school_id    BIGINT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    student_id   BIGINT NOT NULL REFERENCES students (id) ON DELETE CASCADE,
    class_id     BIGINT REFERENCES classes (id) ON DELETE SET NULL,
    activity_id  BIGINT REFERENCES portfolio_activities (id) ON DELETE SET NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('text', 'photo', 'drawing', 'voice', 'file')),
    body         TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL CHECK (status IN ('pending', 'returned', 'approved')),
    created_at   {{ts}} NOT NULL,
    submitted_at {{ts}} NOT NULL,
    approved_at  {{ts}},
    approved_by  BIGINT REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX portfolio_items_queue ON portfolio_items (class_id, status, submitted_at, id);
CREATE INDEX portfolio_items_student ON portfolio_items (student_id, approved_at, id);
CREATE INDEX portfolio_items_activity ON portfolio_items (activity_id);
CREATE INDEX portfolio_items_approved_by ON portfolio_items (approved_by);

-- The file of a piece of work, already through the media pipeline: a photo
-- or drawing re-encoded without metadata (thumbnail at file_key +
-- ".thumb"), a voice recording copied by ffmpeg without its metadata, a
-- document as it came. Served only to who may see the item.
CREATE TABLE portfolio_files (
    id           {{id}},
    school_id    BIGINT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    item_id      BIGINT NOT NULL REFERENCES portfolio_items (id) ON DELETE CASCADE,
    public_id    TEXT NOT NULL UNIQUE,
    kind         TEXT NOT NULL CHECK (kind IN ('photo', 'drawing', 'voice', 'file')),
    name         TEXT NOT NULL DEFAULT '',
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL DEFAULT 0,
    width        INTEGER NOT NULL DEFAULT 0,
    height       INTEGER NOT NULL DEFAULT 0,
    file_key     TEXT NOT NULL,
    created_at   {{ts}} NOT NULL
);
CREATE INDEX portfolio_files_item ON portfolio_files (item_id);

-- A teacher's decision on a piece of work: approved, or returned with a
-- private comment to the student (families never see reviews).
CREATE TABLE portfolio_reviews (
    id          {{id}},
    school_id   BIGINT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    item_id     BIGINT NOT NULL REFERENCES portfolio_items (id) ON DELETE CASCADE,
    reviewer_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    action      TEXT NOT NULL CHECK (action IN ('approved', 'returned')),
    comment     TEXT NOT NULL DEFAULT '',
    created_at  {{ts}} NOT NULL
);
CREATE INDEX portfolio_reviews_item ON portfolio_reviews (item_id, created_at);
CREATE INDEX portfolio_reviews_reviewer ON portfolio_reviews (reviewer_id);

-- Comments on approved work by the student's parents and staff.
CREATE TABLE portfolio_comments (
    id         {{id}},
    school_id  BIGINT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    item_id    BIGINT NOT NULL REFERENCES portfolio_items (id) ON DELETE CASCADE,
    author_id  BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    body       TEXT NOT NULL,
    created_at {{ts}} NOT NULL
);
CREATE INDEX portfolio_comments_item ON portfolio_comments (item_id, created_at);
CREATE INDEX portfolio_comments_author ON portfolio_comments (author_id);

CREATE TABLE portfolio_likes (
    school_id  BIGINT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    item_id    BIGINT NOT NULL REFERENCES portfolio_items (id) ON DELETE CASCADE,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at {{ts}} NOT NULL,
    PRIMARY KEY (item_id, user_id)
);
CREATE INDEX portfolio_likes_user ON portfolio_likes (user_id);

-- +goose Down
-- Forward-only.
