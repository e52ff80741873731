package config

import (
	"flag"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cubby/internal/privacy"
)

func TestZeroConfigIsValid(t *testing.T) {
	t.Parallel()
	c := Default()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":8080" || c.DataDir != "./cubby-data" || c.DatabaseURL != "" || c.IsPostgres() {
		t.Errorf("defaults: %+v", c)
	}
}

func TestFlagsBeatEnvironmentBeatsDefaults(t *testing.T) {
	t.Setenv("CUBBY_ADDR", ":9000")
	t.Setenv("CUBBY_DATA_DIR", "/srv/cubby")
	t.Setenv("CUBBY_SESSION_TTL", "2h")
	c := Default()
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	c.Flags(fs)
	if err := fs.Parse([]string{"-data-dir", "/elsewhere"}); err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":9000" || c.DataDir != "/elsewhere" || c.SessionTTL != 2*time.Hour {
		t.Errorf("got %+v", c)
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	t.Parallel()
	c := Default()
	c.Addr, c.DatabaseURL, c.BaseURL, c.LogLevel, c.Country, c.SessionTTL = "8080", "mysql://x", "cubby.example", "loud", "usa", time.Second
	err := c.Validate()
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"CUBBY_ADDR", "CUBBY_DATABASE_URL", "CUBBY_BASE_URL", "CUBBY_LOG_LEVEL", "CUBBY_COUNTRY", "CUBBY_SESSION_TTL"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing %s in %v", want, err)
		}
	}
	c = Default()
	c.DatabaseURL = "postgres://u@h/db"
	if err := c.Validate(); err != nil || !c.IsPostgres() {
		t.Errorf("postgres URL: %v", err)
	}
}

// CUBBY_ELIGIBLE_PARENT_ACCESS: end by default, keep on request, anything
// else refused at start rather than read as one or the other.
func TestEligibleParentAccess(t *testing.T) {
	c := Default()
	if c.EligibleParentAccess != "end" || c.Deployment(nil).EligibleParentAccess != "end" {
		t.Errorf("default %q", c.EligibleParentAccess)
	}
	t.Setenv("CUBBY_ELIGIBLE_PARENT_ACCESS", "keep")
	c = Default()
	c.Flags(flag.NewFlagSet("t", flag.ContinueOnError))
	if err := c.Validate(); err != nil || c.Deployment(nil).EligibleParentAccess != "keep" {
		t.Errorf("keep: %v %q", err, c.EligibleParentAccess)
	}
	c.EligibleParentAccess = "parents"
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "CUBBY_ELIGIBLE_PARENT_ACCESS") {
		t.Errorf("a bad value: %v", err)
	}
}

func TestFilesSettings(t *testing.T) {
	t.Setenv("CUBBY_FILES_URL", "s3://files.example.org/cubby?region=eu-west-1")
	t.Setenv("CUBBY_FILES_ACCESS_KEY", "AKIAEXAMPLE")
	t.Setenv("CUBBY_FILES_SECRET_KEY", "wJalr/s3cret")
	c := Default()
	c.Flags(flag.NewFlagSet("t", flag.ContinueOnError))
	err := c.Validate()
	for _, want := range []string{"CUBBY_FILES_PROCESSOR_NAME", "CUBBY_FILES_PROCESSOR_COUNTRY"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("a bucket without who runs it and where: %v, want %s", err, want)
		}
	}
	c.FilesProcessorName, c.FilesProcessorCountry = "Example Cloud", "IE"
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	loc, err := c.Files()
	if err != nil || loc.S3 == nil || loc.S3.Bucket != "cubby" || loc.S3.SecretKey != "wJalr/s3cret" {
		t.Fatalf("Files: %+v %v", loc, err)
	}
	d := c.Deployment(nil)
	if len(d.Processors) != 1 || d.Processors[0].ID != privacy.ObjectStore || d.Processors[0].Country != "IE" {
		t.Errorf("the bucket is not a processor on the transparency page: %+v", d.Processors)
	}
	c.FilesURL = "s3://AKIA:wJalr%2Fs3cret@files.example.org:notaport/cubby"
	c.FilesAccessKey, c.FilesSecretKey = "", ""
	if err := c.Validate(); err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("a bad URL with a secret: %v (must fail without repeating it)", err)
	}
	c = Default()
	if loc, err := c.Files(); err != nil || loc.Dir != filepath.Join("cubby-data", "files") {
		t.Errorf("default: %+v %v", loc, err)
	}
	if len(c.Deployment(nil).Processors) != 0 {
		t.Error("files on the server's disk are no processor's")
	}
}
