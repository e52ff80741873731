package web_test

import (
	"encoding/xml"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/privacy"
	"cubby/internal/testenv"
)

// formFields says, for every form field a page renders, which inventory
// column it fills: "" for a field that stores nothing about anyone (a
// search, a password checked at login, a choice among existing records).
// Keys are the form's action, with ids written {id}, and the field's name.
// A field missing here fails the test, so a new field is classified when
// it is added, and a field that fills a column with a data type must have
// that data type's why-link in its form.
var formFields = map[string]string{
	// Accounts.
	"/signup title":                       "users.title",
	"/signup first_name":                  "users.first_name",
	"/signup last_name":                   "users.last_name",
	"/signup email":                       "users.email",
	"/signup password":                    "users.password_hash",
	"/signup language":                    "users.language",
	"/invite/signup type":                 "school_members.role",
	"/invite/signup title":                "users.title",
	"/invite/signup first_name":           "users.first_name",
	"/invite/signup last_name":            "users.last_name",
	"/invite/signup email":                "users.email",
	"/invite/signup password":             "users.password_hash",
	"/invite/signup language":             "users.language",
	"/signup/student first_name":          "student_registrations.first_name",
	"/signup/student birth_month":         "student_registrations.consent_age",
	"/signup/student birth_year":          "student_registrations.consent_age",
	"/signup/student language":            "student_registrations.language",
	"/signup/student parent_email":        "student_registrations.parent_email",
	"/signup/student parent_language":     "student_registrations.language",
	"/signup/student username":            "users.username",
	"/signup/student password":            "users.password_hash",
	"/consent username":                   "users.username",
	"/consent password":                   "users.password_hash",
	"/password/forgot email":              "user_tokens.id", // finds the account; the reset link is what is kept
	"/password/reset password":            "users.password_hash",
	"/settings/profile title":             "users.title",
	"/settings/profile first_name":        "users.first_name",
	"/settings/profile last_name":         "users.last_name",
	"/schools/{id}/directory q":           "", // a search of the Directory's students
	"/settings/profile language":          "users.language",
	"/settings/email email":               "users.email",
	"/settings/email password":            "", // checked, not stored
	"/settings/delete password":           "",
	"/settings/password current_password": "",
	"/settings/password new_password":     "users.password_hash",
	"/settings/2fa/confirm code":          "users.totp_secret", // confirms the secret that is then kept
	"/settings/news news":                 "consents.purpose",
	"/settings/usage counting":            "users.usage_opt_out_at",
	"/settings/delete confirm":            "erasures.requested_at",
	// The footer's language switch (layout.html) on every page: for a
	// logged-in person it sets users.language, whose why-link the settings
	// page's language field carries; the footer has none yet.
	"/language lang":    "",
	"/login login":      "",
	"/login password":   "",
	"/login/class code": "",

	// The classroom tools, a class's skills and the students' characters
	// (class_tools.go, class_skills.go, class_avatars.go).
	"/classes/{id}/settings avatar_choice":      "",
	"/classes/{id}/tools/groups size":           "", // how big the groups are; nothing is kept
	"/classes/{id}/skills name":                 "", // a skill is a class setting, not about a person
	"/classes/{id}/skills weight":               "",
	"/classes/{id}/skills icon":                 "",
	"/classes/{id}/skills/{id} name":            "",
	"/classes/{id}/skills/{id} weight":          "",
	"/classes/{id}/skills/{id} icon":            "",
	"/classes/{id}/students/{id}/avatar avatar": "students.avatar",
	"/settings/avatar avatar":                   "students.avatar",

	// Picture login and past-day attendance (picture_login.go,
	// class_attendance.go): the pictures are checked like a password (the
	// pair is drawn by Cubby, never asked for), the rest are settings and
	// the day a correction opens.
	"/login/class/pick picture{id}":                     "", // picture1, picture2
	"/classes/{id}/attendance/history from":             "",
	"/classes/{id}/attendance/history to":               "",
	"/classes/{id}/pictures picture_login":              "",
	"/classes/{id}/attendance date":                     "",
	"/schools/{id}/attendance-window attendance_window": "",

	// Classes and rosters.
	"/classes name":                         "", // a class's name is not about a person
	"/classes/{id}/points note":             "points.note",
	"/classes/{id}/attendance s{id}":        "attendance.status",
	"/classes/{id}/students names":          "users.first_name",
	"/classes/{id}/students/import file":    "users.first_name",
	"/classes/{id}/settings hide_points":    "",
	"/classes/{id}/invite student_id":       "", // picks a student already on the roster
	"/classes/{id}/invite contact":          "invitations.email",
	"/classes/{id}/merge keep_id":           "",
	"/classes/{id}/merge duplicate_id":      "",
	"/classes/{id}/teachers email":          "class_teachers.class_id", // finds a colleague's account to put on the class
	"/classes/{id}/rollover name":           "",
	"/classes/{id}/rollover student_id":     "class_students.class_id",
	"/classes/{id}/report from":             "",
	"/classes/{id}/report to":               "",
	"/schools/{id}/oneroster file":          "users.first_name",
	"/schools/{id}/skills name":             "",
	"/schools/{id}/skills weight":           "",
	"/schools/{id}/initials show_initials":  "",
	"/privacy/school/{id}/retention number": "",
	"/privacy/school/{id}/retention unit":   "",

	// Schools.
	"/schools/search q":         "", // used for one search, never stored
	"/schools/search school_id": "",
	"/schools/join q":           "",
	"/schools/join school_id":   "school_members.school_id",
	// Help requests: the school is chosen among existing ones; the honeypot
	// is never stored.
	"/help q": "", "/help school_id": "", "/help website": "",
	"/help topic": "help_requests.topic", "/help body": "help_requests.body",
	"/help email": "help_requests.email", "/help phone": "help_requests.phone",
	"/schools/{id}/help body":                 "help_request_events.body",
	"/schools/new name":                       "schools.name",
	"/schools/new address":                    "schools.address",
	"/schools/new city":                       "schools.city",
	"/schools/new region":                     "schools.region",
	"/schools/new postal_code":                "schools.postal_code",
	"/schools/new country":                    "schools.country",
	"/schools/{id}/invite contact":            "invitations.email",
	"/schools/{id}/access email_domain":       "schools.email_domain",
	"/schools/{id}/access require_two_factor": "",
	"/schools/{id}/members/{id}/remove heir":  "", // picks a colleague already on the staff

	// Families and privacy requests.
	"/children/connect parent_code":           "guardians.student_id",
	"/privacy/corrections request":            "corrections.request",
	"/privacy/corrections/{id}/decide reason": "corrections.reason",
	"/privacy/corrections/{id}/decide remove": "",
	// A student's family access (custody.go), for the school's leaders.
	"/schools/{id}/students/{id}/blocks reason":            "guardian_blocks.reason",
	"/schools/{id}/students/{id}/blocks note":              "guardian_blocks.note",
	"/schools/{id}/students/{id}/email-blocks email":       "guardian_email_blocks.email",
	"/schools/{id}/students/{id}/email-blocks reason":      "guardian_email_blocks.reason",
	"/schools/{id}/students/{id}/email-blocks note":        "guardian_email_blocks.note",
	"/schools/{id}/students/{id}/corrections requested_by": "corrections.requested_by", // picks who asked, among the student's family
	"/schools/{id}/students/{id}/corrections record":       "",                         // picks one of the student's records
	"/schools/{id}/students/{id}/corrections request":      "corrections.request",
	"/privacy/restrictions ground":                         "processing_restrictions.ground",
	"/privacy/restrictions request":                        "processing_restrictions.request",
	"/privacy/restrictions/set student":                    "", // picks a student of the school
	"/privacy/restrictions/set ground":                     "processing_restrictions.ground",
	"/privacy/restrictions/set request":                    "processing_restrictions.request",
	"/privacy/restrictions/set confirm":                    "",
	"/privacy/restrictions/{id}/decide reason":             "processing_restrictions.reason",
	"/privacy/restrictions/{id}/lift reason":               "processing_restrictions.reason",
	"/privacy/restrictions/{id}/lift confirm":              "",

	// Class Story and School Story (story_*.go).
	"/classes/{id}/story text":                  "story_posts.body",
	"/classes/{id}/story file":                  "story_attachments.file_key",
	"/classes/{id}/story student_id":            "story_tags.created_at",
	"/classes/{id}/story comments_off":          "",
	"/classes/{id}/story/settings students_see": "",
	"/classes/{id}/story/settings comments_off": "",
	"/schools/{id}/story text":                  "story_posts.body",
	"/schools/{id}/story file":                  "story_attachments.file_key",
	"/schools/{id}/story student_id":            "story_tags.created_at",
	"/schools/{id}/story comments_off":          "",
	"/schools/{id}/story/settings comments_off": "",
	"/schools/{id}/story/settings departed":     "",
	"/stories/{id}/comments comment":            "story_comments.body",
	"/stories/{id}/edit text":                   "story_posts.body",
	"/story-comments/{id}/report reason":        "story_reports.reason",
	// Messages (message_*.go).
	"/messages to":                                       "", // a choice among the people one may write to
	"/messages text":                                     "messages.body",
	"/messages file":                                     "message_attachments.file_key",
	"/messages/{id} text":                                "messages.body",
	"/messages/{id} file":                                "message_attachments.file_key",
	"/messages/{id}/reply text":                          "messages.body",
	"/messages/{id}/reply file":                          "message_attachments.file_key",
	"/messages/announce to":                              "", // a choice among the writer's classes and schools
	"/messages/announce subject":                         "conversations.subject",
	"/messages/announce text":                            "messages.body",
	"/messages/announce file":                            "message_attachments.file_key",
	"/messages/announce urgent":                          "", // conversations.urgent is not personal
	"/messages/announce send_at":                         "", // conversations.send_at is not personal
	"/message-items/{id}/edit text":                      "messages.original_body",
	"/message-items/{id}/report reason":                  "message_reports.reason",
	"/messages/{id}/block reason":                        "message_blocks.reason",
	"/messages/{id}/block confirm":                       "",
	"/messages/{id}/export confirm":                      "",
	"/messages/{id}/export format":                       "",
	"/settings/messages/quiet-hours enabled":             "quiet_hours.enabled",
	"/settings/messages/quiet-hours starts":              "quiet_hours.starts",
	"/settings/messages/quiet-hours ends":                "quiet_hours.ends",
	"/settings/messages/quiet-hours weekends":            "quiet_hours.weekends",
	"/schools/{id}/messages/settings parent_receipts":    "", // the school's switches
	"/schools/{id}/messages/settings parents_office":     "",
	"/schools/{id}/messages/settings students_enabled":   "",
	"/schools/{id}/messages/settings students_min_grade": "",
	"/schools/{id}/messages/grades grade":                "", // classes.grade is a fact about the class
	"/settings/media class_{id}":                         "consents.purpose",
	"/schools/{id}/error-reports enabled":                "", // the school's switch
	// Portfolios and joining a class.
	"/classes/{id}/activities title":                "portfolio_activities.title",
	"/classes/{id}/activities instructions":         "portfolio_activities.instructions",
	"/classes/{id}/activities due_on":               "portfolio_activities.due_on",
	"/classes/{id}/activities template":             "portfolio_activities.template_name",
	"/classes/{id}/activities student_id":           "", // a choice among the class's students
	"/activities/{id}/copy class_id":                "", // a choice among the teacher's classes
	"/activities/{id}/copy due_on":                  "portfolio_activities.due_on",
	"/classes/{id}/portfolio/settings comments_off": "", // the class's switch
	"/schools/{id}/portfolio grade":                 "", // the school's switch
	"/portfolio-items/{id}/return comment":          "portfolio_reviews.comment",
	"/portfolio-items/{id}/comments comment":        "portfolio_comments.body",
	"/join-class code":                              "class_join_requests.class_id", // the code finds the class; the request is kept
	// Notifications.
	"/settings/notifications pref.message":            "notification_prefs.channel",
	"/settings/notifications pref.story":              "notification_prefs.channel",
	"/settings/notifications pref.points":             "notification_prefs.channel",
	"/settings/notifications pref.absence":            "notification_prefs.channel",
	"/settings/notifications pref.portfolio_approved": "notification_prefs.channel",
	"/settings/notifications pref.portfolio_comment":  "notification_prefs.channel",
	"/settings/notifications/quiet-hours enabled":     "quiet_hours.enabled",
	"/settings/notifications/quiet-hours starts":      "quiet_hours.starts",
	"/settings/notifications/quiet-hours ends":        "quiet_hours.ends",
	"/settings/notifications/quiet-hours weekends":    "quiet_hours.weekends",
	"/settings/media school_{id}":                     "consents.purpose",
}

