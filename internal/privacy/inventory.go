package privacy

import (
	"bytes"
	"embed"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// inventoryFS is the data inventory: one YAML file per database table. It is
// embedded so the transparency page, the Art. 30 record, export, erasure and
// retention all read the same declarations the tests checked.
//
//go:embed inventory/*.yaml
var inventoryFS embed.FS

// inventoryDir is where the files live in the source tree, for messages that
// tell a developer which file to edit.
const inventoryDir = "internal/privacy/inventory"

// Inventory is every table Cubby stores, with every column declared.
type Inventory struct {
	tables []Table
	// byName indexes tables; with duplicates (which Validate reports) the
	// first one wins.
	byName map[string]*Table
}

// Table is one database table's declaration.
type Table struct {
	Name        string
	File        string // the inventory file, relative to internal/privacy/inventory
	Description string
	// SchoolScoped tables carry school_id: a school's disposition (RET-6)
	// and a distributed PostgreSQL both follow it.
	SchoolScoped bool
	// Identity marks the table whose row is the person (users). Subject
	// paths end there.
	Identity bool
	// SubjectPaths say how a row reaches each person it is about; export
	// and erasure walk them. A row can concern several people (a guardian
	// link concerns the parent and the child).
	SubjectPaths []SubjectPath
	// ContactKeys name the columns (an email address or phone number) by
	// which rows about people who have no account are found — a parent
	// asked for consent, someone invited — for their export and erasure.
	ContactKeys []string
	Fields      []Field
	// Clocks name, per retention trigger, the column holding the moment a
	// row's clock starts (created_at: awarded_at). Without an entry the
	// created_at trigger reads the created_at column; other row triggers
	// must be declared.
	Clocks map[Trigger]string
	// HeldSince is the column erasure stamps when it keeps a row because a
	// field is on hold; the retention of held values counts from it.
	HeldSince string
	// Unlinkable says why rows cannot be tied to any person (request logs
	// keep no account and a shortened address), so export and erasure
	// cannot find them and only retention removes them.
	Unlinkable string
	// InactiveAccounts, on the identity table only, deletes accounts of
	// some types after a period without use, warning first.
	InactiveAccounts *InactiveAccounts

	declaredSchoolScoped bool
}

// InactiveAccounts is the rule for unused accounts (RET-3).
type InactiveAccounts struct {
	AccountTypes []AccountType
	After        Period
	Warning      Period
	AfterText    string
	WarningText  string
}

// SubjectPath is a chain of references from a table to the identity table,
// written in YAML as "student_id -> students.id, user_id -> users.id": each
// hop names a column of the table reached so far and the column it points at.
type SubjectPath struct {
	Hops []Hop
	Text string
}

// Hop is one reference in a SubjectPath.
type Hop struct {
	Column   string // in the table reached so far
	ToTable  string
	ToColumn string
}

// Field is one column's declaration. The attributes after Note are set only
// for personal columns (DataType also for non-personal ones).
type Field struct {
	Table    string
	Name     string
	Personal bool
	// Note says why a column is not personal, or anything a personal
	// column's attributes cannot say.
	Note         string
	DataType     DataType
	Category     string        // data category key
	Subjects     []string      // data subject keys
	AccountTypes []AccountType // whose data it is, as account types
	VisibleTo    []AccountType // who can see it in Cubby; Self = the person it is about
	Collection   []Collection
	DataUse      string // data use key
	Purpose      string
	LegalBasis   LegalBasis
	Retention    Retention
	Recipients   []Recipient
	Export       bool
	Erase        Action
	// File marks a column whose value is a key of the file store (a photo,
	// an upload): export puts the file in the archive and erasure removes
	// it together with its derivatives (thumbnails).
	File bool
	// OtherUses are further purposes the value serves beyond DataUse, each
	// with its own legal basis and, if narrower, its own subjects (product
	// news to adults who opted in).
	OtherUses []Use

	declared declared
}

// Use is a secondary use of a field.
type Use struct {
	DataUse    string
	Purpose    string
	LegalBasis LegalBasis
	Subjects   []string // empty means the field's subjects
}

// declared records which optional YAML keys a field spelled out, because a
// zero value cannot tell "false" from "forgotten" and the validator must.
type declared struct {
	personal, export, visibleTo, retention, anyPersonalAttr bool
}

// Collection is one way a value arrives.
type Collection struct {
	Method CollectionMethod
	By     string // who or what supplies it, in words the page can show
}

// Retention is when a value goes and how.
type Retention struct {
	Duration   string // ISO 8601, as written
	Period     Period // Duration parsed; zero if it did not parse
	Trigger    Trigger
	Action     Action
	HoldReason string
	// Table names the records the rule applies to where a page lists a
	// data type's rules (transparency, a school's retention settings), so
	// an invitation's 30 days never read as the account's; empty elsewhere.
	Table string
}

// ID is "table.column", the name the schema check and messages use.
func (f *Field) ID() string { return f.Table + "." + f.Name }

// Tables returns the tables sorted by name.
func (inv *Inventory) Tables() []Table { return inv.tables }

// Table returns a table's declaration.
func (inv *Inventory) Table(name string) (*Table, bool) {
	t, ok := inv.byName[name]
	return t, ok
}

// Field returns a column's declaration.
func (inv *Inventory) Field(table, column string) (*Field, bool) {
	t, ok := inv.byName[table]
	if !ok {
		return nil, false
	}
	return t.Field(column)
}

// Field returns a column's declaration.
func (t *Table) Field(name string) (*Field, bool) {
	for i := range t.Fields {
		if t.Fields[i].Name == name {
			return &t.Fields[i], true
		}
	}
	return nil, false
}

// PersonalFields lists every personal column, table by table, for the
// generators that only care about personal data.
func (inv *Inventory) PersonalFields() []*Field {
	var out []*Field
	for i := range inv.tables {
		for j := range inv.tables[i].Fields {
			if f := &inv.tables[i].Fields[j]; f.Personal {
				out = append(out, f)
			}
		}
	}
	return out
}

// LoadInventory parses the embedded inventory. It fails only on files that
// cannot be read as an inventory at all (bad YAML, unknown keys); whether the
// declarations are complete and correct is Validate's job, so one run lists
// every problem instead of the first.
func LoadInventory() (*Inventory, error) {
	sub, err := fs.Sub(inventoryFS, "inventory")
	if err != nil {
		return nil, err
	}
	return parseInventory(sub)
}

// The raw* types mirror the YAML. Decoding into them (never through a custom
// unmarshaler, which would lose KnownFields) keeps unknown keys errors, and
// their pointers keep "absent" apart from "false".
type rawTable struct {
	Table        string            `yaml:"table"`
	Description  string            `yaml:"description"`
	SchoolScoped *bool             `yaml:"school_scoped"`
	Identity     bool              `yaml:"identity"`
	SubjectPaths []string          `yaml:"subject_paths"`
	ContactKeys  []string          `yaml:"contact_keys"`
	Clocks       map[string]string `yaml:"clocks"`
	HeldSince    string            `yaml:"held_since"`
	Unlinkable   string            `yaml:"unlinkable"`
	Inactive     *rawInactive      `yaml:"inactive_accounts"`
	Columns      []rawField        `yaml:"columns"`
}

type rawInactive struct {
	AccountTypes []string `yaml:"account_types"`
	After        string   `yaml:"after"`
	Warning      string   `yaml:"warning"`
}

type rawUse struct {
	DataUse    string   `yaml:"data_use"`
	Purpose    string   `yaml:"purpose"`
	LegalBasis string   `yaml:"legal_basis"`
	Subjects   []string `yaml:"subjects"`
}

type rawField struct {
	Name         string          `yaml:"name"`
	Personal     *bool           `yaml:"personal"`
	Note         string          `yaml:"note"`
	DataType     string          `yaml:"data_type"`
	Category     string          `yaml:"category"`
	Subjects     []string        `yaml:"subjects"`
	AccountTypes []string        `yaml:"account_types"`
	VisibleTo    *[]string       `yaml:"visible_to"`
	Collection   []rawCollection `yaml:"collection"`
	DataUse      string          `yaml:"data_use"`
	Purpose      string          `yaml:"purpose"`
	LegalBasis   string          `yaml:"legal_basis"`
	Retention    *rawRetention   `yaml:"retention"`
	Recipients   []string        `yaml:"recipients"`
	Export       *bool           `yaml:"export"`
	Erase        string          `yaml:"erase"`
	File         bool            `yaml:"file"`
	OtherUses    []rawUse        `yaml:"other_uses"`
}

type rawCollection struct {
	Method string `yaml:"method"`
	By     string `yaml:"by"`
}

type rawRetention struct {
	Duration   string `yaml:"duration"`
	Trigger    string `yaml:"trigger"`
	Action     string `yaml:"action"`
	HoldReason string `yaml:"hold_reason"`
}

// parseInventory reads every *.yaml file of fsys as one table.
func parseInventory(fsys fs.FS) (*Inventory, error) {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, err
	}
	inv := &Inventory{byName: map[string]*Table{}}
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		t, err := parseTable(name, b)
		if err != nil {
			return nil, fmt.Errorf("%s/%s: %w", inventoryDir, name, err)
		}
		inv.tables = append(inv.tables, t)
	}
	sort.SliceStable(inv.tables, func(i, j int) bool { return inv.tables[i].Name < inv.tables[j].Name })
	for i := range inv.tables {
		if _, dup := inv.byName[inv.tables[i].Name]; !dup {
			inv.byName[inv.tables[i].Name] = &inv.tables[i]
		}
	}
	return inv, nil
}

