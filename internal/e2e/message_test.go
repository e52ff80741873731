package e2e

import (
	"context"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"cubby/internal/demo"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

// simClock is a clock the test moves: the app and the outbox's worker
// both read it, so quiet hours begin and end when the test says.
type simClock struct{ ns atomic.Int64 }

func (c *simClock) Now() time.Time  { return time.Unix(0, c.ns.Load()) }
func (c *simClock) Set(t time.Time) { c.ns.Store(t.UnixNano()) }
func countMail(t *testing.T, mp *testenv.Mailpit, addr string) int {
	t.Helper()
	n := 0
	for _, m := range mp.Messages(t) {
		for _, to := range m.To {
			if strings.EqualFold(to.Address, addr) {
				n++
			}
		}
	}
	return n
}

// Messages' "done when", in a browser with a real SMTP server, on a phone
// in English and on a desktop in Arabic: a teacher and a parent exchange
// messages and each sees the other's read receipt arrive live; a parent
// writing during the teacher's quiet hours sees the banner, and the
// teacher's email arrives only once the quiet hours end (a simulated
// clock); an announcement's reply reaches only the teacher; a blocked
// parent has no way to send; a leader exports the conversation and the
// family's access log shows it.
func TestMessagesInABrowser(t *testing.T) {
	for _, c := range []struct {
		name, lang, accept string
		size               [2]int64
	}{{"phone-en", "en", "en-US", phone}, {"desktop-ar", "ar", "ar", desktop}} {
		t.Run(c.name, func(t *testing.T) {
			mp := testenv.StartMailpit(t)
			env := testenv.New(t, engine(t), testenv.WithSMTP(mp.SMTPURL()))
			ctx := context.Background()
			loc := env.App.Location
			// Tomorrow at ten in the morning, school time: no one is in
			// quiet hours yet.
			day := time.Now().In(loc).AddDate(0, 0, 1)
			clk := &simClock{}
			clk.Set(time.Date(day.Year(), day.Month(), day.Day(), 10, 0, 0, 0, loc))
			env.App.SetClock(clk.Now)
			env.Worker.Now = clk.Now
			for _, who := range []string{demo.TeacherEmail, demo.ParentEmail, demo.LeaderEmail} {
				u, err := store.UserByEmail(ctx, env.DB.R, who)
				if err != nil {
					t.Fatal(err)
				}
				if err := store.SetUserLanguage(ctx, env.DB.W, u.ID, c.lang, env.App.Now()); err != nil {
					t.Fatal(err)
				}
			}

			// The teacher sets quiet hours, 18:00 to 07:30.
			teacher := newBrowser(t, c.size, c.accept)
			teacher.login(env.URL, demo.TeacherEmail, demo.Password)
			teacher.do(chromedp.Navigate(env.URL+"/settings/messages"), chromedp.WaitVisible(chromedp.ID("quiet-starts")))
			teacher.eval(`(() => { document.querySelector("input[name=enabled]").checked = true; document.querySelector("input[name=weekends]").checked = false;
				document.getElementById("quiet-starts").value = "18:00"; document.getElementById("quiet-ends").value = "07:30"; return "" })()`)
			teacher.shot("quiet-hours")
			teacher.do(chromedp.Click(chromedp.CSS(`form[action="/settings/messages/quiet-hours"] button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(".flash")))

			// The parent writes to Ava's teacher.
			parent := newBrowser(t, c.size, c.accept)
			parent.login(env.URL, demo.ParentEmail, demo.Password)
			parent.do(chromedp.Navigate(env.URL+"/messages"), chromedp.WaitVisible(chromedp.CSS(".empty")))
			parent.shot("inbox-empty")
			parent.follow(`a[href="/messages/new"]`, "#msg-to")
			to := parent.eval(`[...document.querySelectorAll("#msg-to option")].find(o => o.textContent.includes("Alvarez")).value`)
			parent.setSelect("msg-to", to)
			parent.fill("msg-text", "Is the pond trip on Friday?")
			parent.shot("new-conversation")
			parent.do(chromedp.Click(chromedp.CSS(`form[action="/messages"] button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(".msg.mine")))
			parent.waitUntil("the page listens for new messages", `window.cubbyOpenStreams > 0`)
			if r := parent.text(".msg.mine [data-receipt]"); strings.Contains(r, "Alvarez") {
				t.Errorf("read before the teacher opened it: %q", r)
			}

			// The teacher sees it unread, opens it; the parent's receipt
			// arrives without reloading.
			teacher.do(chromedp.Navigate(env.URL+"/messages"), chromedp.WaitVisible(chromedp.CSS(".msg-row.unread")))
			if n := teacher.text(".nav .nav-count [aria-hidden]"); n != "1" {
				t.Errorf("the navigation's unread count: %q", n)
			}
			teacher.shot("inbox-unread")
			teacher.follow(".msg-row.unread a", ".msg")
			if !strings.Contains(teacher.text(".msg .msg-body"), "pond trip") {
				t.Error("the teacher does not see the message")
			}
			parent.waitUntil("the teacher's read receipt", `document.querySelector(".msg.mine [data-receipt]").textContent.includes("Alvarez")`)
			parent.shot("read-by-teacher")
			teacher.waitUntil("the page listens for new messages", `window.cubbyOpenStreams > 0`)
			teacher.fill("msg-text", "Yes, at nine. Bring wellies.")
			teacher.do(chromedp.Click(chromedp.CSS(`.msg-compose button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(".msg.mine")))
			parent.waitUntil("the answer arrives live", `[...document.querySelectorAll(".msg:not(.mine) .msg-body")].some(e => e.textContent.includes("wellies"))`)
			teacher.waitUntil("the parent's read receipt", `document.querySelector(".msg.mine [data-receipt]") && document.querySelector(".msg.mine [data-receipt]").textContent.includes("Martin")`)
			teacher.shot("read-by-parent")
			convPath := teacher.eval(`location.pathname`)

			// Evening: quiet hours. The parent sees the banner; the email
			// to the teacher waits until 07:30.
			clk.Set(time.Date(day.Year(), day.Month(), day.Day(), 20, 0, 0, 0, loc))
			parent.do(chromedp.Navigate(env.URL+convPath), chromedp.WaitVisible(chromedp.CSS("[data-quiet]")))
			if q := parent.text("[data-quiet]"); !strings.Contains(q, "Alvarez") || !strings.Contains(q, "07:30") {
				t.Errorf("the quiet-hours banner: %q", q)
			}
			// The draft is kept while typing: a reload brings it back.
			parent.fill("msg-text", "One more question: packed lunch?")
			parent.do(chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("[data-draft-note]:not([hidden])")))
			if v := parent.eval(`document.getElementById("msg-text").value`); v != "One more question: packed lunch?" {
				t.Errorf("the draft after a reload: %q", v)
			}
			parent.shot("quiet-hours-banner")
			before := countMail(t, mp, demo.TeacherEmail)
			parent.do(chromedp.Click(chromedp.CSS(`.msg-compose button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
			if v := parent.eval(`localStorage.length + ""`); v != "0" {
				t.Errorf("the sent draft is still kept (%s drafts)", v)
			}
			var heldID int64
			var held time.Time
			if err := env.DB.R.QueryRow(`SELECT id, next_attempt_at FROM outbox WHERE recipient = $1 AND template = 'message_new' ORDER BY id DESC LIMIT 1`, demo.TeacherEmail).Scan(&heldID, &held); err != nil {
				t.Fatalf("the held email: %v", err)
			}
			if h := held.In(loc); h.Hour() != 7 || h.Minute() != 30 {
				t.Errorf("the email is held until %v, not 07:30", h)
			}
			// The row itself says whether it went: an earlier email to the
			// teacher may still be reaching mailpit, so counting mail would
			// not.
			status := func() string {
				var st string
				if err := env.DB.R.QueryRow(`SELECT status FROM outbox WHERE id = $1`, heldID).Scan(&st); err != nil {
					t.Fatal(err)
				}
				return st
			}
			time.Sleep(3 * time.Second) // more than a pass of the worker
			if st := status(); st != "pending" {
				t.Fatalf("the teacher's email during quiet hours is %s", st)
			}
			next := day.AddDate(0, 0, 1)
			clk.Set(time.Date(next.Year(), next.Month(), next.Day(), 7, 31, 0, 0, loc))
			for deadline := time.Now().Add(20 * time.Second); status() != "sent"; time.Sleep(100 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatalf("the teacher's email was not sent after quiet hours: %s", status())
				}
			}
			if mail := mailTo(t, mp, demo.TeacherEmail, before); !strings.Contains(mail, "/messages/") {
				t.Errorf("the teacher's email after quiet hours:\n%s", mail)
			}

			// An announcement to the class; the parent's reply reaches the
			// teacher alone.
			clk.Set(time.Date(next.Year(), next.Month(), next.Day(), 9, 0, 0, 0, loc))
			teacher.do(chromedp.Navigate(env.URL+"/messages/announce"), chromedp.WaitVisible(chromedp.ID("ann-to")))
			teacher.setSelect("ann-to", teacher.eval(`[...document.querySelectorAll("#ann-to option")].find(o => o.value.startsWith("class:")).value`))
			teacher.fill("ann-subject", "Pond trip")
			teacher.fill("msg-text", "Friday at nine, back by noon.")
			teacher.shot("announcement-form")
			teacher.do(chromedp.Click(chromedp.CSS(`form[action="/messages/announce"] button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
			parent.do(chromedp.Navigate(env.URL+"/messages"), chromedp.WaitVisible(chromedp.CSS(".msg-row.unread")))
			parent.shot("inbox-announcement")
			parent.follow(".msg-row.unread a", `.msg-compose[action$="/reply"]`)
			parent.fill("msg-text", "We will be there.")
			parent.do(chromedp.Click(chromedp.CSS(`.msg-compose button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(".msg.mine")))
			parent.shot("private-reply")
			replyPath := parent.eval(`location.pathname`)
			replyID, _ := strconv.ParseInt(strings.TrimPrefix(replyPath, "/messages/"), 10, 64)
			var members, others int
			env.DB.R.QueryRow(`SELECT count(*) FROM conversation_members WHERE conversation_id = $1`, replyID).Scan(&members)
			env.DB.R.QueryRow(`SELECT count(*) FROM conversation_members m JOIN users u ON u.id = m.user_id
				WHERE m.conversation_id = $1 AND u.email NOT IN ($2, $3)`, replyID, demo.TeacherEmail, demo.ParentEmail).Scan(&others)
			if members != 2 || others != 0 {
				t.Errorf("the reply's conversation has %d members, %d of them neither the parent nor the teacher", members, others)
			}
			teacher.do(chromedp.Navigate(env.URL+replyPath), chromedp.WaitVisible(chromedp.CSS(".msg")))
			if !strings.Contains(teacher.text(".msg .msg-body"), "We will be there.") {
				t.Error("the teacher does not get the reply")
			}

			// The teacher blocks the parent, who then has no way to write.
			teacher.do(chromedp.Navigate(env.URL+convPath), chromedp.WaitVisible(chromedp.CSS(".msg-block")))
			teacher.eval(`(() => { const d = document.querySelector(".msg-block details"); d.open = true; d.querySelector("input[name=confirm]").checked = true; return "" })()`)
			teacher.fill("block-reason-"+teacher.eval(`document.querySelector(".msg-block input[name=parent_id]").value`), "Messages late at night")
			teacher.shot("block-form")
			teacher.do(chromedp.Click(chromedp.CSS(`.msg-block button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
			parent.do(chromedp.Navigate(env.URL+convPath), chromedp.WaitVisible(chromedp.CSS(".msg-list")))
			if n := parent.eval(`document.querySelectorAll(".msg-compose, textarea[name=text]").length + ""`); n != "0" {
				t.Error("a blocked parent still has a message form")
			}
			parent.shot("blocked")

			// A leader exports the conversation; the parent's access log
			// shows it.
			leader := newBrowser(t, c.size, c.accept)
			leader.login(env.URL, demo.LeaderEmail, demo.Password)
			leader.do(chromedp.Navigate(env.URL+"/messages"), chromedp.WaitVisible(chromedp.CSS(".msg-actions")))
			leader.follow(`.msg-actions a[href$="/messages"][href^="/schools/"]`, "#export-h")
			if !strings.Contains(leader.text(".msg-blocks"), "Helen Martin") {
				t.Error("the leaders' page does not show the block")
			}
			form := `form[action="` + convPath + `/export"]`
			leader.eval(`(() => { const f = document.querySelector('` + form + `'); f.closest("details").open = true; f.querySelector("input[name=confirm]").checked = true; return "" })()`)
			leader.shot("leader-page")
			leader.do(chromedp.Click(chromedp.CSS(form+` button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(".msg-history-list")))
			if body := leader.text(".msg-history-list"); !strings.Contains(body, "pond trip") || !strings.Contains(body, "wellies") {
				t.Errorf("the export lacks the messages: %q", body)
			}
			leader.shot("safeguarding-export")
			parent.do(chromedp.Navigate(env.URL+"/privacy/access"), chromedp.WaitVisible(chromedp.CSS("table")))
			if log := parent.text("table"); !strings.Contains(log, "Owusu") {
				t.Errorf("the access log does not show the leader's export: %q", log)
			}
			parent.shot("access-log")
		})
	}
}
