package privacy

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Export, erasure and correction requests find a person's rows by walking
// the inventory: every subject path and contact key of every table, never a
// list of tables written by hand. A new table with its inventory entries is
// therefore exported, erased and shown on the transparency page with no
// change to this code.

// Reach is one way rows of a table lead to a person: a subject path from
// its first hop, or a contact key matched against the person's address.
type Reach struct {
	Table *Table
	// Link is the column the reach starts from: the first hop's column, or
	// the contact key.
	Link    string
	Hops    []Hop // empty for a contact key
	Contact bool
}

// Q quotes an identifier. Names come from the embedded inventory and are
// checked against identifier by Validate, so quoting is for keywords
// (a column named "count" or "day"), not for safety.
func Q(name string) string { return `"` + name + `"` }

// Where returns a condition on the reach's table that holds for rows about
// the person, with $1 their users.id for a path, or their address for a
// contact key.
func (r Reach) Where() string { return r.WhereWith("$1", "$1") }

// WhereWith is Where with the placeholders to use for the person's id and
// address, for queries that combine several reaches.
func (r Reach) WhereWith(id, address string) string {
	if r.Contact {
		return Q(r.Link) + " = " + address
	}
	// The last hop lands on the person's own key, so the column it leaves
	// from is compared with the id itself: the same rows for a person who
	// exists, one subquery fewer, and it still finds rows left under an
	// account that no longer exists (a profile merged into this one).
	last := r.Hops[len(r.Hops)-1]
	return ReachSQL(r.Hops[:len(r.Hops)-1], Q(last.Column)+" = "+id)
}

// Param is the value a reach's Where needs: the person's id or address.
func (r Reach) Param(id int64, address string) any {
	if r.Contact {
		return address
	}
	return id
}

// ReachSQL builds a condition on a table's rows that holds when following
// hops from it ends at a row satisfying end, a condition on the last table.
// Nested IN subqueries are plain SQL both engines run well on indexed keys.
func ReachSQL(hops []Hop, end string) string {
	if len(hops) == 0 {
		return end
	}
	h := hops[0]
	return fmt.Sprintf("%s IN (SELECT %s FROM %s WHERE %s)", Q(h.Column), Q(h.ToColumn), Q(h.ToTable), ReachSQL(hops[1:], end))
}

// Reaches lists every way a table's rows lead to a person.
func (t *Table) Reaches() []Reach {
	var out []Reach
	for _, p := range t.SubjectPaths {
		out = append(out, Reach{Table: t, Link: p.Hops[0].Column, Hops: p.Hops})
	}
	for _, k := range t.ContactKeys {
		out = append(out, Reach{Table: t, Link: k, Contact: true})
	}
	return out
}

// Linked lists the tables export and erasure walk: every table with a way
// to a person, identity excluded, deepest first (rows that point at other
// person rows go before the rows they point at).
func (inv *Inventory) Linked() []*Table {
	var out []*Table
	for i := range inv.tables {
		t := &inv.tables[i]
		if !t.Identity && t.Unlinkable == "" && (len(t.SubjectPaths) > 0 || len(t.ContactKeys) > 0) {
			out = append(out, t)
		}
	}
	depth := func(t *Table) int {
		d := 0
		for _, p := range t.SubjectPaths {
			d = max(d, len(p.Hops))
		}
		return d
	}
	sort.SliceStable(out, func(i, j int) bool { return depth(out[i]) > depth(out[j]) })
	return out
}

// Identity returns the table whose row is the person.
func (inv *Inventory) Identity() *Table {
	for i := range inv.tables {
		if inv.tables[i].Identity {
			return &inv.tables[i]
		}
	}
	return nil
}

// ExportFields lists the columns an export copies from a table.
func (t *Table) ExportFields() []*Field {
	var out []*Field
	for i := range t.Fields {
		if f := &t.Fields[i]; f.Personal && f.Export {
			out = append(out, f)
		}
	}
	return out
}

// isLinkOfOther reports whether column is the start of a reach other than r:
// a link to another person, which r's erasure must leave alone.
func (t *Table) isLinkOfOther(column string, r Reach) bool {
	for _, o := range t.Reaches() {
		if o.Link == column && (o.Link != r.Link || o.Contact != r.Contact) {
			return true
		}
	}
	return false
}

// EraseStep is what erasing one person does to the rows of one table that
// one reach finds.
type EraseStep struct {
	Reach Reach
	// Delete removes the rows; otherwise the fields below are changed and
	// the rows stay.
	Delete    bool
	Clear     []string // set to NULL, or the column's default
	Anonymize []string // replaced with a random, meaningless value
	Hold      []string // kept, for the declared reason
	// StampHeld sets the table's held_since column, from which a hold
	// counting from account_deleted runs.
	StampHeld bool
	// Files are the file-store columns whose files go.
	Files []string
}

// ErasePlan says, table by table and reach by reach, what erasing a person
// of account type at does. A reach whose link is declared for other kinds
// of people cannot lead to this person and is skipped. A row with a single
// way to a person is wholly about that person; in a row about several
// people, the reach's own link takes its declared action, links to the
// others are left alone, and every other personal field is acted on only
// if the person is among its subjects. A row is deleted only when
// everything personal in it is to be deleted.
func (inv *Inventory) ErasePlan(at AccountType) []EraseStep {
	subject := subjectOf[at]
	var steps []EraseStep
	for _, t := range inv.Linked() {
		reaches := t.Reaches()
		shared := len(reaches) > 1
		for _, r := range reaches {
			if link, ok := t.Field(r.Link); ok && link.Personal && !slices.Contains(link.Subjects, subject) {
				continue
			}
			st := EraseStep{Reach: r}
			untouched := false
			for i := range t.Fields {
				f := &t.Fields[i]
				if !f.Personal {
					continue
				}
				switch {
				case f.Name == r.Link || !shared:
				case t.isLinkOfOther(f.Name, r):
					continue
				case !slices.Contains(f.Subjects, subject):
					untouched = true
					continue
				}
				switch f.Erase {
				case Delete:
					st.Clear = append(st.Clear, f.Name)
				case Anonymize:
					st.Anonymize = append(st.Anonymize, f.Name)
				case Hold:
					st.Hold = append(st.Hold, f.Name)
					st.StampHeld = st.StampHeld || (t.HeldSince != "" && f.Retention.Trigger == FromAccountDeleted)
				}
				if f.File && f.Erase != Hold {
					st.Files = append(st.Files, f.Name)
				}
			}
			if len(st.Clear)+len(st.Anonymize)+len(st.Hold) == 0 {
				continue // nothing about this person in rows reached this way
			}
			st.Delete = !untouched && len(st.Anonymize) == 0 && len(st.Hold) == 0
			if st.Delete {
				st.Clear = nil
			}
			steps = append(steps, st)
		}
	}
	return steps
}

// ErasableTypes are the account types a person can be erased as.
var ErasableTypes = []AccountType{Teacher, Parent, Leader, Student}

// String describes a step for logs and tests: counts and names only.
func (s EraseStep) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s via %s: ", s.Reach.Table.Name, s.Reach.Link)
	if s.Delete {
		b.WriteString("delete rows")
		return b.String()
	}
	fmt.Fprintf(&b, "clear %v, anonymize %v, hold %v", s.Clear, s.Anonymize, s.Hold)
	return b.String()
}