// unrendered are forms with fields this test does not reach, and why
// nothing they ask needs a why-link.
var unrendered = map[string]string{
	"/login/2fa":            "signing in with a second factor: the code is checked, never stored",
	"/settings/2fa/disable": "turning the second factor off: the password is checked, never stored",
	"{id}":                  "the report range form (partials/reports.html) posts to its page's own path, reached here as /classes/{id}/report",
}

var digits = regexp.MustCompile(`[0-9]+`)

// formKey writes a rendered form's action the way formFields does.
func formKey(action string) string {
	action, _, _ = strings.Cut(action, "#")
	action, _, _ = strings.Cut(action, "?")
	parts := strings.Split(action, "/")
	for i, p := range parts {
		if p != "" && strings.Trim(p, "0123456789") == "" {
			parts[i] = "{id}"
		}
	}
	return strings.Join(parts, "/")
}

// renderedForm is what a page's form asks and the why-links beside it.
type renderedForm struct {
	action string
	fields []string // names of the fields a person fills in
	why    map[string]bool
}

// formsOf reads a page's forms. Cubby's templates write well-formed HTML,
// so the standard library's lenient XML reader is enough.
func formsOf(t *testing.T, page string) []renderedForm {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(page))
	dec.Strict, dec.AutoClose, dec.Entity = false, xml.HTMLAutoClose, xml.HTMLEntity
	var forms []renderedForm
	var cur *renderedForm
	attr := func(e xml.StartElement, name string) (string, bool) {
		for _, a := range e.Attr {
			if a.Name.Local == name {
				return a.Value, true
			}
		}
		return "", false
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("reading the page's HTML: %v", err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			switch e.Name.Local {
			case "form":
				action, _ := attr(e, "action")
				forms = append(forms, renderedForm{action: action, why: map[string]bool{}})
				cur = &forms[len(forms)-1]
			case "input", "select", "textarea":
				typ, _ := attr(e, "type")
				name, _ := attr(e, "name")
				if cur == nil || name == "" || typ == "hidden" || typ == "submit" || typ == "button" {
					continue
				}
				cur.fields = append(cur.fields, name)
			case "a":
				class, _ := attr(e, "class")
				href, _ := attr(e, "href")
				if cur != nil && class == "why-link" {
					cur.why[href] = true
				}
			}
		case xml.EndElement:
			if e.Name.Local == "form" {
				cur = nil
			}
		}
	}
	return forms
}

