-- Class Story and School Story: posts with text and up to ten photos,
-- videos or files, tags of the children in each photo (refused without
-- their media consent, a consent in the ledger), likes, comments, reports
-- of comments, and who has seen a post (for "seen by 18 of 25 families").
-- A post with class_id NULL is a School Story post. Every column has its
-- entry in internal/privacy/inventory/story_*.yaml (and classes.yaml,
-- schools.yaml for the settings).

-- +goose Up
-- Students see their Class Story only when the teacher turns it on.
ALTER TABLE classes ADD COLUMN story_students BOOLEAN NOT NULL DEFAULT FALSE;
-- Comments can be switched off for a class, and for a whole school.
ALTER TABLE classes ADD COLUMN story_comments_off BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE schools ADD COLUMN story_comments_off BOOLEAN NOT NULL DEFAULT FALSE;
-- What happens to the posts of a member of staff whose account is erased:
-- removed with them, or kept under the school's name.
ALTER TABLE schools ADD COLUMN story_departed TEXT NOT NULL DEFAULT 'remove' CHECK (story_departed IN ('remove', 'keep'));

CREATE TABLE story_posts (
    id           {{id}},
    school_id    BIGINT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    class_id     BIGINT REFERENCES classes (id) ON DELETE CASCADE,
    -- NULL once the post is kept under the school's name.
    author_id    BIGINT REFERENCES users (id) ON DELETE SET NULL,
    body         TEXT NOT NULL DEFAULT '',
    comments_off BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   {{ts}} NOT NULL,
    -- NULL while its photos are being prepared: families see a post only
    -- once it is published, and the feed is ordered by this.
    published_at {{ts}},
    edited_at    {{ts}}
);
CREATE INDEX story_posts_class_feed ON story_posts (class_id, published_at, id);
CREATE INDEX story_posts_school_feed ON story_posts (school_id, published_at, id) WHERE class_id IS NULL;
CREATE INDEX story_posts_author ON story_posts (author_id);
-- A leader's view of every story of their school.
CREATE INDEX story_posts_school_all ON story_posts (school_id, published_at, id);

-- A photo, video or file of a post. source_key holds the upload until it
-- is processed (photos re-encoded without metadata, videos stripped);
-- file_key the file families get, thumb and display sizes derived from it
-- (file_key + ".thumb", ".display").
CREATE TABLE story_attachments (
    id           {{id}},
    school_id    BIGINT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    post_id      BIGINT NOT NULL REFERENCES story_posts (id) ON DELETE CASCADE,
    public_id    TEXT NOT NULL UNIQUE,
    position     INTEGER NOT NULL DEFAULT 0,
    kind         TEXT NOT NULL CHECK (kind IN ('photo', 'video', 'file')),
    name         TEXT NOT NULL DEFAULT '',
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL DEFAULT 0,
    width        INTEGER NOT NULL DEFAULT 0,
    height       INTEGER NOT NULL DEFAULT 0,
    status       TEXT NOT NULL CHECK (status IN ('processing', 'ready', 'failed')),
    error        TEXT NOT NULL DEFAULT '',
    source_key   TEXT NOT NULL DEFAULT '',
    file_key     TEXT NOT NULL DEFAULT '',
    created_at   {{ts}} NOT NULL
);
CREATE INDEX story_attachments_post ON story_attachments (post_id, position);
CREATE INDEX story_attachments_status ON story_attachments (status);

-- A file uploaded on its own (with progress, from the API or the page's
-- script) before the post that will carry it exists. Creating the post
-- turns it into an attachment; one never used is removed after a day.
CREATE TABLE story_uploads (
    id           {{id}},
    school_id    BIGINT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    class_id     BIGINT REFERENCES classes (id) ON DELETE CASCADE,
    uploaded_by  BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    public_id    TEXT NOT NULL UNIQUE,
    kind         TEXT NOT NULL CHECK (kind IN ('photo', 'video', 'file')),
    name         TEXT NOT NULL DEFAULT '',
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL DEFAULT 0,
    width        INTEGER NOT NULL DEFAULT 0,
    height       INTEGER NOT NULL DEFAULT 0,
    source_key   TEXT NOT NULL,
    created_at   {{ts}} NOT NULL
);
CREATE INDEX story_uploads_user ON story_uploads (uploaded_by);
CREATE INDEX story_uploads_created ON story_uploads (created_at);

-- A child tagged in a photo. Families never see other children's tags.
CREATE TABLE story_tags (
    school_id     BIGINT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    post_id       BIGINT NOT NULL REFERENCES story_posts (id) ON DELETE CASCADE,
    attachment_id BIGINT NOT NULL REFERENCES story_attachments (id) ON DELETE CASCADE,
    student_id    BIGINT NOT NULL REFERENCES students (id) ON DELETE CASCADE,
    created_at    {{ts}} NOT NULL,
    PRIMARY KEY (attachment_id, student_id)
);
CREATE INDEX story_tags_student ON story_tags (student_id);
CREATE INDEX story_tags_post ON story_tags (post_id);

CREATE TABLE story_comments (
    id         {{id}},
    school_id  BIGINT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    post_id    BIGINT NOT NULL REFERENCES story_posts (id) ON DELETE CASCADE,
    author_id  BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    body       TEXT NOT NULL,
    created_at {{ts}} NOT NULL
);
CREATE INDEX story_comments_post ON story_comments (post_id, created_at);
CREATE INDEX story_comments_author ON story_comments (author_id);

CREATE TABLE story_likes (
    school_id  BIGINT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    post_id    BIGINT NOT NULL REFERENCES story_posts (id) ON DELETE CASCADE,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at {{ts}} NOT NULL,
    PRIMARY KEY (post_id, user_id)
);
CREATE INDEX story_likes_user ON story_likes (user_id);

-- A comment reported to the school's leaders. resolved_at is set when a
-- leader dismisses it; deleting the comment deletes its reports.
CREATE TABLE story_reports (
    id          {{id}},
    school_id   BIGINT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    comment_id  BIGINT NOT NULL REFERENCES story_comments (id) ON DELETE CASCADE,
    reporter_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reason      TEXT NOT NULL DEFAULT '',
    created_at  {{ts}} NOT NULL,
    resolved_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    resolved_at {{ts}}
);
CREATE UNIQUE INDEX story_reports_once ON story_reports (comment_id, reporter_id);
CREATE INDEX story_reports_school ON story_reports (school_id, resolved_at);
CREATE INDEX story_reports_reporter ON story_reports (reporter_id);
CREATE INDEX story_reports_resolved_by ON story_reports (resolved_by);

-- Who has opened a post, for the author's "seen by 18 of 25 families".
CREATE TABLE story_reads (
    school_id BIGINT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    post_id   BIGINT NOT NULL REFERENCES story_posts (id) ON DELETE CASCADE,
    user_id   BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    read_at   {{ts}} NOT NULL,
    PRIMARY KEY (post_id, user_id)
);
CREATE INDEX story_reads_user ON story_reads (user_id);

-- +goose Down
-- Forward-only.
