package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"cubby/internal/app"
	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/i18n"
	"cubby/internal/notify"
	"cubby/internal/privacy"
	"cubby/internal/testenv"
)

// tpView, tpRow and tpProcessor read /transparency.json.
type tpView struct {
	Version    string `json:"version"`
	Controller struct {
		Name string `json:"name"`
	} `json:"controller"`
	Storage struct {
		EligibleParentAccess string `json:"eligible_parent_access"`
	} `json:"storage"`
	DataTypes  []tpRow       `json:"data_types"`
	Processors []tpProcessor `json:"processors"`
}

type tpRow struct {
	Key        string   `json:"key"`
	Shared     string   `json:"shared_with_third_parties"`
	OutsideEEA bool     `json:"leaves_eea"`
	Transfer   string   `json:"transfer_outside_eea"`
	Fields     []string `json:"fields"`
}

type tpProcessor struct {
	Name string `json:"name"`
	Data string `json:"data"`
}

func transparencyJSON(t *testing.T, env *testenv.Env) tpView {
	t.Helper()
	status, body, h := get(t, env.Client(), env.URL+"/transparency.json")
	if status != 200 || !strings.HasPrefix(h.Get("Content-Type"), "application/json") {
		t.Fatalf("transparency.json: %d %s", status, h.Get("Content-Type"))
	}
	var v tpView
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// Changing a processor in the settings changes the page, with no code
// change: its data types now go to it, and leave the EEA when it is
// outside.
func TestTransparencyFollowsTheSettings(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			plain := testenv.New(t, d, testenv.WithDeployment(func(d *privacy.Deployment) { d.ServerLocation = "DE" }))
			v := transparencyJSON(t, plain)
			row := func(v tpView, key string) tpRow {
				for _, r := range v.DataTypes {
					if r.Key == key {
						return r
					}
				}
				t.Fatalf("no row %s", key)
				return tpRow{}
			}
			if len(v.Processors) != 0 || row(v, "email").OutsideEEA || v.Controller.Name != "Not set by the operator" {
				t.Errorf("zero configuration in Germany: %+v", v)
			}
			withMail := testenv.New(t, d, testenv.WithDeployment(func(d *privacy.Deployment) {
				d.ServerLocation = "DE"
				d.Operator.Name = "Grundschule Ahorn"
				d.Processors = append(d.Processors, privacy.Processor{ID: privacy.SMTP, Name: "Mail Inc.", Country: "US",
					PurposeKey: "notify.processor.smtp", DPAURL: "https://mail.example/dpa", Integral: true})
			}))
			v2 := transparencyJSON(t, withMail)
			if len(v2.Processors) != 1 || v2.Processors[0].Name != "Mail Inc." || !strings.Contains(v2.Processors[0].Data, "Email addresses") {
				t.Errorf("processors: %+v", v2.Processors)
			}
			email := row(v2, "email")
			if !email.OutsideEEA || !strings.Contains(email.Transfer, "United States") || !strings.Contains(email.Shared, "Mail Inc.") {
				t.Errorf("email with a US mail provider: %+v", email)
			}
			if row(v2, "password").OutsideEEA {
				t.Error("password hashes are never emailed, yet the page says they leave the EEA")
			}
			if v2.Controller.Name != "Grundschule Ahorn" || v2.Version == v.Version {
				t.Errorf("controller %q, version %s → %s", v2.Controller.Name, v.Version, v2.Version)
			}
			status, body, _ := get(t, withMail.Client(), withMail.URL+"/transparency")
			if status != 200 || !strings.Contains(body, "Mail Inc.") || !strings.Contains(body, "https://mail.example/dpa") {
				t.Errorf("the HTML page does not list the processor: %d", status)
			}
			// What GDPR Art. 13 and 14 require a notice to say is all there (INV-10):
			// controller and DPO, where and who holds it, processors, rights,
			// complaints, source, retention, and that no decision is automated.
			for _, want := range []string{`id="controller"`, "Data protection officer", `id="storage"`, `id="processors"`, `id="rights"`,
				"Withdraw consent.", "Complain.", "How Cubby collects it", "How long it is kept", "Legal basis under the GDPR",
				"Cubby makes no automated decisions", "transferred outside the European Economic Area", "Restrict processing.",
				"access to those records ends"} {
				if !strings.Contains(body, want) {
					t.Errorf("the page lacks %q", want)
				}
			}
			// What happens to parents' access when a student comes of age follows
			// the server's setting.
			keep := testenv.New(t, d, testenv.WithDeployment(func(d *privacy.Deployment) {
				d.EligibleParentAccess = privacy.EligibleParentAccessKeep
			}))
			if v := transparencyJSON(t, keep); v.Storage.EligibleParentAccess != "keep" {
				t.Errorf("eligible_parent_access %q, want keep", v.Storage.EligibleParentAccess)
			}
			if _, body, _ := get(t, keep.Client(), keep.URL+"/transparency"); !strings.Contains(body, "their parents keep access too") ||
				strings.Contains(body, "access to those records ends") {
				t.Error("the page does not say that parents keep access on this server")
			}
		})
	}
}

