package config

import (
	"fmt"
	"net/mail"
	"net/url"
	"strconv"

	"cubby/internal/privacy"
)

// Privacy is what the transparency page and the Art. 30 record say about
// this server that the code cannot know: who runs it, who to contact, where
// to complain, how long backups are kept, and the agreements with the
// processors. Zero configuration works; the page then says "not set by the
// operator" for each missing value.
type Privacy struct {
	OperatorName          string // CUBBY_OPERATOR_NAME: the school, district or organisation responsible (the controller)
	OperatorEmail         string // CUBBY_OPERATOR_EMAIL: how to reach it about data
	OperatorAddress       string // CUBBY_OPERATOR_ADDRESS: its postal address
	DPOEmail              string // CUBBY_DPO_EMAIL: the data protection officer or contact
	SupervisoryAuthority  string // CUBBY_SUPERVISORY_AUTHORITY: where people can complain (name or URL)
	BackupRetention       string // CUBBY_BACKUP_RETENTION: how long backups are kept, ISO 8601 (P35D); at most a year
	DeletionGrace         string // CUBBY_DELETION_GRACE: wait before a deletion request is carried out, ISO 8601 (P14D)
	HostingName           string // CUBBY_HOSTING_PROCESSOR_NAME: the company running the server, if not the operator
	HostingDPAURL         string // CUBBY_HOSTING_PROCESSOR_DPA_URL: its data processing agreement
	SMTPProcessorDPAURL   string // CUBBY_SMTP_PROCESSOR_DPA_URL: the mail provider's data processing agreement
	SMTPProcessorIntegral string // CUBBY_SMTP_PROCESSOR_INTEGRAL: true (default) if Cubby cannot work without it
	SMSProcessorDPAURL    string // CUBBY_SMS_PROCESSOR_DPA_URL: the SMS gateway's agreement
	SMSProcessorIntegral  string // CUBBY_SMS_PROCESSOR_INTEGRAL: false (default): text messages are optional
	FilesProcessorDPAURL  string // CUBBY_FILES_PROCESSOR_DPA_URL: the object store's agreement (CUBBY_FILES_URL=s3://…)
	// EligibleParentAccess is CUBBY_ELIGIBLE_PARENT_ACCESS: what happens to
	// parents' access when a school records that a student holds their own
	// rights (an eligible student: 18 under FERPA, or the local age of
	// majority). "end" (default): parents lose access to the student's
	// records, export, corrections and access log at once. "keep": they
	// keep it, as FERPA allows schools to for a dependent student (34 CFR
	// 99.31(a)(8)); under GDPR an adult's data is theirs, so keep needs the
	// student's agreement or another basis the operator documents.
	EligibleParentAccess string
}

// maxBackupRetention is as long as the erasure ledger remembers erased
// accounts (the inventory's erasures hold): a backup older than that could
// bring back someone the ledger has forgotten.
var maxBackupRetention = privacy.Period{Years: 1}

func defaultPrivacy() Privacy {
	return Privacy{DeletionGrace: privacy.DefaultDeletionGrace.String(), SMTPProcessorIntegral: "true", SMSProcessorIntegral: "false",
		EligibleParentAccess: privacy.EligibleParentAccessEnd}
}

