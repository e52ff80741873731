-- Classroom tools (issue 15): skills with an icon that a class's teachers
-- edit for their class, and the character a student chooses to stand for
-- them, which a class's teachers can turn off. The picker, timer, groups
-- and noise meter store nothing: they read the roster and today's
-- attendance, and a group's point is an ordinary point per student.
-- Every column has its entry in internal/privacy/inventory/skills.yaml,
-- students.yaml and classes.yaml.

-- +goose Up
-- A skill's picture on its button, one of a fixed set of drawn icons
-- (app.SkillIcons); empty draws none.
ALTER TABLE skills ADD COLUMN icon TEXT NOT NULL DEFAULT '';

-- The character a student is shown as, one of a fixed set of generated
-- creatures (app.AvatarChoices); NULL is the one generated from the
-- student's id. avatar_by says who chose it: 'student' or 'teacher'. A
-- student's own choice is set aside (kept, not shown) while a class of
-- theirs does not let students choose.
ALTER TABLE students ADD COLUMN avatar TEXT;
ALTER TABLE students ADD COLUMN avatar_by TEXT CHECK (avatar_by IN ('student', 'teacher'));

-- Students of the class choose their own character (on unless the
-- teacher turns it off).
ALTER TABLE classes ADD COLUMN avatar_choice BOOLEAN NOT NULL DEFAULT TRUE;

-- +goose Down
-- Forward-only.
