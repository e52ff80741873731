package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"

	"cubby/internal/app"
)

const helpdeskUsage = "cubby helpdesk list [new|answered|closed] | show ID | reply ID TEXT | note ID TEXT | close ID | reopen ID [flags]"

// runHelpdesk is the operator's inbox of help requests (app/help.go):
// those about no school, or about a school with no active leader, which
// nobody in a school can answer. The operator answers here as a school's
// leaders do on its help page; answers go by email (or SMS) through the
// outbox. ("help" itself prints the usage.)
func runHelpdesk(ctx context.Context, e *env, args []string) error {
	var words []string
	for len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		words, args = append(words, args[0]), args[1:]
	}
	cfg, err := loadConfig(e, "helpdesk", args, func(fs *flag.FlagSet) {
		fs.Usage = func() { fmt.Fprintf(fs.Output(), "usage: %s\n\n", helpdeskUsage); fs.PrintDefaults() }
	})
	if err != nil {
		return err
	}
	want := map[string][2]int{"list": {1, 2}, "show": {2, 2}, "reply": {3, 3}, "note": {3, 3}, "close": {2, 2}, "reopen": {2, 2}}
	n, ok := want[firstWord(words)]
	if !ok || len(words) < n[0] || len(words) > n[1] {
		fmt.Fprintln(e.stderr, "usage: "+helpdeskUsage)
		return errors.New("say what to do: list, show, reply, note, close or reopen, with its arguments (quote the text)")
	}
	var id int64
	if words[0] != "list" {
		if id, err = strconv.ParseInt(words[1], 10, 64); err != nil || id <= 0 {
			return fmt.Errorf("%q is not a request number (the # in the list)", words[1])
		}
	}
	a, database, err := openAppWithOutbox(ctx, e, cfg)
	if err != nil {
		return err
	}
	defer database.Close()
	switch words[0] {
	case "list":
		status := ""
		if len(words) == 2 {
			status = words[1]
		}
		list, err := a.OperatorHelpRequests(ctx, status)
		if err != nil {
			return fmt.Errorf("%q is not a status: use new, answered or closed", status)
		}
		for _, r := range list {
			fmt.Fprintf(e.stdout, "#%-5d %-8s %-8s %s  %s\n", r.ID, r.Status, r.Topic, r.CreatedAt.Format("2006-01-02 15:04"), firstLine(r.Body, 60))
		}
		if len(list) == 0 {
			fmt.Fprintln(e.stdout, "no help requests")
		}
		return nil
	case "show":
		th, err := a.OperatorHelpRequest(ctx, id)
		if err != nil {
			return notFound(err, "no help request #%d for the operator (a school's leaders answer it, or it does not exist)", id)
		}
		r := th.Request
		contact := strings.TrimSpace(r.UserEmail + " " + r.Email + " " + r.Phone)
		if contact == "" {
			contact = "no way to answer was left"
		}
		fmt.Fprintf(e.stdout, "#%d %s, %s, sent %s in %s\nanswer to: %s\n\n%s\n", r.ID, r.Topic, r.Status, r.CreatedAt.Format("2006-01-02 15:04"), r.Language, contact, r.Body)
		for _, ev := range th.Events {
			who := ev.AuthorName
			if who == "" {
				who = "operator"
			}
			text := ev.Body
			if ev.Kind == "status" {
				text = ev.Status
			}
			fmt.Fprintf(e.stdout, "\n%s %s (%s): %s", ev.CreatedAt.Format("2006-01-02 15:04"), ev.Kind, who, text)
		}
		fmt.Fprintln(e.stdout)
		return nil
	}
	act := app.HelpAction{Kind: words[0]}
	switch words[0] {
	case "reply", "note":
		act.Body = words[2]
	case "close":
		act.Kind, act.Status = "status", "closed"
	case "reopen":
		act.Kind, act.Status = "status", "new"
	}
	_, err = a.OperatorActOnHelpRequest(ctx, id, act)
	var ve *app.ValidationError
	var re *app.RefusedError
	switch {
	case errors.As(err, &ve):
		return fmt.Errorf("the text is empty or longer than %d characters", app.HelpMaxBody)
	case errors.As(err, &re):
		if m, ok := map[string]string{"help.no_contact": "the request left no address to answer (call the number, then add a note)",
			"help.status_same": "the request already has that status"}[re.Key]; ok {
			return errors.New(m)
		}
		return err
	case err != nil:
		return notFound(err, "no help request #%d for the operator", id)
	}
	fmt.Fprintf(e.stdout, "#%d: %s done\n", id, words[0])
	return nil
}

func firstWord(words []string) string {
	if len(words) == 0 {
		return ""
	}
	return words[0]
}

// firstLine is the start of a text for a one-line listing.
func firstLine(s string, max int) string {
	s, _, _ = strings.Cut(s, "\n")
	if r := []rune(s); len(r) > max {
		return string(r[:max-1]) + "…"
	}
	return s
}
