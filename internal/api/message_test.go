package api_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"cubby/internal/api"
	"cubby/internal/db/dbtest"
	"cubby/internal/testenv"
)

// messageWorld is the demo school's people for the message tests, with the
// ids their requests name.
type messageWorld struct {
	env    *testenv.Env
	people map[string]*client
	users  map[string]string // person → user id
	ava    string            // Helen's child in the teacher's class
	elena  string            // Helen's child in teacher2's class
	maya   string            // mayaparent's child, in teacher2's class
	school string
}

func newMessageWorld(t *testing.T, env *testenv.Env) *messageWorld {
	t.Helper()
	w := &messageWorld{env: env, people: storyPeople(t, env), users: map[string]string{}, school: "1"}
	for name, c := range w.people {
		if name == "visitor" {
			continue
		}
		_, me, _ := c.do("GET", "/api/v1/me", "")
		w.users[name] = me["id"].(string)
	}
	student := func(first string) string {
		var id int64
		if err := env.DB.R.QueryRow(`SELECT s.id FROM students s JOIN users u ON u.id = s.user_id WHERE u.first_name = $1`, first).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(id)
	}
	w.ava, w.elena, w.maya = student("Ava"), student("Elena"), student("Maya")
	return w
}

func (w *messageWorld) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := w.env.DB.R.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// start has who write the first message about a child to someone.
func (w *messageWorld) start(t *testing.T, who, student, to, text string) (int, map[string]any) {
	t.Helper()
	body := fmt.Sprintf(`{"school_id":%q,"student_id":%q,"to":%q,"text":%q}`, w.school, student, w.users[to], text)
	st, out, _ := w.people[who].do("POST", "/api/v1/conversations", body)
	return st, out
}

func field(m map[string]any, path ...string) any {
	var v any = m
	for _, p := range path {
		mm, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = mm[p]
	}
	return v
}

