package privacy

import (
	"fmt"
	"sort"

	"cubby/internal/db"
)

// CheckSchema compares the live schema with the inventory (INV-1). A column
// the inventory does not know is personal data nobody has accounted for; an
// entry without a column is a promise about data that is not there. Both
// make the transparency page untrue, so both are errors, one per column.
func (inv *Inventory) CheckSchema(cols []db.Column) []error {
	live := make(map[db.Column]bool, len(cols))
	for _, c := range cols {
		live[c] = true
	}
	var missing, stale []db.Column
	for c := range live {
		if _, ok := inv.Field(c.Table, c.Name); !ok {
			missing = append(missing, c)
		}
	}
	for _, t := range inv.tables {
		for _, f := range t.Fields {
			if c := (db.Column{Table: t.Name, Name: f.Name}); !live[c] {
				stale = append(stale, c)
			}
		}
	}
	sortColumns(missing)
	sortColumns(stale)
	var errs []error
	for _, c := range missing {
		errs = append(errs, fmt.Errorf("%s is in the database but not in the privacy inventory (%s/%s.yaml)", c, inventoryDir, c.Table))
	}
	for _, c := range stale {
		file := c.Table + ".yaml"
		if t, ok := inv.Table(c.Table); ok {
			file = t.File
		}
		errs = append(errs, fmt.Errorf("%s is in the privacy inventory (%s/%s) but not in the database", c, inventoryDir, file))
	}
	return errs
}

func sortColumns(cs []db.Column) {
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].Table != cs[j].Table {
			return cs[i].Table < cs[j].Table
		}
		return cs[i].Name < cs[j].Name
	})
}
