-- Picture passwords and past-day attendance corrections (issue 15).
--
-- A class's teachers can ask that a student who logs in with the class
-- code and taps their name also taps their two pictures (of nine), in
-- order, before the session starts; the pair is printed on the student's
-- login card. And a school's leaders set how many days back a teacher may
-- correct their class's attendance. Every column has its entry in
-- internal/privacy/inventory/students.yaml, classes.yaml and schools.yaml.

-- +goose Up
-- The student's two pictures, in order, as their names from
-- app.LoginPictures ("cat sun"); NULL until a teacher turns picture login
-- on for a class of theirs or prints their card then. Kept as they are,
-- not hashed: see the inventory's note (72 pairs are tried in moments, so
-- a hash would only pretend, and the teacher reprints the card).
ALTER TABLE students ADD COLUMN login_pictures TEXT;

-- The class's students tap their pictures after their name (off unless
-- the teacher turns it on).
ALTER TABLE classes ADD COLUMN picture_login BOOLEAN NOT NULL DEFAULT FALSE;

-- How many days before today a teacher may correct their class's
-- attendance (0 = today only, at most 30); leaders correct any day.
ALTER TABLE schools ADD COLUMN attendance_window INTEGER NOT NULL DEFAULT 7 CHECK (attendance_window BETWEEN 0 AND 30);

-- +goose Down
-- Forward-only: Cubby never migrates down.
