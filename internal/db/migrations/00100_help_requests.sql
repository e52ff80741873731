-- Help requests (issue 18): anyone, logged in or not, asks for help from
-- every page's footer. A request about a school is answered by the
-- school's leaders; one about no school, or a school with no active
-- leader, by the deployment's operator with `cubby helpdesk`. A logged-in
-- request carries the account (user_id), never a copy of its details; a
-- visitor leaves an email address or phone number only if they want an
-- answer. Every column has its entry in
-- internal/privacy/inventory/help_requests.yaml and help_request_events.yaml.

-- +goose Up
CREATE TABLE help_requests (
    id          {{id}},
    -- The school the request is about; NULL when none was chosen (and
    -- when the school is deleted), which sends it to the operator.
    school_id   BIGINT REFERENCES schools (id) ON DELETE SET NULL,
    user_id     BIGINT REFERENCES users (id) ON DELETE CASCADE,
    topic       TEXT NOT NULL CHECK (topic IN ('login', 'child', 'privacy', 'other')),
    body        TEXT NOT NULL,
    email       TEXT NOT NULL DEFAULT '',
    phone       TEXT NOT NULL DEFAULT '',
    language    TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'answered', 'closed')),
    created_at  {{ts}} NOT NULL,
    updated_at  {{ts}} NOT NULL,
    -- Set when closed; the retention of the request counts from it.
    closed_at   {{ts}}
);
CREATE INDEX help_requests_school ON help_requests (school_id, status, updated_at);
CREATE INDEX help_requests_user ON help_requests (user_id);
CREATE INDEX help_requests_email ON help_requests (email) WHERE email <> '';
CREATE INDEX help_requests_phone ON help_requests (phone) WHERE phone <> '';
CREATE INDEX help_requests_closed ON help_requests (closed_at);

-- The history of a request: replies sent, internal notes, and changes of
-- status, oldest first. Deleted with the request.
CREATE TABLE help_request_events (
    id          {{id}},
    request_id  BIGINT NOT NULL REFERENCES help_requests (id) ON DELETE CASCADE,
    school_id   BIGINT REFERENCES schools (id) ON DELETE SET NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('reply', 'note', 'status')),
    -- Who wrote or changed it; NULL for the operator (no account) and
    -- after the author's erasure.
    author_id   BIGINT REFERENCES users (id) ON DELETE SET NULL,
    body        TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL DEFAULT '',
    created_at  {{ts}} NOT NULL
);
CREATE INDEX help_request_events_request ON help_request_events (request_id, id);
CREATE INDEX help_request_events_author ON help_request_events (author_id);
CREATE INDEX help_request_events_school ON help_request_events (school_id);

-- +goose Down
-- Forward-only: Cubby never migrates down.
