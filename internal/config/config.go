// Package config holds Cubby's typed configuration, read from flags and
// CUBBY_* environment variables. Zero configuration must work: every field
// has a default that runs a single-server school on SQLite.
package config

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"cubby/internal/files"
)

// Config is everything an operator can set. Field docs are the README's
// configuration table; keep them in step.
type Config struct {
	Addr        string        // CUBBY_ADDR: listen address
	DataDir     string        // CUBBY_DATA_DIR: SQLite file and uploaded files
	DatabaseURL string        // CUBBY_DATABASE_URL: empty = SQLite in DataDir; postgres://… = PostgreSQL
	BaseURL     string        // CUBBY_BASE_URL: public URL, used in emailed links and to decide Secure cookies
	LogLevel    string        // CUBBY_LOG_LEVEL: debug, info, warn, error
	SessionTTL  time.Duration // CUBBY_SESSION_TTL: how long an idle login lasts
	Country     string        // CUBBY_COUNTRY: ISO country of the deployment (consent age, school import default)
	ServerLoc   string        // CUBBY_SERVER_LOCATION: ISO country where the server and its backups are
	// CUBBY_METRICS_ALLOWED_NETWORKS: CIDR networks whose peer address may
	// read /metrics (metrics.go); empty = no one.
	MetricsAllowedNetworks string

	// Email and SMS (package notify); see the README's "Email and SMS".
	SMTPURL              string // CUBBY_SMTP_URL: smtp://user:pass@host:port?tls=none|starttls|tls; empty = emails become files in DataDir/mail
	SMTPFrom             string // CUBBY_SMTP_FROM: From address of Cubby's emails
	SMTPProcessorName    string // CUBBY_SMTP_PROCESSOR_NAME: who runs the SMTP server (transparency page)
	SMTPProcessorCountry string // CUBBY_SMTP_PROCESSOR_COUNTRY: where it runs
	SMSURL               string // CUBBY_SMS_URL: HTTP gateway for text messages; empty = SMS disabled
	SMSToken             string // CUBBY_SMS_TOKEN: bearer token for the gateway
	SMSProcessorName     string // CUBBY_SMS_PROCESSOR_NAME: who runs the gateway (transparency page)
	SMSProcessorCountry  string // CUBBY_SMS_PROCESSOR_COUNTRY: where it runs

	// Files: photos and attachments, export archives (package files); see
	// the README's "File storage". The keys are read from the environment
	// only, since flags show in ps.
	FilesURL              string // CUBBY_FILES_URL: empty = DataDir/files; s3://host:port/bucket[/prefix]?region=…&tls=false = an S3-compatible bucket; file:///path = another folder
	FilesAccessKey        string // CUBBY_FILES_ACCESS_KEY: the bucket's access key (or in the URL)
	FilesSecretKey        string // CUBBY_FILES_SECRET_KEY: its secret key (or in the URL, percent-encoded)
	FilesProcessorName    string // CUBBY_FILES_PROCESSOR_NAME: who runs the object store (transparency page)
	FilesProcessorCountry string // CUBBY_FILES_PROCESSOR_COUNTRY: where the bucket is

	// CUBBY_PUSH_ALLOW_LOCAL: let push subscriptions name endpoints on
	// this machine (loopback, over http too), for tests with a local push
	// service only; off, endpoints must be https on public addresses.
	PushAllowLocal bool

	// Privacy: who answers for the data, and the processors' agreements;
	// see privacy.go. Empty values show as "not set by the operator".
	Privacy
}

// Default returns the zero-configuration settings.
func Default() Config {
	return Config{
		Addr:       ":8080",
		DataDir:    "./cubby-data",
		LogLevel:   "info",
		SessionTTL: 30 * 24 * time.Hour,
		Country:    "US",
		ServerLoc:  "US",
		Privacy:    defaultPrivacy(),

		MetricsAllowedNetworks: DefaultMetricsNetworks,
	}
}