// Every message endpoint as every kind of person, in and out of the class.
func TestMessageAccessMatrix(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			w := newMessageWorld(t, env)
			st, started := w.start(t, "parent", w.ava, "teacher", "Could we meet on Thursday?")
			if st != 201 || field(started, "conversation", "student_id") != w.ava || field(started, "message", "text") != "Could we meet on Thursday?" ||
				field(started, "message", "sender_name") == "" || field(started, "message", "mine") != true {
				t.Fatalf("start: %d %v", st, started)
			}
			conv := field(started, "conversation", "id").(string)
			msg := field(started, "message", "id").(string)
			st, ann, _ := w.people["teacher"].do("POST", "/api/v1/classes/1/announcements", `{"subject":"Pond trip","text":"Wellies on Friday, please."}`)
			if st != 201 || field(ann, "conversation", "kind") != "announcement" || field(ann, "conversation", "recipients") == nil {
				t.Fatalf("announce: %d %v", st, ann)
			}
			annID := field(ann, "conversation", "id").(string)
			n := 0
			text := func() string { n++; return fmt.Sprintf(`{"text":"message %d"}`, n) }
			fixed := func(s string) func() string { return func() string { return s } }
			cases := []struct {
				method, path string
				body         func() string
				want         map[string]int
			}{
				{"GET", "/api/v1/conversations/" + conv, nil, map[string]int{"teacher": 200, "teacher2": 404, "leader": 404, "parent": 200, "sofiaparent": 404, "mayaparent": 404, "student": 404, "visitor": 401}},
				{"POST", "/api/v1/conversations/" + conv + "/messages", text, map[string]int{"teacher": 201, "teacher2": 404, "leader": 404, "parent": 201, "sofiaparent": 404, "mayaparent": 404, "student": 404, "visitor": 401}},
				{"GET", "/api/v1/conversations/" + conv + "/history", nil, map[string]int{"teacher": 200, "teacher2": 404, "leader": 404, "parent": 200, "sofiaparent": 404, "student": 404, "visitor": 401}},
				{"POST", "/api/v1/conversations/" + conv + "/export", nil, map[string]int{"teacher": 404, "teacher2": 404, "leader": 200, "parent": 404, "student": 404, "visitor": 401}},
				{"GET", "/api/v1/conversations/" + annID, nil, map[string]int{"teacher": 200, "teacher2": 404, "parent": 200, "sofiaparent": 200, "mayaparent": 404, "student": 404, "visitor": 401}},
				{"POST", "/api/v1/conversations/" + annID + "/messages", text, map[string]int{"teacher": 201, "parent": 403, "sofiaparent": 403, "mayaparent": 404, "visitor": 401}},
				{"POST", "/api/v1/conversations/" + annID + "/replies", text, map[string]int{"teacher": 403, "teacher2": 404, "leader": 404, "parent": 201, "sofiaparent": 201, "mayaparent": 404, "student": 404, "visitor": 401}},
				{"POST", "/api/v1/classes/1/announcements", fixed(`{"subject":"Reading week","text":"Books home on Monday."}`),
					map[string]int{"teacher": 201, "teacher2": 404, "leader": 403, "parent": 404, "student": 404, "visitor": 401}},
				{"POST", "/api/v1/schools/1/announcements", fixed(`{"audience":"families","subject":"Closed on Monday","text":"Snow day."}`),
					map[string]int{"teacher": 403, "teacher2": 403, "leader": 201, "parent": 404, "student": 404, "visitor": 401}},
				{"GET", "/api/v1/messages/inbox", nil, map[string]int{"teacher": 200, "teacher2": 200, "leader": 200, "parent": 200, "sofiaparent": 200, "mayaparent": 200, "student": 200, "visitor": 401}},
				{"GET", "/api/v1/messages/unread", nil, map[string]int{"teacher": 200, "parent": 200, "student": 200, "visitor": 401}},
				{"GET", "/api/v1/messages/contacts", nil, map[string]int{"teacher": 200, "parent": 200, "student": 200, "visitor": 401}},
				{"PATCH", "/api/v1/messages/" + msg, fixed(`{"text":"Could we meet on Thursday at four?"}`),
					map[string]int{"teacher": 403, "teacher2": 404, "leader": 404, "parent": 200, "sofiaparent": 404, "visitor": 401}},
				{"POST", "/api/v1/messages/" + msg + "/reports", fixed(`{"reason":"test"}`),
					map[string]int{"teacher": 201, "teacher2": 404, "leader": 404, "parent": 403, "sofiaparent": 404, "student": 404, "visitor": 401}},
				{"GET", "/api/v1/me/quiet-hours", nil, map[string]int{"teacher": 200, "leader": 200, "parent": 200, "student": 200, "visitor": 401}},
				{"PUT", "/api/v1/me/quiet-hours", fixed(`{"enabled":true,"starts":"18:00","ends":"07:30","weekends":true}`),
					map[string]int{"teacher": 200, "teacher2": 200, "parent": 200, "student": 200, "visitor": 401}},
				{"POST", "/api/v1/schools/1/message-blocks", fixed(`{"parent_id":"` + w.users["mayaparent"] + `","reason":"late at night"}`),
					map[string]int{"teacher": 201, "teacher2": 201, "leader": 201, "parent": 404, "sofiaparent": 404, "student": 404, "visitor": 401}},
				{"GET", "/api/v1/schools/1/message-blocks", nil, map[string]int{"teacher": 404, "leader": 200, "parent": 404, "visitor": 401}},
				{"GET", "/api/v1/me/message-blocks", nil, map[string]int{"teacher": 200, "parent": 200, "visitor": 401}},
				{"GET", "/api/v1/schools/1/message-reports", nil, map[string]int{"teacher": 404, "leader": 200, "parent": 404, "visitor": 401}},
				{"GET", "/api/v1/schools/1/conversations", nil, map[string]int{"teacher": 404, "leader": 200, "parent": 404, "student": 404, "visitor": 401}},
				{"GET", "/api/v1/schools/1/message-settings", nil, map[string]int{"teacher": 200, "leader": 200, "parent": 404, "visitor": 401}},
				{"PUT", "/api/v1/schools/1/message-settings", fixed(`{"parent_receipts":true,"parents_office":false}`),
					map[string]int{"teacher": 403, "leader": 200, "parent": 404, "visitor": 401}},
				{"GET", "/api/v1/schools/1/class-grades", nil, map[string]int{"teacher": 404, "leader": 200, "parent": 404, "student": 404, "visitor": 401}},
				{"PUT", "/api/v1/schools/1/class-grades/1", fixed(`{"grade":3}`),
					map[string]int{"teacher": 403, "leader": 200, "parent": 404, "student": 404, "visitor": 401}},
			}
			for _, c := range cases {
				for who, want := range c.want {
					b := ""
					if c.body != nil {
						b = c.body()
					}
					if got, out, _ := w.people[who].do(c.method, c.path, b); got != want {
						t.Errorf("%s %s as %s: %d, want %d (%v)", c.method, c.path, who, got, want, out)
					}
				}
			}
			// Who may start a conversation with whom, and 401 logged out.
			starts := []struct {
				who, student, to string
				want             int
			}{
				{"teacher", w.ava, "parent", 201},
				{"teacher", w.maya, "mayaparent", 404}, // a parent of another class
				{"teacher2", w.ava, "parent", 404},     // teaches Elena, not Ava
				{"teacher2", w.elena, "parent", 201},
				{"parent", w.elena, "teacher", 404}, // Elena's teacher is teacher2
				{"parent", w.ava, "sofiaparent", 404},
				{"sofiaparent", w.ava, "teacher", 404}, // not Sofia's parent's child
				{"leader", w.ava, "parent", 201},
				{"student", w.ava, "teacher", 403},  // students answer their teacher, never start
				{"teacher2", w.ava, "student", 404}, // not her teacher: she is not there
			}
			for _, s := range starts {
				if got, out := w.start(t, s.who, s.student, s.to, "Hello"); got != s.want {
					t.Errorf("%s starts about %s with %s: %d, want %d (%v)", s.who, s.student, s.to, got, s.want, out)
				}
			}
			if got, _, _ := w.people["visitor"].do("POST", "/api/v1/conversations", `{"school_id":"1","to":"1","text":"x"}`); got != 401 {
				t.Errorf("a visitor starts a conversation: %d", got)
			}
			between := fmt.Sprintf(`{"school_id":"1","to":%q,"text":"Staff meeting at three"}`, w.users["teacher2"])
			if got, out, _ := w.people["teacher"].do("POST", "/api/v1/conversations", between); got != 201 || field(out, "conversation", "student_id") != nil {
				t.Errorf("staff to staff: %d %v", got, out)
			}
			// The export is in the family's access log.
			var audited int
			if err := env.DB.R.QueryRow(`SELECT count(*) FROM audit_log WHERE action = 'export' AND detail = 'conversation' AND subject_user_id = $1`,
				w.users["parent"]).Scan(&audited); err != nil {
				t.Fatal(err)
			}
			if audited == 0 {
				t.Error("the leader's export is not in the parent's access log")
			}
		})
	}
}

