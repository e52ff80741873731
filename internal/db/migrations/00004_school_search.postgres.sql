-- School search on PostgreSQL: a full-text (tsvector) index over the words
-- of the name and city (word and word-prefix lookups) and a GiST index over
-- the map position (nearest schools, by KNN ordering). Both are indexes on
-- expressions of the schools table, so PostgreSQL keeps them in step with
-- every write by itself. No extension is needed (neither PostGIS nor
-- pg_trgm). Typos are handled by the store, which corrects misspelt words
-- against the words of all school names before asking.
--
-- The SQLite file of this pair creates an FTS5 table "schools_fts" and an
-- R*Tree "schools_rtree". Here the same names are views over the indexed
-- columns, with the same columns: one privacy inventory describes both
-- engines, and the store's search reads the same relations on either.

-- +goose Up

-- The words of a school's name and city: case and accents folded the way
-- SQLite's unicode61 tokenizer (remove_diacritics 2) and the store's Go
-- tokenizer fold them, for the Latin letters school names use
-- (U+00C0–U+017F), then split at anything that is not a letter or digit —
-- not by a text-search parser, whose notions of e-mail addresses and
-- hyphenated words would make its words differ from SQLite's.
--
-- The pinned search_path makes the index independent of the session's,
-- and keeps the function from being inlined: queries then match the index
-- by the function itself, and its cost tells the planner that computing it
-- row by row (a sequential scan) is the expensive way.
-- +goose StatementBegin
CREATE FUNCTION school_search_words(name text, city text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE COST 1000
SET search_path = pg_catalog AS $$
    SELECT array_to_tsvector(array_remove(regexp_split_to_array(
        translate(lower(name || ' ' || city),
            'ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĨĩĪīĬĭĮįĴĵĶķĹĺĻļĽľŃńŅņŇňŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽž',
            'aaaaaaceeeeiiiinooooouuuuyaaaaaaceeeeiiiinooooouuuuyyaaaaaaccccccccddeeeeeeeeeegggggggghhiiiiiiiijjkkllllllnnnnnnoooooorrrrrrssssssssttttuuuuuuuuuuuuwwyyyzzzzzz'),
        '[^[:alnum:]]+'), ''))
$$;
-- +goose StatementEnd

CREATE INDEX schools_search_words ON schools USING gin (school_search_words(name, city));

-- Longitude scaled by cos(latitude) makes plain point distance close to the
-- real distance for nearby schools, so KNN order (<->) is nearly right and
-- the store re-sorts a few extra candidates by exact great-circle distance.
CREATE INDEX schools_search_point ON schools USING gist (point(lon * cosd(lat), lat))
    WHERE lat IS NOT NULL AND lon IS NOT NULL;

CREATE VIEW schools_fts AS SELECT id, name, city FROM schools;

CREATE VIEW schools_rtree AS
    SELECT id, lat AS min_lat, lat AS max_lat, lon AS min_lon, lon AS max_lon
      FROM schools WHERE lat IS NOT NULL AND lon IS NOT NULL;

-- +goose Down
-- Forward-only: Cubby never migrates down.
