package app_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"cubby/internal/app"
	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

// A visitor asks the demo school for help with a phone number and an
// address; bad input stores nothing; only the school's leaders see and
// answer it; the answer is queued by email; the requester never sees the
// notes; closing it starts a 30-day retention.
func TestHelpRequests(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env := testenv.New(t, d)
			a := env.App
			leader, teacher, parent := session(t, env, demo.LeaderEmail), session(t, env, demo.TeacherEmail), session(t, env, demo.ParentEmail)
			var schoolID int64
			for id := range leader.Actor.Schools {
				schoolID = id
			}
			count := func(table string) int {
				var n int
				if err := env.DB.R.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}
			good := app.HelpInput{Topic: "login", Body: "My son cannot log in with his card.", SchoolID: schoolID,
				Email: " Sam@Example.org ", Phone: "+1 (415) 555-2671", Language: "es", IP: "192.0.2.1"}

			var ve *app.ValidationError
			for name, tc := range map[string]struct {
				edit  func(*app.HelpInput)
				field string
			}{
				"empty text":         {func(in *app.HelpInput) { in.Body = "  " }, "body"},
				"100,000 characters": {func(in *app.HelpInput) { in.Body = strings.Repeat("a", 100_000) }, "body"},
				"no topic":           {func(in *app.HelpInput) { in.Topic = "money" }, "topic"},
				"not a phone":        {func(in *app.HelpInput) { in.Phone = "12345" }, "phone"},
				"letters":            {func(in *app.HelpInput) { in.Phone = "call me" }, "phone"},
				"not an address":     {func(in *app.HelpInput) { in.Email = "sam@" }, "email"},
				"unknown school":     {func(in *app.HelpInput) { in.SchoolID = 999999 }, "school_id"},
			} {
				in := good
				tc.edit(&in)
				if _, err := a.SubmitHelpRequest(ctx, nil, in); !errors.As(err, &ve) || ve.Fields[tc.field].Key == "" {
					t.Errorf("%s: %v", name, err)
				}
			}
			bot := good
			bot.Website = "http://spam.example"
			if r, err := a.SubmitHelpRequest(ctx, nil, bot); err != nil || r.ID != 0 {
				t.Errorf("the honeypot: %v %v", r, err)
			}
			if n := count("help_requests"); n != 0 {
				t.Fatalf("%d requests stored from bad input", n)
			}

			req, err := a.SubmitHelpRequest(ctx, nil, good)
			must(t, err)
			if req.Phone != "+14155552671" || req.Email != "sam@example.org" || req.Language != "es" || req.UserID != 0 {
				t.Errorf("stored as %+v", req)
			}
			// A national number reads in the deployment's country (US).
			national := good
			national.Email, national.Phone, national.IP = "", "(415) 555-2672", "192.0.2.9"
			r2, err := a.SubmitHelpRequest(ctx, nil, national)
			must(t, err)
			if r2.Phone != "+14155552672" {
				t.Errorf("a national number: %q", r2.Phone)
			}

			// A logged-in request carries the account, not the contact typed.
			mine, err := a.SubmitHelpRequest(ctx, parent, app.HelpInput{Topic: "child", Body: "Which class is Ava in?", SchoolID: schoolID,
				Email: "other@example.org", Phone: "+14155552673", IP: "192.0.2.2"})
			must(t, err)
			if mine.UserID != parent.User.ID || mine.Email != "" || mine.Phone != "" {
				t.Errorf("a parent's request: %+v", mine)
			}

			// Who sees the inbox and the request.
			list, err := a.HelpInbox(ctx, leader, schoolID, "")
			must(t, err)
			if len(list) != 3 {
				t.Fatalf("the leader's inbox: %d requests", len(list))
			}
			for name, s := range map[string]*app.Session{"a teacher": teacher, "a parent": parent} {
				if _, err := a.HelpInbox(ctx, s, schoolID, ""); !errors.Is(err, app.ErrNotFound) {
					t.Errorf("%s opens the inbox: %v", name, err)
				}
				if _, err := a.HelpRequest(ctx, s, req.ID); !errors.Is(err, app.ErrNotFound) {
					t.Errorf("%s opens a visitor's request: %v", name, err)
				}
				if _, err := a.ActOnHelpRequest(ctx, s, schoolID, req.ID, app.HelpAction{Kind: "reply", Body: "Hi"}); !errors.Is(err, app.ErrNotFound) {
					t.Errorf("%s answers: %v", name, err)
				}
			}

			// Answer, note, close.
			if _, err := a.ActOnHelpRequest(ctx, leader, schoolID, req.ID, app.HelpAction{Kind: "reply", Body: strings.Repeat("x", app.HelpMaxBody+1)}); !errors.As(err, &ve) {
				t.Errorf("a long answer: %v", err)
			}
			_, err = a.ActOnHelpRequest(ctx, leader, schoolID, req.ID, app.HelpAction{Kind: "reply", Body: "Ask his teacher for a new login card."})
			must(t, err)
			var to, lang, subject, text string
			must(t, env.DB.R.QueryRow(`SELECT recipient, language, subject, body_text FROM outbox WHERE template = 'help_answer'`).Scan(&to, &lang, &subject, &text))
			if to != "sam@example.org" || lang != "es" || !strings.Contains(text, "Ask his teacher for a new login card.") || !strings.Contains(text, "cannot log in with his card") {
				t.Errorf("the answer's email: %s %s %q\n%s", to, lang, subject, text)
			}
			_, err = a.ActOnHelpRequest(ctx, leader, schoolID, req.ID, app.HelpAction{Kind: "note", Body: "Card printed."})
			must(t, err)
			th, err := a.SchoolHelpRequest(ctx, leader, schoolID, req.ID)
			must(t, err)
			if th.Request.Status != store.HelpAnswered || len(th.Events) != 3 || !th.Answers {
				t.Fatalf("after answering: %s, %d events", th.Request.Status, len(th.Events))
			}

			// The parent sees their own request and its answers, never notes.
			_, err = a.ActOnHelpRequest(ctx, leader, schoolID, mine.ID, app.HelpAction{Kind: "note", Body: "Check the roster first."})
			must(t, err)
			_, err = a.ActOnHelpRequest(ctx, leader, schoolID, mine.ID, app.HelpAction{Kind: "reply", Body: "Ava is in 3B."})
			must(t, err)
			own, err := a.HelpRequest(ctx, parent, mine.ID)
			must(t, err)
			for _, e := range own.Events {
				if e.Kind == store.HelpEventNote {
					t.Error("the requester sees an internal note")
				}
			}
			if own.Answers || len(own.Events) != 2 {
				t.Errorf("the parent's view: %+v", own.Events)
			}
			var parentTo string
			must(t, env.DB.R.QueryRow(`SELECT recipient FROM outbox WHERE template = 'help_answer' AND body_text LIKE '%3B%'`).Scan(&parentTo))
			if parentTo != demo.ParentEmail {
				t.Errorf("the parent's answer went to %q", parentTo)
			}

			_, err = a.ActOnHelpRequest(ctx, leader, schoolID, req.ID, app.HelpAction{Kind: "status", Status: "closed"})
			must(t, err)
			var re *app.RefusedError
			if _, err := a.ActOnHelpRequest(ctx, leader, schoolID, req.ID, app.HelpAction{Kind: "status", Status: "closed"}); !errors.As(err, &re) || re.Key != "help.status_same" {
				t.Errorf("closing twice: %v", err)
			}
			if _, err := a.ActOnHelpRequest(ctx, leader, schoolID, req.ID, app.HelpAction{Kind: "status", Status: "gone"}); !errors.As(err, &ve) {
				t.Errorf("a status that does not exist: %v", err)
			}

			// Retention: 29 days after closing it is still there; 31, gone with its history.
			start := time.Now()
			for _, tc := range []struct {
				days int
				want int
			}{{29, 3}, {31, 2}} {
				a.SetClock(func() time.Time { return start.Add(time.Duration(tc.days) * 24 * time.Hour) })
				_, err := a.RunRetention(ctx)
				must(t, err)
				if n := count("help_requests"); n != tc.want {
					t.Errorf("%d days after closing: %d requests, want %d", tc.days, n, tc.want)
				}
			}
			var events int
			must(t, env.DB.R.QueryRow(`SELECT count(*) FROM help_request_events WHERE request_id = $1`, req.ID).Scan(&events))
			if events != 0 {
				t.Errorf("%d history entries outlive their request", events)
			}

			// A request sent before logging in, with the account's address,
			// goes with the account's erasure as the logged-in one does.
			_, err = a.SubmitHelpRequest(ctx, nil, app.HelpInput{Topic: "other", Body: "Asked before logging in.", Email: demo.ParentEmail, IP: "192.0.2.77"})
			must(t, err)
			must(t, a.EraseNow(ctx, parent.User.ID))
			var left int
			must(t, env.DB.R.QueryRow(`SELECT count(*) FROM help_requests WHERE user_id = $1 OR email = $2`, parent.User.ID, demo.ParentEmail).Scan(&left))
			if left != 0 {
				t.Errorf("%d of the parent's help requests outlive their erasure", left)
			}
		})
	}
}