func parseTable(file string, b []byte) (Table, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var rt rawTable
	if err := dec.Decode(&rt); err == io.EOF {
		return Table{}, fmt.Errorf("file is empty")
	} else if err != nil {
		return Table{}, err
	}
	// One table per file keeps "which file do I edit" answerable from the
	// table name alone.
	var extra any
	if err := dec.Decode(&extra); err != io.EOF {
		return Table{}, fmt.Errorf("holds more than one YAML document; one table per file")
	}
	t := Table{
		Name:                 rt.Table,
		File:                 path.Base(file),
		Description:          strings.TrimSpace(rt.Description),
		SchoolScoped:         rt.SchoolScoped != nil && *rt.SchoolScoped,
		Identity:             rt.Identity,
		ContactKeys:          rt.ContactKeys,
		HeldSince:            rt.HeldSince,
		Unlinkable:           strings.TrimSpace(rt.Unlinkable),
		declaredSchoolScoped: rt.SchoolScoped != nil,
	}
	if len(rt.Clocks) > 0 {
		t.Clocks = map[Trigger]string{}
		for k, v := range rt.Clocks {
			t.Clocks[Trigger(k)] = v
		}
	}
	if ri := rt.Inactive; ri != nil {
		t.InactiveAccounts = &InactiveAccounts{AccountTypes: accountTypes(ri.AccountTypes), AfterText: ri.After, WarningText: ri.Warning}
		t.InactiveAccounts.After, _ = ParseDuration(ri.After) // Validate reports a bad one
		t.InactiveAccounts.Warning, _ = ParseDuration(ri.Warning)
	}
	for _, p := range rt.SubjectPaths {
		sp, err := parseSubjectPath(p)
		if err != nil {
			return Table{}, err
		}
		t.SubjectPaths = append(t.SubjectPaths, sp)
	}
	for _, rf := range rt.Columns {
		t.Fields = append(t.Fields, rf.field(rt.Table))
	}
	return t, nil
}

