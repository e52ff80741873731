package privacy

import (
	"context"
	"io/fs"
	"maps"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"cubby/internal/db/dbtest"
)

func loadReal(t *testing.T) (*Inventory, *Taxonomy) {
	t.Helper()
	tx, err := LoadTaxonomy()
	if err != nil {
		t.Fatalf("LoadTaxonomy: %v", err)
	}
	inv, err := LoadInventory()
	if err != nil {
		t.Fatalf("LoadInventory: %v", err)
	}
	return inv, tx
}

func TestRealInventoryValidates(t *testing.T) {
	t.Parallel()
	inv, tx := loadReal(t)
	for _, err := range inv.Validate(tx) {
		t.Error(err)
	}
	if len(inv.Tables()) == 0 || len(inv.PersonalFields()) == 0 {
		t.Fatalf("inventory looks empty: %d tables, %d personal fields", len(inv.Tables()), len(inv.PersonalFields()))
	}
}

// The inventory must describe exactly what the migrations create, on every
// engine Cubby supports (INV-1).
func TestInventoryMatchesLiveSchema(t *testing.T) {
	t.Parallel()
	inv, _ := loadReal(t)
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			database := dbtest.Open(t, d)
			cols, err := database.Columns(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if len(cols) == 0 {
				t.Fatal("the live schema has no columns; the comparison would prove nothing")
			}
			for _, err := range inv.CheckSchema(cols) {
				t.Error(err)
			}
		})
	}
}

// The guard itself: a column added without an entry, and an entry without a
// column, are each reported, and nothing else is.
func TestCheckSchemaReportsDrift(t *testing.T) {
	t.Parallel()
	ghost := `
  - name: ghost
    personal: false
    note: A column that was never created.
`
	cases := []struct {
		name  string
		alter string             // run on a fresh database
		edit  func(fstest.MapFS) // applied to a copy of the real inventory
		want  []string
	}{
		{
			name:  "column without entry",
			alter: "ALTER TABLE users ADD COLUMN nickname TEXT",
			want:  []string{"users.nickname is in the database but not in the privacy inventory (internal/privacy/inventory/users.yaml)"},
		},
		{
			name:  "table without file",
			alter: "CREATE TABLE pets (owner_id BIGINT, pet_name TEXT)",
			want: []string{
				"pets.owner_id is in the database but not in the privacy inventory (internal/privacy/inventory/pets.yaml)",
				"pets.pet_name is in the database but not in the privacy inventory (internal/privacy/inventory/pets.yaml)",
			},
		},
		{
			name: "entry without column",
			edit: func(m fstest.MapFS) { m["users.yaml"].Data = append(m["users.yaml"].Data, ghost...) },
			want: []string{"users.ghost is in the privacy inventory (internal/privacy/inventory/users.yaml) but not in the database"},
		},
	}
	for _, d := range dbtest.Engines(t) {
		for _, tc := range cases {
			t.Run(string(d)+"/"+tc.name, func(t *testing.T) {
				ctx := context.Background()
				database := dbtest.Open(t, d)
				if tc.alter != "" {
					if _, err := database.W.ExecContext(ctx, tc.alter); err != nil {
						t.Fatal(err)
					}
				}
				files := realInventoryFiles(t)
				if tc.edit != nil {
					tc.edit(files)
				}
				inv, err := parseInventory(files)
				if err != nil {
					t.Fatal(err)
				}
				cols, err := database.Columns(ctx)
				if err != nil {
					t.Fatal(err)
				}
				got := inv.CheckSchema(cols)
				if len(got) != len(tc.want) {
					t.Fatalf("got %d errors %v, want %d %q", len(got), got, len(tc.want), tc.want)
				}
				for i := range got {
					if got[i].Error() != tc.want[i] {
						t.Errorf("error %d:\n got %s\nwant %s", i, got[i], tc.want[i])
					}
				}
			})
		}
	}
}