// Flags registers every setting on fs with its CUBBY_* variable as default,
// so a flag wins over the environment, which wins over the built-in default.
func (c *Config) Flags(fs *flag.FlagSet) {
	str := func(p *string, name, env, usage string) {
		if v, ok := os.LookupEnv(env); ok {
			*p = v
		}
		fs.StringVar(p, name, *p, usage+" ("+env+")")
	}
	str(&c.Addr, "addr", "CUBBY_ADDR", "listen address")
	str(&c.DataDir, "data-dir", "CUBBY_DATA_DIR", "folder for the SQLite database and files")
	str(&c.DatabaseURL, "database-url", "CUBBY_DATABASE_URL", "postgres://… to use PostgreSQL; empty for SQLite")
	str(&c.BaseURL, "base-url", "CUBBY_BASE_URL", "public URL of this server, e.g. https://cubby.example.org")
	str(&c.LogLevel, "log-level", "CUBBY_LOG_LEVEL", "debug, info, warn or error")
	str(&c.Country, "country", "CUBBY_COUNTRY", "two-letter country code of the deployment")
	str(&c.ServerLoc, "server-location", "CUBBY_SERVER_LOCATION", "two-letter country code where the server runs")
	str(&c.MetricsAllowedNetworks, "metrics-allowed-networks", "CUBBY_METRICS_ALLOWED_NETWORKS", "comma-separated CIDR networks that may read /metrics, by peer address; empty for no one")
	str(&c.SMTPURL, "smtp-url", "CUBBY_SMTP_URL", "smtp://user:pass@host:port?tls=none|starttls|tls; empty writes emails to files (prefer the variable: flags show in ps)")
	str(&c.SMTPFrom, "smtp-from", "CUBBY_SMTP_FROM", "From address of Cubby's emails, e.g. \"Cubby <cubby@school.example>\"")
	str(&c.SMTPProcessorName, "smtp-processor-name", "CUBBY_SMTP_PROCESSOR_NAME", "who runs the SMTP server, for the transparency page")
	str(&c.SMTPProcessorCountry, "smtp-processor-country", "CUBBY_SMTP_PROCESSOR_COUNTRY", "two-letter country code where the SMTP server runs")
	str(&c.SMSURL, "sms-url", "CUBBY_SMS_URL", "HTTP SMS gateway (POST {to, body}); empty disables SMS")
	str(&c.SMSToken, "sms-token", "CUBBY_SMS_TOKEN", "bearer token for the SMS gateway (prefer the variable: flags show in ps)")
	str(&c.SMSProcessorName, "sms-processor-name", "CUBBY_SMS_PROCESSOR_NAME", "who runs the SMS gateway, for the transparency page")
	str(&c.SMSProcessorCountry, "sms-processor-country", "CUBBY_SMS_PROCESSOR_COUNTRY", "two-letter country code where the SMS gateway runs")
	str(&c.FilesURL, "files-url", "CUBBY_FILES_URL", "where files are kept: empty for the data folder's files/, s3://host:port/bucket[/prefix]?region=…&tls=false for an S3-compatible bucket (keys in CUBBY_FILES_ACCESS_KEY and CUBBY_FILES_SECRET_KEY), or file:///folder")
	c.FilesAccessKey, c.FilesSecretKey = os.Getenv("CUBBY_FILES_ACCESS_KEY"), os.Getenv("CUBBY_FILES_SECRET_KEY")
	str(&c.FilesProcessorName, "files-processor-name", "CUBBY_FILES_PROCESSOR_NAME", "who runs the object store of CUBBY_FILES_URL, for the transparency page")
	str(&c.FilesProcessorCountry, "files-processor-country", "CUBBY_FILES_PROCESSOR_COUNTRY", "two-letter country code where the bucket is")
	c.privacyFlags(str)
	if v, ok := os.LookupEnv("CUBBY_PUSH_ALLOW_LOCAL"); ok {
		c.PushAllowLocal = v == "1" || strings.EqualFold(v, "true")
	}
	fs.BoolVar(&c.PushAllowLocal, "push-allow-local", c.PushAllowLocal, "let push subscriptions name endpoints on this machine, for tests with a local push service only (CUBBY_PUSH_ALLOW_LOCAL)")
	if v, ok := os.LookupEnv("CUBBY_SESSION_TTL"); ok {
		if d, err := time.ParseDuration(v); err == nil {
			c.SessionTTL = d
		}
	}
	fs.DurationVar(&c.SessionTTL, "session-ttl", c.SessionTTL, "how long an idle login lasts (CUBBY_SESSION_TTL)")
}

// Validate reports every problem at once, phrased for the operator.
func (c *Config) Validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("CUBBY_ADDR %q is not host:port (e.g. :8080)", c.Addr))
	}
	if c.DataDir == "" {
		errs = append(errs, errors.New("CUBBY_DATA_DIR must not be empty"))
	}
	if c.DatabaseURL != "" && !c.IsPostgres() {
		errs = append(errs, errors.New("CUBBY_DATABASE_URL must start with postgres:// or postgresql:// (leave it empty for SQLite)"))
	}
	if c.BaseURL != "" && !strings.HasPrefix(c.BaseURL, "http://") && !strings.HasPrefix(c.BaseURL, "https://") {
		errs = append(errs, fmt.Errorf("CUBBY_BASE_URL %q must start with http:// or https://", c.BaseURL))
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("CUBBY_LOG_LEVEL %q must be debug, info, warn or error", c.LogLevel))
	}
	if c.SessionTTL < time.Minute {
		errs = append(errs, errors.New("CUBBY_SESSION_TTL must be at least 1m"))
	}
	for _, cc := range []struct{ name, v string }{{"CUBBY_COUNTRY", c.Country}, {"CUBBY_SERVER_LOCATION", c.ServerLoc}} {
		if len(cc.v) != 2 || strings.ToUpper(cc.v) != cc.v {
			errs = append(errs, fmt.Errorf("%s %q must be a two-letter upper-case country code such as DE or US", cc.name, cc.v))
		}
	}
	errs = append(errs, c.validateNotify()...)
	errs = append(errs, c.validateFiles()...)
	errs = append(errs, c.validateMetrics()...)
	errs = append(errs, c.validatePrivacy()...)
	return errors.Join(errs...)
}