func (rf rawField) field(table string) Field {
	f := Field{
		Table:        table,
		Name:         rf.Name,
		Personal:     rf.Personal != nil && *rf.Personal,
		Note:         strings.TrimSpace(rf.Note),
		DataType:     DataType(rf.DataType),
		Category:     rf.Category,
		Subjects:     rf.Subjects,
		AccountTypes: accountTypes(rf.AccountTypes),
		DataUse:      rf.DataUse,
		Purpose:      strings.TrimSpace(rf.Purpose),
		LegalBasis:   LegalBasis(rf.LegalBasis),
		Export:       rf.Export != nil && *rf.Export,
		Erase:        Action(rf.Erase),
		File:         rf.File,
		declared: declared{
			personal:  rf.Personal != nil,
			export:    rf.Export != nil,
			visibleTo: rf.VisibleTo != nil,
			retention: rf.Retention != nil,
			anyPersonalAttr: rf.Category != "" || len(rf.Subjects) > 0 || len(rf.AccountTypes) > 0 ||
				rf.VisibleTo != nil || len(rf.Collection) > 0 || rf.DataUse != "" || rf.Purpose != "" ||
				rf.LegalBasis != "" || rf.Retention != nil || len(rf.Recipients) > 0 ||
				rf.Export != nil || rf.Erase != "" || rf.File || len(rf.OtherUses) > 0,
		},
	}
	for _, u := range rf.OtherUses {
		f.OtherUses = append(f.OtherUses, Use{DataUse: u.DataUse, Purpose: strings.TrimSpace(u.Purpose), LegalBasis: LegalBasis(u.LegalBasis), Subjects: u.Subjects})
	}
	if rf.VisibleTo != nil {
		f.VisibleTo = accountTypes(*rf.VisibleTo)
	}
	for _, c := range rf.Collection {
		f.Collection = append(f.Collection, Collection{Method: CollectionMethod(c.Method), By: strings.TrimSpace(c.By)})
	}
	for _, r := range rf.Recipients {
		f.Recipients = append(f.Recipients, Recipient(r))
	}
	if rr := rf.Retention; rr != nil {
		f.Retention = Retention{
			Duration:   rr.Duration,
			Trigger:    Trigger(rr.Trigger),
			Action:     Action(rr.Action),
			HoldReason: strings.TrimSpace(rr.HoldReason),
		}
		f.Retention.Period, _ = ParseDuration(rr.Duration) // Validate reports a bad one
	}
	return f
}

