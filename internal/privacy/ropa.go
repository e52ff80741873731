package privacy

import (
	"bytes"
	"encoding/csv"
	"slices"
	"sort"
	"strings"
)

// Record is the record of processing activities (GDPR Art. 30(1)), one row
// per purpose and category of data subject, generated from the inventory
// and the deployment like the transparency page.
type Record struct {
	Controller Party  `json:"controller"`
	DPOEmail   string `json:"dpo_email"`
	Rows       []RecordRow
	Processors []Processor `json:"processors"`
}

// RecordRow is one processing activity for one category of data subject,
// with the columns of Art. 30(1)(b)–(g).
type RecordRow struct {
	Purpose    string     `json:"purpose"`     // (b) a data use key
	LegalBasis LegalBasis `json:"legal_basis"` // Art. 6(1) basis, DPV code
	Subject    string     `json:"data_subject"`
	// (c) categories of personal data: taxonomy keys and page data types.
	Categories []string   `json:"data_categories"`
	DataTypes  []DataType `json:"data_types"`
	// (d) recipients: where the data is stored and which processors.
	Recipients []string `json:"recipients"`
	// (e) transfers to countries outside the EEA.
	Transfers []string `json:"third_country_transfers"`
	// (f) time limits for erasure, as the inventory's rules.
	Retention []string `json:"retention"`
	// Rules are the same limits as structured rules, for translated pages.
	Rules []Retention `json:"-"`
	// Holders are the configured processors among the recipients.
	Holders []Processor `json:"-"`
	// (g) technical and organisational security measures (keys).
	Security []string `json:"security_measures"`
}

// SecurityMeasures are Cubby's technical measures for Art. 30(1)(g), as
// keys the pages translate (privacy.tom.<key>); the English text is for
// the CSV and JSON.
var SecurityMeasures = []struct{ Key, Text string }{
	{"passwords", "Passwords stored only as salted argon2id hashes; two-factor login for staff."},
	{"tokens", "Login, link and export secrets stored only as SHA-256 hashes; single-use, expiring links."},
	{"access", "Least-privilege access decided in one audited policy layer: teachers see their classes, leaders their school, parents their own children."},
	{"audit", "Append-only, hash-chained audit log of access to, export, correction and erasure of records."},
	{"logs", "No personal data in logs: route patterns only, IP addresses shortened to /24 or /48."},
	{"browser", "Strict content security policy; no third-party scripts, fonts, trackers or CDNs."},
	{"retention", "Retention rules applied daily; erasure per field as the inventory declares."},
	{"transport", "TLS when served over https (CUBBY_BASE_URL), Secure cookies; the operator encrypts backups."},
}

// Record builds the Art. 30 record.
func (inv *Inventory) Record(d *Deployment) Record {
	rec := Record{Controller: d.Operator, DPOEmail: d.DPOEmail, Processors: d.Processors}
	type key struct {
		use     string
		basis   LegalBasis
		subject string
	}
	rows := map[key]*RecordRow{}
	var security []string
	for _, m := range SecurityMeasures {
		security = append(security, m.Key)
	}
	add := func(k key, f *Field) {
		r := rows[k]
		if r == nil {
			r = &RecordRow{Purpose: k.use, LegalBasis: k.basis, Subject: k.subject, Security: security}
			rows[k] = r
		}
		addAll(&r.Categories, f.Category)
		addAll(&r.DataTypes, f.DataType)
		for _, rc := range f.Recipients {
			addAll(&r.Recipients, string(rc))
		}
		for _, p := range d.Holders(f.Recipients) {
			addAll(&r.Recipients, p.Name+" ("+string(p.ID)+", "+p.Country+")")
			if !slices.ContainsFunc(r.Holders, func(h Processor) bool { return h.ID == p.ID && h.Name == p.Name }) {
				r.Holders = append(r.Holders, p)
			}
		}
		rr := f.Retention
		if f.Erase != Hold {
			rr.HoldReason = ""
		}
		if !slices.ContainsFunc(r.Rules, func(x Retention) bool {
			return x.Duration == rr.Duration && x.Trigger == rr.Trigger && x.Action == rr.Action
		}) {
			r.Rules = append(r.Rules, rr)
		}
		addAll(&r.Transfers, d.OutsideEEA(f.Recipients)...)
		rule := f.Retention.Duration + " from " + string(f.Retention.Trigger) + ", then " + string(f.Retention.Action)
		if f.Erase == Hold {
			rule += "; held on erasure: " + f.Retention.HoldReason
		}
		addAll(&r.Retention, rule)
	}
	for _, f := range inv.PersonalFields() {
		for _, s := range f.Subjects {
			add(key{f.DataUse, f.LegalBasis, s}, f)
		}
		for _, u := range f.OtherUses {
			subjects := u.Subjects
			if len(subjects) == 0 {
				subjects = f.Subjects
			}
			for _, s := range subjects {
				add(key{u.DataUse, u.LegalBasis, s}, f)
			}
		}
	}
	for _, r := range rows {
		sort.Strings(r.Categories)
		rec.Rows = append(rec.Rows, *r)
	}
	sort.Slice(rec.Rows, func(i, j int) bool {
		a, b := rec.Rows[i], rec.Rows[j]
		if a.Purpose != b.Purpose {
			return a.Purpose < b.Purpose
		}
		if a.LegalBasis != b.LegalBasis {
			return a.LegalBasis < b.LegalBasis
		}
		return a.Subject < b.Subject
	})
	return rec
}

// CSV writes the record as CSV, one row per activity and subject, with the
// controller repeated so each row stands alone. Empty values say so, since
// Art. 30 makes every column mandatory.
func (rec Record) CSV() []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write([]string{"controller", "controller_contact", "dpo_contact", "purpose", "legal_basis", "data_subject",
		"data_categories", "data_types", "recipients", "third_country_transfers", "retention", "security_measures"})
	orNone := func(s string) string {
		if s == "" {
			return "not set by the operator"
		}
		return s
	}
	for _, r := range rec.Rows {
		var types, sec []string
		for _, t := range r.DataTypes {
			types = append(types, string(t))
		}
		for _, m := range SecurityMeasures {
			if slices.Contains(r.Security, m.Key) {
				sec = append(sec, m.Text)
			}
		}
		transfers := strings.Join(r.Transfers, "; ")
		if transfers == "" {
			transfers = "none"
		}
		w.Write([]string{orNone(rec.Controller.Name), orNone(rec.Controller.Email), orNone(rec.DPOEmail), r.Purpose, string(r.LegalBasis), r.Subject,
			strings.Join(r.Categories, "; "), strings.Join(types, "; "), strings.Join(r.Recipients, "; "), transfers,
			strings.Join(r.Retention, " | "), strings.Join(sec, " ")})
	}
	w.Flush()
	return buf.Bytes()
}
