package cli

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"cubby/internal/db/dbtest"
)

const fixture = "../schoolimport/testdata/schools.csv"
const fixtureMap = "school_id=source_id,school_name=name,street=address,town=city,state=region,zip=postal_code,latitude=lat,longitude=lon"

func run(args ...string) (int, string, string) {
	var out, errOut strings.Builder
	code := Run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// cubby schools import: the file anywhere among the flags, a summary on
// stdout, progress on stderr, idempotent, and clear refusals.
func TestSchoolsImportCommand(t *testing.T) {
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			dir := dataOn(t, d)
			code, out, errOut := run("schools", "import", fixture, "--map", fixtureMap, "--source", "fixture", "-data-dir", dir)
			if code != 0 || !strings.Contains(out, `source "fixture": 12 rows read`) || !strings.Contains(out, "11 new, 0 updated, 0 unchanged") ||
				!strings.Contains(out, "1 rows skipped") || !strings.Contains(errOut, "importing "+fixture) {
				t.Fatalf("exit %d\nstdout %s\nstderr %s", code, out, errOut)
			}
			code, out, _ = run("schools", "import", "--map", fixtureMap, "-data-dir", dir, "--source=fixture", fixture, "--set", "country=US")
			if code != 0 || !strings.Contains(out, "0 new, 0 updated, 11 unchanged") {
				t.Errorf("re-import: %d %s", code, out)
			}
			// Without --source the file's name is the source: other schools.
			code, out, _ = run("schools", "import", fixture, "--map", fixtureMap, "-data-dir", dir)
			if code != 0 || !strings.Contains(out, `source "schools"`) || !strings.Contains(out, "11 new") {
				t.Errorf("default source: %d %s", code, out)
			}

			for _, tc := range []struct {
				args []string
				want string
			}{
				{[]string{"schools"}, "usage: cubby schools import"},
				{[]string{"schools", "export"}, `the only schools command is "import"`},
				{[]string{"schools", "import", "--map", fixtureMap}, "give exactly one CSV file"},
				{[]string{"schools", "import", fixture, "other.csv", "--map", fixtureMap}, "give exactly one CSV file"},
				{[]string{"schools", "import", fixture, "--map", "school_id=source_id,school_name=name,county=region"}, `the file has no column "county"`},
				{[]string{"schools", "import", fixture, "--map", "school_id=source_id,school_name=nam"}, `unknown field "nam"`},
				{[]string{"schools", "import", filepath.Join(dir, "missing.csv"), "--map", fixtureMap}, "no such file"},
				{[]string{"schools", "import", fixture, "--map", fixtureMap, "--set", "country=USA"}, "two-letter"},
			} {
				code, _, errOut := run(append(tc.args, "-data-dir", dir)...)
				if code != 1 || !strings.Contains(errOut, tc.want) {
					t.Errorf("%v: exit %d, stderr %q, want %q", tc.args, code, errOut, tc.want)
				}
			}
			if code, _, errOut := run("schools", "import", "-h"); code != 0 || !strings.Contains(errOut, "-map") {
				t.Errorf("help: %d %s", code, errOut)
			}
		})
	}
}
