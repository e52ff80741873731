package web

import (
	"encoding/json"
	"net/http"
	"slices"

	"cubby/internal/i18n"
	"cubby/internal/privacy"
)

// The public data transparency page: generated only from the privacy
// inventory and this server's settings, in the reader's language, as HTML
// and JSON (INV-4, INV-6, INV-10). Nothing on it is written by hand for one
// data type, so it cannot claim what the code does not do.

// tpView is the page, worded.
type tpView struct {
	Version    string        `json:"version"`
	Since      string        `json:"effective_since"`
	Versions   int           `json:"versions"`
	Language   string        `json:"language"`
	Controller tpController  `json:"controller"`
	Storage    tpStorage     `json:"storage"`
	DataTypes  []tpRow       `json:"data_types"`
	Processors []tpProcessor `json:"processors"`
	Inactive   string        `json:"unused_accounts,omitempty"`
	Interests  []string      `json:"legitimate_interests"`
	// Automated decisions: Cubby makes none (Art. 13(2)(f)).
	AutomatedDecisions string `json:"automated_decisions"`
	// AllOpen renders every data type unfolded: the page's "open every
	// answer" link, for browsers without JavaScript.
	AllOpen bool `json:"-"`
}

type tpController struct {
	Name      string `json:"name"`
	Email     string `json:"email"`
	Address   string `json:"address"`
	DPO       string `json:"dpo_email"`
	Authority string `json:"supervisory_authority"`
}

type tpStorage struct {
	Country string `json:"server_country"`
	Code    string `json:"server_country_code"`
	Backups string `json:"backups"`
	Grace   string `json:"deletion_grace"`
	// EligibleParentAccess is "end" or "keep": whether parents keep access
	// once a student holds their own rights (CUBBY_ELIGIBLE_PARENT_ACCESS).
	EligibleParentAccess string `json:"eligible_parent_access"`
}

type tpRow struct {
	Key          string   `json:"key"`
	Name         string   `json:"name"`
	Why          string   `json:"purpose"`
	Collected    bool     `json:"collected"`
	Personal     bool     `json:"personal"`
	AccountTypes string   `json:"account_types"`
	Collection   string   `json:"how_collected"`
	Used         string   `json:"how_used"`
	Stored       string   `json:"where_stored"`
	Shared       string   `json:"shared_with_third_parties"`
	OutsideEEA   bool     `json:"leaves_eea"`
	Transfer     string   `json:"transfer_outside_eea"`
	Basis        string   `json:"legal_basis"`
	Retention    []string `json:"retention"`
	Children     bool     `json:"about_children"`
	Fields       []string `json:"fields"`
	// Summary is the folded row's one line: whose data it is and the
	// longest it is kept.
	Summary string `json:"summary"`
}

type tpProcessor struct {
	Name       string `json:"name"`
	Recipient  string `json:"recipient"`
	Purpose    string `json:"purpose"`
	Data       string `json:"data"`
	Country    string `json:"country"`
	OutsideEEA bool   `json:"outside_eea"`
	Integral   bool   `json:"integral"`
	DPAURL     string `json:"agreement_url"`
}

// transparencyView words the page for one reader.
func (s *Server) transparencyView(l *i18n.Localizer) tpView {
	w := words{l}
	page := s.app.Transparency()
	d := page.Deployment
	v := tpView{
		Version:  page.Version,
		Language: l.Lang(),
		Controller: tpController{Name: w.orNotSet(d.Operator.Name), Email: w.orNotSet(d.Operator.Email), Address: w.orNotSet(d.Operator.Address),
			DPO: w.orNotSet(d.DPOEmail), Authority: w.orNotSet(d.SupervisoryAuthority)},
		Storage: tpStorage{Country: w.country(d.ServerLocation), Code: d.ServerLocation, Grace: w.period(d.DeletionGrace),
			EligibleParentAccess: d.EligibleParentAccess},
		AutomatedDecisions: l.T("privacy.no_automated_decisions"),
		Interests:          []string{},
	}
	v.Storage.Backups = l.T("privacy.not_set")
	if !d.BackupRetention.IsZero() {
		v.Storage.Backups = w.period(d.BackupRetention)
	}
	if ia := page.InactiveAccounts; ia != nil {
		v.Inactive = l.T("privacy.inactive_rule", "types", w.accountTypes(ia.AccountTypes), "after", w.period(ia.After), "warning", w.period(ia.Warning))
	}
	v.Interests = append(v.Interests, page.LegitimateInterests...)
	for _, r := range page.Rows {
		v.DataTypes = append(v.DataTypes, s.tpRow(w, d, r))
	}
	for _, p := range page.Processors {
		var types []string
		for _, t := range p.DataTypes {
			types = append(types, w.dataType(t))
		}
		v.Processors = append(v.Processors, tpProcessor{Name: p.Name, Recipient: string(p.ID), Purpose: l.T(p.PurposeKey), Data: w.list(types),
			Country: w.country(p.Country), OutsideEEA: p.OutsideEEA, Integral: p.Integral, DPAURL: p.DPAURL})
	}
	return v
}

