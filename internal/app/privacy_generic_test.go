package app_test

import (
	"encoding/json"
	"io"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"cubby/internal/app"
	"cubby/internal/db/dbtest"
	"cubby/internal/privacy"
	"cubby/internal/store"
)

// pebbleNotes is a throw-away feature: a table and its inventory entry, as
// a later feature (messages, stories, portfolios) would add them. Nothing
// else changes: export, erasure, retention and the transparency page must
// pick it up from the inventory alone.
const pebbleNotesDDL = `CREATE TABLE pebble_notes (
    id           BIGINT PRIMARY KEY,
    student_id   BIGINT NOT NULL REFERENCES students (id) ON DELETE CASCADE,
    mentioned_id BIGINT REFERENCES students (id) ON DELETE SET NULL,
    body         TEXT NOT NULL,
    photo_key    TEXT NOT NULL DEFAULT '',
    written_at   TIMESTAMP NOT NULL
)`

const pebbleNotesYAML = `table: pebble_notes
description: Notes a student writes in a throw-away test feature.
school_scoped: false
clocks:
  created_at: written_at
subject_paths:
  - student_id -> students.id, user_id -> users.id
  - mentioned_id -> students.id, user_id -> users.id
columns:
  - name: id
    personal: false
    note: Key.
  - name: student_id
    personal: false
    note: The author (a subject path).
  - name: mentioned_id
    personal: true
    data_type: messages_stories_portfolios
    category: user.content.private
    subjects: [student]
    account_types: [student]
    visible_to: [self, parent]
    collection:
      - {method: provided_by_user, by: the student mentioning a classmate}
    data_use: essential.service.operations
    purpose: Who else the note is about.
    legal_basis: A6-1-e
    retention: {duration: P1Y, trigger: created_at, action: delete}
    recipients: [primary_db, backups]
    export: true
    erase: delete
  - name: body
    personal: true
    data_type: messages_stories_portfolios
    category: user.content.private
    subjects: [student]
    account_types: [student]
    visible_to: [self, parent, teacher]
    collection:
      - {method: provided_by_user, by: the student writing it}
    data_use: essential.service.operations
    purpose: The note.
    legal_basis: A6-1-e
    retention: {duration: P1Y, trigger: created_at, action: delete}
    recipients: [primary_db, backups]
    export: true
    erase: delete
  - name: photo_key
    personal: true
    data_type: messages_stories_portfolios
    category: user.content.self_image
    subjects: [student]
    account_types: [student]
    visible_to: [self, parent, teacher]
    collection:
      - {method: provided_by_user, by: the student adding a photo}
    data_use: essential.service.operations
    purpose: A photo with the note.
    legal_basis: A6-1-e
    retention: {duration: P1Y, trigger: created_at, action: delete}
    recipients: [primary_db, backups]
    export: true
    erase: delete
    file: true
  - name: written_at
    personal: true
    data_type: messages_stories_portfolios
    category: user.content.private
    subjects: [student]
    account_types: [student]
    visible_to: [self, parent, teacher]
    collection:
      - {method: automatic, by: Cubby}
    data_use: essential.service.operations
    purpose: Dates the note.
    legal_basis: A6-1-e
    retention: {duration: P1Y, trigger: created_at, action: delete}
    recipients: [primary_db, backups]
    export: true
    erase: delete
`

