-- Messages (issue 12): conversations between a teacher and the parents of
-- a student of their class (one parent, or all of the student's connected
-- parents), between a school's leaders and its families, and between staff
-- of a school; announcements to a class's families, a school's families or
-- its staff, whose replies go privately to the sender; read receipts,
-- attachments (through the stories' media pipeline), blocks, reports, and
-- each member of staff's quiet hours. Sent messages are never deleted by
-- their sender: the school keeps the record, and retention removes it.
-- Every column has its entry in internal/privacy/inventory/message_*.yaml,
-- conversations.yaml, conversation_members.yaml and quiet_hours.yaml.

-- +goose Up
-- A school's messaging switches, set by its leaders. A school without a
-- row has the defaults.
CREATE TABLE message_settings (
    school_id       BIGINT PRIMARY KEY REFERENCES schools (id) ON DELETE CASCADE,
    -- Parents see when staff read their messages.
    parent_receipts BOOLEAN NOT NULL DEFAULT TRUE,
    -- Parents may start a conversation with the school's leaders (the
    -- office), not only with their children's teachers.
    parents_office  BOOLEAN NOT NULL DEFAULT FALSE,
    -- Teachers may write to the students of their classes (off unless a
    -- leader turns it on), to students from students_min_grade up (the
    -- grade of their classes, below). Turned off, the conversations that
    -- exist stay readable and no one writes in them.
    students_enabled   BOOLEAN NOT NULL DEFAULT FALSE,
    students_min_grade INTEGER NOT NULL DEFAULT 6 CHECK (students_min_grade BETWEEN 0 AND 12),
    updated_at      {{ts}} NOT NULL
);

-- A class's grade (0 kindergarten, 1-12), set by the school's leaders: a
-- student's grade is the highest of their current classes'. A class
-- without one reaches no student by message.
ALTER TABLE classes ADD COLUMN grade INTEGER CHECK (grade BETWEEN 0 AND 12);

-- A conversation. kind direct: two people; group: a teacher (or leader)
-- and all of a student's connected parents; announcement: one sender to
-- many recipients, who cannot write in it (a reply starts a direct
-- conversation with the sender, reply_to naming the announcement);
-- student: a teacher and a student of their class (the school allowing
-- it), the student's connected parents reading along (role observer).
-- student_id is the child a family conversation is about: a parent reads
-- it only while they act for that child (custody blocks apply).
CREATE TABLE conversations (
    id              {{id}},
    school_id       BIGINT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('direct', 'group', 'announcement', 'student')),
    audience        TEXT NOT NULL DEFAULT '' CHECK (audience IN ('', 'class', 'families', 'staff')),
    class_id        BIGINT REFERENCES classes (id) ON DELETE SET NULL,
    student_id      BIGINT REFERENCES students (id) ON DELETE SET NULL,
    reply_to        BIGINT REFERENCES conversations (id) ON DELETE SET NULL,
    created_by      BIGINT REFERENCES users (id) ON DELETE SET NULL,
    subject         TEXT NOT NULL DEFAULT '',
    urgent          BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      {{ts}} NOT NULL,
    -- A scheduled announcement: its recipients see it from this time on
    -- (their emails wait for it in the outbox); NULL = sent when written.
    send_at         {{ts}},
    -- The latest message, for the inbox's order and preview, and the
    -- clock of the conversation's retention.
    last_message_id BIGINT,
    last_message_at {{ts}} NOT NULL
);
CREATE INDEX conversations_school ON conversations (school_id, last_message_at);
CREATE INDEX conversations_student ON conversations (student_id);
CREATE INDEX conversations_class ON conversations (class_id);
CREATE INDEX conversations_reply_to ON conversations (reply_to);
CREATE INDEX conversations_created_by ON conversations (created_by);

-- Who is in a conversation. role recipient: an announcement's recipient,
-- who reads it and may reply privately; observer: a student's parent
-- reading along in the student's conversation with a teacher, who reads
-- every message and writes none. last_read_id is the newest message
-- the member has read (0: none), for unread counts; active_at moves with
-- every message and read, and is the clock of the row's retention.
CREATE TABLE conversation_members (
    school_id       BIGINT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    conversation_id BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    user_id         BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role            TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'recipient', 'observer')),
    joined_at       {{ts}} NOT NULL,
    last_read_id    BIGINT NOT NULL DEFAULT 0,
    read_at         {{ts}},
    active_at       {{ts}} NOT NULL,
    PRIMARY KEY (conversation_id, user_id)
);
CREATE INDEX conversation_members_user ON conversation_members (user_id, conversation_id);