func realInventoryFiles(t *testing.T) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(inventoryFS, "inventory", func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := inventoryFS.ReadFile(p)
		m[strings.TrimPrefix(p, "inventory/")] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// A small inventory that validates clean; each case below breaks one thing.
const synthUsers = `table: users
description: Accounts.
school_scoped: false
identity: true
columns:
  - name: id
    personal: false
    note: Internal key.
  - name: email
    personal: true
    data_type: email
    category: user.contact.email
    subjects: [teacher]
    account_types: [teacher]
    visible_to: [self]
    collection:
      - method: provided_by_user
        by: the person at sign-up
    data_use: essential.service.authentication
    purpose: Logging in.
    legal_basis: A6-1-e
    retention: {duration: P30D, trigger: account_deleted, action: delete}
    recipients: [primary_db, smtp]
    export: true
    erase: delete
`

const synthNotes = `table: notes
description: Notes a person writes.
school_scoped: false
subject_paths:
  - user_id -> users.id
columns:
  - name: user_id
    personal: false
    note: Internal key.
  - name: created_at
    personal: false
    note: When the note was written.
  - name: body
    personal: true
    data_type: messages_stories_portfolios
    category: user.content.private
    subjects: [student, teacher]
    account_types: [student, teacher]
    visible_to: []
    collection:
      - method: provided_by_user
        by: the person typing it
    data_use: essential.service.operations
    purpose: Keeping notes.
    legal_basis: A6-1-e
    retention: {duration: P1Y, trigger: created_at, action: delete}
    recipients: [primary_db]
    export: false
    erase: delete
`

func TestValidateCatches(t *testing.T) {
	t.Parallel()
	_, tx := loadReal(t)
	cases := []struct {
		name       string
		users      [2]string // replace users[0] with users[1] in synthUsers
		notes      [2]string // likewise in synthNotes
		extraFiles map[string]string
		want       string // the one error expected; "" = valid
		// also is how many more errors follow from the same mistake.
		also int
	}{
		{name: "valid"},
		{name: "unknown category", users: [2]string{"category: user.contact.email", "category: user.contact.pager"},
			want: `users.email: category "user.contact.pager" is not in fideslang or taxonomy/cubby.yaml`},
		{name: "unknown data use", users: [2]string{"data_use: essential.service.authentication", "data_use: essential.vibes"},
			want: `data_use "essential.vibes" is not in fideslang`},
		{name: "unknown subject", notes: [2]string{"subjects: [student, teacher]", "subjects: [student, teacher, alien]"},
			want: `notes.body: subject "alien" is not in fideslang`},
		{name: "missing legal basis", users: [2]string{"    legal_basis: A6-1-e\n", ""},
			want: "users.email: legal_basis is missing"},
		{name: "unknown legal basis", users: [2]string{"legal_basis: A6-1-e", "legal_basis: vibes"},
			want: `legal_basis "vibes" is not one of`},
		{name: "hold without reason", notes: [2]string{"erase: delete", "erase: hold"},
			want: "notes.body: hold needs retention.hold_reason"},
		{name: "hold after erasure without stamp", notes: [2]string{"trigger: created_at, action: delete}\n    recipients: [primary_db]\n    export: false\n    erase: delete",
			"trigger: account_deleted, action: delete, hold_reason: a law}\n    recipients: [primary_db]\n    export: false\n    erase: hold"},
			want: "notes: a field is on hold (erase: hold) counting from account_deleted, but held_since names no column"},
		{name: "retention hold without reason", users: [2]string{"action: delete}", "action: hold}"},
			want: "users.email: hold needs retention.hold_reason"},
		{name: "hold reason without hold", users: [2]string{"action: delete}", "action: delete, hold_reason: just in case}"},
			want: "hold_reason given but nothing is held"},
		{name: "empty duration", users: [2]string{"duration: P30D", `duration: ""`},
			want: "users.email: retention.duration is missing; indefinite retention is not allowed"},
		{name: "infinite duration", users: [2]string{"duration: P30D", "duration: forever"},
			want: `users.email: retention.duration "forever": must start with P`},
		{name: "practically infinite duration", users: [2]string{"duration: P30D", "duration: P999Y"},
			want: `retention.duration "P999Y" is longer than 100 years`},
		{name: "zero duration", users: [2]string{"duration: P30D", "duration: P0D"},
			want: `retention.duration "P0D" is zero`},
		{name: "no retention", users: [2]string{"    retention: {duration: P30D, trigger: account_deleted, action: delete}\n", ""},
			want: "users.email: retention is missing"},
		{name: "unknown trigger", users: [2]string{"trigger: account_deleted", "trigger: whenever"},
			want: `retention.trigger "whenever" is not one of`},
		{name: "export without erase", users: [2]string{"    erase: delete\n", ""},
			want: "users.email: export: true but no erase action"},
		{name: "erase without export decision", users: [2]string{"    export: true\n", ""},
			want: "users.email: erase is set but export is not decided"},
		{name: "personal undeclared", users: [2]string{"    personal: false\n", ""},
			want: "users.id: personal is missing"},
		{name: "non-personal without note", users: [2]string{"    note: Internal key.\n", ""},
			want: "users.id: personal: false needs a note"},
		{name: "non-personal with personal attributes", users: [2]string{"    note: Internal key.\n", "    note: Internal key.\n    export: true\n"},
			want: "users.id: personal: false but declares attributes of personal data"},
		{name: "unknown data type", users: [2]string{"data_type: email", "data_type: shoe_size"},
			want: `data_type "shoe_size" is not one of the data types`},
		{name: "missing visible_to", users: [2]string{"    visible_to: [self]\n", ""},
			want: "users.email: visible_to is missing"},
		{name: "unknown collection method", users: [2]string{"method: provided_by_user", "method: overheard"},
			want: `collection method "overheard" is not one of`},
		{name: "account type without subject", users: [2]string{"account_types: [teacher]", "account_types: [teacher, parent]"},
			want: "account type parent but subject guardian is missing from subjects"},
		{name: "recipients without primary db", users: [2]string{"recipients: [primary_db, smtp]", "recipients: [smtp]"},
			want: "recipients must include primary_db"},
		{name: "duplicate column", users: [2]string{"  - name: email\n", "  - name: id\n    personal: false\n    note: Again.\n  - name: email\n"},
			want: "users.id: column declared twice"},
		{name: "duplicate table", extraFiles: map[string]string{"users2.yaml": "table: users\ndescription: Again.\nschool_scoped: false\ncolumns:\n  - {name: id, personal: false, note: Key.}\n"},
			want: "users2.yaml: users: table declared again (first in users.yaml)"},
		{name: "school scope without school_id", notes: [2]string{"school_scoped: false", "school_scoped: true"},
			want: "notes: school_scoped: true but the table has no school_id column"},
		{name: "subject path to nowhere", notes: [2]string{"user_id -> users.id", "user_id -> users.uid"},
			want: `notes: subject path "user_id -> users.uid": users has no column uid`},
		{name: "personal table without subject path", notes: [2]string{"subject_paths:\n  - user_id -> users.id\n", ""},
			want: "notes: holds personal data but has no subject_paths"},
		{name: "no identity table", users: [2]string{"identity: true\n", ""},
			want: "no table is marked identity: true", also: 2}, // and nothing reaches a person
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			files := fstest.MapFS{
				"users.yaml": {Data: []byte(mustReplace(t, synthUsers, tc.users))},
				"notes.yaml": {Data: []byte(mustReplace(t, synthNotes, tc.notes))},
			}
			for name, body := range tc.extraFiles {
				files[name] = &fstest.MapFile{Data: []byte(body)}
			}
			inv, err := parseInventory(files)
			if err != nil {
				t.Fatal(err)
			}
			errs := inv.Validate(tx)
			if tc.want == "" {
				for _, err := range errs {
					t.Error(err)
				}
				return
			}
			found := slices.ContainsFunc(errs, func(err error) bool { return strings.Contains(err.Error(), tc.want) })
			if !found || len(errs) != 1+tc.also {
				t.Errorf("got %d errors %q, want %d, one containing %q", len(errs), errs, 1+tc.also, tc.want)
			}
		})
	}
}