// The page claims nothing the code does not do: every processor the
// outbox would use is a recipient the inventory knows and is listed, and
// every column's data type is on it.
func TestTransparencyClaimsMatchTheCode(t *testing.T) {
	t.Parallel()
	s := notify.Settings{SMTPURL: "smtp://mail.example:587", SMTPProcessorName: "Mail Co", SMTPProcessorCountry: "FR",
		SMSURL: "https://sms.example/send", SMSToken: "x", SMSProcessorName: "Texto", SMSProcessorCountry: "FR"}
	configured := app.ProcessorsOf(s.Processors())
	if len(configured) != 2 {
		t.Fatalf("outbox processors: %+v", configured)
	}
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			env := testenv.New(t, d, testenv.WithDeployment(func(d *privacy.Deployment) { d.Processors = configured }))
			v := transparencyJSON(t, env)
			for _, p := range configured {
				if !slices.ContainsFunc(v.Processors, func(x tpProcessor) bool { return x.Name == p.Name && x.Data != "" }) {
					t.Errorf("processor %s is configured but not listed with its data", p.Name)
				}
			}
			onPage := map[string]bool{}
			for _, r := range v.DataTypes {
				for _, f := range r.Fields {
					onPage[f] = true
				}
			}
			for _, f := range env.App.Inventory.PersonalFields() {
				if !onPage[f.ID()] {
					t.Errorf("%s is stored but not on the page", f.ID())
				}
			}
		})
	}
}

// Every label the privacy pages take from the inventory has a text in
// every language, so a new data use, method or hold cannot show a key.
func TestPrivacyWordsExistInEveryLanguage(t *testing.T) {
	t.Parallel()
	bundle, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	inv, err := privacy.LoadInventory()
	if err != nil {
		t.Fatal(err)
	}
	need := map[string]bool{}
	for _, f := range inv.PersonalFields() {
		need["privacy.use."+f.DataUse] = true
		need["privacy.basis."+string(f.LegalBasis)] = true
		need["privacy.when."+string(f.Retention.Trigger)] = true
		need["privacy.retention."+string(f.Retention.Action)] = true
		need["datatype."+string(f.DataType)] = true
		need["datatype."+string(f.DataType)+".why"] = true
		for _, c := range f.Collection {
			need["privacy.method."+string(c.Method)] = true
		}
		for _, u := range f.OtherUses {
			need["privacy.use."+u.DataUse] = true
		}
		for _, s := range f.Subjects {
			need["privacy.subject."+s] = true
		}
		for _, a := range f.AccountTypes {
			need["account."+string(a)] = true
		}
		if f.Retention.HoldReason != "" {
			need["privacy.hold."+string(f.DataType)] = true
		}
	}
	for _, m := range privacy.SecurityMeasures {
		need["privacy.tom."+m.Key] = true
	}
	for _, loc := range bundle.Locales() {
		l := bundle.Localizer(loc.Code)
		for key := range need {
			if !l.Has(key) {
				t.Errorf("%s: no text for %s", loc.Code, key)
			}
		}
	}
}

// No page loads anything from another origin — no scripts, styles, fonts,
// images or frames — and the content security policy allows none.
func TestNoThirdPartyResources(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			external := regexp.MustCompile(`(?i)<(script|img|iframe|link|source|video|audio)\b[^>]*\b(src|href)\s*=\s*"(https?:)?//|url\(\s*['"]?(https?:)?//|@import`)
			pages := []string{"/", "/login", "/signup", "/transparency", "/transparency/record", "/unsubscribe?token=1.x"}
			private := []string{"/settings", "/settings/delete", "/privacy/access", "/privacy/corrections", "/privacy/school", "/classes"}
			visitor := env.Client()
			leader := login(t, env, demo.LeaderEmail)
			check := func(c *http.Client, path string) {
				status, body, h := get(t, c, env.URL+path)
				if status != 200 {
					t.Errorf("%s: %d", path, status)
				}
				if m := external.FindString(body); m != "" {
					t.Errorf("%s loads from another origin: %s", path, m)
				}
				csp := h.Get("Content-Security-Policy")
				if !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "http") || strings.Contains(csp, "*") {
					t.Errorf("%s: content security policy %q", path, csp)
				}
			}
			for _, p := range pages {
				check(visitor, p)
			}
			for _, p := range private {
				check(leader, p)
			}
			_, css, _ := get(t, visitor, env.URL+"/static/app.css")
			if external.MatchString(css) || strings.Contains(css, "@font-face") {
				t.Error("the stylesheet loads from elsewhere or brings fonts")
			}
		})
	}
}

