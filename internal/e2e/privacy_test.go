package e2e

import (
	"archive/zip"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"

	"cubby/internal/demo"
	"cubby/internal/privacy"
	"cubby/internal/privacy/privacytest"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

// A visitor who is not logged in reads the data transparency page in
// Spanish, on a phone and on a desktop: every answer in Spanish, the
// operator's details and processor from the settings, EEA transfers
// computed from where things are.
func TestVisitorReadsTransparencyInSpanish(t *testing.T) {
	env := testenv.New(t, engine(t), testenv.WithDeployment(func(d *privacy.Deployment) {
		d.Operator = privacy.Party{Name: "Colegio Arce", Email: "privacidad@arce.example", Address: "Calle Mayor 1, 28013 Madrid"}
		d.DPOEmail, d.SupervisoryAuthority = "dpd@arce.example", "Agencia Española de Protección de Datos (aepd.es)"
		d.ServerLocation, d.BackupRetention = "ES", privacy.Period{Days: 35}
		d.Processors = append(d.Processors, privacy.Processor{ID: privacy.SMTP, Name: "Correo Seguro S.L.", Country: "ES",
			PurposeKey: "notify.processor.smtp", Integral: true, DPAURL: "https://correo.example/dpa"})
	}))
	for _, vp := range []struct {
		name string
		size [2]int64
	}{{"phone", phone}, {"desktop", desktop}} {
		t.Run(vp.name, func(t *testing.T) {
			b := newBrowser(t, vp.size, "en-US")
			// The visitor picks Spanish in the footer, then follows the
			// footer's link to the data page.
			b.do(chromedp.Navigate(env.URL+"/"), chromedp.WaitVisible(chromedp.ID("lang-select")))
			b.setSelect("lang-select", "es")
			b.do(chromedp.WaitVisible(chromedp.CSS(`html[lang=es] footer a[href="/transparency"]`)),
				chromedp.Click(chromedp.CSS(`footer a[href="/transparency"]`)), chromedp.WaitVisible(chromedp.ID("dt-email")))
			if h1 := b.text("main h1"); h1 != "Tus datos en Cubby" {
				t.Errorf("heading %q", h1)
			}
			// Each kind of data is one folded line; the visitor opens the
			// two they want to read.
			b.do(chromedp.Click(chromedp.CSS("#dt-email > summary")), chromedp.WaitVisible(chromedp.CSS("#dt-email .dt-body")),
				chromedp.Click(chromedp.CSS("#dt-precise_location > summary")), chromedp.WaitVisible(chromedp.CSS("#dt-precise_location .dt-body")))
			email := b.text("#dt-email")
			for _, want := range []string{"¿Se transfiere fuera del Espacio Económico Europeo (EEE)?", "No. Se queda en el EEE.",
				"Correo Seguro S.L.", "España", "Cuenta: se borra 30 días después de borrar la cuenta."} {
				if !strings.Contains(email, want) {
					t.Errorf("the email row lacks %q:\n%s", want, email)
				}
			}
			if who := b.text("#controller"); !strings.Contains(who, "Colegio Arce") || !strings.Contains(who, "dpd@arce.example") {
				t.Errorf("controller: %q", who)
			}
			// A kind of data the seed page lists and Cubby does not keep.
			if loc := b.text("#dt-precise_location"); !strings.Contains(loc, "Cubby no recoge este dato.") {
				t.Errorf("precise location: %q", loc)
			}
			if b.eval(`String(document.documentElement.scrollWidth <= innerWidth)`) != "true" {
				t.Errorf("the page overflows sideways: %s", b.eval(`document.documentElement.scrollWidth + " > " + innerWidth`))
			}
			b.shot("transparency-es-" + vp.name)
			b.do(chromedp.Click(chromedp.CSS(`a[href="/transparency/record"]`)), chromedp.WaitVisible(chromedp.CSS("table.record")))
			if h1 := b.text("main h1"); h1 != "Registro de actividades de tratamiento" {
				t.Errorf("record heading %q", h1)
			}
			b.shot("record-es-" + vp.name)
			if vp.name == "phone" {
				// Right to left: the same page in Arabic mirrors and fits.
				b.do(chromedp.Navigate(env.URL+"/transparency"), chromedp.WaitVisible(chromedp.ID("lang-select")))
				b.setSelect("lang-select", "ar")
				b.do(chromedp.WaitVisible(chromedp.CSS(`html[dir=rtl] #dt-email`)))
				if b.eval(`String(document.documentElement.scrollWidth <= innerWidth)`) != "true" {
					t.Error("the Arabic page overflows sideways")
				}
				b.shot("transparency-ar-phone")
			}
		})
	}
}

// A parent downloads their data from the settings page, the archive holds
// a readable page about their children, and the browser opens it.
func TestParentExportsChildDataAndOpensIt(t *testing.T) {
	env := testenv.New(t, engine(t))
	b := newBrowser(t, phone, "en-US")
	b.login(env.URL, demo.ParentEmail, demo.Password)
	b.do(chromedp.Navigate(env.URL+"/settings#data"), chromedp.WaitVisible(chromedp.ID("export")))
	b.shot("settings-your-data")
	b.do(chromedp.Click(chromedp.ID("export")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	b.shot("export-progress")
	// The page refreshes itself until the archive is ready.
	b.do(chromedp.WaitVisible(chromedp.ID("download")))
	b.shot("export-ready")
	dir := t.TempDir()
	yes := true
	b.do(chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := cdp.Call(ctx, chromedp.FromContext(ctx).Browser, cdpbrowser.SetDownloadBehavior,
			cdpbrowser.SetDownloadBehaviorParams{Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir, EventsEnabled: &yes})
		return err
	}), chromedp.Click(chromedp.ID("download")))
	zipPath := waitForFile(t, dir, ".zip")
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	out := t.TempDir()
	names := map[string]bool{}
	for _, f := range zr.File {
		names[f.Name] = true
		if f.Name != "export.html" {
			continue
		}
		r, _ := f.Open()
		w, _ := os.Create(filepath.Join(out, "export.html"))
		if _, err := w.ReadFrom(r); err != nil {
			t.Fatal(err)
		}
		r.Close()
		w.Close()
	}
	if !names["export.json"] || !names["export.html"] {
		t.Fatalf("archive holds %v", names)
	}
	b.do(chromedp.Navigate("file://"+filepath.Join(out, "export.html")), chromedp.WaitVisible(chromedp.CSS("h1")))
	page := b.text("body")
	for _, want := range []string{"Your data from Cubby", "Data about Ava Martin (your child)", "Data about Elena Martin (your child)", "Feedback points"} {
		if !strings.Contains(page, want) {
			t.Errorf("the archive's page lacks %q", want)
		}
	}
	for _, other := range []string{"Mateo", "Amara"} {
		if strings.Contains(page, other) {
			t.Errorf("another child, %s, is in the parent's archive", other)
		}
	}
	b.shot("export-html-opened")
	// The link worked once.
	b.do(chromedp.Navigate(env.URL+"/settings"), chromedp.WaitVisible(chromedp.ID("data")))
	if strings.Contains(env.Logs.String(), filepath.Base(zipPath)) {
		t.Error("the archive's name is in the logs")
	}
}

func waitForFile(t *testing.T, dir, suffix string) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		matches, _ := filepath.Glob(filepath.Join(dir, "*"+suffix))
		if len(matches) == 1 {
			if fi, err := os.Stat(matches[0]); err == nil && fi.Size() > 0 {
				return matches[0]
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no %s downloaded into %s", suffix, dir)
	return ""
}

// A teacher deletes their account: logged out at once, and once the grace
// period has passed (a simulated clock) nothing identifying is left but
// the holds the inventory declares.
func TestTeacherDeletesAccount(t *testing.T) {
	env := testenv.New(t, engine(t))
	ctx := context.Background()
	teacher, err := store.UserByEmail(ctx, env.DB.R, demo.Teacher2Email)
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, phone, "en-US")
	b.login(env.URL, demo.Teacher2Email, demo.Password)
	b.do(chromedp.Navigate(env.URL+"/settings#delete"), chromedp.WaitVisible(chromedp.CSS(`a[href="/settings/delete"]`)),
		chromedp.Click(chromedp.CSS(`a[href="/settings/delete"]`)), chromedp.WaitVisible(chromedp.ID("delete-account")))
	b.shot("delete-account-page")
	b.fill("password", demo.Password)
	b.do(chromedp.Click(chromedp.ID("confirm")), chromedp.Click(chromedp.ID("delete-account")), chromedp.WaitVisible(chromedp.ID("deletion-date")))
	due := time.Now().UTC().AddDate(0, 0, 14).Format("2006-01-02")
	if got := b.text("#deletion-date"); !strings.Contains(got, due) {
		t.Errorf("deletion date: %q, want %s", got, due)
	}
	b.shot("delete-account-scheduled")
	b.do(chromedp.Navigate(env.URL+"/settings"), chromedp.WaitVisible(chromedp.ID("login")))

	env.App.SetClock(func() time.Time { return time.Now().AddDate(0, 0, 15) })
	if _, err := env.App.RunRetention(ctx); err != nil {
		t.Fatal(err)
	}
	left, err := privacytest.Leftovers(ctx, env.DB, env.App.Inventory, env.Files,
		// The last name and how emails address him: his first name, Daniel,
		// is also a student's.
		[]privacytest.Person{{ID: teacher.ID, Email: demo.Teacher2Email, Names: []string{teacher.LastName, teacher.DisplayName()}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range left {
		t.Error("left after erasure:", l)
	}
	var classes int
	env.DB.R.QueryRow(`SELECT count(*) FROM classes WHERE name = 'Class 4 Explorers'`).Scan(&classes)
	if classes != 1 {
		t.Error("the teacher's class went with the teacher; the students' records must stay")
	}
}

// The retention job removes 13-month-old points: a parent sees their
// child's points among the records, and after a (simulated) year and a
// month, once the daily job has run, they are gone.
func TestRetentionRemovesOldPoints(t *testing.T) {
	env := testenv.New(t, engine(t))
	ctx := context.Background()
	ava, err := store.UserByUsername(ctx, env.DB.R, demo.StudentUsername)
	if err != nil {
		t.Fatal(err)
	}
	profile, err := store.StudentByUserID(ctx, env.DB.R, ava.ID)
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, phone, "en-US")
	b.login(env.URL, demo.ParentEmail, demo.Password)
	records := env.URL + "/privacy/corrections?student=" + itoa(profile.ID) + "#records"
	points := `String([...document.querySelectorAll('#records .record-group')].filter(g => g.querySelector('summary').textContent.includes('Feedback points')).reduce((n, g) => n + g.querySelectorAll('.record-row').length, 0))`
	b.do(chromedp.Navigate(records), chromedp.WaitVisible(chromedp.ID("records")))
	if n := b.eval(points); n == "0" {
		t.Fatal("the demo child has no points to begin with")
	}
	b.shot("records-before-retention")

	env.App.SetClock(func() time.Time { return time.Now().AddDate(0, 13, 0) })
	if _, err := env.App.RunRetention(ctx); err != nil {
		t.Fatal(err)
	}
	// A year and a month later the old login has expired too.
	b.login(env.URL, demo.ParentEmail, demo.Password)
	b.do(chromedp.Navigate(records), chromedp.WaitVisible(chromedp.ID("records")))
	if n := b.eval(points); n != "0" {
		t.Errorf("%s points older than 12 months are still there", n)
	}
	var left int
	env.DB.R.QueryRow(`SELECT count(*) FROM points`).Scan(&left)
	if left != 0 {
		t.Errorf("%d points left in the database", left)
	}
	b.shot("records-after-retention")
}

// A parent asks to correct a point; the teacher declines with a reason;
// the parent sees the answer, and who looked at the child's records.
func TestCorrectionRequestBothSides(t *testing.T) {
	env := testenv.New(t, engine(t))
	ctx := context.Background()
	ava, _ := store.UserByUsername(ctx, env.DB.R, demo.StudentUsername)
	profile, err := store.StudentByUserID(ctx, env.DB.R, ava.ID)
	if err != nil {
		t.Fatal(err)
	}
	parent := newBrowser(t, phone, "en-US")
	parent.login(env.URL, demo.ParentEmail, demo.Password)
	parent.do(chromedp.Navigate(env.URL+"/privacy/corrections?student="+itoa(profile.ID)+"#records"), chromedp.WaitVisible(chromedp.ID("records")))
	parent.shot("corrections-pick-record")
	parent.do(chromedp.Click(chromedp.CSS(`#records .record-row a`)), chromedp.WaitVisible(chromedp.ID("request")))
	parent.fill("request", "Ava was at the dentist that afternoon.")
	parent.do(chromedp.Click(chromedp.CSS(`form.form button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	parent.shot("correction-sent")

	teacher := newBrowser(t, desktop, "en-US")
	teacher.login(env.URL, demo.TeacherEmail, demo.Password)
	// Her class screen shows Ava among the others: the parent will see it.
	var class3 int64
	if err := env.DB.R.QueryRow(`SELECT id FROM classes WHERE name = 'Class 3 Sunflowers'`).Scan(&class3); err != nil {
		t.Fatal(err)
	}
	teacher.do(chromedp.Navigate(env.URL+"/classes/"+itoa(class3)), chromedp.WaitVisible(chromedp.CSS("ul.students")))
	teacher.do(chromedp.Navigate(env.URL+"/settings#data"), chromedp.WaitVisible(chromedp.ID("data")))
	if badge := teacher.text("#data .badge"); badge != "1" {
		t.Errorf("pending requests badge %q", badge)
	}
	teacher.do(chromedp.Click(chromedp.CSS(`#data a[href="/privacy/corrections"]`)), chromedp.WaitVisible(chromedp.CSS(".correction textarea")))
	teacher.shot("corrections-to-answer")
	teacher.do(chromedp.SendKeys(chromedp.CSS(".correction textarea"), "The point was given in the morning, before she left."),
		chromedp.Click(chromedp.CSS(`.correction button[value=decline]`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	teacher.shot("correction-answered")

	parent.do(chromedp.Navigate(env.URL+"/privacy/corrections"), chromedp.WaitVisible(chromedp.CSS(".correction")))
	if got := parent.text(".correction"); !strings.Contains(got, "Declined") || !strings.Contains(got, "before she left") || !strings.Contains(got, "Ms. Alvarez") {
		t.Errorf("the parent's view of the answer: %q", got)
	}
	parent.shot("correction-outcome")
	parent.do(chromedp.Navigate(env.URL+"/privacy/access"), chromedp.WaitVisible(chromedp.CSS("main table")))
	if log := parent.text("main table"); !strings.Contains(log, "Ms. Alvarez") || !strings.Contains(log, "answered a correction request") ||
		!strings.Contains(log, "opened the class screen of Class 3 Sunflowers") {
		t.Errorf("access log: %q", log)
	}
	parent.shot("access-log")
}

// A school leader shortens how long points are kept (a longer period is
// refused with a message: see the web package's tests).
func TestLeaderSchoolPrivacySettings(t *testing.T) {
	env := testenv.New(t, engine(t))
	b := newBrowser(t, desktop, "en-US")
	b.login(env.URL, demo.LeaderEmail, demo.Password)
	b.do(chromedp.Navigate(env.URL+"/settings#data"), chromedp.WaitVisible(chromedp.CSS(`a[href="/privacy/school"]`)),
		chromedp.Click(chromedp.CSS(`a[href="/privacy/school"]`)), chromedp.WaitVisible(chromedp.ID("retention")))
	b.shot("school-privacy")
	sel := `input[id$="-feedback_points"]`
	b.do(chromedp.SendKeys(chromedp.CSS(sel), "6"), chromedp.Click(chromedp.CSS(`li:has(`+sel+`) button.btn-primary`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	if row := b.text(`li:has(` + sel + `)`); !strings.Contains(row, "Your school: 6 months") {
		t.Errorf("after shortening: %q", row)
	}
	b.shot("school-privacy-shortened")
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
