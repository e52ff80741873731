package privacy

import (
	"fmt"
	"regexp"
	"slices"
)

// identifier is what a table or column name must look like: export, erasure
// and retention build SQL from these names, so anything else is refused
// before it could reach a query.
var identifier = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// tableRules checks what export, erasure and retention need in order to act
// on a table without code of its own: clocks for its retention triggers, a
// stamp for held rows, and sound declarations for the special cases.
func (v *validator) tableRules(inv *Inventory, t *Table) {
	if !identifier.MatchString(t.Name) {
		v.addf(t.File, t.Name, "table name must match %s", identifier)
	}
	for _, f := range t.Fields {
		if f.Name != "" && !identifier.MatchString(f.Name) {
			v.addf(t.File, f.ID(), "column name must match %s", identifier)
		}
	}
	for tr, col := range t.Clocks {
		if !IsRowClock(tr) {
			v.addf(t.File, t.Name, "clocks: %s is not a row clock (one of %s)", tr, list(rowClocks))
		}
		if _, ok := t.Field(col); !ok {
			v.addf(t.File, t.Name, "clocks: %s names column %s, which the table does not declare", tr, col)
		}
	}
	v.holdStamp(t)
	v.unlinkable(t)
	v.inactive(t)
	for i := range t.Fields {
		f := &t.Fields[i]
		if !f.Personal {
			continue
		}
		if t.Identity && f.Erase != "" && f.Erase != Delete {
			v.addf(t.File, f.ID(), "the identity row is the person and erasure deletes it, so erase must be delete")
		}
		v.trigger(inv, t, f)
		v.otherUses(t.File, f)
	}
}

// holdStamp checks that rows kept after their person is erased can still
// be found by retention: a hold counting from account_deleted needs the
// moment of erasure on the row.
func (v *validator) holdStamp(t *Table) {
	held := false
	for _, f := range t.Fields {
		held = held || f.Personal && f.Erase == Hold && f.Retention.Trigger == FromAccountDeleted
	}
	switch {
	case held && t.HeldSince == "":
		v.addf(t.File, t.Name, "a field is on hold (erase: hold) counting from account_deleted, but held_since names no column: erasure must record when it kept a row, so the hold's own retention can count from it")
	case !held && t.HeldSince != "":
		v.addf(t.File, t.Name, "held_since is set but no field is on hold counting from account_deleted")
	case held:
		if f, ok := t.Field(t.HeldSince); !ok {
			v.addf(t.File, t.Name, "held_since names column %s, which the table does not declare", t.HeldSince)
		} else if f.Personal {
			v.addf(t.File, t.Name, "held_since column %s must be personal: false (it dates a hold, not a person)", t.HeldSince)
		}
	}
}

func (v *validator) unlinkable(t *Table) {
	if t.Unlinkable == "" {
		return
	}
	if len(t.SubjectPaths) > 0 || len(t.ContactKeys) > 0 {
		v.addf(t.File, t.Name, "unlinkable, yet it declares subject_paths or contact_keys")
	}
	for _, f := range t.Fields {
		if f.Personal && f.Export {
			v.addf(t.File, f.ID(), "the table is unlinkable, so no export can find it: export must be false")
		}
		if f.Personal && f.Erase != "" && f.Erase != Delete {
			v.addf(t.File, f.ID(), "the table is unlinkable, so only retention removes it: erase must be delete")
		}
		if f.Personal && f.Retention.Trigger != "" && !IsRowClock(f.Retention.Trigger) {
			v.addf(t.File, f.ID(), "the table is unlinkable, so its retention must count from a row clock, not %s", f.Retention.Trigger)
		}
	}
}

func (v *validator) inactive(t *Table) {
	ia := t.InactiveAccounts
	if ia == nil {
		return
	}
	if !t.Identity {
		v.addf(t.File, t.Name, "inactive_accounts belongs on the identity table")
	}
	if len(ia.AccountTypes) == 0 {
		v.addf(t.File, t.Name, "inactive_accounts.account_types is missing")
	}
	for _, a := range ia.AccountTypes {
		if !slices.Contains(AccountTypes, a) || a == Visitor {
			v.addf(t.File, t.Name, "inactive_accounts: %q is not an account type", a)
		}
	}
	after, err1 := ParseDuration(ia.AfterText)
	warn, err2 := ParseDuration(ia.WarningText)
	switch {
	case err1 != nil || after.IsZero():
		v.addf(t.File, t.Name, "inactive_accounts.after %q must be an ISO 8601 duration such as P365D", ia.AfterText)
	case err2 != nil || warn.IsZero():
		v.addf(t.File, t.Name, "inactive_accounts.warning %q must be an ISO 8601 duration such as P30D", ia.WarningText)
	case after.Approx() <= warn.Approx():
		v.addf(t.File, t.Name, "inactive_accounts.warning must be shorter than after")
	}
}

// trigger checks that retention can find when a field's clock starts.
func (v *validator) trigger(inv *Inventory, t *Table, f *Field) {
	tr := f.Retention.Trigger
	switch {
	case IsRowClock(tr):
		if _, ok := t.ClockColumn(tr); !ok {
			v.addf(t.File, f.ID(), "retention trigger %s needs a clock: add clocks: {%s: <column>} to the table (no column is named created_at)", tr, tr)
		}
	case tr == FromSchoolYearEnd:
		if _, ok := t.ClockColumn(FromCreated); !ok || !t.SchoolScoped {
			v.addf(t.File, f.ID(), "retention trigger school_year_end needs a school_scoped table with a created_at clock (the row's date decides its school year)")
		}
	case tr == FromAccountDeleted:
		if t.Unlinkable != "" {
			v.addf(t.File, f.ID(), "an unlinkable table cannot count from account_deleted")
		}
	default:
		ev, ok := eventColumns[tr]
		if !ok {
			return // Validate already reported the unknown trigger
		}
		if _, ok := inv.Field(ev.Table, ev.Column); !ok {
			v.addf(t.File, f.ID(), "retention trigger %s is read from %s.%s, which the inventory does not declare", tr, ev.Table, ev.Column)
		}
		if t.Name != ev.Table {
			if _, ok := t.PathThrough(ev.Table); !ok {
				v.addf(t.File, f.ID(), "retention trigger %s is recorded in %s.%s, but no subject path of %s passes through %s", tr, ev.Table, ev.Column, t.Name, ev.Table)
			}
		}
	}
}

func (v *validator) otherUses(file string, f *Field) {
	for i, u := range f.OtherUses {
		where := fmt.Sprintf("%s other_uses[%d]", f.ID(), i)
		v.key(file, where, "data_use", u.DataUse, v.tx.Uses)
		if u.Purpose == "" {
			v.addf(file, where, "purpose is missing")
		}
		if !slices.Contains(legalBases, u.LegalBasis) {
			v.addf(file, where, "legal_basis %q is not one of %s", u.LegalBasis, list(legalBases))
		}
		for _, s := range u.Subjects {
			if !slices.Contains(f.Subjects, s) {
				v.addf(file, where, "subject %s is not one of the field's subjects", s)
			}
		}
	}
}