-- A message. sender_id is NULL once the sender's account is erased; the
-- message stays in the school's record under sender_kind ("a former
-- parent"). A sender may correct a typo within five minutes: edited_at
-- marks it and original_body keeps what was first sent.
CREATE TABLE messages (
    id              {{id}},
    school_id       BIGINT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    conversation_id BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    sender_id       BIGINT REFERENCES users (id) ON DELETE SET NULL,
    sender_kind     TEXT NOT NULL CHECK (sender_kind IN ('teacher', 'parent', 'leader', 'student')),
    body            TEXT NOT NULL DEFAULT '',
    created_at      {{ts}} NOT NULL,
    edited_at       {{ts}},
    original_body   TEXT
);
CREATE INDEX messages_conversation ON messages (conversation_id, id);
CREATE INDEX messages_sender ON messages (sender_id, created_at);
CREATE INDEX messages_school ON messages (school_id, created_at);

-- Who read a message and when, for the sender's read receipts.
CREATE TABLE message_reads (
    school_id  BIGINT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    message_id BIGINT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    read_at    {{ts}} NOT NULL,
    PRIMARY KEY (message_id, user_id)
);
CREATE INDEX message_reads_user ON message_reads (user_id);

-- A photo, video or file sent with a message, already processed by the
-- media pipeline (photos re-encoded without metadata, with a thumbnail at
-- file_key + ".thumb"; videos stripped). Served only to the conversation's
-- members, through a random public id.
CREATE TABLE message_attachments (
    id           {{id}},
    school_id    BIGINT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    message_id   BIGINT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    public_id    TEXT NOT NULL UNIQUE,
    position     INTEGER NOT NULL DEFAULT 0,
    kind         TEXT NOT NULL CHECK (kind IN ('photo', 'video', 'file')),
    name         TEXT NOT NULL DEFAULT '',
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL DEFAULT 0,
    width        INTEGER NOT NULL DEFAULT 0,
    height       INTEGER NOT NULL DEFAULT 0,
    file_key     TEXT NOT NULL,
    created_at   {{ts}} NOT NULL
);
CREATE INDEX message_attachments_message ON message_attachments (message_id, position);

-- A member of staff blocked a parent: the parent cannot write to them
-- until the block is lifted, by them or by a leader of the school, who see
-- every block of their school. A lifted block stays as the school's record.
CREATE TABLE message_blocks (
    id         {{id}},
    school_id  BIGINT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    blocker_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    parent_id  BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reason     TEXT NOT NULL DEFAULT '',
    created_at {{ts}} NOT NULL,
    lifted_by  BIGINT REFERENCES users (id) ON DELETE SET NULL,
    lifted_at  {{ts}}
);
CREATE UNIQUE INDEX message_blocks_active ON message_blocks (blocker_id, parent_id) WHERE lifted_at IS NULL;
CREATE INDEX message_blocks_parent ON message_blocks (parent_id);
CREATE INDEX message_blocks_school ON message_blocks (school_id, lifted_at);
CREATE INDEX message_blocks_lifted_by ON message_blocks (lifted_by);

-- A message reported to the school's leaders; resolved when a leader has
-- dealt with it.
CREATE TABLE message_reports (
    id          {{id}},
    school_id   BIGINT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    message_id  BIGINT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    reporter_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reason      TEXT NOT NULL DEFAULT '',
    created_at  {{ts}} NOT NULL,
    resolved_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    resolved_at {{ts}}
);
CREATE UNIQUE INDEX message_reports_once ON message_reports (message_id, reporter_id);
CREATE INDEX message_reports_school ON message_reports (school_id, resolved_at);
CREATE INDEX message_reports_reporter ON message_reports (reporter_id);
CREATE INDEX message_reports_resolved_by ON message_reports (resolved_by);

-- A member of staff's quiet hours, in the schools' time zone: from starts
-- to ends (minutes after midnight; starts > ends runs overnight) on school
-- days, and all weekend when weekends is set. Families writing then see
-- when they are back; their notifications wait until then.
CREATE TABLE quiet_hours (
    user_id    BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    enabled    BOOLEAN NOT NULL DEFAULT TRUE,
    starts     INTEGER NOT NULL CHECK (starts BETWEEN 0 AND 1439),
    ends       INTEGER NOT NULL CHECK (ends BETWEEN 0 AND 1439),
    weekends   BOOLEAN NOT NULL DEFAULT TRUE,
    updated_at {{ts}} NOT NULL
);

-- +goose Down
-- Forward-only.