// Rate limits per address and per client address, with their own message;
// a request about no school is the operator's, not a leader's.
func TestHelpRequestLimitsAndOperator(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env := testenv.New(t, d)
			a := env.App
			leader := session(t, env, demo.LeaderEmail)
			in := app.HelpInput{Topic: "other", Body: "Where do I find the privacy notice?", Email: "pat@example.org", IP: "198.51.100.7"}
			for i := 0; i < app.DefaultHelpPerContact; i++ {
				in.IP = "198.51.100." + string(rune('1'+i))
				_, err := a.SubmitHelpRequest(ctx, nil, in)
				must(t, err)
			}
			var rl *app.RateLimitError
			if _, err := a.SubmitHelpRequest(ctx, nil, in); !errors.As(err, &rl) || rl.Key != "help.rate_limited" || rl.RetryAfter <= 0 {
				t.Fatalf("one address past its limit: %v", err)
			}
			for i := 0; i < app.DefaultHelpPerIP; i++ {
				in.Email = "p" + string(rune('a'+i)) + "@example.org"
				in.IP = "203.0.113.5"
				if _, err := a.SubmitHelpRequest(ctx, nil, in); err != nil {
					t.Fatalf("request %d from one address: %v", i+1, err)
				}
			}
			in.Email = "late@example.org"
			if _, err := a.SubmitHelpRequest(ctx, nil, in); !errors.As(err, &rl) {
				t.Fatalf("one client address past its limit: %v", err)
			}

			ops, err := a.OperatorHelpRequests(ctx, "new")
			must(t, err)
			if len(ops) != app.DefaultHelpPerContact+app.DefaultHelpPerIP {
				t.Fatalf("the operator's requests: %d", len(ops))
			}
			if _, err := a.HelpRequest(ctx, leader, ops[0].ID); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("a leader opens a request about no school: %v", err)
			}
			_, err = a.OperatorActOnHelpRequest(ctx, ops[0].ID, app.HelpAction{Kind: "reply", Body: "It is linked from every page's footer."})
			must(t, err)
			th, err := a.OperatorHelpRequest(ctx, ops[0].ID)
			must(t, err)
			if th.Request.Status != store.HelpAnswered || len(th.Events) != 2 || th.Events[0].AuthorID != 0 {
				t.Errorf("after the operator answered: %+v", th)
			}
			var schoolID int64
			for id := range leader.Actor.Schools {
				schoolID = id
			}
			school, err := a.SubmitHelpRequest(ctx, leader, app.HelpInput{Topic: "other", Body: "A question for us.", SchoolID: schoolID, IP: "192.0.2.50"})
			must(t, err)
			if _, err := a.OperatorHelpRequest(ctx, school.ID); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("the operator opens a request the school's leaders answer: %v", err)
			}
		})
	}
}