func (s *Server) tpRow(w words, d *privacy.Deployment, r privacy.DataTypeRow) tpRow {
	l := w.L
	row := tpRow{Key: string(r.Type), Name: w.dataType(r.Type), Why: l.T("datatype." + string(r.Type) + ".why"),
		Collected: r.Collected, Personal: r.Personal, Children: r.ChildData, Fields: r.Fields}
	switch {
	case !r.Collected:
		row.Summary = l.T("whyask.not_collected")
	case !r.Personal:
		row.Summary = l.T("whyask.not_personal")
	default:
		row.Summary = l.T("whyask.whose", "who", w.accountTypes(r.AccountTypes))
		if rt, ok := longest(r.Retention); ok {
			row.Summary += " · " + l.T("whyask.kept", "when", l.T("privacy.when."+string(rt.Trigger), "period", w.period(rt.Period)))
		}
	}
	if !r.Collected {
		// Nothing to say how it is collected, used or kept: the row says
		// only that Cubby does not collect it.
		return row
	}
	if !r.Personal {
		row.AccountTypes = l.T("privacy.nobody")
		row.Collection = sentence(l.T("privacy.method.imported"))
		row.Stored = l.T("privacy.stored_server", "country", w.country(d.ServerLocation))
		return row
	}
	row.AccountTypes = w.accountTypes(r.AccountTypes)
	var methods, uses, seen, bases []string
	for _, m := range r.Methods {
		methods = append(methods, l.T("privacy.method."+string(m)))
	}
	row.Collection = sentence(w.list(methods))
	for _, u := range r.Uses {
		uses = append(uses, w.use(u))
	}
	for _, u := range r.OtherUses {
		uses = append(uses, w.use(u.DataUse))
	}
	for _, a := range r.VisibleTo {
		seen = append(seen, l.T("account."+string(a)))
	}
	row.Used = sentence(w.list(uses)) + ". " + l.T("privacy.seen_by", "who", w.list(append([]string{l.T("privacy.the_person")}, seen...)))
	if len(r.VisibleTo) == 0 && r.SeenBySelf {
		row.Used = sentence(w.list(uses)) + ". " + l.T("privacy.seen_by", "who", l.T("privacy.the_person"))
	} else if len(r.VisibleTo) == 0 {
		row.Used = sentence(w.list(uses)) + ". " + l.T("privacy.seen_by_nobody")
	}
	row.Stored = l.T("privacy.stored_server", "country", w.country(d.ServerLocation))
	var hosts, shared []string
	for _, p := range r.Processors {
		if p.ID == privacy.PrimaryDB {
			hosts = append(hosts, p.Name)
			continue
		}
		shared = append(shared, l.T("privacy.shared_with", "name", p.Name, "country", w.country(p.Country), "purpose", l.T(p.PurposeKey)))
	}
	if len(hosts) > 0 {
		row.Stored += " " + l.T("privacy.hosted_by", "name", w.list(hosts))
	}
	row.Shared = l.T("privacy.shared_none")
	if len(shared) > 0 {
		row.Shared = w.list(shared)
	}
	row.OutsideEEA = len(r.OutsideEEA) > 0
	row.Transfer = l.T("privacy.transfer_no")
	if row.OutsideEEA {
		row.Transfer = l.T("privacy.transfer_yes", "countries", w.countries(r.OutsideEEA))
	}
	for _, b := range r.LegalBases {
		bases = append(bases, w.basis(b))
	}
	for _, u := range r.OtherUses {
		bases = append(bases, l.T("privacy.basis_for", "basis", w.basis(u.LegalBasis), "use", w.use(u.DataUse)))
	}
	row.Basis = sentence(w.list(bases))
	for _, rt := range r.Retention {
		if text := w.retention(rt); !slices.Contains(row.Retention, text) {
			row.Retention = append(row.Retention, text)
		}
	}
	if slices.ContainsFunc(r.Retention, func(x privacy.Retention) bool { return x.HoldReason != "" }) {
		row.Retention = append(row.Retention, l.T("privacy.hold."+string(r.Type)))
	}
	if r.Shortened {
		row.Retention = append(row.Retention, l.T("privacy.schools_shorten"))
	}
	return row
}

// longest is the rule that keeps a data type the longest, for the folded
// row's short answer; the unfolded row lists every rule. Between equal
// periods, one counting from an event (the account's deletion, the end
// of the school year) outlasts one counting from the recording.
func longest(rules []privacy.Retention) (privacy.Retention, bool) {
	var best privacy.Retention
	found := false
	for _, rt := range rules {
		if rt.Period.IsZero() {
			continue
		}
		d, bd := rt.Period.Approx(), best.Period.Approx()
		if !found || d > bd || (d == bd && best.Trigger == privacy.FromCreated && rt.Trigger != privacy.FromCreated) {
			best, found = rt, true
		}
	}
	return best, found
}

// versionedView is the page with the date its version took effect (the
// version is archived on first sight).
func (s *Server) versionedView(r *http.Request, l *i18n.Localizer) (tpView, error) {
	v := s.transparencyView(l)
	versions, err := s.app.RecordNotice(r.Context())
	if err != nil {
		return v, err
	}
	v.Versions = len(versions)
	for _, nv := range versions {
		if nv.Version == v.Version {
			v.Since = nv.EffectiveAt.Format("2006-01-02")
		}
	}
	return v, nil
}

func (s *Server) transparency(w http.ResponseWriter, r *http.Request) error {
	p := s.page(w, r, "privacy.title")
	v, err := s.versionedView(r, p.L)
	if err != nil {
		return err
	}
	v.AllOpen = r.URL.Query().Get("all") == "1"
	p.Data = v
	s.render(w, r, http.StatusOK, "transparency", p)
	return nil
}

func (s *Server) transparencyJSON(w http.ResponseWriter, r *http.Request) error {
	p := s.page(w, r, "privacy.title")
	v, err := s.versionedView(r, p.L)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Language", p.L.Lang())
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
