package privacy

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
)

// Transparency is the content of the public data transparency page,
// generated only from the inventory and the deployment settings. It holds
// keys and facts, not sentences: the web layer words them in the reader's
// language, so every language says exactly the same thing.
type Transparency struct {
	Deployment *Deployment
	Rows       []DataTypeRow
	// Processors are the configured outside parties, each with the data
	// types it receives.
	Processors []ProcessorRow
	// LegitimateInterests lists the purposes resting on Art. 6(1)(f), which
	// Art. 13(1)(d) requires the page to name.
	LegitimateInterests []string
	// InactiveAccounts is the rule for unused accounts, if any.
	InactiveAccounts *InactiveAccounts
	// Version is a hash of everything above: it changes whenever the page
	// would say something different.
	Version string
}

// DataTypeRow answers the seed page's questions for one data type, plus how
// long it is kept.
type DataTypeRow struct {
	Type DataType
	// Collected is false for a data type of the seed Cubby does not store:
	// the page says so rather than dropping the row.
	Collected bool
	// Personal is false for data about institutions (the school database).
	Personal     bool
	AccountTypes []AccountType
	Methods      []CollectionMethod
	Uses         []string // data use keys
	OtherUses    []Use    // further uses with their own basis (product news)
	VisibleTo    []AccountType
	// SeenBySelf: the person sees some of it in Cubby (their own logins).
	SeenBySelf bool
	LegalBases []LegalBasis
	Retention  []Retention
	// Recipients are the inventory recipients of the type's columns.
	Recipients []Recipient
	// Processors hold a copy (configured ones only).
	Processors []Processor
	// Countries are where the data is: the server's country first.
	Countries  []string
	OutsideEEA []string
	ChildData  bool // about students
	Shortened  bool // schools may shorten its retention
	Fields     []string
}

// ProcessorRow is one processor with the data types it receives.
type ProcessorRow struct {
	Processor
	DataTypes  []DataType
	OutsideEEA bool
}

// Transparency builds the page's content.
func (inv *Inventory) Transparency(d *Deployment) *Transparency {
	p := &Transparency{Deployment: d}
	identity := inv.Identity()
	if identity != nil {
		p.InactiveAccounts = identity.InactiveAccounts
	}
	shortenable := inv.ShortenableTypes()
	for _, info := range DataTypes {
		row := DataTypeRow{Type: info.Type, Shortened: slices.Contains(shortenable, info.Type)}
		for _, t := range inv.Tables() {
			for _, f := range t.Fields {
				if f.DataType != info.Type {
					continue
				}
				row.Collected = true
				row.Fields = append(row.Fields, f.ID())
				if !f.Personal {
					continue
				}
				row.Personal = true
				addAll(&row.AccountTypes, f.AccountTypes...)
				for _, c := range f.Collection {
					addAll(&row.Methods, c.Method)
				}
				addAll(&row.Uses, f.DataUse)
				for _, u := range f.OtherUses {
					if !slices.ContainsFunc(row.OtherUses, func(o Use) bool { return o.DataUse == u.DataUse && o.LegalBasis == u.LegalBasis }) {
						row.OtherUses = append(row.OtherUses, u)
					}
					addAll(&p.LegitimateInterests, legitimate(u.LegalBasis, u.Purpose)...)
				}
				for _, v := range f.VisibleTo {
					if v != Self {
						addAll(&row.VisibleTo, v)
					}
				}
				row.SeenBySelf = row.SeenBySelf || slices.Contains(f.VisibleTo, Self)
				addAll(&row.LegalBases, f.LegalBasis)
				addAll(&p.LegitimateInterests, legitimate(f.LegalBasis, f.Purpose)...)
				r := f.Retention
				r.Period = Period{} // compare by text; Period is derived
				r.Table = t.Name
				addAll(&row.Retention, r)
				addAll(&row.Recipients, f.Recipients...)
				row.ChildData = row.ChildData || slices.Contains(f.Subjects, "student")
			}
		}
		if !row.Collected && !info.Seed {
			continue
		}
		sortBy(row.AccountTypes, AccountTypes)
		for i := range row.Retention {
			row.Retention[i].Period, _ = ParseDuration(row.Retention[i].Duration)
		}
		if row.Personal {
			row.Processors = d.Holders(row.Recipients)
			row.Countries = d.Countries(row.Recipients)
			row.OutsideEEA = d.OutsideEEA(row.Recipients)
		}
		p.Rows = append(p.Rows, row)
	}
	for _, proc := range d.Processors {
		pr := ProcessorRow{Processor: proc, OutsideEEA: !InEEA(proc.Country)}
		for _, row := range p.Rows {
			if slices.Contains(row.Recipients, proc.ID) {
				pr.DataTypes = append(pr.DataTypes, row.Type)
			}
		}
		p.Processors = append(p.Processors, pr)
	}
	b, _ := json.Marshal(struct {
		D    *Deployment
		Rows []DataTypeRow
		P    []ProcessorRow
	}{d, p.Rows, p.Processors})
	sum := sha256.Sum256(b)
	p.Version = hex.EncodeToString(sum[:8])
	return p
}

func legitimate(b LegalBasis, purpose string) []string {
	if b == LegitimateInterest {
		return []string{purpose}
	}
	return nil
}

func addAll[T comparable](list *[]T, xs ...T) {
	for _, x := range xs {
		if !slices.Contains(*list, x) {
			*list = append(*list, x)
		}
	}
}

// sortBy orders xs as they appear in order.
func sortBy[T comparable](xs []T, order []T) {
	slices.SortStableFunc(xs, func(a, b T) int { return slices.Index(order, a) - slices.Index(order, b) })
}