// The bad input: a translated 4xx, nothing stored.
func TestMessageBadInput(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			w := newMessageWorld(t, env)
			st, started := w.start(t, "parent", w.ava, "teacher", "Hello")
			if st != 201 {
				t.Fatalf("start: %d %v", st, started)
			}
			conv := field(started, "conversation", "id").(string)
			path := "/api/v1/conversations/" + conv + "/messages"
			before := w.count(t, "messages")
			for _, c := range []struct {
				name, body string
				status     int
				errField   string
			}{
				{"empty", `{"text":"  \n "}`, 400, "text"},
				{"100,000 characters", `{"text":"` + strings.Repeat("a", 100_000) + `"}`, 400, "text"},
				{"not JSON", `{"text":`, 400, ""},
				{"an unknown field", `{"text":"hi","urgent":true}`, 400, ""},
			} {
				got, out, h := w.people["parent"].do("POST", path, c.body)
				if got != c.status || h.Get("Content-Type") != "application/problem+json" || out["detail"] == "" {
					t.Errorf("%s: %d %v", c.name, got, out)
				}
				if c.errField != "" && field(out, "errors", c.errField) == nil {
					t.Errorf("%s: no message for %s: %v", c.name, c.errField, out)
				}
			}
			if got, out := w.start(t, "teacher", w.maya, "mayaparent", "Hi"); got != 404 {
				t.Errorf("to another class's parent: %d %v", got, out)
			}
			// A class's grade: required (null clears it), 0-12, of the school.
			grades := "/api/v1/schools/1/class-grades/"
			for _, c := range []struct{ path, body string }{
				{grades + "1", `{}`},
				{grades + "1", `{"grade":13}`},
				{grades + "1", `{"grade":-1}`},
				{grades + "1", `{"grade":"three"}`},
				{grades + "1", `{"grade":2.5}`},
			} {
				if got, out, _ := w.people["leader"].do("PUT", c.path, c.body); got != 400 || field(out, "errors", "grade") == nil {
					t.Errorf("grade %s: %d %v", c.body, got, out)
				}
			}
			if got, out, _ := w.people["leader"].do("PUT", grades+"999999", `{"grade":3}`); got != 404 {
				t.Errorf("a class that is not the school's: %d %v", got, out)
			}
			for _, c := range []struct {
				body string
				want any
			}{{`{"grade":4}`, float64(4)}, {`{"grade":null}`, nil}} {
				got, out, _ := w.people["leader"].do("PUT", grades+"1", c.body)
				var grade any = "missing"
				for _, cl := range field(out, "classes").([]any) {
					if cl.(map[string]any)["id"] == "1" {
						grade = cl.(map[string]any)["grade"]
					}
				}
				if got != 200 || grade != c.want {
					t.Errorf("grade %s: %d, class 1 has %v", c.body, got, grade)
				}
			}
			if got, out, _ := w.people["mayaparent"].do("GET", "/api/v1/conversations/"+conv, ""); got != 404 {
				t.Errorf("another parent opens it: %d %v", got, out)
			}
			for _, q := range []string{"cursor=!!!", "cursor=Zm9v", "limit=0", "limit=101", "limit=x"} {
				if got, out, _ := w.people["parent"].do("GET", "/api/v1/conversations/"+conv+"?"+q, ""); got != 400 || out["errors"] == nil {
					t.Errorf("conversation ?%s: %d %v", q, got, out)
				}
				if got, out, _ := w.people["parent"].do("GET", "/api/v1/messages/inbox?"+q, ""); got != 400 || out["errors"] == nil {
					t.Errorf("inbox ?%s: %d %v", q, got, out)
				}
			}
			if got, out, _ := w.people["teacher"].do("POST", "/api/v1/classes/1/announcements", `{"subject":"Now","text":"x","urgent":true}`); got != 403 ||
				!strings.Contains(fmt.Sprint(out["detail"]), "leaders") {
				t.Errorf("an urgent announcement from a teacher: %d %v", got, out)
			}
			if got, out, _ := w.people["leader"].do("POST", "/api/v1/schools/1/announcements", `{"audience":"class","subject":"x","text":"x"}`); got != 400 || field(out, "errors", "audience") == nil {
				t.Errorf("a school announcement to a class: %d %v", got, out)
			}
			for _, at := range []string{"2001-01-01T09:00:00Z", "2999-01-01T09:00:00Z"} {
				if got, out, _ := w.people["teacher"].do("POST", "/api/v1/classes/1/announcements", `{"subject":"Later","text":"x","send_at":"`+at+`"}`); got != 400 || field(out, "errors", "send_at") == nil {
					t.Errorf("an announcement scheduled for %s: %d %v", at, got, out)
				}
			}
			if got, _, _ := w.people["teacher"].do("POST", "/api/v1/classes/1/announcements", `{"subject":"Later","text":"x","send_at":"next Tuesday"}`); got != 400 {
				t.Errorf("an announcement scheduled for next Tuesday: %d", got)
			}
			if got, out, _ := w.people["teacher"].do("PUT", "/api/v1/me/quiet-hours", `{"enabled":true,"starts":"25:00","ends":"07:00","weekends":false}`); got != 400 || field(out, "errors", "starts") == nil {
				t.Errorf("quiet hours at 25:00: %d %v", got, out)
			}
			if n := w.count(t, "messages"); n != before {
				t.Errorf("refused messages were stored: %d → %d", before, n)
			}

			// A blocked parent cannot write, and is told so; nothing is stored.
			st, block, _ := w.people["teacher"].do("POST", "/api/v1/schools/1/message-blocks", `{"parent_id":"`+w.users["parent"]+`","reason":"Messages at midnight"}`)
			if st != 201 {
				t.Fatalf("block: %d %v", st, block)
			}
			if got, out, _ := w.people["teacher"].do("POST", "/api/v1/schools/1/message-blocks", `{"parent_id":"`+w.users["parent"]+`"}`); got != 409 {
				t.Errorf("blocking twice: %d %v", got, out)
			}
			before = w.count(t, "messages")
			got, out, _ := w.people["parent"].do("POST", path, `{"text":"Are you there?"}`)
			if got != 403 || out["detail"] != "You can't send messages to this person." {
				t.Errorf("a blocked parent writes: %d %v", got, out)
			}
			if got, out := w.start(t, "parent", w.ava, "teacher", "Again"); got != 403 {
				t.Errorf("a blocked parent starts again: %d %v", got, out)
			}
			_, view, _ := w.people["parent"].do("GET", "/api/v1/conversations/"+conv, "")
			if view["blocked"] != true || view["can_write"] != false {
				t.Errorf("the blocked parent's view: %v", view)
			}
			if n := w.count(t, "messages"); n != before {
				t.Errorf("a blocked parent's message was stored: %d → %d", before, n)
			}
			_, list, _ := w.people["leader"].do("GET", "/api/v1/schools/1/message-blocks", "")
			if blocks, _ := list["blocks"].([]any); len(blocks) != 1 {
				t.Fatalf("the leader's list: %v", list)
			}
			if got, _, _ := w.people["teacher2"].do("DELETE", "/api/v1/message-blocks/"+block["id"].(string), ""); got != 404 {
				t.Errorf("another teacher lifts the block: %d", got)
			}
			if got, _, _ := w.people["leader"].do("DELETE", "/api/v1/message-blocks/"+block["id"].(string), ""); got != 204 {
				t.Errorf("the leader lifts the block: %d", got)
			}
			if got, out, _ := w.people["leader"].do("DELETE", "/api/v1/message-blocks/"+block["id"].(string), ""); got != 409 {
				t.Errorf("lifting it again: %d %v", got, out)
			}

			// HTML and script are text: stored and returned unchanged.
			script := `<script>alert("hi")</script> <b>bold</b> & "quotes"`
			got, sent, _ := w.people["parent"].do("POST", path, fmt.Sprintf(`{"text":%q}`, script))
			if got != 201 || sent["text"] != script {
				t.Errorf("HTML in a message: %d %v", got, sent)
			}
			_, view, _ = w.people["teacher"].do("GET", "/api/v1/conversations/"+conv, "")
			msgs := view["messages"].([]any)
			if last := msgs[len(msgs)-1].(map[string]any); last["text"] != script {
				t.Errorf("the teacher reads %v", last["text"])
			}

			// A flood: refused with 429, Retry-After and a clear message, and
			// the refused message is not stored.
			sent201 := 0
			var flood map[string]any
			var retry string
			for i := 0; i < 40; i++ {
				got, out, h := w.people["teacher"].do("POST", path, fmt.Sprintf(`{"text":"flood %d"}`, i))
				if got == 201 {
					sent201++
					continue
				}
				if got != 429 {
					t.Fatalf("flood message %d: %d %v", i, got, out)
				}
				flood, retry = out, h.Get("Retry-After")
				break
			}
			if flood == nil || retry == "" || !strings.Contains(fmt.Sprint(flood["detail"]), "a lot of messages") {
				t.Errorf("the flood was not refused clearly after %d: %v (Retry-After %q)", sent201, flood, retry)
			}
			var floods int
			env.DB.R.QueryRow(`SELECT count(*) FROM messages WHERE body LIKE 'flood %'`).Scan(&floods)
			if floods != sent201 {
				t.Errorf("%d flood messages stored, %d accepted", floods, sent201)
			}
		})
	}
}

