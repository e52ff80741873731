package privacy

import "slices"

// A retention trigger is either a row clock — a moment recorded on the row
// itself (created, last used, session ended), read from a column — or an
// event in a person's life recorded elsewhere (the account deleted, the
// student left the school), which the retention job finds by following the
// row's subject path to the table that records it.

// rowClocks are the triggers read from a column of the row.
var rowClocks = []Trigger{FromCreated, FromLastUsed, FromSessionEnded, FromClosed}

// EventColumn is where a person-level event is recorded.
type EventColumn struct{ Table, Column string }

// eventColumns say where each person-level event is recorded. A table whose
// fields use one must reach that table through a subject path (or be it).
var eventColumns = map[Trigger]EventColumn{
	FromStudentLeft:      {"students", "left_at"},
	FromConsentWithdrawn: {"consents", "withdrawn_at"},
	FromInactiveSince:    {"users", "last_active_at"},
}

// EventOf returns where a person-level trigger's event is recorded.
func EventOf(t Trigger) (EventColumn, bool) {
	e, ok := eventColumns[t]
	return e, ok
}

// IsRowClock reports whether a trigger is read from a column of the row.
func IsRowClock(t Trigger) bool { return slices.Contains(rowClocks, t) }

// ClockColumn returns the column a row-clock trigger reads on this table:
// the declared one, else created_at for the created_at trigger.
func (t *Table) ClockColumn(tr Trigger) (string, bool) {
	if c, ok := t.Clocks[tr]; ok {
		return c, true
	}
	if tr == FromCreated || tr == FromSchoolYearEnd {
		if c, ok := t.Clocks[FromCreated]; ok {
			return c, true
		}
		if _, ok := t.Field("created_at"); ok {
			return "created_at", true
		}
	}
	return "", false
}

// PathThrough returns the first subject path of t that visits table name,
// cut after the hop that reaches it, or ok=false.
func (t *Table) PathThrough(name string) ([]Hop, bool) {
	for _, p := range t.SubjectPaths {
		for i, h := range p.Hops {
			if h.ToTable == name {
				return p.Hops[:i+1], true
			}
		}
	}
	return nil, false
}

// Held reports whether erasure may keep rows of this table (a field on hold).
func (t *Table) Held() bool {
	for _, f := range t.Fields {
		if f.Personal && f.Erase == Hold {
			return true
		}
	}
	return false
}

// Personal reports whether the table has any personal column.
func (t *Table) Personal() bool {
	for _, f := range t.Fields {
		if f.Personal {
			return true
		}
	}
	return false
}
