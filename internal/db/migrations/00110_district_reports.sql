-- District scale (issue 16). A school's reports range over its own points
-- and attendance: without an index that starts with school_id, the
-- planner walked points_awarded_at across every school of the district
-- and filtered, so a school's year summary cost in proportion to the
-- whole district (0.43 s became 2.54 s when another school's 2.6 M points
-- joined). The class screen's totals for today (or the week) read
-- (class_id, awarded_at, student_id, weight) from the index alone: the
-- per-student sums never touch the table, whose rows of a busy day are
-- scattered among every other class's.

-- +goose Up
CREATE INDEX points_school_time ON points (school_id, awarded_at);
CREATE INDEX attendance_school_day ON attendance (school_id, day);
CREATE INDEX points_class_time_totals ON points (class_id, awarded_at, student_id, weight);
DROP INDEX points_class_time;

-- +goose Down
-- Forward-only: Cubby never migrates down.