func mustReplace(t *testing.T, s string, r [2]string) string {
	t.Helper()
	if r[0] == "" {
		return s
	}
	if !strings.Contains(s, r[0]) {
		t.Fatalf("test fixture has no %q", r[0])
	}
	return strings.Replace(s, r[0], r[1], 1)
}

func TestValidateRejectsDeprecatedKeys(t *testing.T) {
	t.Parallel()
	_, tx := loadReal(t)
	old := *tx
	old.Categories = maps.Clone(tx.Categories)
	term := old.Categories["user.contact.email"]
	term.Deprecated, term.ReplacedBy = true, "user.contact.electronic_mail"
	old.Categories["user.contact.email"] = term
	inv, err := parseInventory(fstest.MapFS{"users.yaml": {Data: []byte(synthUsers)}})
	if err != nil {
		t.Fatal(err)
	}
	errs := inv.Validate(&old)
	want := `category "user.contact.email" is deprecated; use user.contact.electronic_mail`
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), want) {
		t.Errorf("got %q, want one error containing %q", errs, want)
	}
}

// Strict parsing is what makes a typo ("retension:") an error instead of a
// silently missing rule.
func TestParseRejectsUnknownKeys(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"table level":     strings.Replace(synthUsers, "identity: true", "identity: true\nowner: nobody", 1),
		"field level":     strings.Replace(synthUsers, "    export: true", "    exprot: true", 1),
		"retention level": strings.Replace(synthUsers, "action: delete}", "action: delete, forever: true}", 1),
		"two documents":   synthUsers + "---\n" + synthNotes,
		"bad path":        strings.Replace(synthNotes, "user_id -> users.id", "user_id => users", 1),
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := parseInventory(fstest.MapFS{"users.yaml": {Data: []byte(body)}}); err == nil {
				t.Error("parsed without error")
			}
		})
	}
}

