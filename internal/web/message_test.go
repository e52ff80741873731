package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

// countRows counts a table's rows, to prove a refused form stored nothing.
func countRows(t *testing.T, env *testenv.Env, table string) int {
	t.Helper()
	var n int
	if err := env.DB.R.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// contactOption finds the composer's option for a person.
func contactOption(t *testing.T, page, name string) string {
	t.Helper()
	m := regexp.MustCompile(`<option value="([0-9a-z]+:[0-9]+:[0-9]+)"[^>]*>` + regexp.QuoteMeta(name) + `<`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("the composer offers no %q", name)
	}
	return m[1]
}

// The message pages without JavaScript, as each account type: a parent
// writes to their child's teacher (HTML shown as text), the teacher sees
// the unread count and answers, each sees the other's read receipt;
// another family and another teacher get 404 for the conversation, its
// page and its form; bad input is refused with a translated message and
// a 4xx, storing nothing; the teacher announces to the class and the
// parent's private reply reaches only the teacher; a blocked parent cannot
// send; the leader sees the block, the report and exports the
// conversation, which the parent's access log then shows.
func TestMessagePagesForEachRole(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			ctx := context.Background()
			teacher, parent, leader := login(t, env, demo.TeacherEmail), login(t, env, demo.ParentEmail), login(t, env, demo.LeaderEmail)
			teacher2, maya, student := login(t, env, demo.Teacher2Email), login(t, env, "parent.maya@demo.cubby.test"), login(t, env, demo.StudentUsername)
			var school int64
			if err := env.DB.R.QueryRow(`SELECT id FROM schools WHERE source = 'demo'`).Scan(&school); err != nil {
				t.Fatal(err)
			}
			sid := strconv.FormatInt(school, 10)

			// Empty states and who sees which page.
			if body := mustGet(t, parent, env.URL+"/messages"); !strings.Contains(body, "No conversations yet") || !strings.Contains(body, `href="/messages"`) {
				t.Error("the parent's empty inbox or the navigation's Messages link is missing")
			}
			for _, c := range []struct {
				who    *http.Client
				path   string
				status int
			}{
				{student, "/messages", 404}, {student, "/messages/new", 404},
				{parent, "/messages/announce", 404}, {teacher, "/messages/announce", 200}, {leader, "/messages/announce", 200},
				{parent, "/settings/messages", 404}, {teacher, "/settings/messages", 200},
				{teacher, "/schools/" + sid + "/messages", 404}, {leader, "/schools/" + sid + "/messages", 200},
				{teacher, "/messages/new", 200}, {leader, "/messages", 200},
			} {
				if s, _, _ := get(t, c.who, env.URL+c.path); s != c.status {
					t.Errorf("%s: %d, want %d", c.path, s, c.status)
				}
			}
			if body := mustGet(t, leader, env.URL+"/messages/announce"); !strings.Contains(body, `name="urgent"`) || !strings.Contains(body, "All staff of") {
				t.Error("a leader's announcement form lacks urgent or the school's staff")
			}
			if body := mustGet(t, teacher, env.URL+"/messages/announce"); strings.Contains(body, `name="urgent"`) {
				t.Error("a teacher is offered urgent announcements")
			}

			// The parent writes; HTML stays text.
			newPage := mustGet(t, parent, env.URL+"/messages/new")
			to := contactOption(t, newPage, "Ms. Alvarez")
			before := countRows(t, env, "messages")
			st, body, _ := postStory(t, parent, env.URL+"/messages", url.Values{"to": {to}, "text": {""}}, nil)
			if st != 400 || !strings.Contains(body, "Write a message or add a photo or file.") {
				t.Errorf("an empty first message: %d", st)
			}
			st, body, _ = postStory(t, parent, env.URL+"/messages", url.Values{"to": {"1:2"}, "text": {"Hello"}}, nil)
			if st != 400 || !strings.Contains(body, "Choose who to write to.") || !strings.Contains(body, "Hello") {
				t.Errorf("a message to no one: %d", st)
			}
			mayaTo := contactOption(t, mustGet(t, maya, env.URL+"/messages/new"), "Mr. Park")
			if st, _, _ := postStory(t, parent, env.URL+"/messages", url.Values{"to": {mayaTo}, "text": {"Hi"}}, nil); st != 404 {
				t.Errorf("a message to another family's child's teacher: %d", st)
			}
			if n := countRows(t, env, "messages"); n != before {
				t.Fatalf("refused messages were stored: %d → %d", before, n)
			}
			st, _, loc := postStory(t, parent, env.URL+"/messages", url.Values{"to": {to}, "text": {"<script>alert(1)</script> Is the pond trip on Friday?"}}, nil)
			if st != http.StatusSeeOther || !strings.HasPrefix(loc, "/messages/") || !strings.Contains(loc, "sent=") {
				t.Fatalf("starting a conversation: %d %s", st, loc)
			}
			conv := regexp.MustCompile(`^/messages/([0-9]+)`).FindStringSubmatch(loc)[1]
			convURL := env.URL + "/messages/" + conv

			inbox := mustGet(t, teacher, env.URL+"/messages")
			if !strings.Contains(inbox, "1 unread message") || !strings.Contains(inbox, "Mrs. Martin") || !strings.Contains(inbox, "About Ava") {
				t.Error("the teacher's inbox lacks the unread count, the parent or the child")
			}
			page := mustGet(t, teacher, convURL)
			if strings.Contains(page, "<script>alert") || !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") {
				t.Error("HTML in a message is not shown as text")
			}
			if !strings.Contains(page, "Block Mrs. Martin") {
				t.Error("the teacher is not offered to block the parent")
			}
			if st, _, _ := postStory(t, teacher, convURL, url.Values{"text": {"Yes, bring wellies."}}, nil); st != http.StatusSeeOther {
				t.Fatalf("the teacher's answer: %d", st)
			}
			if page := mustGet(t, parent, convURL); !strings.Contains(page, "Read by Ms. Alvarez at") || !strings.Contains(page, "Yes, bring wellies.") {
				t.Error("the parent does not see the answer or the teacher's read receipt")
			}
			if page := mustGet(t, teacher, convURL); !strings.Contains(page, "Read by Mrs. Martin at") {
				t.Error("the teacher does not see the parent's read receipt")
			}
			if s, _, _ := get(t, teacher, env.URL+"/messages"); s != 200 || strings.Contains(mustGet(t, teacher, env.URL+"/messages"), "unread message") {
				t.Error("the teacher's inbox still counts the read conversation as unread")
			}

			// Other people's conversation: not found, to see or to write in.
			for name, c := range map[string]*http.Client{"another parent": maya, "another teacher": teacher2} {
				if s, _, _ := get(t, c, convURL); s != 404 {
					t.Errorf("%s opens the conversation: %d", name, s)
				}
				if s, _, _ := get(t, c, convURL+"/history"); s != 404 {
					t.Errorf("%s opens the history: %d", name, s)
				}
				if s, _, _ := postStory(t, c, convURL, url.Values{"text": {"hi"}}, nil); s != 404 {
					t.Errorf("%s writes in it: %d", name, s)
				}
			}

			// Bad input in the conversation: translated, 4xx, nothing stored.
			before = countRows(t, env, "messages")
			st, body, _ = postStory(t, parent, convURL, url.Values{"text": {strings.Repeat("a", 100000)}}, nil)
			if st != 400 || !strings.Contains(body, "Keep this under 5000 characters.") {
				t.Errorf("a 100,000-character message: %d", st)
			}
			pu, err := store.UserByEmail(ctx, env.DB.R, demo.ParentEmail)
			if err != nil {
				t.Fatal(err)
			}
			if err := store.SetUserLanguage(ctx, env.DB.W, pu.ID, "es", env.App.Now()); err != nil {
				t.Fatal(err)
			}
			st, body, _ = postStory(t, parent, convURL, url.Values{"text": {"   "}}, nil)
			if st != 400 || !strings.Contains(body, "Escribe un mensaje o añade una foto o un archivo.") {
				t.Errorf("an empty message in Spanish: %d", st)
			}
			if err := store.SetUserLanguage(ctx, env.DB.W, pu.ID, "en", env.App.Now()); err != nil {
				t.Fatal(err)
			}
			if s, _, _ := post(t, teacher, env.URL+"/settings/messages/quiet-hours", url.Values{"enabled": {"1"}, "starts": {"25:99"}, "ends": {"07:00"}}); s != 400 {
				t.Errorf("quiet hours at 25:99: %d", s)
			}
			if n := countRows(t, env, "messages"); n != before {
				t.Fatalf("refused messages were stored: %d → %d", before, n)
			}

			// A correction within five minutes is marked edited.
			mine := regexp.MustCompile(`action="/message-items/([0-9]+)/edit"`).FindStringSubmatch(mustGet(t, teacher, convURL))
			if mine == nil {
				t.Fatal("the teacher cannot correct their message")
			}
			if s, _, _ := post(t, teacher, env.URL+"/message-items/"+mine[1]+"/edit", url.Values{"text": {"Yes, bring wellies and a coat."}, "back": {"/messages/" + conv}}); s != http.StatusSeeOther {
				t.Errorf("correcting: %d", s)
			}
			if page := mustGet(t, parent, convURL); !strings.Contains(page, "and a coat") || !strings.Contains(page, `class="msg-edited">edited`) {
				t.Error("the correction or its mark is missing")
			}
			if s, _, _ := post(t, parent, env.URL+"/message-items/"+mine[1]+"/edit", url.Values{"text": {"forged"}}); s != 403 {
				t.Errorf("a parent edits the teacher's message: %d", s)
			}

			// An announcement; the reply goes to the teacher alone.
			var class int64
			if err := env.DB.R.QueryRow(`SELECT id FROM classes WHERE name LIKE 'Class 3%'`).Scan(&class); err != nil {
				t.Fatal(err)
			}
			if st, _, _ := postStory(t, teacher, env.URL+"/messages/announce", url.Values{"to": {"class:" + strconv.FormatInt(class, 10)}, "subject": {""}, "text": {"Trip"}}, nil); st != 400 {
				t.Errorf("an announcement without a title: %d", st)
			}
			if st, _, _ := postStory(t, teacher, env.URL+"/messages/announce", url.Values{"to": {"families:" + sid}, "subject": {"All"}, "text": {"Trip"}}, nil); st != 403 {
				t.Errorf("a teacher announces to the whole school: %d", st)
			}
			st, _, loc = postStory(t, teacher, env.URL+"/messages/announce", url.Values{"to": {"class:" + strconv.FormatInt(class, 10)}, "subject": {"Pond trip"}, "text": {"Friday at nine."}}, nil)
			if st != http.StatusSeeOther {
				t.Fatalf("announcing: %d", st)
			}
			ann := regexp.MustCompile(`^/messages/([0-9]+)`).FindStringSubmatch(loc)[1]
			// Scheduled: a time gone by is refused at the field; a later one is
			// the teacher's, marked, and nothing of it reaches the family yet.
			classTo := url.Values{"to": {"class:" + strconv.FormatInt(class, 10)}, "subject": {"Sports day"}, "text": {"Bring a hat."}}
			classTo.Set("send_at", env.App.Now().In(env.App.Location).Add(-time.Hour).Format("2006-01-02T15:04"))
			if st, body, _ := postStory(t, teacher, env.URL+"/messages/announce", classTo, nil); st != 400 || !strings.Contains(body, `id="send_at-error"`) || !strings.Contains(body, "a few minutes from now") {
				t.Errorf("an announcement scheduled in the past: %d", st)
			}
			classTo.Set("send_at", env.App.Now().In(env.App.Location).Add(48*time.Hour).Format("2006-01-02T15:04"))
			st, _, scheduled := postStory(t, teacher, env.URL+"/messages/announce", classTo, nil)
			if st != http.StatusSeeOther || !strings.HasPrefix(scheduled, "/messages/") {
				t.Fatalf("a scheduled announcement: %d %s", st, scheduled)
			}
			scheduled = regexp.MustCompile(`^/messages/[0-9]+`).FindString(scheduled)
			if body := mustGet(t, teacher, env.URL+"/messages"); !strings.Contains(body, "Scheduled for") {
				t.Error("the teacher's inbox does not mark the scheduled announcement")
			}
			if body := mustGet(t, parent, env.URL+"/messages"); strings.Contains(body, "Sports day") {
				t.Error("the family sees a scheduled announcement before its time")
			}
			// Its sender may call it off until then (the page asks first);
			// afterwards it is gone.
			if page := mustGet(t, teacher, env.URL+scheduled); !strings.Contains(page, `action="`+scheduled+`/cancel"`) || !strings.Contains(page, "data-confirm=") {
				t.Error("the sender's scheduled announcement offers no way to call it off")
			}
			if s, _, _ := post(t, parent, env.URL+scheduled+"/cancel", nil); s != 404 {
				t.Errorf("a recipient calls it off: %d", s)
			}
			if s, _, loc := post(t, teacher, env.URL+scheduled+"/cancel", nil); s != http.StatusSeeOther || !strings.HasPrefix(loc, "/messages") {
				t.Errorf("its sender calls it off: %d %s", s, loc)
			}
			if s, _, _ := get(t, teacher, env.URL+scheduled); s != 404 {
				t.Errorf("the called-off announcement still opens: %d", s)
			}
			if page := mustGet(t, teacher, env.URL+"/messages/"+ann); strings.Contains(page, "/cancel") {
				t.Error("an announcement already sent offers to call it off")
			}
			if page := mustGet(t, parent, env.URL+"/messages/"+ann); !strings.Contains(page, "Reply privately to the sender") || strings.Contains(page, `action="/messages/`+ann+`"`) {
				t.Error("the parent is not offered a private reply only")
			}
			if s, _, _ := get(t, maya, env.URL+"/messages/"+ann); s != 404 {
				t.Errorf("a family of another class opens the announcement: %d", s)
			}
			st, _, loc = postStory(t, parent, env.URL+"/messages/"+ann+"/reply", url.Values{"text": {"We'll be there."}}, nil)
			if st != http.StatusSeeOther || strings.HasPrefix(loc, "/messages/"+ann) {
				t.Fatalf("the private reply: %d %s", st, loc)
			}
			reply := regexp.MustCompile(`^/messages/([0-9]+)`).FindStringSubmatch(loc)[1]
			if page := mustGet(t, teacher, env.URL+"/messages/"+reply); !strings.Contains(page, "We&#39;ll be there.") {
				t.Error("the teacher does not get the reply")
			}
			if s, _, _ := postStory(t, maya, env.URL+"/messages/"+ann+"/reply", url.Values{"text": {"hi"}}, nil); s != 404 {
				t.Errorf("a reply to an announcement the parent cannot see: %d", s)
			}

			// The parent reports the teacher's message; the teacher blocks.
			theirs := regexp.MustCompile(`action="/message-items/([0-9]+)/report"`).FindStringSubmatch(mustGet(t, parent, convURL))
			if theirs == nil {
				t.Fatal("the parent cannot report the teacher's message")
			}
			if s, _, _ := post(t, parent, env.URL+"/message-items/"+theirs[1]+"/report", url.Values{"reason": {"Not kind"}, "back": {"/messages/" + conv}}); s != http.StatusSeeOther {
				t.Errorf("reporting: %d", s)
			}
			pid := strconv.FormatInt(pu.ID, 10)
			if s, _, _ := post(t, teacher, convURL+"/block", url.Values{"parent_id": {pid}}); s != http.StatusSeeOther || countRows(t, env, "message_blocks") != 0 {
				t.Errorf("a block without confirming: %d", s)
			}
			if s, _, _ := post(t, teacher, convURL+"/block", url.Values{"parent_id": {pid}, "confirm": {"1"}, "reason": {"Late at night"}}); s != http.StatusSeeOther {
				t.Errorf("blocking: %d", s)
			}
			before = countRows(t, env, "messages")
			st, body, _ = postStory(t, parent, convURL, url.Values{"text": {"Please answer"}}, nil)
			if st != 403 || !strings.Contains(body, "You can&#39;t send messages to this person.") {
				t.Errorf("a blocked parent writes: %d", st)
			}
			if page := mustGet(t, parent, convURL); strings.Contains(page, `name="text"`) && strings.Contains(page, `action="/messages/`+conv+`"`) {
				t.Error("a blocked parent is still offered the message form")
			}
			if n := countRows(t, env, "messages"); n != before {
				t.Error("a blocked parent's message was stored")
			}
			if !strings.Contains(mustGet(t, teacher, env.URL+"/settings/messages"), "Helen Martin") {
				t.Error("the teacher's settings do not list the block")
			}

			// The leader: the report, the block, the switches, the export.
			schoolPage := mustGet(t, leader, env.URL+"/schools/"+sid+"/messages")
			if !strings.Contains(schoolPage, "Not kind") || !strings.Contains(schoolPage, "Ms. Alvarez blocked Helen Martin") || !strings.Contains(schoolPage, `action="/messages/`+conv+`/export"`) {
				t.Error("the leaders' page lacks the report, the block or the export")
			}
			exportsBefore := strings.Count(mustGet(t, parent, env.URL+"/privacy/access"), "downloaded a copy (data export)")
			if s, _, _ := post(t, leader, env.URL+"/messages/"+conv+"/export", url.Values{"back": {"/schools/" + sid + "/messages"}}); s != http.StatusSeeOther {
				t.Errorf("an export without confirming: %d", s)
			}
			if s, _, _ := post(t, teacher, env.URL+"/messages/"+conv+"/export", url.Values{"confirm": {"1"}}); s != 404 {
				t.Errorf("a teacher's safeguarding export: %d", s)
			}
			st, body, _ = post(t, leader, env.URL+"/messages/"+conv+"/export", url.Values{"confirm": {"1"}})
			if st != 200 || !strings.Contains(body, "Safeguarding export") || !strings.Contains(body, "Is the pond trip on Friday?") || !strings.Contains(body, "Yes, bring wellies.") {
				t.Errorf("the export: %d", st)
			}
			if access := mustGet(t, parent, env.URL+"/privacy/access"); strings.Count(access, "downloaded a copy (data export)") != exportsBefore+2 || !strings.Contains(access, "Dr. Owusu") {
				t.Error("the parent's access log does not show the export about Helen and Ava")
			}
			block := regexp.MustCompile(`action="/message-blocks/([0-9]+)/lift"`).FindStringSubmatch(schoolPage)
			if s, _, _ := post(t, leader, env.URL+"/message-blocks/"+block[1]+"/lift", url.Values{"back": {"/schools/" + sid + "/messages"}}); s != http.StatusSeeOther {
				t.Errorf("lifting: %d", s)
			}
			if st, _, _ := postStory(t, parent, convURL, url.Values{"text": {"Thank you"}}, nil); st != http.StatusSeeOther {
				t.Errorf("writing after the block was lifted: %d", st)
			}
			// The teacher's history, to print or download.
			if st, body, h := get(t, teacher, convURL+"/history?format=txt"); st != 200 || !strings.Contains(h.Get("Content-Disposition"), "attachment") || !strings.Contains(body, "Read by Mrs. Martin") {
				t.Errorf("the history download: %d %v", st, h)
			}
			if s, _, _ := get(t, teacher, convURL+"/history?format=exe"); s != 404 {
				t.Errorf("a history in an unknown format: %d", s)
			}
		})
	}
}