func (c *Config) privacyFlags(str func(p *string, name, env, usage string)) {
	p := &c.Privacy
	str(&p.OperatorName, "operator-name", "CUBBY_OPERATOR_NAME", "who is responsible for the data (the school, district or organisation), for the transparency page")
	str(&p.OperatorEmail, "operator-email", "CUBBY_OPERATOR_EMAIL", "the operator's contact address for questions about data")
	str(&p.OperatorAddress, "operator-address", "CUBBY_OPERATOR_ADDRESS", "the operator's postal address")
	str(&p.DPOEmail, "dpo-email", "CUBBY_DPO_EMAIL", "the data protection officer's address")
	str(&p.SupervisoryAuthority, "supervisory-authority", "CUBBY_SUPERVISORY_AUTHORITY", "the data protection authority people may complain to (name or URL)")
	str(&p.BackupRetention, "backup-retention", "CUBBY_BACKUP_RETENTION", "how long backups are kept, ISO 8601 such as P35D (at most P1Y)")
	str(&p.DeletionGrace, "deletion-grace", "CUBBY_DELETION_GRACE", "how long a deletion request waits before erasure, ISO 8601 such as P14D")
	str(&p.HostingName, "hosting-processor-name", "CUBBY_HOSTING_PROCESSOR_NAME", "the company running the server, if not the operator")
	str(&p.HostingDPAURL, "hosting-processor-dpa-url", "CUBBY_HOSTING_PROCESSOR_DPA_URL", "the hosting company's data processing agreement")
	str(&p.SMTPProcessorDPAURL, "smtp-processor-dpa-url", "CUBBY_SMTP_PROCESSOR_DPA_URL", "the mail provider's data processing agreement (transparency page)")
	str(&p.SMTPProcessorIntegral, "smtp-processor-integral", "CUBBY_SMTP_PROCESSOR_INTEGRAL", "true if Cubby cannot work without the mail provider")
	str(&p.SMSProcessorDPAURL, "sms-processor-dpa-url", "CUBBY_SMS_PROCESSOR_DPA_URL", "the SMS gateway's data processing agreement (transparency page)")
	str(&p.SMSProcessorIntegral, "sms-processor-integral", "CUBBY_SMS_PROCESSOR_INTEGRAL", "true if Cubby cannot work without the SMS gateway")
	str(&p.FilesProcessorDPAURL, "files-processor-dpa-url", "CUBBY_FILES_PROCESSOR_DPA_URL", "the object store's data processing agreement (transparency page)")
	str(&p.EligibleParentAccess, "eligible-parent-access", "CUBBY_ELIGIBLE_PARENT_ACCESS",
		"when a school marks a student eligible (18 under FERPA, or the local age of majority): end (default) ends parents' access to the student's records, export, corrections and access log; keep keeps it, as FERPA allows for a dependent student (34 CFR 99.31(a)(8)) - under GDPR an adult's data is theirs, so keep needs the student's agreement or another documented basis")
}

func (c *Config) validatePrivacy() []error {
	var errs []error
	p := c.Privacy
	for _, e := range []struct{ name, v string }{{"CUBBY_OPERATOR_EMAIL", p.OperatorEmail}, {"CUBBY_DPO_EMAIL", p.DPOEmail}} {
		if a, err := mail.ParseAddress(e.v); e.v != "" && (err != nil || a.Address != e.v) {
			errs = append(errs, fmt.Errorf("%s %q is not a plain email address", e.name, e.v))
		}
	}
	if p.BackupRetention != "" {
		d, err := privacy.ParseDuration(p.BackupRetention)
		switch {
		case err != nil || d.IsZero():
			errs = append(errs, fmt.Errorf("CUBBY_BACKUP_RETENTION %q must be an ISO 8601 duration such as P35D", p.BackupRetention))
		case d.Approx() > maxBackupRetention.Approx():
			errs = append(errs, fmt.Errorf("CUBBY_BACKUP_RETENTION %s is longer than %s, as long as Cubby remembers erased accounts to erase them again from a restored backup", d, maxBackupRetention))
		}
	}
	if d, err := privacy.ParseDuration(p.DeletionGrace); err != nil || d.Approx() < 24*60*60*1e9 {
		errs = append(errs, fmt.Errorf("CUBBY_DELETION_GRACE %q must be an ISO 8601 duration of at least a day, such as P14D", p.DeletionGrace))
	}
	for _, u := range []struct{ name, v string }{{"CUBBY_HOSTING_PROCESSOR_DPA_URL", p.HostingDPAURL}, {"CUBBY_SMTP_PROCESSOR_DPA_URL", p.SMTPProcessorDPAURL}, {"CUBBY_SMS_PROCESSOR_DPA_URL", p.SMSProcessorDPAURL}, {"CUBBY_FILES_PROCESSOR_DPA_URL", p.FilesProcessorDPAURL}} {
		if x, err := url.Parse(u.v); u.v != "" && (err != nil || (x.Scheme != "https" && x.Scheme != "http") || x.Host == "") {
			errs = append(errs, fmt.Errorf("%s %q must be an http(s):// link", u.name, u.v))
		}
	}
	for _, b := range []struct{ name, v string }{{"CUBBY_SMTP_PROCESSOR_INTEGRAL", p.SMTPProcessorIntegral}, {"CUBBY_SMS_PROCESSOR_INTEGRAL", p.SMSProcessorIntegral}} {
		if _, err := strconv.ParseBool(b.v); err != nil {
			errs = append(errs, fmt.Errorf("%s %q must be true or false", b.name, b.v))
		}
	}
	if p.EligibleParentAccess != privacy.EligibleParentAccessEnd && p.EligibleParentAccess != privacy.EligibleParentAccessKeep {
		errs = append(errs, fmt.Errorf("CUBBY_ELIGIBLE_PARENT_ACCESS %q must be end or keep", p.EligibleParentAccess))
	}
	if p.HostingDPAURL != "" && p.HostingName == "" {
		errs = append(errs, fmt.Errorf("CUBBY_HOSTING_PROCESSOR_DPA_URL is set but CUBBY_HOSTING_PROCESSOR_NAME is not"))
	}
	return errs
}