// Creating conversations, messages, replies and announcements is safe to
// retry with an Idempotency-Key.
func TestMessageIdempotency(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			w := newMessageWorld(t, env)
			body := fmt.Sprintf(`{"school_id":"1","student_id":%q,"to":%q,"text":"Once"}`, w.ava, w.users["teacher"])
			msgs0, convs0, outbox0 := w.count(t, "messages"), w.count(t, "conversations"), w.count(t, "outbox")
			s1, a, _ := w.people["parent"].do("POST", "/api/v1/conversations", body, "Idempotency-Key", "start-1")
			s2, b, h := w.people["parent"].do("POST", "/api/v1/conversations", body, "Idempotency-Key", "start-1")
			if s1 != 201 || s2 != 201 || field(a, "message", "id") != field(b, "message", "id") || h.Get("Idempotent-Replayed") != "true" {
				t.Errorf("replayed start: %d %d %v %v", s1, s2, a, b)
			}
			if got, out, _ := w.people["parent"].do("POST", "/api/v1/conversations", strings.Replace(body, "Once", "Twice", 1), "Idempotency-Key", "start-1"); got != 409 {
				t.Errorf("the same key with another body: %d %v", got, out)
			}
			conv := field(a, "conversation", "id").(string)
			path := "/api/v1/conversations/" + conv + "/messages"
			s1, a, _ = w.people["teacher"].do("POST", path, `{"text":"Yes"}`, "Idempotency-Key", "send-1")
			s2, b, _ = w.people["teacher"].do("POST", path, `{"text":"Yes"}`, "Idempotency-Key", "send-1")
			if s1 != 201 || s2 != 201 || a["id"] != b["id"] {
				t.Errorf("replayed message: %d %d %v %v", s1, s2, a, b)
			}
			ann := `{"subject":"Trip","text":"Friday"}`
			s1, a, _ = w.people["teacher"].do("POST", "/api/v1/classes/1/announcements", ann, "Idempotency-Key", "ann-1")
			s2, b, _ = w.people["teacher"].do("POST", "/api/v1/classes/1/announcements", ann, "Idempotency-Key", "ann-1")
			if s1 != 201 || s2 != 201 || field(a, "conversation", "id") != field(b, "conversation", "id") {
				t.Errorf("replayed announcement: %d %d %v %v", s1, s2, a, b)
			}
			annPath := "/api/v1/conversations/" + field(a, "conversation", "id").(string) + "/replies"
			s1, a, _ = w.people["parent"].do("POST", annPath, `{"text":"Thanks"}`, "Idempotency-Key", "reply-1")
			s2, b, _ = w.people["parent"].do("POST", annPath, `{"text":"Thanks"}`, "Idempotency-Key", "reply-1")
			if s1 != 201 || s2 != 201 || field(a, "message", "id") != field(b, "message", "id") || field(a, "conversation", "reply_to") == nil {
				t.Errorf("replayed reply: %d %d %v %v", s1, s2, a, b)
			}
			// A start, a message, an announcement with its message, a reply
			// conversation with its message: each once.
			if got := w.count(t, "messages"); got != msgs0+4 {
				t.Errorf("messages: %d → %d, want +4", msgs0, got)
			}
			if got := w.count(t, "conversations"); got != convs0+3 {
				t.Errorf("conversations: %d → %d, want +3", convs0, got)
			}
			// Each email once: the teacher (start), the parent (answer), the
			// class's families (announcement), the teacher (reply).
			if got := w.count(t, "outbox"); got <= outbox0 {
				t.Errorf("no email was queued: %d → %d", outbox0, got)
			}
			outbox1 := w.count(t, "outbox")
			w.people["parent"].do("POST", annPath, `{"text":"Thanks"}`, "Idempotency-Key", "reply-1")
			if got := w.count(t, "outbox"); got != outbox1 {
				t.Errorf("a replay queued email: %d → %d", outbox1, got)
			}
		})
	}
}

