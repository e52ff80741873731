package e2e

import (
	"archive/zip"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"cubby/internal/demo"
	"cubby/internal/testenv"
)

// rosterFiles writes a class spreadsheet and a zipped OneRoster export
// (the app tests' valid fixture) for the browser to upload.
func rosterFiles(t *testing.T) (csvPath, zipPath string) {
	t.Helper()
	dir := t.TempDir()
	csvPath = filepath.Join(dir, "class-list.csv")
	csv := "First Name;Surname;Birthday\nNoah;Fischer;2016-04-02\nLina;Okoro;2016-07-19\n;Nameless;2016-01-01\nAva;Martin;2016-02-11\n"
	if err := os.WriteFile(csvPath, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	zipPath = filepath.Join(dir, "oneroster-export.zip")
	f, err := os.Create(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	src := filepath.Join("..", "app", "testdata", "oneroster", "valid")
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		w, _ := zw.Create("export/" + e.Name())
		w.Write(b)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return csvPath, zipPath
}

// A teacher brings students in from a spreadsheet and from the school's
// OneRoster export through the roster page, then starts next year's
// class; a leader adds a school-wide skill and switches to initials.
func TestRosterImportsAndRollover(t *testing.T) {
	csvPath, zipPath := rosterFiles(t)
	for _, vp := range []struct {
		name string
		size [2]int64
	}{{"phone", phone}, {"desktop", desktop}} {
		t.Run(vp.name, func(t *testing.T) {
			env := testenv.New(t, engine(t))
			b := newBrowser(t, vp.size, "en-US")
			fits := func(what string) {
				t.Helper()
				if w := b.eval(`document.documentElement.scrollWidth + "/" + innerWidth`); w != fmt.Sprintf("%d/%d", vp.size[0], vp.size[0]) {
					wide := b.eval(`[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > innerWidth + 1)
						.slice(0, 5).map(e => e.tagName + "." + e.className + " " + Math.round(e.getBoundingClientRect().right)).join(", ")`)
					t.Errorf("%s overflows sideways: %s (%s)", what, w, wide)
				}
			}
			// waitFlash waits for the confirmation of the page a form led to.
			waitFlash := func(want string) {
				t.Helper()
				b.waitUntil(fmt.Sprintf("the confirmation %q shows", want), fmt.Sprintf(`(document.querySelector('.flash')?.textContent || "").includes(%q)`, want))
			}
			b.login(env.URL, demo.TeacherEmail, demo.Password)
			b.do(chromedp.Navigate(env.URL+"/classes"), chromedp.WaitVisible(chromedp.CSS(".tile")),
				chromedp.Click(chromedp.CSS(".tile")), chromedp.WaitVisible(chromedp.CSS(".grid-tiles")),
				chromedp.Click(chromedp.CSS(`.tabs a[href$="/students"]`)), chromedp.WaitVisible(chromedp.ID("csv-file")))
			classPath := b.eval(`location.pathname.replace(/\/students$/, "")`)
			fits("roster page")
			b.shot("roster-" + vp.name)

			// A spreadsheet.
			b.do(chromedp.SetUploadFiles(chromedp.ID("csv-file"), []string{csvPath}),
				chromedp.Click(chromedp.CSS(`form[action$="/students/import"] button`)), chromedp.WaitVisible(chromedp.CSS(".import-report")))
			if got := b.text("#import-done-h"); !strings.Contains(got, "3 students are on the roster. Already at the school, so they kept their profile: 1.") {
				t.Errorf("CSV report: %q", got)
			}
			if got := b.text(".import-report .notes"); !strings.Contains(got, "Row 4:") || !strings.Contains(got, "No first name") {
				t.Errorf("skipped rows: %q", got)
			}
			if n := b.eval(`String(document.querySelectorAll('table.roster tbody tr').length)`); n != "27" {
				t.Errorf("roster has %s rows after the upload, want 27", n)
			}

			b.shot("csv-imported-" + vp.name)

			// The school's OneRoster export, zipped.
			b.do(chromedp.Click(chromedp.CSS(`a[href*="/oneroster"]`)), chromedp.WaitVisible(chromedp.ID("oneroster-file")))
			fits("import page")
			b.shot("oneroster-form-" + vp.name)
			b.do(chromedp.SetUploadFiles(chromedp.ID("oneroster-file"), []string{zipPath}),
				chromedp.Click(chromedp.CSS(`form[action*="/oneroster"] button`)), chromedp.WaitVisible(chromedp.ID("result-h")))
			if got := b.text("#result-h"); got != "Imported from Maple Grove Community School." {
				t.Errorf("OneRoster result: %q", got)
			}
			if got := b.text(".import-report"); !strings.Contains(got, "Grade 4A Otters") || !strings.Contains(got, "Sam Unknown") {
				t.Errorf("OneRoster report: %q", got)
			}
			fits("import result")
			b.shot("oneroster-imported-" + vp.name)

			// Next school year: everyone but the first child moves up.
			b.do(chromedp.Navigate(env.URL+classPath+"/students"), chromedp.WaitVisible(chromedp.CSS(".rollover summary")),
				chromedp.Click(chromedp.CSS(".rollover summary")), chromedp.WaitVisible(chromedp.ID("rollover-name")))
			b.eval(`(() => { const n = document.getElementById('rollover-name'); n.value = 'Class 4 Sunflowers'; 
				document.querySelector('.rollover input[name=student_id]').click(); return "" })()`)
			b.eval(`document.querySelector('.rollover').scrollIntoView(), ""`)
			b.shot("rollover-form-" + vp.name)
			b.do(chromedp.Click(chromedp.CSS(`form[action$="/rollover"] button[type=submit]`)))
			waitFlash("Next year's class is ready")
			if h1 := b.text("main h1"); h1 != "Class 4 Sunflowers" {
				t.Errorf("new class heading %q", h1)
			}
			if n := b.eval(`String(document.querySelectorAll('table.roster tbody tr').length)`); n != "26" {
				t.Errorf("the new class has %s students, want 26", n)
			}
			fits("new class")
			b.shot("rolled-over-" + vp.name)

			// Last year's class: archived, readable, unchangeable.
			b.do(chromedp.Navigate(env.URL+classPath), chromedp.WaitVisible(chromedp.CSS(".archived-note")))
			if n := b.eval(`String(document.querySelectorAll('[data-student], .tabs a[href$="/attendance"]').length)`); n != "0" {
				t.Errorf("the archived class still offers %s ways to change it", n)
			}
			b.shot("archived-class-" + vp.name)
			b.do(chromedp.Navigate(env.URL+"/classes"), chromedp.WaitVisible(chromedp.CSS(".badge.archived")))
			fits("class list")
			b.shot("class-list-" + vp.name)

			// The leader: a school-wide skill, and initials instead of names.
			b.do(chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)), chromedp.WaitVisible(chromedp.CSS(".hero")))
			b.login(env.URL, demo.LeaderEmail, demo.Password)
			b.do(chromedp.Click(chromedp.CSS(`a[href$="/skills"]`)), chromedp.WaitVisible(chromedp.ID("skill-name")))
			b.fill("skill-name", "Reading buddy")
			b.setSelect("skill-weight", "2")
			b.do(chromedp.Click(chromedp.CSS(`form[action$="/skills"] button`)))
			waitFlash("Skill added")
			b.do(chromedp.Click(chromedp.CSS(`input[name=show_initials]`)), chromedp.Click(chromedp.CSS(`form[action$="/initials"] button`)))
			waitFlash("Saved")
			if got := b.text(".school-skills"); !strings.Contains(got, "Reading buddy") {
				t.Errorf("school skills: %q", got)
			}
			fits("school skills")
			b.shot("school-skills-" + vp.name)
			b.do(chromedp.Navigate(env.URL+"/"), chromedp.WaitVisible(chromedp.CSS(".tile")))
			b.eval(`[...document.querySelectorAll('.tile')].find(a => a.textContent.includes('Class 4 Sunflowers')).click(), ""`)
			b.do(chromedp.WaitVisible(chromedp.CSS(".grid-tiles")))
			if name := b.text(".grid-tiles .student-name"); len(name) != 5 || name[1:3] != ". " {
				t.Errorf("with initials on, the class screen shows %q", name)
			}
			b.shot("class-initials-" + vp.name)
		})
	}
}