// IsPostgres reports whether the database is PostgreSQL rather than SQLite.
func (c *Config) IsPostgres() bool {
	return strings.HasPrefix(c.DatabaseURL, "postgres://") || strings.HasPrefix(c.DatabaseURL, "postgresql://")
}

// SecureCookies reports whether cookies must carry the Secure flag.
func (c *Config) SecureCookies() bool { return strings.HasPrefix(c.BaseURL, "https://") }

// validateNotify checks the email and SMS settings (package notify uses
// them). A configured provider must say who runs it and where, because
// the transparency page lists it as a processor of personal data.
func (c *Config) validateNotify() []error {
	var errs []error
	processor := func(what, name, country, nameVar, countryVar string) {
		if name == "" {
			errs = append(errs, fmt.Errorf("%s needs %s: who runs it (shown on the transparency page)", what, nameVar))
		}
		if len(country) != 2 || strings.ToUpper(country) != country {
			errs = append(errs, fmt.Errorf("%s needs %s: the two-letter upper-case country where it runs, such as DE", what, countryVar))
		}
	}
	if c.SMTPURL != "" {
		u, err := url.Parse(c.SMTPURL)
		switch {
		case err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "":
			errs = append(errs, errors.New("CUBBY_SMTP_URL must look like smtp://user:pass@host:port?tls=starttls (or smtps://…)"))
		case !slices.Contains([]string{"", "none", "starttls", "tls"}, u.Query().Get("tls")):
			errs = append(errs, errors.New("CUBBY_SMTP_URL: tls= must be none, starttls or tls"))
		}
		if c.SMTPFrom == "" {
			errs = append(errs, errors.New("CUBBY_SMTP_FROM must be set when CUBBY_SMTP_URL is (e.g. \"Cubby <cubby@school.example>\")"))
		}
		processor("CUBBY_SMTP_URL", c.SMTPProcessorName, c.SMTPProcessorCountry, "CUBBY_SMTP_PROCESSOR_NAME", "CUBBY_SMTP_PROCESSOR_COUNTRY")
	}
	if _, err := mail.ParseAddress(c.SMTPFrom); c.SMTPFrom != "" && err != nil {
		errs = append(errs, fmt.Errorf("CUBBY_SMTP_FROM %q is not an email address", c.SMTPFrom))
	}
	if c.SMSURL != "" {
		if u, err := url.Parse(c.SMSURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			errs = append(errs, errors.New("CUBBY_SMS_URL must be an http(s):// URL"))
		}
		if c.SMSToken == "" {
			errs = append(errs, errors.New("CUBBY_SMS_TOKEN must be set when CUBBY_SMS_URL is"))
		}
		processor("CUBBY_SMS_URL", c.SMSProcessorName, c.SMSProcessorCountry, "CUBBY_SMS_PROCESSOR_NAME", "CUBBY_SMS_PROCESSOR_COUNTRY")
	} else if c.SMSToken != "" {
		errs = append(errs, errors.New("CUBBY_SMS_TOKEN is set but CUBBY_SMS_URL is not"))
	}
	return errs
}

// Files is where files are kept, read from CUBBY_FILES_URL and the keys
// beside it (Validate reports its error).
func (c *Config) Files() (files.Location, error) {
	return files.ParseURL(c.FilesURL, c.FilesAccessKey, c.FilesSecretKey, c.DataDir)
}

// validateFiles checks the file store's settings. A bucket holds photos of
// children, so, as with email, the transparency page must say who runs it
// and where.
func (c *Config) validateFiles() []error {
	loc, err := c.Files()
	if err != nil {
		return []error{err}
	}
	var errs []error
	if loc.S3 != nil {
		if c.FilesProcessorName == "" {
			errs = append(errs, errors.New("CUBBY_FILES_URL names an object store: set CUBBY_FILES_PROCESSOR_NAME to who runs it (shown on the transparency page; your own organisation if it is your server)"))
		}
		if len(c.FilesProcessorCountry) != 2 || strings.ToUpper(c.FilesProcessorCountry) != c.FilesProcessorCountry {
			errs = append(errs, errors.New("CUBBY_FILES_URL names an object store: set CUBBY_FILES_PROCESSOR_COUNTRY to the two-letter upper-case country where the bucket is, such as DE"))
		}
	} else if c.FilesProcessorName != "" || c.FilesProcessorCountry != "" {
		errs = append(errs, errors.New("CUBBY_FILES_PROCESSOR_NAME or CUBBY_FILES_PROCESSOR_COUNTRY is set but CUBBY_FILES_URL names no object store (s3://…)"))
	}
	return errs
}