// A new table and its inventory entry are exported (with its files, and
// with another child's id withheld), listed on the transparency page,
// removed by retention and erased — with no change to the privacy code.
func TestNewTableNeedsOnlyItsInventoryEntry(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			f := newFamily(t, d)
			ctx, a, env := f.ctx, f.env.App, f.env
			ddl := pebbleNotesDDL
			if d == "postgres" {
				ddl = strings.ReplaceAll(ddl, "TIMESTAMP", "TIMESTAMPTZ")
			}
			if _, err := env.DB.W.Exec(ddl); err != nil {
				t.Fatal(err)
			}
			files := fstest.MapFS{"pebble_notes.yaml": {Data: []byte(pebbleNotesYAML)}}
			must(t, fsCopy(files, privacy.Files()))
			inv, err := privacy.ParseInventory(files)
			must(t, err)
			tx, err := privacy.LoadTaxonomy()
			must(t, err)
			for _, err := range inv.Validate(tx) {
				t.Fatal(err)
			}
			cols, err := env.DB.Columns(ctx)
			must(t, err)
			for _, err := range inv.CheckSchema(cols) {
				if strings.Contains(err.Error(), "pebble") {
					t.Fatal(err)
				}
			}
			a.Inventory = inv
			a.ResetSchemaCache()

			// Ava, a classmate in the demo school, is mentioned in the note.
			ava, err := store.UserByUsername(ctx, env.DB.R, "ava.m")
			must(t, err)
			avaProfile, err := store.StudentByUserID(ctx, env.DB.R, ava.ID)
			must(t, err)
			w, err := env.Files.Create("pebbles/photo-1.jpg")
			must(t, err)
			io.WriteString(w, "JPEG of Zephyrine's drawing")
			w.Close()
			w, _ = env.Files.Create("pebbles/photo-1.jpg.thumb.webp")
			w.Close()
			if _, err := env.DB.W.Exec(`INSERT INTO pebble_notes (id, student_id, mentioned_id, body, photo_key, written_at) VALUES (1, $1, $2, 'I painted a fox', 'pebbles/photo-1.jpg', $3)`,
				f.studentID, avaProfile.ID, a.Now()); err != nil {
				t.Fatal(err)
			}

			// Listed on the transparency page.
			listed := false
			for _, r := range a.Transparency().Rows {
				for _, fl := range r.Fields {
					listed = listed || fl == "pebble_notes.body"
				}
			}
			if !listed {
				t.Error("the new table is not on the transparency page")
			}

			// Exported, with the photo, and Ava's id withheld.
			archive := export(t, env, f.student)
			var ar app.Archive
			must(t, json.Unmarshal(archive["export.json"], &ar))
			var notes []map[string]any
			for _, tab := range ar.People[0].Tables {
				if tab.Table == "pebble_notes" {
					notes = tab.Rows
				}
			}
			if len(notes) != 1 || notes[0]["body"] != "I painted a fox" {
				t.Fatalf("the note is not in the export: %v", notes)
			}
			if notes[0]["mentioned_id"] == float64(avaProfile.ID) || !strings.Contains(notes[0]["mentioned_id"].(string), "withheld") {
				t.Errorf("another child's id is in the export: %v", notes[0]["mentioned_id"])
			}
			if string(archive["media/pebble_notes/photo-1.jpg"]) != "JPEG of Zephyrine's drawing" {
				t.Error("the photo is not in the archive")
			}

			// Removed by retention when a year old.
			if _, err := env.DB.W.Exec(`INSERT INTO pebble_notes (id, student_id, body, written_at) VALUES (2, $1, 'Old news', $2)`,
				f.studentID, a.Now().AddDate(-1, 0, -1)); err != nil {
				t.Fatal(err)
			}
			_, err = a.RunRetention(ctx)
			must(t, err)
			if countRows(t, env, `SELECT count(*) FROM pebble_notes WHERE id = 2`) != 0 || countRows(t, env, `SELECT count(*) FROM pebble_notes WHERE id = 1`) != 1 {
				t.Error("retention did not apply the new table's rule, or applied it to a new note")
			}

			// Erased with the student, file and thumbnail included.
			must(t, a.EraseNow(ctx, f.studentUserID))
			if countRows(t, env, `SELECT count(*) FROM pebble_notes`) != 0 {
				t.Error("the note survived its author's erasure")
			}
			var left []string
			env.Files.Walk(func(k string) error {
				if strings.HasPrefix(k, "pebbles/") {
					left = append(left, k)
				}
				return nil
			})
			if len(left) != 0 {
				t.Errorf("files left after erasure: %v", left)
			}
		})
	}
}

// fsCopy adds every file of src to dst.
func fsCopy(dst fstest.MapFS, src fs.FS) error {
	return fs.WalkDir(src, ".", func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := fs.ReadFile(src, p)
		dst[p] = &fstest.MapFile{Data: b}
		return err
	})
}
