package app

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"cubby/internal/db"
	"cubby/internal/privacy"
	"cubby/internal/store"
)

// The retention job (RET-2) applies every rule of the inventory, daily and
// idempotently: running it twice in a row changes nothing the second time.
// Schools may shorten a data type's period (never lengthen it). It logs and
// audits counts per rule, never contents.

// RetentionLine is what one rule did in one run.
type RetentionLine struct {
	Table  string
	Rule   string // e.g. "P12M from created_at, delete"
	School int64  // 0 for the inventory's own period
	Rows   int64
}

// RetentionReport is one run of the job.
type RetentionReport struct {
	Lines    []RetentionLine
	Erased   int // accounts whose deletion fell due
	Warned   int // unused student accounts whose parents were warned
	Replayed int // erased accounts erased again after a restore
}

// defaultYearEnd is the end of the school year for schools that have not
// said, month and day (the northern hemisphere's summer).
const defaultYearEnd = "06-30"

// RunRetention applies every retention rule now.
func (a *App) RunRetention(ctx context.Context) (*RetentionReport, error) {
	now := a.Now()
	rep := &RetentionReport{}
	if _, err := a.RecordNotice(ctx); err != nil { // archive the page's version, if new
		return nil, err
	}
	schema, err := a.liveSchema(ctx)
	if err != nil {
		return nil, err
	}
	overrides, err := a.overridesByType(ctx)
	if err != nil {
		return nil, err
	}
	yearEnds, err := store.SchoolYearEnds(ctx, a.db.R)
	if err != nil {
		return nil, err
	}
	for _, r := range a.Inventory.RetentionRules() {
		rule := fmt.Sprintf("%s from %s, %s", r.Duration, r.Trigger, r.Action)
		if r.Trigger == privacy.FromSchoolYearEnd {
			for school, end := range yearEnds {
				period := shorter(r.Duration, overrides, r.DataTypes, school)
				n, err := a.applyRule(ctx, schema, r, schoolYearCutoff(end, period.Before(now)), school)
				if err != nil {
					return nil, err
				}
				rep.add(r.Table.Name, rule, school, n)
			}
			continue
		}
		n, err := a.applyRule(ctx, schema, r, r.Duration.Before(now), 0)
		if err != nil {
			return nil, err
		}
		rep.add(r.Table.Name, rule, 0, n)
		if !r.Table.SchoolScoped || r.Held {
			continue
		}
		for school := range schoolsWithOverrides(overrides, r.DataTypes) {
			period := shorter(r.Duration, overrides, r.DataTypes, school)
			if period == r.Duration {
				continue
			}
			n, err := a.applyRule(ctx, schema, r, period.Before(now), school)
			if err != nil {
				return nil, err
			}
			rep.add(r.Table.Name, fmt.Sprintf("%s from %s, %s", period, r.Trigger, r.Action), school, n)
		}
	}
	if rep.Warned, err = a.warnInactive(ctx, now); err != nil {
		return nil, err
	}
	if rep.Erased, err = a.RunDueErasures(ctx); err != nil {
		return nil, err
	}
	if rep.Replayed, err = a.ReplayErasures(ctx); err != nil {
		return nil, err
	}
	if err := a.ResumeExports(ctx); err != nil {
		return nil, err
	}
	if err := a.auditRetention(ctx, rep); err != nil {
		return nil, err
	}
	return rep, nil
}

func (rep *RetentionReport) add(table, rule string, school, n int64) {
	if n > 0 {
		rep.Lines = append(rep.Lines, RetentionLine{Table: table, Rule: rule, School: school, Rows: n})
	}
}

// auditRetention logs and audits each batch: the rule and the count.
func (a *App) auditRetention(ctx context.Context, rep *RetentionReport) error {
	for _, l := range rep.Lines {
		a.Log.Info("retention", "table", l.Table, "rule", l.Rule, "school", l.School, "rows", l.Rows)
	}
	a.Log.Info("retention done", "batches", len(rep.Lines), "accounts_erased", rep.Erased, "inactive_warned", rep.Warned, "replayed", rep.Replayed)
	if len(rep.Lines) == 0 {
		return nil
	}
	return a.db.Tx(ctx, func(tx db.Querier) error {
		for _, l := range rep.Lines {
			if err := a.audit(ctx, tx, store.AuditEntry{SchoolID: l.School, ActorRole: "system", Action: store.AuditRetention,
				Detail: fmt.Sprintf("%s: %s: %d rows", l.Table, l.Rule, l.Rows)}); err != nil {
				return err
			}
		}
		return nil
	})
}