// Privacy forms answer a clear, translated 4xx on bad input, never 500.
func TestPrivacyFormsValidate(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			parent := login(t, env, demo.ParentEmail)
			leader := login(t, env, demo.LeaderEmail)
			cases := []struct {
				name   string
				c      *http.Client
				path   string
				form   url.Values
				status int
				want   string
			}{
				{"delete without confirming", parent, "/settings/delete", url.Values{}, 400, "Tick the box to confirm."},
				{"delete without the password", parent, "/settings/delete", url.Values{"confirm": {"1"}}, 400, "That password is not right."},
				{"delete with a wrong password", parent, "/settings/delete", url.Values{"confirm": {"1"}, "password": {"not it"}}, 400, "That password is not right."},
				{"empty correction", parent, "/privacy/corrections", url.Values{"student": {"1"}, "table": {"points"}, "key": {"1"}}, 400, "This field is required."},
				{"correction of a stranger's record", parent, "/privacy/corrections", url.Values{"student": {"999"}, "table": {"points"}, "key": {"1"}, "request": {"x"}}, 404, ""},
				{"longer retention", leader, "/privacy/school/1/retention", url.Values{"data_type": {"feedback_points"}, "number": {"18"}, "unit": {"M"}}, 400, "not lengthen"},
				{"nonsense retention", leader, "/privacy/school/1/retention", url.Values{"data_type": {"feedback_points"}, "number": {"x"}, "unit": {"M"}}, 400, "such as 6 months"},
				{"retention of another school", leader, "/privacy/school/999/retention", url.Values{"data_type": {"feedback_points"}, "number": {"6"}, "unit": {"M"}}, 404, ""},
				{"parent answers a correction", parent, "/privacy/corrections/1/decide", url.Values{"decision": {"accept"}, "reason": {"yes"}}, 404, ""},
				{"bad unsubscribe link", env.Client(), "/unsubscribe", url.Values{"token": {"1.forged"}}, 404, "not valid"},
				{"parent erases a student", parent, "/privacy/school/students/1/erase", url.Values{}, 404, ""},
			}
			for _, tc := range cases {
				status, body, _ := post(t, tc.c, env.URL+tc.path, tc.form)
				if status != tc.status || !strings.Contains(body, tc.want) {
					t.Errorf("%s: %d, want %d with %q", tc.name, status, tc.status, tc.want)
				}
			}
			// A student cannot sign up for product news.
			student := login(t, env, demo.StudentUsername)
			if status, _, _ := post(t, student, env.URL+"/settings/news", url.Values{"news": {"on"}}); status != http.StatusForbidden {
				t.Errorf("student subscribing to news: %d", status)
			}
		})
	}
}

// The export page's id is the download's secret: it works for its owner,
// once, and the logs never hold it.
func TestExportPages(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			parent := login(t, env, demo.ParentEmail)
			teacher := login(t, env, demo.TeacherEmail)
			resp, err := parent.PostForm(env.URL+"/privacy/export", nil)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			page := resp.Header.Get("Location")
			if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(page, "/privacy/export/") {
				t.Fatalf("export request: %d %q", resp.StatusCode, page)
			}
			env.App.WaitJobs()
			if status, body, _ := get(t, parent, env.URL+page); status != 200 || !strings.Contains(body, `id="download"`) {
				t.Fatalf("export page: %d", status)
			}
			if status, _, _ := get(t, teacher, env.URL+page+"/download"); status != 404 {
				t.Errorf("another account downloaded the archive: %d", status)
			}
			status, body, h := get(t, parent, env.URL+page+"/download")
			if status != 200 || h.Get("Content-Type") != "application/zip" || !strings.HasPrefix(body, "PK") {
				t.Fatalf("download: %d %s", status, h.Get("Content-Type"))
			}
			if status, _, _ := get(t, parent, env.URL+page+"/download"); status != http.StatusGone {
				t.Errorf("second download: %d", status)
			}
			token := strings.TrimPrefix(page, "/privacy/export/")
			if strings.Contains(env.Logs.String(), token) {
				t.Error("the export id is in the logs")
			}
		})
	}
}
