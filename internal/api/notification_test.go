package api_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/testenv"
)

// The notification API: a parent's centre lists a teacher's message with
// its line and link, marks it read; preferences round-trip; a kind or
// channel that does not exist is a translated 400 and saves nothing; the
// email's one-click unsubscribe POST (RFC 8058) works without a login and
// a forged token is 404.
func TestNotificationAPI(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			teacher := loginAPI(t, env, "email", demo.TeacherEmail)
			parent := loginAPI(t, env, "email", demo.ParentEmail)
			_, contacts, _ := teacher.do("GET", "/api/v1/messages/contacts", "")
			var body string
			for _, c := range contacts["contacts"].([]any) {
				m := c.(map[string]any)
				if m["type"] == "parent" && m["name"] != nil && strings.Contains(m["name"].(string), "Martin") {
					body = fmt.Sprintf(`{"school_id":%q,"student_id":%q,"to":%q,"text":"Trip money by Friday."}`, m["school_id"], m["student_id"], m["user_id"])
					break
				}
			}
			if body == "" {
				t.Fatalf("no parent among %v", contacts)
			}
			if s, out, _ := teacher.do("POST", "/api/v1/conversations", body); s != 201 {
				t.Fatalf("start conversation: %d %v", s, out)
			}
			s, out, _ := parent.do("GET", "/api/v1/me/notifications?limit=5", "")
			if s != 200 {
				t.Fatalf("list: %d %v", s, out)
			}
			list := out["notifications"].([]any)
			first := list[0].(map[string]any)
			if first["kind"] != "message" || !strings.HasPrefix(first["link"].(string), "/messages/") || !strings.Contains(first["text"].(string), "Alvarez") || first["read_at"] != nil {
				t.Fatalf("newest notification %v", first)
			}
			if s, _, _ := parent.do("POST", "/api/v1/me/notifications/"+first["id"].(string)+"/read", ""); s != 200 {
				t.Errorf("mark read: %d", s)
			}
			if s, _, _ := teacher.do("POST", "/api/v1/me/notifications/"+first["id"].(string)+"/read", ""); s != 404 {
				t.Errorf("someone else's notification: %d", s)
			}
			if s, _, _ := parent.do("GET", "/api/v1/me/notifications?limit=0", ""); s != 400 {
				t.Errorf("limit 0: %d", s)
			}
			s, out, _ = parent.do("PUT", "/api/v1/me/notification-preferences", `{"preferences":{"weather":"email","story":"off"}}`)
			if s != 400 || !strings.Contains(fmt.Sprint(out["errors"]), "There is no such kind of notification.") {
				t.Errorf("unknown kind: %d %v", s, out)
			}
			if s, out, _ := parent.do("PUT", "/api/v1/me/notification-preferences", `{"preferences":{"story":"fax"}}`); s != 400 {
				t.Errorf("unknown channel: %d %v", s, out)
			}
			_, out, _ = parent.do("GET", "/api/v1/me/notification-preferences", "")
			if strings.Contains(fmt.Sprint(out), "off") {
				t.Errorf("refused input was stored: %v", out)
			}
			if s, out, _ := parent.do("PUT", "/api/v1/me/notification-preferences", `{"preferences":{"story":"off"}}`); s != 200 || !strings.Contains(fmt.Sprint(out), "map[channel:off default:false kind:story]") {
				t.Errorf("set story off: %d %v", s, out)
			}

			// One-click unsubscribe from the message email.
			var unsub string
			if err := env.DB.R.QueryRow(`SELECT list_unsubscribe FROM outbox WHERE recipient = $1 AND template = 'message_new' ORDER BY id DESC LIMIT 1`, demo.ParentEmail).Scan(&unsub); err != nil {
				t.Fatal(err)
			}
			post := func(u string) int {
				resp, err := http.Post(u, "application/x-www-form-urlencoded", strings.NewReader("List-Unsubscribe=One-Click"))
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				return resp.StatusCode
			}
			if s := post(env.URL + "/notifications/unsubscribe?token=" + url.QueryEscape("1.message.0000")); s != 404 {
				t.Errorf("forged one-click token: %d", s)
			}
			if s := post(unsub); s != 200 {
				t.Errorf("one-click unsubscribe: %d", s)
			}
			_, out, _ = parent.do("GET", "/api/v1/me/notification-preferences", "")
			if !strings.Contains(fmt.Sprint(out), "map[channel:off default:false kind:message]") {
				t.Errorf("messages after unsubscribing: %v", out)
			}
			_ = testenv.ReadAll
		})
	}
}
