package privacy

import (
	"fmt"
	"slices"
	"sort"
)

// RetentionRule is one retention rule of the inventory applied to one
// table: the fields that share a trigger, a duration and an action.
type RetentionRule struct {
	Table    *Table
	Trigger  Trigger
	Duration Period
	Action   Action
	Fields   []string
	// DataTypes are the fields' data types, by which a school may shorten
	// the period.
	DataTypes []DataType
	// Delete removes whole rows: every personal value in them is due by
	// this rule or an earlier one of the same trigger. Otherwise the
	// fields are cleared (or anonymised) and the rows stay.
	Delete bool
	Files  []string // file-store columns among Fields
	// Clock is the column the rule compares with the cutoff: on the table
	// itself, or on the table the event is recorded in.
	Clock string
	// Held rules apply to rows kept after their person was erased: they
	// count from held_since and spare rows still linked to a live account.
	Held bool
}

// RetentionRules lists every rule the daily job applies. Rules counting
// from an account's deletion are carried out by erasure itself (the grace
// period is never longer than their duration), except for held rows, which
// the job deletes once the hold ends. Inactive accounts are a rule of the
// identity table (InactiveAccounts).
func (inv *Inventory) RetentionRules() []RetentionRule {
	var out []RetentionRule
	for i := range inv.tables {
		t := &inv.tables[i]
		type key struct {
			tr  Trigger
			dur string
			act Action
		}
		groups := map[key]*RetentionRule{}
		var order []key
		for j := range t.Fields {
			f := &t.Fields[j]
			if !f.Personal || f.Retention.Period.IsZero() {
				continue
			}
			held := f.Retention.Trigger == FromAccountDeleted && f.Erase == Hold && t.HeldSince != ""
			if t.Identity || f.Retention.Trigger == FromInactiveSince ||
				(f.Retention.Trigger == FromAccountDeleted && !held) {
				continue
			}
			k := key{f.Retention.Trigger, f.Retention.Period.String(), f.Retention.Action}
			g := groups[k]
			if g == nil {
				g = &RetentionRule{Table: t, Trigger: k.tr, Duration: f.Retention.Period, Action: k.act, Held: held}
				groups[k] = g
				order = append(order, k)
			}
			g.Fields = append(g.Fields, f.Name)
			if !slices.Contains(g.DataTypes, f.DataType) {
				g.DataTypes = append(g.DataTypes, f.DataType)
			}
			if f.File {
				g.Files = append(g.Files, f.Name)
			}
		}
		for _, k := range order {
			g := groups[k]
			if g.Action == Hold {
				continue // nothing to do but keep; the page says why
			}
			g.Delete = g.Action == Delete && t.coveredBy(g)
			g.Clock = t.clockFor(g)
			out = append(out, *g)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Duration.Approx() < out[j].Duration.Approx() })
	return out
}

// coveredBy reports whether every personal value of the table is due once
// g's cutoff has passed.
func (t *Table) coveredBy(g *RetentionRule) bool {
	for _, f := range t.Fields {
		if !f.Personal {
			continue
		}
		r := f.Retention
		if r.Trigger != g.Trigger || r.Action == Hold || r.Period.Approx() > g.Duration.Approx() {
			return false
		}
	}
	return true
}

func (t *Table) clockFor(g *RetentionRule) string {
	switch {
	case g.Held:
		return t.HeldSince
	case IsRowClock(g.Trigger) || g.Trigger == FromSchoolYearEnd:
		c, _ := t.ClockColumn(g.Trigger)
		return c
	}
	if ev, ok := eventColumns[g.Trigger]; ok {
		return ev.Column
	}
	return ""
}

// Where returns the condition selecting the rows the rule is due for, with
// $1 the cutoff (values whose clock is before it are due). For
// school_year_end the caller adds the school and passes that school's
// cutoff.
func (r RetentionRule) Where() string {
	t := r.Table
	due := fmt.Sprintf("%s IS NOT NULL AND %s < $1", Q(r.Clock), Q(r.Clock))
	switch {
	case r.Held:
		// Held rows go only once nothing links them to a live account.
		cond := due
		for _, p := range t.SubjectPaths {
			cond += " AND NOT (" + ReachSQL(p.Hops, "1 = 1") + ")"
		}
		return cond
	case IsRowClock(r.Trigger) || r.Trigger == FromSchoolYearEnd:
		return due
	}
	ev := eventColumns[r.Trigger]
	if t.Name == ev.Table {
		return due
	}
	hops, _ := t.PathThrough(ev.Table)
	return ReachSQL(hops, due)
}

// MaxRetention is the longest period the inventory declares for a data type
// in school-scoped tables, which is the most a school may set: a school can
// shorten a period, never lengthen it.
func (inv *Inventory) MaxRetention(dt DataType) (Period, bool) {
	var best Period
	found := false
	for _, r := range inv.RetentionRules() {
		if !r.Table.SchoolScoped || r.Held || !slices.Contains(r.DataTypes, dt) {
			continue
		}
		if !found || r.Duration.Approx() > best.Approx() {
			best, found = r.Duration, true
		}
	}
	return best, found
}

// ShortenableTypes lists the data types a school may shorten, in page
// order: those with a school's rows kept longer than a day.
func (inv *Inventory) ShortenableTypes() []DataType {
	var out []DataType
	for _, d := range DataTypes {
		if max, ok := inv.MaxRetention(d.Type); ok && max.Approx() > (Period{Days: 1}).Approx() {
			out = append(out, d.Type)
		}
	}
	return out
}

// SchoolRules lists the distinct rules a school may shorten for a data
// type, as the page words them.
func (inv *Inventory) SchoolRules(dt DataType) []Retention {
	var out []Retention
	for _, r := range inv.RetentionRules() {
		if !r.Table.SchoolScoped || r.Held || !slices.Contains(r.DataTypes, dt) {
			continue
		}
		rt := Retention{Duration: r.Duration.String(), Period: r.Duration, Trigger: r.Trigger, Action: r.Action, Table: r.Table.Name}
		if !slices.ContainsFunc(out, func(x Retention) bool {
			return x.Table == rt.Table && x.Duration == rt.Duration && x.Trigger == rt.Trigger && x.Action == rt.Action
		}) {
			out = append(out, rt)
		}
	}
	return out
}
