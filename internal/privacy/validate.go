package privacy

import (
	"fmt"
	"slices"
	"strings"
)

// Validate checks the inventory against the taxonomy and against itself and
// returns every problem, each naming its file and column, so a developer
// fixes them all in one pass. It enforces INV-1..3, DSR-7/8 and RET-1: keys
// that exist and are not deprecated, complete attributes for personal data,
// finite retention, and export and erasure covering the same fields.
func (inv *Inventory) Validate(tx *Taxonomy) []error {
	v := &validator{tx: tx}
	seen := map[string]string{} // table → file
	var identities []string
	for i := range inv.tables {
		t := &inv.tables[i]
		if first, dup := seen[t.Name]; dup {
			v.addf(t.File, t.Name, "table declared again (first in %s); one entry per table", first)
			continue
		}
		seen[t.Name] = t.File
		if t.Identity {
			identities = append(identities, t.Name)
		}
		v.table(inv, t)
	}
	switch len(identities) {
	case 0:
		v.errs = append(v.errs, fmt.Errorf("%s: no table is marked identity: true; subject paths need somewhere to end", inventoryDir))
	case 1:
	default:
		v.errs = append(v.errs, fmt.Errorf("%s: several identity tables (%s); there must be exactly one", inventoryDir, strings.Join(identities, ", ")))
	}
	return v.errs
}

type validator struct {
	tx   *Taxonomy
	errs []error
}

func (v *validator) addf(file, where, format string, args ...any) {
	v.errs = append(v.errs, fmt.Errorf("%s/%s: %s: %s", inventoryDir, file, where, fmt.Sprintf(format, args...)))
}

func (v *validator) table(inv *Inventory, t *Table) {
	if t.Name == "" {
		v.addf(t.File, "(table)", "table name is missing")
		return
	}
	if want := t.Name + ".yaml"; t.File != want {
		v.addf(t.File, t.Name, "declared in %s; it belongs in %s", t.File, want)
	}
	if t.Description == "" {
		v.addf(t.File, t.Name, "description is missing")
	}
	_, hasSchool := t.Field("school_id")
	switch {
	case !t.declaredSchoolScoped:
		v.addf(t.File, t.Name, "school_scoped is missing (true or false)")
	case t.SchoolScoped && !hasSchool:
		v.addf(t.File, t.Name, "school_scoped: true but the table has no school_id column")
	case !t.SchoolScoped && hasSchool:
		v.addf(t.File, t.Name, "has a school_id column but says school_scoped: false")
	}
	if len(t.Fields) == 0 {
		v.addf(t.File, t.Name, "declares no columns")
	}
	names := map[string]bool{}
	personal := false
	for i := range t.Fields {
		f := &t.Fields[i]
		if names[f.Name] {
			v.addf(t.File, f.ID(), "column declared twice")
			continue
		}
		names[f.Name] = true
		v.field(t.File, f)
		personal = personal || f.Personal
	}
	v.subjectPaths(inv, t, personal)
	v.tableRules(inv, t)
}

// subjectPaths checks that export and erasure can get from this table to the
// person: DSR-1 makes an unreachable personal table a build error.
func (v *validator) subjectPaths(inv *Inventory, t *Table, personal bool) {
	if t.Identity {
		if len(t.SubjectPaths) > 0 {
			v.addf(t.File, t.Name, "the identity table is the person; it needs no subject_paths")
		}
		return
	}
	if personal && len(t.SubjectPaths) == 0 && len(t.ContactKeys) == 0 && t.Unlinkable == "" {
		v.addf(t.File, t.Name, "holds personal data but has no subject_paths or contact_keys, so export and erasure cannot reach it")
	}
	for _, k := range t.ContactKeys {
		f, ok := t.Field(k)
		if !ok {
			v.addf(t.File, t.Name, "contact key %s is not a column of the table", k)
		} else if f.DataType != TypeEmail && f.DataType != TypePhoneNumber {
			v.addf(t.File, t.Name, "contact key %s must be an email address or a phone number", k)
		}
	}
paths:
	for _, p := range t.SubjectPaths {
		at := t
		for _, h := range p.Hops {
			if _, ok := at.Field(h.Column); !ok {
				v.addf(t.File, t.Name, "subject path %q: %s has no column %s", p.Text, at.Name, h.Column)
				continue paths
			}
			next, ok := inv.Table(h.ToTable)
			if !ok {
				v.addf(t.File, t.Name, "subject path %q: no table %s in the inventory", p.Text, h.ToTable)
				continue paths
			}
			if _, ok := next.Field(h.ToColumn); !ok {
				v.addf(t.File, t.Name, "subject path %q: %s has no column %s", p.Text, h.ToTable, h.ToColumn)
				continue paths
			}
			at = next
		}
		if !at.Identity {
			v.addf(t.File, t.Name, "subject path %q ends at %s, not at the identity table", p.Text, at.Name)
		}
	}
}

