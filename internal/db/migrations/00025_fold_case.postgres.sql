-- fold_case(text): names compared regardless of case and of how an accent
-- was typed (composed or combining). SQLite gets the same function from Go
-- (internal/db/fold.go). lower() follows the database's ctype: a UTF-8
-- ctype (the default on Debian, C.UTF-8) folds every script.

-- +goose Up
CREATE FUNCTION fold_case(t text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN lower(normalize(t, NFC));

-- +goose Down
DROP FUNCTION fold_case(text);
