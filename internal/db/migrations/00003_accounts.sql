-- Accounts and identity: emailed single-use links, two-factor login, pending
-- student self-registrations awaiting a parent, and the consent ledger.

-- +goose Up
-- Two-factor login (TOTP) for staff, and a switch that stops an account
-- from being used (e.g. when the consent it rests on is withdrawn).
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_enabled_at {{ts}};
ALTER TABLE users ADD COLUMN disabled_at {{ts}};

-- Single-use emailed links (verify an address, reset a password) and the
-- short step between a correct password and a correct two-factor code.
-- Only a SHA-256 of each token is stored.
CREATE TABLE user_tokens (
    id         TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL CHECK (purpose IN ('verify_email', 'password_reset', 'second_factor')),
    email      TEXT NOT NULL DEFAULT '',
    created_at {{ts}} NOT NULL,
    expires_at {{ts}} NOT NULL,
    used_at    {{ts}}
);
CREATE INDEX user_tokens_user ON user_tokens (user_id);
CREATE INDEX user_tokens_expires ON user_tokens (expires_at);

-- One-time recovery codes for a lost authenticator, stored hashed.
CREATE TABLE recovery_codes (
    user_id   BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at   {{ts}},
    PRIMARY KEY (user_id, code_hash)
);

-- A child under the digital age of consent who registered themself: only
-- what is needed to reach a parent is kept, until the parent answers or
-- seven days pass.
CREATE TABLE student_registrations (
    id           {{id}},
    token_hash   TEXT NOT NULL UNIQUE,
    first_name   TEXT NOT NULL,
    parent_email TEXT NOT NULL,
    language     TEXT NOT NULL,
    country      TEXT NOT NULL,
    consent_age  INTEGER NOT NULL,
    created_at   {{ts}} NOT NULL,
    expires_at   {{ts}} NOT NULL
);
CREATE INDEX student_registrations_expires ON student_registrations (expires_at);

-- The consent ledger: each consent is an immutable record; withdrawal only
-- sets withdrawn_at, once. Later consents (media, optional features) use
-- the same table with their own purpose.
CREATE TABLE consents (
    id                {{id}},
    subject_user_id   BIGINT REFERENCES users (id) ON DELETE SET NULL,
    grantor_user_id   BIGINT REFERENCES users (id) ON DELETE SET NULL,
    grantor_email     TEXT NOT NULL DEFAULT '',
    grantor_role      TEXT NOT NULL CHECK (grantor_role IN ('self', 'parent', 'school_official')),
    purpose           TEXT NOT NULL,
    notice_version    TEXT NOT NULL,
    method            TEXT NOT NULL,
    evidence          TEXT NOT NULL DEFAULT '',
    manage_token_hash TEXT UNIQUE,
    granted_at        {{ts}} NOT NULL,
    withdrawn_at      {{ts}}
);
CREATE INDEX consents_subject ON consents (subject_user_id);
CREATE INDEX consents_grantor ON consents (grantor_user_id);

-- +goose Down
-- Forward-only.