func (v *validator) field(file string, f *Field) {
	where := f.ID()
	if f.Name == "" {
		v.addf(file, f.Table+".?", "column name is missing")
		return
	}
	if f.DataType != "" && !knownDataType(f.DataType) {
		v.addf(file, where, "data_type %q is not one of the data types in enums.go", f.DataType)
	}
	if !f.declared.personal {
		v.addf(file, where, "personal is missing: say true, or false with a note why")
		return
	}
	if !f.Personal {
		if f.Note == "" {
			v.addf(file, where, "personal: false needs a note saying why")
		}
		if f.declared.anyPersonalAttr {
			v.addf(file, where, "personal: false but declares attributes of personal data; mark it personal or drop them")
		}
		return
	}
	if f.DataType == "" {
		v.addf(file, where, "data_type is missing")
	}
	v.key(file, where, "category", f.Category, v.tx.Categories)
	v.key(file, where, "data_use", f.DataUse, v.tx.Uses)
	v.people(file, f)
	if len(f.Collection) == 0 {
		v.addf(file, where, "collection is missing: say how the value arrives")
	}
	for _, c := range f.Collection {
		if !slices.Contains(collectionMethods, c.Method) {
			v.addf(file, where, "collection method %q is not one of %s", c.Method, list(collectionMethods))
		}
		if c.By == "" {
			v.addf(file, where, "collection %s needs by: who or what supplies the value", c.Method)
		}
	}
	if f.Purpose == "" {
		v.addf(file, where, "purpose is missing")
	}
	if f.LegalBasis == "" {
		v.addf(file, where, "legal_basis is missing (one of %s)", list(legalBases))
	} else if !slices.Contains(legalBases, f.LegalBasis) {
		v.addf(file, where, "legal_basis %q is not one of %s", f.LegalBasis, list(legalBases))
	}
	v.retention(file, f)
	v.recipients(file, f)
	v.exportErase(file, f)
}

func (v *validator) key(file, where, attr, key string, terms map[string]Term) {
	if key == "" {
		v.addf(file, where, "%s is missing", attr)
		return
	}
	t, ok := terms[key]
	switch {
	case !ok:
		v.addf(file, where, "%s %q is not in fideslang or taxonomy/cubby.yaml", attr, key)
	case t.Deprecated && t.ReplacedBy != "":
		v.addf(file, where, "%s %q is deprecated; use %s", attr, key, t.ReplacedBy)
	case t.Deprecated:
		v.addf(file, where, "%s %q is deprecated", attr, key)
	}
}

