-- School search on SQLite: a full-text index over the name and city (word
-- and word-prefix lookups) and an R*Tree over the map position (nearest
-- schools). Both are kept in step with the schools table by triggers, so
-- every writer — the importer, the demo seed, a leader's edit — updates them
-- without knowing they exist. Typos are handled by the store, which corrects
-- misspelt words against the words of all school names before asking.
--
-- The PostgreSQL file of this pair creates relations of the same names and
-- columns (views over indexed expressions), so one privacy inventory
-- describes both engines and the store's search reads "schools_fts" and
-- "schools_rtree" on either.

-- +goose Up

-- External content: the text lives only in schools; the index holds words.
-- id is carried UNINDEXED so the relation has the same columns as its
-- PostgreSQL counterpart. unicode61 splits at anything but letters and
-- digits and folds case and accents ("José" is found as "jose"), as the
-- store's Go tokenizer does; prefix indexes make word starts of two to
-- five letters ("alb*", "scho*") as cheap as whole words.
CREATE VIRTUAL TABLE schools_fts USING fts5(
    id UNINDEXED, name, city,
    content = 'schools', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4 5'
);

-- A point per school (min = max). R*Tree keeps 32-bit floats rounded
-- outwards, so it is a filter; exact distances come from schools.lat/lon.
CREATE VIRTUAL TABLE schools_rtree USING rtree(id, min_lat, max_lat, min_lon, max_lon);

INSERT INTO schools_fts (schools_fts) VALUES ('rebuild');
INSERT INTO schools_rtree (id, min_lat, max_lat, min_lon, max_lon)
    SELECT id, lat, lat, lon, lon FROM schools WHERE lat IS NOT NULL AND lon IS NOT NULL;

-- +goose StatementBegin
CREATE TRIGGER schools_search_insert AFTER INSERT ON schools BEGIN
    INSERT INTO schools_fts (rowid, id, name, city) VALUES (new.id, new.id, new.name, new.city);
    INSERT INTO schools_rtree (id, min_lat, max_lat, min_lon, max_lon)
        SELECT new.id, new.lat, new.lat, new.lon, new.lon WHERE new.lat IS NOT NULL AND new.lon IS NOT NULL;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER schools_search_delete AFTER DELETE ON schools BEGIN
    INSERT INTO schools_fts (schools_fts, rowid, id, name, city) VALUES ('delete', old.id, old.id, old.name, old.city);
    DELETE FROM schools_rtree WHERE id = old.id;
END;
-- +goose StatementEnd

-- Only the indexed columns fire it, so an update of, say, verified leaves
-- both indexes alone.
-- +goose StatementBegin
CREATE TRIGGER schools_search_update AFTER UPDATE OF name, city, lat, lon ON schools BEGIN
    INSERT INTO schools_fts (schools_fts, rowid, id, name, city) VALUES ('delete', old.id, old.id, old.name, old.city);
    INSERT INTO schools_fts (rowid, id, name, city) VALUES (new.id, new.id, new.name, new.city);
    DELETE FROM schools_rtree WHERE id = old.id;
    INSERT INTO schools_rtree (id, min_lat, max_lat, min_lon, max_lon)
        SELECT new.id, new.lat, new.lat, new.lon, new.lon WHERE new.lat IS NOT NULL AND new.lon IS NOT NULL;
END;
-- +goose StatementEnd

-- +goose Down
-- Forward-only: Cubby never migrates down.
