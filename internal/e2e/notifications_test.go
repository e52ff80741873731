package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"cubby/internal/app"
	"cubby/internal/demo"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

// Notifications' "done when": a parent's notification centre (in Spanish,
// on a phone) shows a teacher's new message as it arrives; a Class Story
// post goes into the parent's daily digest, which reaches the real SMTP
// server in Spanish, and the digest's HTML, from mailpit's copy, is opened
// in the browser.
func TestNotificationsInABrowser(t *testing.T) {
	mp := testenv.StartMailpit(t)
	env := testenv.New(t, engine(t), testenv.WithSMTP(mp.SMTPURL()))
	ctx := context.Background()
	loc := env.App.Location
	day := time.Now().In(loc).AddDate(0, 0, 1)
	clk := &simClock{}
	clk.Set(time.Date(day.Year(), day.Month(), day.Day(), 10, 0, 0, 0, loc))
	env.App.SetClock(clk.Now)
	env.Worker.Now = clk.Now
	parentUser, err := store.UserByEmail(ctx, env.DB.R, demo.ParentEmail)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.SetUserLanguage(ctx, env.DB.W, parentUser.ID, "es", env.App.Now()); err != nil {
		t.Fatal(err)
	}
	login := func(who string) *app.Session {
		token, _, err := env.App.Login(ctx, app.Credentials{Login: who, Password: demo.Password})
		if err != nil {
			t.Fatal(err)
		}
		s, err := env.App.Authenticate(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	teacher, parent := login(demo.TeacherEmail), login(demo.ParentEmail)

	b := newBrowser(t, phone, "es")
	b.login(env.URL, demo.ParentEmail, demo.Password)
	b.do(chromedp.Navigate(env.URL+"/notifications"), chromedp.WaitVisible(chromedp.CSS("[data-notifications-live]")))
	b.waitUntil("the page listens for notifications", `window.cubbyOpenStreams > 0`)
	b.shot("centre-before")

	var student int64
	for id := range parent.Actor.Children {
		if c, _ := store.CurrentClassIDs(ctx, env.DB.R, id); len(c) > 0 {
			if _, ok := teacher.Actor.Classes[c[0]]; ok {
				student = id
			}
		}
	}
	var schoolID, classID int64
	for id, s := range teacher.Actor.Classes {
		classID, schoolID = id, s
	}
	if _, _, err := env.App.StartConversation(ctx, teacher, app.NewConversation{SchoolID: schoolID, StudentID: student, To: parent.User.ID},
		app.MessageDraft{Text: "La excursión es el viernes."}); err != nil {
		t.Fatal(err)
	}
	b.waitUntil("the message's notification arrives live", `document.querySelector("[data-notification-list]") && document.querySelector("[data-notification-list]").innerText.includes("Sra. Alvarez te ha enviado un mensaje.")`)
	if n := b.eval(`(document.querySelector('.nav a[href="/notifications"] .nav-count [aria-hidden]') || {}).textContent || ""`); n == "" || n == "0" {
		t.Errorf("the bell's count: %q", n)
	}
	b.shot("centre-new-message")

	// On any other page the bell is live too.
	b.do(chromedp.Navigate(env.URL+"/"), chromedp.WaitVisible(chromedp.CSS(".nav")))
	b.waitUntil("the home page listens for notifications", `window.cubbyOpenStreams > 0`)
	before := b.eval(`(document.querySelector('.nav a[href="/notifications"] .nav-count [aria-hidden]') || {}).textContent || "0"`)
	if _, err := env.App.PostClassStory(ctx, teacher, classID, app.StoryDraft{Text: "Mañana hay teatro."}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := env.App.StartConversation(ctx, teacher, app.NewConversation{SchoolID: schoolID, StudentID: student, To: parent.User.ID},
		app.MessageDraft{Text: "¿Puede traer una bata?"}); err != nil {
		t.Fatal(err)
	}
	b.waitUntil("the bell counts the new notification on the home page",
		`((document.querySelector('.nav a[href="/notifications"] .nav-count [aria-hidden]') || {}).textContent || "0") !== `+strconv.Quote(before))
	b.shot("home-bell-live")

	// A story for the digest, then the evening's digest.
	if _, err := env.App.PostClassStory(ctx, teacher, classID, app.StoryDraft{Text: "Hoy plantamos judías."}); err != nil {
		t.Fatal(err)
	}
	clk.Set(time.Date(day.Year(), day.Month(), day.Day(), 17, 30, 0, 0, loc))
	if n, err := env.App.SendDigests(ctx); err != nil || n == 0 {
		t.Fatalf("digests: %d %v", n, err)
	}
	var msg testenv.MailpitMessage
	deadline := time.Now().Add(30 * time.Second)
	for msg.ID == "" && time.Now().Before(deadline) {
		for _, m := range mp.Messages(t) {
			if strings.Contains(m.Subject, "Tu resumen de Cubby") && len(m.To) > 0 && strings.EqualFold(m.To[0].Address, demo.ParentEmail) {
				msg = mp.Message(t, m.ID)
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	if msg.ID == "" {
		t.Fatal("the digest did not reach mailpit")
	}
	if !strings.Contains(msg.HTML, "Sra. Alvarez ha publicado una historia.") || !strings.Contains(msg.HTML, `lang="es"`) {
		t.Errorf("the digest's HTML:\n%s", msg.HTML)
	}
	file := filepath.Join(t.TempDir(), "digest.html")
	if err := os.WriteFile(file, []byte(msg.HTML), 0o644); err != nil {
		t.Fatal(err)
	}
	mail := newBrowser(t, phone, "es")
	mail.do(chromedp.Navigate("file://"+file), chromedp.WaitVisible(chromedp.CSS("[role=article]")))
	if got := mail.text("[role=article]"); !strings.Contains(got, "Ver todas las notificaciones") {
		t.Errorf("the digest as shown: %q", got)
	}
	mail.shot("digest-email")
}