func accountTypes(list []string) []AccountType {
	out := make([]AccountType, len(list))
	for i, s := range list {
		out[i] = AccountType(s)
	}
	return out
}

// parseSubjectPath reads "col -> table.col, col -> table.col".
func parseSubjectPath(s string) (SubjectPath, error) {
	sp := SubjectPath{Text: s}
	for _, hop := range strings.Split(s, ",") {
		from, to, ok := strings.Cut(hop, "->")
		table, col, ok2 := strings.Cut(strings.TrimSpace(to), ".")
		from = strings.TrimSpace(from)
		if !ok || !ok2 || from == "" || table == "" || col == "" || strings.ContainsAny(from+col, ". ") {
			return SubjectPath{}, fmt.Errorf("subject path %q: each hop must read \"column -> table.column\"", s)
		}
		sp.Hops = append(sp.Hops, Hop{Column: from, ToTable: table, ToColumn: col})
	}
	return sp, nil
}

// ParseInventory reads an inventory from fsys, one YAML file per table. Tests
// use it to add a table of their own to the real files (Files) and see
// export, erasure, retention and the transparency page pick it up.
func ParseInventory(fsys fs.FS) (*Inventory, error) { return parseInventory(fsys) }

// Files returns the embedded inventory, one YAML file per table.
func Files() fs.FS {
	sub, _ := fs.Sub(inventoryFS, "inventory")
	return sub
}
