-- School search finds postal codes too: "LE17 5JL", the outward code
-- "LE17", a ZIP, or a name with one ("St Mary's LE17"). The words index
-- covers the postal code beside the name and city, split and folded alike
-- (so "LE17 5JL" is the words le17 and 5jl); the store joins the pieces
-- again for someone who types "le175jl". The view gains the column, as
-- the SQLite index does.

-- +goose Up
DROP INDEX schools_search_words;

-- +goose StatementBegin
CREATE FUNCTION school_search_words(name text, city text, postal_code text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE COST 1000
SET search_path = pg_catalog AS $$
    SELECT array_to_tsvector(array_remove(regexp_split_to_array(
        translate(lower(name || ' ' || city || ' ' || postal_code),
            'ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĨĩĪīĬĭĮįĴĵĶķĹĺĻļĽľŃńŅņŇňŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽž',
            'aaaaaaceeeeiiiinooooouuuuyaaaaaaceeeeiiiinooooouuuuyyaaaaaaccccccccddeeeeeeeeeegggggggghhiiiiiiiijjkkllllllnnnnnnoooooorrrrrrssssssssttttuuuuuuuuuuuuwwyyyzzzzzz'),
        '[^[:alnum:]]+'), ''))
$$;
-- +goose StatementEnd

DROP FUNCTION school_search_words(text, text);

CREATE INDEX schools_search_words ON schools USING gin (school_search_words(name, city, postal_code));

CREATE OR REPLACE VIEW schools_fts AS SELECT id, name, city, postal_code FROM schools;

-- +goose Down
-- Forward-only: Cubby never migrates down.
