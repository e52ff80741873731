-- The installable app's device information (issue 14): push subscriptions
-- (where a person's phone or browser receives Web Push, with the coarse
-- facts that let them recognise it in their settings) and first-party
-- reports of JavaScript errors. Every column has its entry in
-- internal/privacy/inventory/push_subscriptions.yaml and
-- client_errors.yaml.

-- +goose Up
-- One browser's push subscription. endpoint is the push service's URL for
-- that browser (unique: a browser profile is logged in as one person at a
-- time, and a later subscription from it moves the row); p256dh and auth
-- are its public key and secret (base64url), with which messages are
-- encrypted. platform and browser are families from the User-Agent
-- ("Android", "Chrome"), never the full header. session_id is the login
-- it came from: logging out there deletes the row; an expired session
-- leaves it, and 60 days unused delete it.
CREATE TABLE push_subscriptions (
    id           {{id}},
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    session_id   TEXT REFERENCES sessions (id) ON DELETE SET NULL,
    endpoint     TEXT NOT NULL UNIQUE,
    p256dh       TEXT NOT NULL,
    auth         TEXT NOT NULL,
    platform     TEXT NOT NULL DEFAULT '',
    browser      TEXT NOT NULL DEFAULT '',
    app_version  TEXT NOT NULL DEFAULT '',
    created_at   {{ts}} NOT NULL,
    last_used_at {{ts}} NOT NULL
);
CREATE INDEX push_subscriptions_user ON push_subscriptions (user_id);
CREATE INDEX push_subscriptions_session ON push_subscriptions (session_id);
CREATE INDEX push_subscriptions_last_used ON push_subscriptions (last_used_at);

-- A JavaScript error a browser reported, to diagnose bugs: no account, no
-- page content, no query strings; kept 30 days.
CREATE TABLE client_errors (
    id          {{id}},
    created_at  {{ts}} NOT NULL,
    message     TEXT NOT NULL,
    stack       TEXT NOT NULL DEFAULT '',
    app_version TEXT NOT NULL DEFAULT '',
    browser     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX client_errors_created ON client_errors (created_at);

-- A school's leaders may turn error reports off for their school: then
-- nothing is reported from anyone who belongs to it.
ALTER TABLE schools ADD COLUMN client_error_reports BOOLEAN NOT NULL DEFAULT TRUE;

-- +goose Down
-- Forward-only.
