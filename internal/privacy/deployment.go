package privacy

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// Deployment is what one server adds to the inventory: who runs it, where,
// and which outside parties receive data. The inventory is the same for
// every school; these settings are the operator's (CUBBY_* variables), so
// the transparency page and the Art. 30 record describe this server, not a
// default.
type Deployment struct {
	Operator             Party
	DPOEmail             string // the data protection officer or contact
	SupervisoryAuthority string // where people can complain (name or URL)
	Country              string // the deployment's country (ISO 3166-1 alpha-2)
	ServerLocation       string // where the server and its backups are
	// BackupRetention is how long the operator keeps backups; zero when
	// the operator did not say.
	BackupRetention Period
	// DeletionGrace is how long a deletion request waits before erasure,
	// so a person can change their mind.
	DeletionGrace Period
	// EligibleParentAccess is what happens to parents' access when a
	// school records that a student holds their own rights: "end" (also
	// when empty) or "keep" (CUBBY_ELIGIBLE_PARENT_ACCESS).
	EligibleParentAccess string
	// Processors are the outside parties configured: a hosting company
	// (holding the database, as primary_db), email and SMS delivery. Their
	// IDs are inventory recipients.
	Processors []Processor
}

// Party is a controller's identity.
type Party struct {
	Name, Email, Address string
}

// Processor is an outside party that processes personal data for the
// operator (GDPR Art. 28), as the page and the record list it.
type Processor struct {
	ID         Recipient // the inventory recipient it holds data as
	Name       string
	Country    string // where it processes the data
	PurposeKey string // i18n key of what it does
	Purpose    string // English
	// Integral processors are needed for Cubby to work (sign-up emails);
	// a non-integral one could be turned off without losing the service.
	Integral bool
	DPAURL   string // its data processing agreement
}

// The values of Deployment.EligibleParentAccess.
const (
	EligibleParentAccessEnd  = "end"
	EligibleParentAccessKeep = "keep"
)

// DefaultDeletionGrace is how long a deletion request waits when the
// operator did not choose: two weeks to change one's mind.
var DefaultDeletionGrace = Period{Days: 14}

// eea is the European Economic Area: the EU's member states and Iceland,
// Liechtenstein and Norway. Data stored or sent elsewhere is a transfer
// under GDPR Chapter V.
var eea = []string{"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
	"IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO"}

// InEEA reports whether a country is in the European Economic Area.
func InEEA(country string) bool { return slices.Contains(eea, strings.ToUpper(country)) }

// Holders returns who holds a copy of values sent to these recipients:
// where the database and backups are, and which processors.
func (d *Deployment) Holders(rs []Recipient) []Processor {
	var out []Processor
	for _, p := range d.Processors {
		if slices.Contains(rs, p.ID) {
			out = append(out, p)
		}
	}
	return out
}

// Countries lists where values sent to these recipients are, server first.
func (d *Deployment) Countries(rs []Recipient) []string {
	var out []string
	add := func(c string) {
		if c != "" && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	if slices.Contains(rs, PrimaryDB) || slices.Contains(rs, Backups) {
		add(d.ServerLocation)
	}
	for _, p := range d.Holders(rs) {
		add(p.Country)
	}
	return out
}

// OutsideEEA lists the countries outside the EEA that values sent to these
// recipients reach (GDPR Chapter V transfers), computed from where the
// server and each processor are.
func (d *Deployment) OutsideEEA(rs []Recipient) []string {
	var out []string
	for _, c := range d.Countries(rs) {
		if !InEEA(c) {
			out = append(out, c)
		}
	}
	return out
}

// Check reports settings that contradict the inventory or leave a
// configured processor undocumented (problems: a grace period longer than
// the erasure the inventory promises, a processor without agreement link or
// country, INV-6), and settings the page shows as "not set by the
// operator" (missing). A server with zero configuration has no problems.
func (d *Deployment) Check(inv *Inventory) (problems, missing []error) {
	var errs []error
	if d.Operator.Name == "" {
		missing = append(missing, errors.New("CUBBY_OPERATOR_NAME is not set: the page cannot say who is responsible for the data"))
	}
	if d.Operator.Email == "" && d.DPOEmail == "" {
		missing = append(missing, errors.New("neither CUBBY_OPERATOR_EMAIL nor CUBBY_DPO_EMAIL is set: people have no one to contact about their data"))
	}
	if d.SupervisoryAuthority == "" {
		missing = append(missing, errors.New("CUBBY_SUPERVISORY_AUTHORITY is not set: the page cannot say where people may complain"))
	}
	if d.BackupRetention.IsZero() {
		missing = append(missing, errors.New("CUBBY_BACKUP_RETENTION is not set: the page cannot say how long backups keep deleted data (RET-5)"))
	}
	if max, ok := inv.ErasureDeadline(); ok && d.DeletionGrace.Approx() > max.Approx() {
		errs = append(errs, fmt.Errorf("CUBBY_DELETION_GRACE %s is longer than the %s after which the inventory promises erasure", d.DeletionGrace, max))
	}
	for _, p := range d.Processors {
		if !slices.Contains(recipients, p.ID) {
			errs = append(errs, fmt.Errorf("processor %q is configured but no inventory recipient has that id, so no data type would list it", p.ID))
		}
		if p.DPAURL == "" {
			errs = append(errs, fmt.Errorf("processor %s (%s) has no data processing agreement link (CUBBY_%s_PROCESSOR_DPA_URL)", p.Name, p.ID, strings.ToUpper(string(p.ID))))
		} else if u, err := url.Parse(p.DPAURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") {
			errs = append(errs, fmt.Errorf("processor %s: the agreement link %q is not an http(s) URL", p.ID, p.DPAURL))
		}
		if p.Country == "" {
			errs = append(errs, fmt.Errorf("processor %s (%s) has no country", p.Name, p.ID))
		}
	}
	return errs, missing
}

// ErasureDeadline is the shortest period after an account's deletion within
// which the inventory promises its values are gone: the longest grace
// period a deployment may set.
func (inv *Inventory) ErasureDeadline() (Period, bool) {
	var best Period
	found := false
	for _, f := range inv.PersonalFields() {
		r := f.Retention
		if r.Trigger != FromAccountDeleted || f.Erase == Hold || r.Period.IsZero() {
			continue
		}
		if !found || r.Period.Approx() < best.Approx() {
			best, found = r.Period, true
		}
	}
	return best, found
}