// templateForms lists the actions of the template forms that have fields
// to fill in, with ids written {id}, so the test knows it reached them all.
func templateForms(t *testing.T) map[string]string {
	t.Helper()
	formRe := regexp.MustCompile(`(?s)<form\b[^>]*\baction="([^"]*)"[^>]*>(.*?)</form>`)
	ifRe := regexp.MustCompile(`(?s)\{\{if .*?\{\{end\}\}`)
	actionRe := regexp.MustCompile(`\{\{.*?\}\}`)
	controlRe := regexp.MustCompile(`<(input|select|textarea)\b[^>]*>`)
	out := map[string]string{}
	err := filepath.WalkDir("templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range formRe.FindAllStringSubmatch(string(b), -1) {
			fields := false
			for _, c := range controlRe.FindAllString(m[2], -1) {
				fields = fields || !strings.Contains(c, `type="hidden"`)
			}
			if fields {
				action := actionRe.ReplaceAllString(ifRe.ReplaceAllString(m[1], ""), "{id}")
				action, _, _ = strings.Cut(action, "#")
				action, _, _ = strings.Cut(action, "?")
				out[action] = p
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Every form field that collects personal data shows a "why we ask" link
// to its data type's row of the transparency page: the test renders every
// page with a form, as the account that sees it, reads each form's fields
// and checks them against formFields and the inventory.
func TestEveryPersonalFieldHasAWhyLink(t *testing.T) {
	t.Parallel()
	inv, err := privacy.LoadInventory()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			env := testenv.New(t, d)
			w := newFormWalk(t, env)
			seen := map[string]bool{}
			usedKeys := map[string]bool{}
			for _, pg := range w.pages {
				for _, f := range formsOf(t, pg.body) {
					action := formKey(f.action)
					if len(f.fields) == 0 {
						continue
					}
					seen[action] = true
					for _, name := range f.fields {
						key := action + " " + digits.ReplaceAllString(name, "{id}")
						column, ok := formFields[key]
						if !ok {
							t.Errorf("%s: the field %q of the form %s is not in formFields: say which inventory column it fills (or \"\" if it stores nothing)", pg.what, name, action)
							continue
						}
						usedKeys[key] = true
						if column == "" {
							continue
						}
						table, col, _ := strings.Cut(column, ".")
						fd, ok := inv.Field(table, col)
						if !ok || fd.DataType == "" {
							t.Errorf("formFields[%q] = %q: not a column with a data type in the inventory", key, column)
							continue
						}
						if href := "/transparency#dt-" + string(fd.DataType); !f.why[href] {
							t.Errorf("%s: the form %s asks for %q (%s) without a why-link to %s; it has %v", pg.what, action, name, column, href, keys(f.why))
						}
					}
				}
			}
			for action, file := range templateForms(t) {
				if !seen[action] && unrendered[action] == "" {
					t.Errorf("the form %s of %s was never rendered: add its page to newFormWalk, or to unrendered with the reason its fields store nothing", action, file)
				}
			}
			for key := range formFields {
				if !usedKeys[key] {
					t.Errorf("formFields has %q, which no rendered form asks: remove it, or render its page", key)
				}
			}
		})
	}
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

type walkedPage struct{ what, body string }

// formWalk renders the pages, following the flows that lead to forms
// behind an emailed link or a previous step.
type formWalk struct {
	t     *testing.T
	env   *testenv.Env
	pages []walkedPage
}

func (w *formWalk) add(what string, c *http.Client, u string) string {
	w.t.Helper()
	status, body, _ := get(w.t, c, w.env.URL+u)
	if status != 200 {
		w.t.Fatalf("%s: GET %s: %d", what, u, status)
	}
	w.pages = append(w.pages, walkedPage{what, body})
	return body
}

func (w *formWalk) addPost(what string, c *http.Client, u string, form url.Values) string {
	w.t.Helper()
	status, body, _ := post(w.t, c, w.env.URL+u, form)
	if status != 200 {
		w.t.Fatalf("%s: POST %s: %d", what, u, status)
	}
	w.pages = append(w.pages, walkedPage{what, body})
	return body
}

func newFormWalk(t *testing.T, env *testenv.Env) *formWalk {
	w := &formWalk{t: t, env: env}
	var school int64
	if err := env.DB.R.QueryRow(`SELECT id FROM schools WHERE source = 'demo'`).Scan(&school); err != nil {
		t.Fatal(err)
	}
	sid := strconv.FormatInt(school, 10)

	visitor := env.Client()
	w.add("sign-up", visitor, "/signup?type=teacher")
	w.add("login", visitor, "/login")
	w.add("class login", visitor, "/login/class")
	w.add("forgotten password", visitor, "/password/forgot")
	w.add("school search", visitor, "/schools/search?q=Maple")
	post(t, visitor, env.URL+"/password/forgot", url.Values{"email": {demo.TeacherEmail}})
	w.add("password reset", visitor, strings.TrimPrefix(testenv.LinkIn(t, env.LastEmail(t, demo.TeacherEmail), env.URL+"/password/reset"), env.URL))
	// A child signs up: the age step, then a parent's address (under the
	// age of consent) or a login (over it), and the parent's consent page.
	w.add("student sign-up: age", visitor, "/signup/student")
	young, old := strconv.Itoa(time.Now().Year()-9), strconv.Itoa(time.Now().Year()-17)
	w.addPost("student sign-up: parent", visitor, "/signup/student", url.Values{"step": {"age"}, "first_name": {"Ivy"}, "birth_month": {"2"}, "birth_year": {young}, "language": {"en"}})
	w.addPost("student sign-up: login", env.Client(), "/signup/student", url.Values{"step": {"age"}, "first_name": {"Jo"}, "birth_month": {"2"}, "birth_year": {old}, "language": {"en"}})
	post(t, visitor, env.URL+"/signup/student", url.Values{"step": {"parent"}, "first_name": {"Ivy"}, "birth_month": {"2"}, "birth_year": {young},
		"language": {"en"}, "parent_email": {"ivy.parent@example.org"}, "parent_language": {"en"}})
	w.add("parent consent", visitor, strings.TrimPrefix(testenv.LinkIn(t, env.LastEmail(t, "ivy.parent@example.org"), env.URL+"/consent"), env.URL))

	teacher := login(t, env, demo.TeacherEmail)
	body := w.add("classes", teacher, "/classes")
	class := classID(t, body, "Class 3 Sunflowers")
	w.add("class: points", teacher, "/classes/"+class+"?student=all")
	w.add("class: attendance", teacher, "/classes/"+class+"/attendance")
	w.add("class: students", teacher, "/classes/"+class+"/students")
	w.add("class: groups", teacher, "/classes/"+class+"/tools/groups")
	skills := w.add("class: skills", teacher, "/classes/"+class+"/skills")
	w.add("class: a skill", teacher, regexp.MustCompile(`/classes/\d+/skills/\d+`).FindString(skills))
	w.add("class: a student's character", teacher, "/classes/"+class+"/students/"+firstStudent(t, env, class)+"/avatar")
	w.add("class: attendance history", teacher, "/classes/"+class+"/attendance/history")
	// Picture login on: a child who taps their name is asked for their pictures.
	post(t, teacher, env.URL+"/classes/"+class+"/pictures", url.Values{"picture_login": {"1"}})
	w.addPost("class login: pictures", env.Client(), "/login/class/pick", url.Values{"code": {classCodeOf(t, env, teacher, class)}, "student_id": {firstStudent(t, env, class)}})
	w.add("class report", teacher, "/classes/"+class+"/report")
	w.add("join a school", teacher, "/schools/join?q=Maple")
	w.add("add a school", teacher, "/schools/new")
	post(t, teacher, env.URL+"/settings/2fa/begin", nil)
	w.add("teacher settings (two-factor being set up)", teacher, "/settings")
	// Invitations: a parent's from the class, a teacher's from the school.
	post(t, teacher, env.URL+"/classes/"+class+"/invite", url.Values{"student_id": {firstStudent(t, env, class)}, "contact": {"new.parent@example.org"}})
	w.add("invitation sign-up (parent)", env.Client(), signupLink(t, env, "new.parent@example.org"))

	leader := login(t, env, demo.LeaderEmail)
	w.add("directory", leader, "/schools/"+sid+"/directory")
	w.add("OneRoster import", leader, "/schools/"+sid+"/oneroster")
	w.add("school skills", leader, "/schools/"+sid+"/skills")
	w.add("school privacy", leader, "/privacy/school")
	post(t, leader, env.URL+"/schools/"+sid+"/invite", url.Values{"contact": {"new.teacher@example.org"}})
	w.add("invitation sign-up (teacher)", env.Client(), signupLink(t, env, "new.teacher@example.org"))

	parent := login(t, env, demo.ParentEmail)
	w.add("parent home", parent, "/")
	w.add("account deletion", parent, "/settings/delete")
	w.add("parent settings", parent, "/settings")
	body = mustGet(t, parent, env.URL+"/privacy/corrections")
	child := regexp.MustCompile(`/privacy/corrections\?student=([0-9]+)`).FindStringSubmatch(body)
	if child == nil {
		t.Fatal("the corrections page lists no child")
	}
	body = mustGet(t, parent, env.URL+"/privacy/corrections?student="+child[1])
	ask := regexp.MustCompile(`/privacy/corrections/new\?[^"]+`).FindString(body)
	if ask == "" {
		t.Fatal("the child's records offer no correction")
	}
	w.add("correction request", parent, strings.ReplaceAll(ask, "&amp;", "&"))
	u, _ := url.Parse(strings.ReplaceAll(ask, "&amp;", "&"))
	q := u.Query()
	if s, _, _ := post(t, parent, env.URL+"/privacy/corrections", url.Values{"student": {q.Get("student")}, "table": {q.Get("table")}, "key": {q.Get("key")}, "request": {"This is wrong."}}); s != http.StatusSeeOther {
		t.Fatalf("asking for a correction: %d", s)
	}
	w.add("corrections to answer", teacher, "/privacy/corrections")
	// A student's family access: restricting a parent, filing a request
	// for someone who asked at the office (the first student has a parent).
	family := "/schools/" + sid + "/students/" + firstStudent(t, env, class)
	w.add("family access", leader, family+"/family")
	w.add("correction filed for someone", leader, family+"/corrections/new")

	student := login(t, env, demo.StudentUsername)
	w.add("student settings", student, "/settings")
	w.add("student's character", student, "/settings/avatar")

	// Stories: the composers and settings, a post's own page (edit, comment),
	// a comment another parent can report, and the media consent page.
	w.add("class story", teacher, "/classes/"+class+"/story")
	w.add("school story", leader, "/schools/"+sid+"/story")
	var storyPost int64
	if err := env.DB.R.QueryRow(`SELECT post_id FROM story_comments ORDER BY id LIMIT 1`).Scan(&storyPost); err != nil {
		t.Fatal(err)
	}
	w.add("a story post, its author", teacher, "/stories/"+strconv.FormatInt(storyPost, 10))
	w.add("stories, another parent", login(t, env, "parent.sofia@demo.cubby.test"), "/stories")
	w.add("photos of my children", parent, "/settings/media")

	// Messages: the composer, a conversation as its teacher (correct,
	// report, block) and its parent, an announcement's private reply, the
	// announcement form, quiet hours and the leaders' page.
	w.add("new conversation", parent, "/messages/new")
	body = mustGet(t, parent, env.URL+"/messages/new")
	to := regexp.MustCompile(`<option value="([0-9]+:[0-9]+:[0-9]+)"[^>]*>Ms\. Alvarez<`).FindStringSubmatch(body)
	if to == nil {
		t.Fatal("the parent's composer offers no teacher")
	}
	_, _, loc := postStory(t, parent, env.URL+"/messages", url.Values{"to": {to[1]}, "text": {"Hello"}}, nil)
	conv := regexp.MustCompile(`^/messages/[0-9]+`).FindString(loc)
	if conv == "" {
		t.Fatalf("starting a conversation: %q", loc)
	}
	postStory(t, teacher, env.URL+conv, url.Values{"text": {"Hello to you"}}, nil)
	w.add("conversation, the teacher", teacher, conv)
	w.add("conversation, the parent", parent, conv)
	w.add("announcement form", leader, "/messages/announce")
	_, _, loc = postStory(t, teacher, env.URL+"/messages/announce", url.Values{"to": {"class:" + class}, "subject": {"Trip"}, "text": {"Friday"}}, nil)
	w.add("announcement, a parent", parent, regexp.MustCompile(`^/messages/[0-9]+`).FindString(loc))
	w.add("quiet hours", teacher, "/settings/messages")
	w.add("school messages", leader, "/schools/"+sid+"/messages")

	// Portfolios: the class's queue (settings, a new activity, return and
	// comment on a piece), the teacher's library, the leaders' switches and
	// a family's view; notifications' choices; a student joining a class.
	w.add("portfolio queue", teacher, "/classes/"+class+"/portfolio")
	w.add("activity library", teacher, "/portfolio/library")
	w.add("school portfolios", leader, "/portfolio")
	w.add("a child's portfolio", parent, "/students/"+child[1]+"/portfolio")
	w.add("notification choices", parent, "/settings/notifications")
	w.add("join a class", student, "/join-class")
	// Help: a visitor's form with a school found, and a leader's request page.
	w.add("ask for help", env.Client(), "/help?q=Maple")
	if s, _, _ := post(t, env.Client(), env.URL+"/help", url.Values{"topic": {"other"}, "body": {"Hello"}, "school_id": {sid}, "email": {"help@example.org"}}); s != http.StatusSeeOther {
		t.Fatalf("asking for help: %d", s)
	}
	w.add("a help request", leader, "/schools/"+sid+"/help?request="+helpRequestID(t, env))

	// Last, as a restriction changes what the pages above show: a parent
	// asks to restrict processing, the leader sees the request to decide
	// and sets one on another child, which can then be lifted.
	w.add("restriction request", parent, "/privacy/restrictions?student="+child[1])
	if s, _, _ := post(t, parent, env.URL+"/privacy/restrictions", url.Values{"student": {child[1]}, "ground": {"accuracy"}}); s != http.StatusSeeOther {
		t.Fatalf("asking for a restriction: %d", s)
	}
	if s, _, _ := post(t, leader, env.URL+"/privacy/restrictions/set", url.Values{"student": {firstStudent(t, env, class)}, "ground": {"objection"}, "confirm": {"1"}}); s != http.StatusSeeOther {
		t.Fatalf("setting a restriction: %d", s)
	}
	w.add("restrictions to decide and lift", leader, "/privacy/restrictions")
	return w
}

func helpRequestID(t *testing.T, env *testenv.Env) string {
	t.Helper()
	var id int64
	if err := env.DB.R.QueryRow(`SELECT id FROM help_requests ORDER BY id DESC LIMIT 1`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return strconv.FormatInt(id, 10)
}

func firstStudent(t *testing.T, env *testenv.Env, class string) string {
	t.Helper()
	var id int64
	if err := env.DB.R.QueryRow(`SELECT student_id FROM class_students WHERE class_id = $1 ORDER BY student_id LIMIT 1`, class).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return strconv.FormatInt(id, 10)
}

// signupLink is the sign-up page of the invitation last emailed to an
// address.
func signupLink(t *testing.T, env *testenv.Env, to string) string {
	t.Helper()
	link := testenv.LinkIn(t, env.LastEmail(t, to), env.URL+"/invite")
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	return "/invite/signup?token=" + url.QueryEscape(u.Query().Get("token"))
}
