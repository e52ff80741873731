-- Which version of the data transparency page (the privacy notice) each
-- person has acknowledged (INV-7). After a material change, people whose
-- account type it concerns see a banner until they acknowledge it; one
-- row per account, replaced by each acknowledgement, gone with the account.
-- Every column has its entry in internal/privacy/inventory.

-- +goose Up
CREATE TABLE notice_acks (
    user_id         BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    version         TEXT NOT NULL,
    acknowledged_at {{ts}} NOT NULL
);

-- +goose Down
-- Forward-only.