// Read receipts, corrections within five minutes, older pages by cursor,
// the inbox and unread count, quiet hours as families see them, and a
// photo sent by multipart.
func TestMessageConversationFlow(t *testing.T) {
	t.Parallel()
	env := testenv.New(t, dbtest.SQLiteOnly(t, "the clock and paging are decided in app; the SQL runs on both engines in the other message tests"))
	env.App.Messages.PerMinute = 500
	w := newMessageWorld(t, env)
	start := time.Now().UTC()
	env.App.SetClock(func() time.Time { return start })
	_, started := w.start(t, "parent", w.ava, "teacher", "See you on Thrusday")
	conv := field(started, "conversation", "id").(string)
	msg := field(started, "message", "id").(string)
	path := "/api/v1/conversations/" + conv
	// Unread for the teacher; opening marks it read, and the parent sees
	// the receipt.
	_, unread, _ := w.people["teacher"].do("GET", "/api/v1/messages/unread", "")
	_, inbox, _ := w.people["teacher"].do("GET", "/api/v1/messages/inbox", "")
	line := inbox["conversations"].([]any)[0].(map[string]any)
	if unread["unread"] != float64(1) || line["id"] != conv || line["unread"] != float64(1) || field(line, "last_message", "text") != "See you on Thrusday" {
		t.Errorf("before reading: %v %v", unread, line)
	}
	w.people["teacher"].do("GET", path, "")
	if _, unread, _ = w.people["teacher"].do("GET", "/api/v1/messages/unread", ""); unread["unread"] != float64(0) {
		t.Errorf("after reading: %v", unread)
	}
	_, view, _ := w.people["parent"].do("GET", path, "")
	first := view["messages"].([]any)[0].(map[string]any)
	reads, _ := first["reads"].([]any)
	if len(reads) != 1 || reads[0].(map[string]any)["user_id"] != w.users["teacher"] || first["can_edit"] != true {
		t.Errorf("the parent's receipt: %v", first)
	}
	// A correction within five minutes, then too late.
	env.App.SetClock(func() time.Time { return start.Add(4 * time.Minute) })
	if got, out, _ := w.people["parent"].do("PATCH", "/api/v1/messages/"+msg, `{"text":"See you on Thursday"}`); got != 200 || out["edited"] != true || out["text"] != "See you on Thursday" {
		t.Errorf("correction: %d %v", got, out)
	}
	env.App.SetClock(func() time.Time { return start.Add(6 * time.Minute) })
	if got, out, _ := w.people["parent"].do("PATCH", "/api/v1/messages/"+msg, `{"text":"Too late"}`); got != 409 || !strings.Contains(fmt.Sprint(out["detail"]), "five minutes") {
		t.Errorf("a late correction: %d %v", got, out)
	}
	_, hist, _ := w.people["teacher"].do("GET", path+"/history", "")
	if m := hist["messages"].([]any)[0].(map[string]any); m["original_text"] != "See you on Thrusday" || m["text"] != "See you on Thursday" {
		t.Errorf("the history keeps the first version: %v", m)
	}
	// 60 more messages: the latest 50, then the rest by the older cursor.
	for i := range 60 {
		who := []string{"teacher", "parent"}[i%2]
		if got, out, _ := w.people[who].do("POST", path+"/messages", fmt.Sprintf(`{"text":"n%d"}`, i)); got != 201 {
			t.Fatalf("message %d: %d %v", i, got, out)
		}
	}
	_, page1, _ := w.people["teacher"].do("GET", path, "")
	m1 := page1["messages"].([]any)
	if len(m1) != 50 || m1[49].(map[string]any)["text"] != "n59" || page1["older"] == nil {
		t.Fatalf("the latest 50: %d, older %v", len(m1), page1["older"])
	}
	_, page2, _ := w.people["teacher"].do("GET", path+"?cursor="+page1["older"].(string), "")
	m2 := page2["messages"].([]any)
	if len(m2) != 11 || m2[0].(map[string]any)["text"] != "See you on Thursday" || page2["older"] != nil {
		t.Errorf("the older page: %d, older %v", len(m2), page2["older"])
	}
	// Quiet hours: the parent sees when the teacher is back.
	local := start.In(env.App.Location)
	from, until := local.Add(-2*time.Hour).Format("15:04"), local.Add(2*time.Hour).Format("15:04")
	w.people["teacher"].do("PUT", "/api/v1/me/quiet-hours", fmt.Sprintf(`{"enabled":true,"starts":%q,"ends":%q,"weekends":true}`, from, until))
	_, q, _ := w.people["teacher"].do("GET", "/api/v1/me/quiet-hours", "")
	if q["starts"] != from || q["ends"] != until || q["enabled"] != true {
		t.Errorf("quiet hours: %v", q)
	}
	_, view, _ = w.people["parent"].do("GET", path, "")
	quiet, _ := view["quiet"].([]any)
	if len(quiet) != 1 || quiet[0].(map[string]any)["until"] == nil {
		t.Errorf("the parent's quiet notice: %v", view["quiet"])
	}
	// A photo by multipart; only the conversation's people get the file.
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("text", "The worksheet")
	fw, _ := mw.CreateFormFile("file", "worksheet.jpg")
	fw.Write(smallJPEG(t))
	mw.Close()
	got, sent, _ := w.people["teacher"].do("POST", path+"/messages", buf.String(), "Content-Type", mw.FormDataContentType())
	atts, _ := sent["attachments"].([]any)
	if got != 201 || len(atts) != 1 || atts[0].(map[string]any)["kind"] != "photo" {
		t.Fatalf("a photo: %d %v", got, sent)
	}
	url := atts[0].(map[string]any)["url"].(string)
	for who, want := range map[string]int{"parent": 200, "teacher": 200, "sofiaparent": 404, "teacher2": 404} {
		req, _ := http.NewRequest("GET", env.URL+url, nil)
		req.Header.Set("Authorization", "Bearer "+w.people[who].token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want || want == 200 && resp.Header.Get("Content-Type") != "image/jpeg" {
			t.Errorf("the photo as %s: %d %s", who, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	}
	// The inbox pages by cursor.
	w.start(t, "parent", w.elena, "teacher2", "Hello")
	_, p1, _ := w.people["parent"].do("GET", "/api/v1/messages/inbox?limit=1", "")
	_, p2, _ := w.people["parent"].do("GET", "/api/v1/messages/inbox?limit=1&cursor="+fmt.Sprint(p1["next"]), "")
	c1, c2 := p1["conversations"].([]any), p2["conversations"].([]any)
	if len(c1) != 1 || len(c2) != 1 || c1[0].(map[string]any)["id"] == c2[0].(map[string]any)["id"] {
		t.Errorf("inbox pages: %v / %v", p1, p2)
	}
}

// The routes whose body limit the web server raises for files are the
// message routes that take files.
func TestMessageUploadRoutes(t *testing.T) {
	t.Parallel()
	uploads := map[string]bool{}
	for _, op := range api.New(nil, nil, nil).Ops() {
		if op.Tag == "messages" && op.Upload != "" {
			uploads[op.Method+" /api/v1"+op.Path] = true
		}
	}
	if len(uploads) != len(api.MessageUploadRoutes) {
		t.Errorf("%d message routes take files, %d are listed", len(uploads), len(api.MessageUploadRoutes))
	}
	for _, p := range api.MessageUploadRoutes {
		if !uploads[p] {
			t.Errorf("%s is listed but takes no files", p)
		}
	}
}

// A scheduled announcement is called off by its sender alone, and then
// is gone for everyone; a direct conversation is never deleted this way.
func TestCancelScheduledAnnouncementAPI(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			w := newMessageWorld(t, env)
			at := env.App.Now().Add(2 * time.Hour).UTC().Format(time.RFC3339)
			st, out, _ := w.people["teacher"].do("POST", "/api/v1/classes/1/announcements", `{"subject":"Trip","text":"Wellies","send_at":"`+at+`"}`)
			if st != 201 {
				t.Fatalf("scheduling: %d %v", st, out)
			}
			id := fmt.Sprint(field(out, "conversation", "id"))
			for _, who := range []string{"parent", "teacher2", "leader"} {
				if got, _, _ := w.people[who].do("DELETE", "/api/v1/conversations/"+id, ""); got != 404 && got != 403 {
					t.Errorf("%s calls it off: %d", who, got)
				}
			}
			if got, _, _ := w.people["teacher"].do("DELETE", "/api/v1/conversations/"+id, ""); got != 204 {
				t.Fatalf("its sender calls it off: %d", got)
			}
			if got, _, _ := w.people["teacher"].do("GET", "/api/v1/conversations/"+id, ""); got != 404 {
				t.Errorf("after it was called off: %d", got)
			}
			if got, _, _ := w.people["teacher"].do("DELETE", "/api/v1/conversations/"+id, ""); got != 404 {
				t.Errorf("calling it off twice: %d", got)
			}
			st, out = w.start(t, "teacher", w.ava, "parent", "Hello")
			if st != 201 {
				t.Fatalf("a direct conversation: %d %v", st, out)
			}
			direct := fmt.Sprint(field(out, "conversation", "id"))
			if got, _, _ := w.people["teacher"].do("DELETE", "/api/v1/conversations/"+direct, ""); got != 404 {
				t.Errorf("deleting a direct conversation: %d", got)
			}
		})
	}
}