// applyRule carries out one rule for values whose clock started before
// cutoff, in every school or in one.
func (a *App) applyRule(ctx context.Context, schema privacy.Schema, r privacy.RetentionRule, cutoff time.Time, school int64) (int64, error) {
	t := r.Table
	where := r.Where()
	// A restriction on a holding ground keeps what leads to its student
	// (restriction.go), whatever its period says.
	if hold := retentionHold(t); hold != "" {
		where = "(" + where + ") AND NOT (" + hold + ")"
	}
	args := []any{a.clockValue(schema, r, cutoff)}
	if school != 0 {
		where += ` AND "school_id" = $2`
		args = append(args, school)
	}
	keys, err := a.filesOf(ctx, a.db.R, t, r.Files, where, args)
	if err != nil {
		return 0, err
	}
	var stmt string
	switch {
	case r.Delete:
		stmt = "DELETE FROM " + privacy.Q(t.Name) + " WHERE " + where
	default:
		var sets, pending []string
		for _, f := range r.Fields {
			c, _ := schema.Column(t.Name, f)
			if r.Action == privacy.Anonymize && c.Text() {
				sets = append(sets, privacy.Q(f)+" = "+a.anonExpr(schema, t.Name, f))
				pending = append(pending, privacy.Q(f)+" NOT LIKE '~%'")
				continue
			}
			e := clearExpr(schema, t.Name, f)
			sets = append(sets, privacy.Q(f)+" = "+e)
			if e == "NULL" {
				pending = append(pending, privacy.Q(f)+" IS NOT NULL")
			} else {
				pending = append(pending, privacy.Q(f)+" <> "+e)
			}
		}
		// Only rows still holding a value count, so a second run is a no-op.
		stmt = "UPDATE " + privacy.Q(t.Name) + " SET " + strings.Join(sets, ", ") + " WHERE " + where + " AND (" + strings.Join(pending, " OR ") + ")"
	}
	n, err := store.Exec(ctx, a.db.W, stmt, args...)
	if err != nil {
		return 0, fmt.Errorf("retention %s: %w", t.Name, err)
	}
	for _, k := range keys {
		if err := a.Privacy.Files.Remove(k); err != nil {
			a.Log.Error("retention: remove file", "table", t.Name, "err", err)
		}
	}
	return n, nil
}

// clockValue is the cutoff as the clock column stores time: a date string
// for a text column (attendance days), else the instant.
func (a *App) clockValue(schema privacy.Schema, r privacy.RetentionRule, cutoff time.Time) any {
	table := r.Table.Name
	if ev, ok := privacy.EventOf(r.Trigger); ok && !r.Held {
		table = ev.Table
	}
	if c, ok := schema.Column(table, r.Clock); ok && c.Text() {
		return cutoff.In(a.Location).Format(time.DateOnly)
	}
	return cutoff
}

// schoolYearCutoff is the first day after the last end of a school year
// that lies on or before base: values dated before it belong to a school
// year that ended long enough ago.
func schoolYearCutoff(yearEnd string, base time.Time) time.Time {
	md := defaultYearEnd
	if len(yearEnd) == len("2006-01-02") {
		md = yearEnd[5:]
	}
	end, err := time.Parse("2006-01-02", fmt.Sprintf("%04d-%s", base.Year(), md))
	if err != nil {
		end, _ = time.Parse("2006-01-02", fmt.Sprintf("%04d-%s", base.Year(), defaultYearEnd))
	}
	if end.After(base) {
		end = end.AddDate(-1, 0, 0)
	}
	return end.AddDate(0, 0, 1)
}

// overridesByType maps data type → school → the school's period.
func (a *App) overridesByType(ctx context.Context) (map[privacy.DataType]map[int64]privacy.Period, error) {
	list, err := store.RetentionOverrides(ctx, a.db.R, 0)
	if err != nil {
		return nil, err
	}
	out := map[privacy.DataType]map[int64]privacy.Period{}
	for _, o := range list {
		p, err := privacy.ParseDuration(o.Duration)
		if err != nil {
			continue // validated when saved; a bad row must not stop the job
		}
		dt := privacy.DataType(o.DataType)
		if out[dt] == nil {
			out[dt] = map[int64]privacy.Period{}
		}
		out[dt][o.SchoolID] = p
	}
	return out, nil
}

// shorter is the period a school's rows are kept: the inventory's, or the
// school's own for one of the rule's data types if that is shorter.
func shorter(p privacy.Period, overrides map[privacy.DataType]map[int64]privacy.Period, types []privacy.DataType, school int64) privacy.Period {
	for _, dt := range types {
		if o, ok := overrides[dt][school]; ok && o.Approx() < p.Approx() {
			p = o
		}
	}
	return p
}

func schoolsWithOverrides(overrides map[privacy.DataType]map[int64]privacy.Period, types []privacy.DataType) map[int64]bool {
	out := map[int64]bool{}
	for dt, m := range overrides {
		if slices.Contains(types, dt) {
			for s := range m {
				out[s] = true
			}
		}
	}
	return out
}
