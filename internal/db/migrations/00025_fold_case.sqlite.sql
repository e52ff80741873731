-- fold_case(text) is registered from Go on every SQLite connection
-- (internal/db/fold.go); this migration exists so both engines share the
-- version number of the PostgreSQL one.

-- +goose Up
SELECT 1;

-- +goose Down
SELECT 1;
