package app_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"cubby/internal/app"
	"cubby/internal/db/dbtest"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

// export asks for s's export, waits for the background job and downloads
// the archive, returning its files.
func export(t *testing.T, env *testenv.Env, s *app.Session) map[string][]byte {
	t.Helper()
	ctx := context.Background()
	token, err := env.App.RequestExport(ctx, s)
	if err != nil {
		t.Fatalf("request export: %v", err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		e, err := env.App.ExportStatus(ctx, s, token)
		must(t, err)
		if e.Status == store.ExportReady {
			break
		}
		if e.Status == store.ExportFailed || time.Now().After(deadline) {
			t.Fatalf("export ended as %s:\n%s", e.Status, env.Logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	dl, err := env.App.DownloadExport(ctx, s, token)
	must(t, err)
	b, err := io.ReadAll(dl)
	must(t, err)
	must(t, dl.Close())
	// The link works once.
	if _, err := env.App.DownloadExport(ctx, s, token); !errors.Is(err, app.ErrExportGone) {
		t.Errorf("second download: %v, want ErrExportGone", err)
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	must(t, err)
	files := map[string][]byte{}
	for _, f := range zr.File {
		r, err := f.Open()
		must(t, err)
		files[f.Name], err = io.ReadAll(r)
		must(t, err)
		r.Close()
	}
	// Each file is dated when the export was made, not left at the zip
	// format's zero date that unzip tools show as 1980-00-00.
	var made struct {
		GeneratedAt time.Time `json:"generated_at"`
	}
	must(t, json.Unmarshal(files["export.json"], &made))
	for _, f := range zr.File {
		if d := f.Modified.Sub(made.GeneratedAt); made.GeneratedAt.IsZero() || d < -2*time.Second || d > 2*time.Second {
			t.Errorf("%s in the archive is dated %v, the export was made %v", f.Name, f.Modified, made.GeneratedAt)
		}
	}
	if strings.Contains(env.Logs.String(), token) {
		t.Error("the export id appears in the logs")
	}
	return files
}

// optional are columns empty until an event the fixture's people must not
// go through (leaving the school, having an account closed).
var optional = map[string]bool{"users.disabled_at": true, "students.left_at": true, "class_students.removed_at": true}

// Every exported field of the inventory appears, with a value, in the
// exports of people who touch every personal table (DSR-1).
func TestExportCoversEveryInventoryField(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			f := newFamily(t, d)
			seen := map[string]bool{}
			for _, s := range []*app.Session{f.teacher, f.parent, f.student, f.leader} {
				files := export(t, f.env, s)
				if !bytes.Contains(files["export.html"], []byte("<html")) {
					t.Fatal("no readable export.html in the archive")
				}
				var ar app.Archive
				must(t, json.Unmarshal(files["export.json"], &ar))
				for _, p := range ar.People {
					for _, tab := range p.Tables {
						for _, row := range tab.Rows {
							for col, v := range row {
								if v != nil {
									seen[tab.Table+"."+col] = true
								}
							}
						}
					}
				}
				if s == f.parent {
					checkParentArchive(t, f, ar, files["export.html"])
				}
			}
			// Nothing personal reached the logs on the way (SEC-4).
			logs := f.env.Logs.String()
			for _, pii := range []string{teacherEmail, parentEmail, "Zephyrine", "Quillfeather", "Vexmoor", "Kind to a friend"} {
				if strings.Contains(logs, pii) {
					t.Errorf("the logs hold %q", pii)
				}
			}
			for _, fl := range f.env.App.Inventory.PersonalFields() {
				if fl.Export && !seen[fl.ID()] && !optional[fl.ID()] {
					t.Errorf("%s is exported by the inventory but no fixture export holds a value for it: extend the fixture (privacy_fixture_test.go) to touch it", fl.ID())
				}
			}
		})
	}
}

// A parent's archive holds their child, the child's points, and nothing of
// another child; the readable page names the child.
func checkParentArchive(t *testing.T, f *family, ar app.Archive, html []byte) {
	t.Helper()
	if len(ar.People) != 2 || ar.People[0].Relation != "self" || ar.People[1].Relation != "child" || ar.People[1].Name != "Zephyrine Zanderwick" {
		t.Fatalf("parent's archive people: %+v", ar.People)
	}
	hasPoints := false
	for _, tab := range ar.People[1].Tables {
		hasPoints = hasPoints || tab.Table == "points" && len(tab.Rows) > 0
	}
	if !hasPoints {
		t.Error("the child's points are not in the parent's archive")
	}
	if !bytes.Contains(html, []byte("Zephyrine Zanderwick")) {
		t.Error("the readable page does not name the child")
	}
	js, _ := json.Marshal(ar.People)
	for _, other := range []string{"Ava", "Mateo"} {
		if bytes.Contains(js, []byte(`"`+other)) {
			t.Errorf("another child's name %q is in the parent's archive", other)
		}
	}
}
