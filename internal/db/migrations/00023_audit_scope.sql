-- Views of a whole class or school (the class screen, a class's report or
-- attendance history, a school's summary or directory) are audited as one
-- entry per reader, view and day, with no subject and the view and the
-- class or school in detail ("class_report:12"). A family's access log
-- finds the entries of the classes and school their child was in by
-- detail and time; this index keeps that from reading the whole log.

-- +goose Up
CREATE INDEX audit_log_scope ON audit_log (detail, created_at) WHERE subject_user_id IS NULL;

-- +goose Down
DROP INDEX audit_log_scope;
