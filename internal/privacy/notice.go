package privacy

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
)

// NoticeItem is one kind of data a notice tells people about.
type NoticeItem struct {
	DataType DataType
	// Purposes are the distinct purposes of the columns of this type, in
	// inventory order (English; the page shows translated summaries).
	Purposes  []string
	Retention []Retention
}

// Notice is what Cubby collects about one account type, generated from the
// inventory, and the version that identifies its content.
type Notice struct {
	For     AccountType
	Items   []NoticeItem
	Version string
}

// NoticeFor builds the notice for an account type: every personal column
// whose account types include it, grouped by data type in page order.
// Its version is a hash of the content, so a consent record names exactly
// which notice it was given on, and any change makes a new version.
func (inv *Inventory) NoticeFor(at AccountType) Notice {
	byType := map[DataType]*NoticeItem{}
	for _, t := range inv.Tables() {
		for _, f := range t.Fields {
			if !f.Personal || !slices.Contains(f.AccountTypes, at) {
				continue
			}
			it := byType[f.DataType]
			if it == nil {
				it = &NoticeItem{DataType: f.DataType}
				byType[f.DataType] = it
			}
			if !slices.Contains(it.Purposes, f.Purpose) {
				it.Purposes = append(it.Purposes, f.Purpose)
			}
			if !slices.Contains(it.Retention, f.Retention) {
				it.Retention = append(it.Retention, f.Retention)
			}
		}
	}
	n := Notice{For: at}
	for _, dt := range DataTypes {
		if it := byType[dt.Type]; it != nil {
			n.Items = append(n.Items, *it)
		}
	}
	b, _ := json.Marshal(n.Items)
	sum := sha256.Sum256(b)
	n.Version = hex.EncodeToString(sum[:8])
	return n
}