// Deployment builds the privacy settings the transparency page, the Art. 30
// record and erasure use. processors are the email and SMS providers the
// outbox actually uses (notify.Settings.Processors), given as
// id/name/country/purpose key; this adds their agreements.
func (c *Config) Deployment(processors []privacy.Processor) *privacy.Deployment {
	p := c.Privacy
	d := &privacy.Deployment{
		Operator:             privacy.Party{Name: p.OperatorName, Email: p.OperatorEmail, Address: p.OperatorAddress},
		DPOEmail:             p.DPOEmail,
		SupervisoryAuthority: p.SupervisoryAuthority,
		Country:              c.Country,
		ServerLocation:       c.ServerLoc,
		DeletionGrace:        privacy.DefaultDeletionGrace,
		EligibleParentAccess: p.EligibleParentAccess,
	}
	d.BackupRetention, _ = privacy.ParseDuration(p.BackupRetention)
	if g, err := privacy.ParseDuration(p.DeletionGrace); err == nil {
		d.DeletionGrace = g
	}
	if p.HostingName != "" {
		d.Processors = append(d.Processors, privacy.Processor{ID: privacy.PrimaryDB, Name: p.HostingName, Country: c.ServerLoc, Integral: true,
			DPAURL: p.HostingDPAURL, PurposeKey: "privacy.processor.hosting", Purpose: "Runs the server that stores Cubby's database and backups."})
	}
	if loc, err := c.Files(); err == nil && loc.S3 != nil {
		d.Processors = append(d.Processors, privacy.Processor{ID: privacy.ObjectStore, Name: c.FilesProcessorName, Country: c.FilesProcessorCountry, Integral: true,
			DPAURL: p.FilesProcessorDPAURL, PurposeKey: "privacy.processor.files", Purpose: "Keeps the photos and files people share in Cubby, and export archives, in an object store."})
	}
	for _, pr := range processors {
		switch pr.ID {
		case privacy.SMTP:
			pr.DPAURL, pr.Integral = p.SMTPProcessorDPAURL, p.SMTPProcessorIntegral != "false"
		case privacy.SMS:
			pr.DPAURL, pr.Integral = p.SMSProcessorDPAURL, p.SMSProcessorIntegral == "true"
		}
		d.Processors = append(d.Processors, pr)
	}
	return d
}
