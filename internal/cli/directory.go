package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"

	"cubby/internal/app"
	"cubby/internal/i18n"
)

const staffUsage = "cubby staff list SCHOOL_ID | confirm-school SCHOOL_ID | make-leader SCHOOL_ID EMAIL [flags]"

// runStaff lets the operator do what only a school's leaders can, where a
// school has none who can: list its staff and requests, confirm a school
// someone added, make someone its leader. Everything else — approving,
// removing, inviting — stays with the school's own leaders.
func runStaff(ctx context.Context, e *env, args []string) error {
	var words []string
	for len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		words, args = append(words, args[0]), args[1:]
	}
	cfg, err := loadConfig(e, "staff", args, func(fs *flag.FlagSet) {
		fs.Usage = func() { fmt.Fprintf(fs.Output(), "usage: %s\n\n", staffUsage); fs.PrintDefaults() }
	})
	if err != nil {
		return err
	}
	want := map[string]int{"list": 2, "confirm-school": 2, "make-leader": 3}
	if len(words) == 0 || want[words[0]] != len(words) {
		fmt.Fprintln(e.stderr, "usage: "+staffUsage)
		return errors.New("say what to do: list, confirm-school or make-leader, with its arguments")
	}
	schoolID, err := strconv.ParseInt(words[1], 10, 64)
	if err != nil || schoolID <= 0 {
		return fmt.Errorf("%q is not a school id (the number in the school's directory address)", words[1])
	}
	database, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer database.Close()
	bundle, err := i18n.Load()
	if err != nil {
		return err
	}
	a, err := newApp(cfg, database, newLogger(cfg, e.stderr), bundle, nil)
	if err != nil {
		return err
	}
	switch words[0] {
	case "confirm-school":
		school, err := a.OperatorConfirmSchool(ctx, schoolID)
		if err != nil {
			return notFound(err, "no school %d", schoolID)
		}
		fmt.Fprintf(e.stdout, "%s is confirmed\n", school.Name)
	case "make-leader":
		u, err := a.OperatorMakeLeader(ctx, schoolID, words[2])
		var re *app.RefusedError
		if errors.As(err, &re) {
			return errors.New("that account is a parent's or a student's; only teachers and school leaders can lead a school")
		}
		if err != nil {
			return notFound(err, "no school %d, or no account with that email", schoolID)
		}
		fmt.Fprintf(e.stdout, "%s is now a verified leader of school %d\n", u.FullName(), schoolID)
	default:
		school, staff, err := a.SchoolStaff(ctx, schoolID)
		if err != nil {
			return notFound(err, "no school %d", schoolID)
		}
		state := "confirmed"
		if !school.Verified {
			state = "not confirmed"
		}
		fmt.Fprintf(e.stdout, "%s (%s, %s)\n", school.Name, school.City, state)
		for _, m := range staff {
			verified := "verified"
			if m.VerifiedAt == nil {
				verified = "unverified"
			}
			fmt.Fprintf(e.stdout, "  %-8s %-7s %-10s %s <%s>\n", m.Status, m.Role, verified, m.FullName(), m.Email)
		}
		if len(staff) == 0 {
			fmt.Fprintln(e.stdout, "  no staff and no requests")
		}
	}
	return nil
}

func notFound(err error, format string, a ...any) error {
	if errors.Is(err, app.ErrNotFound) {
		return fmt.Errorf(format, a...)
	}
	return err
}
