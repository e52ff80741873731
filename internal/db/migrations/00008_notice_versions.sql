-- Versions of the data transparency page (the privacy notice): each time
-- what it says changes, its content is archived with the date it took
-- effect and what changed, so anyone can see what the page said before.

-- +goose Up
CREATE TABLE notice_versions (
    version      TEXT PRIMARY KEY,
    effective_at {{ts}} NOT NULL,
    material     BOOLEAN NOT NULL,
    changes      TEXT NOT NULL DEFAULT '',
    content      TEXT NOT NULL
);
CREATE INDEX notice_versions_effective ON notice_versions (effective_at);

-- +goose Down
-- Forward-only.