// people checks whose data it is and who sees it. Subjects and account types
// say the same thing in two vocabularies (the taxonomy's, for the Art. 30
// record; Cubby's, for the page), so they must agree.
func (v *validator) people(file string, f *Field) {
	where := f.ID()
	if len(f.Subjects) == 0 {
		v.addf(file, where, "subjects is missing")
	}
	for _, s := range f.Subjects {
		v.key(file, where, "subject", s, v.tx.Subjects)
	}
	if len(f.AccountTypes) == 0 {
		v.addf(file, where, "account_types is missing")
	}
	for _, a := range f.AccountTypes {
		if !slices.Contains(AccountTypes, a) {
			v.addf(file, where, "account type %q is not one of %s", a, list(AccountTypes))
		} else if !slices.Contains(f.Subjects, subjectOf[a]) {
			v.addf(file, where, "account type %s but subject %s is missing from subjects", a, subjectOf[a])
		}
	}
	for _, a := range AccountTypes {
		if s := subjectOf[a]; slices.Contains(f.Subjects, s) && !slices.Contains(f.AccountTypes, a) {
			v.addf(file, where, "subject %s but account type %s is missing from account_types", s, a)
		}
	}
	if !f.declared.visibleTo {
		v.addf(file, where, "visible_to is missing (write [] if no one sees it)")
	}
	for _, a := range f.VisibleTo {
		if a != Self && !slices.Contains(AccountTypes, a) {
			v.addf(file, where, "visible_to %q is not self or one of %s", a, list(AccountTypes))
		}
	}
}

func (v *validator) retention(file string, f *Field) {
	where := f.ID()
	r := f.Retention
	if !f.declared.retention {
		v.addf(file, where, "retention is missing; every personal value needs a rule (RET-1)")
		return
	}
	if r.Duration == "" {
		v.addf(file, where, "retention.duration is missing; indefinite retention is not allowed (RET-1)")
	} else if p, err := ParseDuration(r.Duration); err != nil {
		v.addf(file, where, "retention.%v", err)
	} else if p.IsZero() {
		v.addf(file, where, "retention.duration %q is zero; give the time the value is really kept", r.Duration)
	} else if p.exceeds(longest) {
		v.addf(file, where, "retention.duration %q is longer than %d years, which is indefinite retention in all but name (RET-1)", r.Duration, longest)
	}
	if !slices.Contains(triggers, r.Trigger) {
		v.addf(file, where, "retention.trigger %q is not one of %s", r.Trigger, list(triggers))
	}
	if !slices.Contains(actions, r.Action) {
		v.addf(file, where, "retention.action %q is not one of %s", r.Action, list(actions))
	}
	held := r.Action == Hold || f.Erase == Hold
	switch {
	case held && r.HoldReason == "":
		v.addf(file, where, "hold needs retention.hold_reason: the legal basis for keeping it (Art. 17(3))")
	case !held && r.HoldReason != "":
		v.addf(file, where, "retention.hold_reason given but nothing is held")
	}
}

func (v *validator) recipients(file string, f *Field) {
	where := f.ID()
	if !slices.Contains(f.Recipients, PrimaryDB) {
		v.addf(file, where, "recipients must include primary_db: the column is stored there")
	}
	seen := map[Recipient]bool{}
	for _, r := range f.Recipients {
		if !slices.Contains(recipients, r) {
			v.addf(file, where, "recipient %q is not one of %s", r, list(recipients))
		}
		if seen[r] {
			v.addf(file, where, "recipient %s listed twice", r)
		}
		seen[r] = true
	}
}

// exportErase enforces DSR-8: what an export hands out, erasure must be able
// to remove, and every erasable value has had its export decided.
func (v *validator) exportErase(file string, f *Field) {
	where := f.ID()
	switch {
	case f.Export && f.Erase == "":
		v.addf(file, where, "export: true but no erase action; exported values must be erasable (DSR-8)")
	case !f.declared.export && f.Erase != "":
		v.addf(file, where, "erase is set but export is not decided (true or false) (DSR-8)")
	case !f.declared.export:
		v.addf(file, where, "export and erase are missing")
	case f.Erase == "":
		v.addf(file, where, "erase is missing (one of %s)", list(actions))
	}
	if f.Erase != "" && !slices.Contains(actions, f.Erase) {
		v.addf(file, where, "erase %q is not one of %s", f.Erase, list(actions))
	}
}

func list[T ~string](xs []T) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = string(x)
	}
	return strings.Join(s, ", ")
}