func TestTaxonomyExtension(t *testing.T) {
	t.Parallel()
	_, tx := loadReal(t)
	for _, kind := range []string{kindCategory, kindUse, kindSubject} {
		for key, term := range tx.terms(kind) {
			if !keyPattern.MatchString(key) {
				t.Errorf("%s %q does not match %s", kind, key, keyPattern)
			}
			if !term.Extension {
				continue
			}
			want := ""
			if i := strings.LastIndexByte(key, '.'); i >= 0 && kind != kindSubject {
				want = key[:i]
			}
			if term.Parent != want {
				t.Errorf("%s %s: parent %q, want %q", kind, key, term.Parent, want)
			}
			if _, ok := tx.terms(kind)[want]; want != "" && !ok {
				t.Errorf("%s %s: parent %s missing", kind, key, want)
			}
		}
	}
	for _, key := range []string{"student", "guardian", "teacher", "school_leader"} {
		if !tx.Subjects[key].Extension {
			t.Errorf("data subject %s is not defined by cubby.yaml", key)
		}
	}
	for _, key := range []string{"user.education.attendance", "user.education.feedback_points", "user.education.school_affiliation"} {
		if !tx.Categories[key].Extension {
			t.Errorf("data category %s is not defined by cubby.yaml", key)
		}
	}
	if !strings.Contains(tx.Attribution, "CC BY 4.0") || !strings.Contains(tx.License, "Attribution 4.0 International") {
		t.Error("fideslang attribution or licence text is not embedded")
	}

	bad := []struct {
		name string
		kind string
		term extensionTerm
		want string
	}{
		{"bad character", kindCategory, extensionTerm{"user.edu cation", "X", "X", "user"}, "must match"},
		{"parent not key minus last segment", kindCategory, extensionTerm{"user.education.grades", "X", "X", "user"}, `want "user.education"`},
		{"missing parent", kindCategory, extensionTerm{"user.hobby.chess", "X", "X", "user.hobby"}, "parent user.hobby does not exist"},
		{"repeats a fideslang key", kindCategory, extensionTerm{"user.account.username", "X", "X", "user.account"}, "already defined"},
		{"subject with parent", kindSubject, extensionTerm{"pupil", "X", "X", "student"}, "no parent_key"},
		{"no description", kindUse, extensionTerm{"essential.teaching", "X", "", "essential"}, "description are required"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			err := checkExtensionTerm(tc.kind, tc.term, tx.terms(tc.kind))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestParseDuration(t *testing.T) {
	t.Parallel()
	good := []struct {
		in   string
		want Period
	}{
		{"P30D", Period{Days: 30}},
		{"P12M", Period{Months: 12}},
		{"P1Y", Period{Years: 1}},
		{"PT24H", Period{Hours: 24}},
		{"P2W", Period{Days: 14}},
		{"P1Y2M3DT4H5M6S", Period{1, 2, 3, 4, 5, 6}},
		{"P0D", Period{}}, // parses; Validate rejects it as a retention period
	}
	for _, tc := range good {
		got, err := ParseDuration(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseDuration(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
	for _, in := range []string{"", "P", "PT", "30D", "P1.5M", "P-1D", "PT1D", "P1M1Y", "P1D1D", "P1DT", "P1", "forever", "P∞", "p30d", "P2000000D", "P99999999999999999999D"} {
		if p, err := ParseDuration(in); err == nil {
			t.Errorf("ParseDuration(%q) = %+v, want an error", in, p)
		}
	}
	// Where Validate draws the line between long and indefinite.
	for _, tc := range []struct {
		in   string
		over bool
	}{{"P100Y", false}, {"P101Y", true}, {"P36600D", false}, {"P36601D", true}, {"P1300M", true}} {
		p, err := ParseDuration(tc.in)
		if err != nil || p.exceeds(longest) != tc.over {
			t.Errorf("%s exceeds %d years: got %v (err %v), want %v", tc.in, longest, !tc.over, err, tc.over)
		}
	}
}

// The page lists data types by key; a repeated key would merge two rows.
func TestDataTypesAreUnique(t *testing.T) {
	t.Parallel()
	seen := map[DataType]bool{}
	for _, d := range DataTypes {
		if seen[d.Type] || d.Label == "" {
			t.Errorf("data type %q repeated or unlabelled", d.Type)
		}
		seen[d.Type] = true
	}
}
