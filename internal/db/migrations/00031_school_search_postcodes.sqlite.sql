-- School search finds postal codes too: "LE17 5JL", the outward code
-- "LE17", a ZIP, or a name with one ("St Mary's LE17"). The full-text
-- index gains the postal code as a third column, tokenized like the name
-- (so "LE17 5JL" is the words le17 and 5jl); the store joins the pieces
-- again for someone who types "le175jl". The triggers are made anew to
-- keep the new column in step; the R*Tree is unchanged.

-- +goose Up
DROP TRIGGER schools_search_insert;
DROP TRIGGER schools_search_delete;
DROP TRIGGER schools_search_update;
DROP TABLE schools_fts;

CREATE VIRTUAL TABLE schools_fts USING fts5(
    id UNINDEXED, name, city, postal_code,
    content = 'schools', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4 5'
);
INSERT INTO schools_fts (schools_fts) VALUES ('rebuild');

-- +goose StatementBegin
CREATE TRIGGER schools_search_insert AFTER INSERT ON schools BEGIN
    INSERT INTO schools_fts (rowid, id, name, city, postal_code) VALUES (new.id, new.id, new.name, new.city, new.postal_code);
    INSERT INTO schools_rtree (id, min_lat, max_lat, min_lon, max_lon)
        SELECT new.id, new.lat, new.lat, new.lon, new.lon WHERE new.lat IS NOT NULL AND new.lon IS NOT NULL;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER schools_search_delete AFTER DELETE ON schools BEGIN
    INSERT INTO schools_fts (schools_fts, rowid, id, name, city, postal_code) VALUES ('delete', old.id, old.id, old.name, old.city, old.postal_code);
    DELETE FROM schools_rtree WHERE id = old.id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER schools_search_update AFTER UPDATE OF name, city, postal_code, lat, lon ON schools BEGIN
    INSERT INTO schools_fts (schools_fts, rowid, id, name, city, postal_code) VALUES ('delete', old.id, old.id, old.name, old.city, old.postal_code);
    INSERT INTO schools_fts (rowid, id, name, city, postal_code) VALUES (new.id, new.id, new.name, new.city, new.postal_code);
    DELETE FROM schools_rtree WHERE id = old.id;
    INSERT INTO schools_rtree (id, min_lat, max_lat, min_lon, max_lon)
        SELECT new.id, new.lat, new.lat, new.lon, new.lon WHERE new.lat IS NOT NULL AND new.lon IS NOT NULL;
END;
-- +goose StatementEnd

-- +goose Down
-- Forward-only: Cubby never migrates down.
