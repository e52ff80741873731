-- Rosters imported from a school's information system (OneRoster 1.1 CSV):
-- the sourcedId the system gave each imported student and class, so that
-- importing the same export again updates what the first import created
-- instead of duplicating it. NULL for everything made in Cubby; both
-- engines let NULLs repeat under a unique index.

-- +goose Up
ALTER TABLE students ADD COLUMN source_id TEXT;
CREATE UNIQUE INDEX students_source ON students (school_id, source_id);
ALTER TABLE classes ADD COLUMN source_id TEXT;
CREATE UNIQUE INDEX classes_source ON classes (school_id, source_id);

-- +goose Down
-- Forward-only.
