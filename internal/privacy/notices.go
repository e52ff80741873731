package privacy

import (
	"encoding/json"
	"slices"
)

// The transparency page is the privacy notice, so its versions are kept
// (INV-7): each change archives the page's facts with the date it took
// effect and what changed. A material change — a new kind of data, a new
// use or legal basis for one, a new outside party — means consents given
// on an earlier version no longer cover what Cubby does, so the features
// resting on them stop until people agree again.

// noticeFacts is what a version commits to, in keys.
type noticeFacts struct {
	Types      map[DataType]typeFacts `json:"types"`
	Processors []string               `json:"processors"` // id:name:country
}

type typeFacts struct {
	Uses       []string     `json:"uses"`
	Bases      []LegalBasis `json:"legal_bases"`
	Recipients []Recipient  `json:"recipients"`
}

// Facts is the page's content in keys, for the archive and for comparing
// versions.
func (t *Transparency) Facts() []byte {
	f := noticeFacts{Types: map[DataType]typeFacts{}}
	for _, r := range t.Rows {
		if !r.Personal {
			continue
		}
		tf := typeFacts{Uses: append([]string{}, r.Uses...), Bases: append([]LegalBasis{}, r.LegalBases...), Recipients: r.Recipients}
		for _, u := range r.OtherUses {
			tf.Uses = append(tf.Uses, u.DataUse)
			tf.Bases = append(tf.Bases, u.LegalBasis)
		}
		slices.Sort(tf.Uses)
		slices.Sort(tf.Bases)
		f.Types[r.Type] = tf
	}
	for _, p := range t.Processors {
		f.Processors = append(f.Processors, string(p.ID)+":"+p.Name+":"+p.Country)
	}
	slices.Sort(f.Processors)
	b, _ := json.Marshal(f)
	return b
}

// NoticeChanges says what a version changed from the one before.
type NoticeChanges struct {
	AddedTypes        []DataType `json:"added_types,omitempty"`
	ChangedTypes      []DataType `json:"changed_types,omitempty"`
	RemovedTypes      []DataType `json:"removed_types,omitempty"`
	AddedProcessors   []string   `json:"added_processors,omitempty"`
	RemovedProcessors []string   `json:"removed_processors,omitempty"`
}

// Material reports a change that widens what is done with people's data.
// Doing less (a type or processor removed) is not.
func (c NoticeChanges) Material() bool {
	return len(c.AddedTypes)+len(c.ChangedTypes)+len(c.AddedProcessors) > 0
}

// CompareNotices diffs two versions' facts; an empty old is the first
// version, which changes nothing.
func CompareNotices(old, cur []byte) (NoticeChanges, error) {
	var c NoticeChanges
	if len(old) == 0 {
		return c, nil
	}
	var a, b noticeFacts
	if err := json.Unmarshal(old, &a); err != nil {
		return c, err
	}
	if err := json.Unmarshal(cur, &b); err != nil {
		return c, err
	}
	for _, info := range DataTypes {
		was, hadIt := a.Types[info.Type]
		is, hasIt := b.Types[info.Type]
		switch {
		case hasIt && !hadIt:
			c.AddedTypes = append(c.AddedTypes, info.Type)
		case hadIt && !hasIt:
			c.RemovedTypes = append(c.RemovedTypes, info.Type)
		case hasIt && (!subset(is.Uses, was.Uses) || !subset(is.Bases, was.Bases) || !subset(is.Recipients, was.Recipients)):
			c.ChangedTypes = append(c.ChangedTypes, info.Type)
		}
	}
	for _, p := range b.Processors {
		if !slices.Contains(a.Processors, p) {
			c.AddedProcessors = append(c.AddedProcessors, p)
		}
	}
	for _, p := range a.Processors {
		if !slices.Contains(b.Processors, p) {
			c.RemovedProcessors = append(c.RemovedProcessors, p)
		}
	}
	return c, nil
}

func subset[T comparable](xs, of []T) bool {
	for _, x := range xs {
		if !slices.Contains(of, x) {
			return false
		}
	}
	return true
}
