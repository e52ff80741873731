package e2e

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"cubby/internal/app"
	"cubby/internal/demo"
	"cubby/internal/testenv"
)

// Teacher ↔ student messages where the school turned them on (issue 12),
// on a phone in English and a desktop in Arabic: the teacher writes to a
// student of their class, the student reads and answers, the student's
// parent reads along without a way to write, and another family's parent
// cannot open it.
func TestStudentMessagesInABrowser(t *testing.T) {
	for _, c := range []struct {
		name, accept string
		size         [2]int64
	}{{"phone-en", "en-US", phone}, {"desktop-ar", "ar", desktop}} {
		t.Run(c.name, func(t *testing.T) {
			env := testenv.New(t, engine(t))
			ctx := context.Background()
			tok, _, err := env.App.Login(ctx, app.Credentials{Login: demo.LeaderEmail, Password: demo.Password})
			if err != nil {
				t.Fatal(err)
			}
			leader, err := env.App.Authenticate(ctx, tok)
			if err != nil {
				t.Fatal(err)
			}
			school := leader.Actor.SchoolIDs()[0]
			set, err := env.App.MessageSettings(ctx, leader, school)
			if err != nil {
				t.Fatal(err)
			}
			// The demo's classes are grades 3 and 4.
			set.StudentsEnabled, set.StudentsMinGrade = true, 3
			if err := env.App.SetMessageSettings(ctx, leader, school, set); err != nil {
				t.Fatal(err)
			}

			teacher := newBrowser(t, c.size, c.accept)
			teacher.login(env.URL, demo.TeacherEmail, demo.Password)
			teacher.do(chromedp.Navigate(env.URL+"/messages/new"), chromedp.WaitVisible(chromedp.ID("msg-to")))
			to := teacher.eval(`(() => { const o = [...document.querySelectorAll("#msg-to option")].find(o => o.textContent.trim().startsWith("Ava")); return o ? o.value : "" })()`)
			if to == "" {
				t.Fatal("the teacher is offered no way to write to Ava")
			}
			teacher.setSelect("msg-to", to)
			teacher.fill("msg-text", "How is the volcano project going?")
			teacher.shot("student-new")
			teacher.do(chromedp.Click(chromedp.CSS(`form[action="/messages"] button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(".msg.mine")))
			conv := teacher.eval(`location.pathname`)

			student := newBrowser(t, c.size, c.accept)
			student.login(env.URL, demo.StudentUsername, demo.Password)
			student.do(chromedp.Navigate(env.URL+"/messages"), chromedp.WaitVisible(chromedp.CSS(".msg-row.unread")))
			student.follow(".msg-row.unread a", ".msg")
			if !strings.Contains(student.text(".msg .msg-body"), "volcano") {
				t.Error("the student does not see the teacher's message")
			}
			student.fill("msg-text", "It erupted! Baking soda.")
			student.do(chromedp.Click(chromedp.CSS(`.msg-compose button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(".msg.mine")))
			student.shot("student-answers")

			parent := newBrowser(t, c.size, c.accept)
			parent.login(env.URL, demo.ParentEmail, demo.Password)
			parent.do(chromedp.Navigate(env.URL+conv), chromedp.WaitVisible(chromedp.CSS("[data-observer]")))
			if n := parent.eval(`String(document.querySelectorAll(".msg-compose").length)`); n != "0" {
				t.Error("the parent reading along can write")
			}
			if body := parent.text(".msg-list"); !strings.Contains(body, "volcano") || !strings.Contains(body, "Baking soda") {
				t.Errorf("the parent does not read along: %q", body)
			}
			parent.shot("parent-reads-along")

			other := env.Client()
			resp, err := other.PostForm(env.URL+"/login", map[string][]string{"login": {"parent.maya@demo.cubby.test"}, "password": {demo.Password}})
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			resp, err = other.Get(env.URL + conv)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("another family's parent opens it: %d", resp.StatusCode)
			}
		})
	}
}
