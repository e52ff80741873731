package app

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"cubby/internal/authz"
	"cubby/internal/store"
)

// First-party reports of JavaScript errors (issue 14), "to diagnose
// issues": the error's message and stack, Cubby's version and the
// browser's family — never the account, the page's content, a query
// string or an email address (client_errors.yaml). Only logged-in people
// report, and not where any of their schools turned reports off.

// ClientErrorInput is a report as the page sends it.
type ClientErrorInput struct {
	Message   string
	Stack     string
	UserAgent string
}

// Limits of a report.
const (
	MaxErrorMessage = 500
	MaxErrorStack   = 4000
	// errorsPerPerson an hour, and errorsPerHour from everyone: a page in
	// a loop of errors does not fill the table.
	errorsPerPerson = 20
	errorsPerHour   = 2000
)

// ReportsOn reports whether the person's browser may report errors: no
// school of theirs turned reports off.
func (a *App) ReportsOn(ctx context.Context, s *Session) (bool, error) {
	off, err := store.SchoolsWithReportsOff(ctx, a.db.R, s.Actor.SchoolIDs())
	return authz.CanReportErrors(s.Actor, off), err
}

// ErrorReports reads a school's setting, for its leaders' page.
func (a *App) ErrorReports(ctx context.Context, s *Session, schoolID int64) (bool, error) {
	if !authz.CanViewSchool(s.Actor, schoolID) {
		return false, ErrNotFound
	}
	return store.SchoolErrorReports(ctx, a.db.R, schoolID)
}

// SetErrorReports turns a school's error reports on or off (its leaders).
func (a *App) SetErrorReports(ctx context.Context, s *Session, schoolID int64, on bool) error {
	if !authz.CanViewSchool(s.Actor, schoolID) {
		return ErrNotFound
	}
	if !authz.CanSetErrorReports(s.Actor, schoolID) {
		return ErrForbidden
	}
	return store.SetSchoolErrorReports(ctx, a.db.W, schoolID, on)
}

// ReportClientError stores a scrubbed report. It reports false when
// nothing was stored because reports are off for the person (their page
// then stops sending), and a RateLimitError past the limits. An empty
// message is a validation error.
func (a *App) ReportClientError(ctx context.Context, s *Session, in ClientErrorInput) (bool, error) {
	msg := scrubReport(in.Message, MaxErrorMessage)
	if msg == "" {
		v := &ValidationError{}
		v.Add("message", "push.report_empty")
		return false, v.Err()
	}
	on, err := a.ReportsOn(ctx, s)
	if err != nil || !on {
		return false, err
	}
	now := a.Now()
	key := strconv.FormatInt(s.User.ID, 10)
	if wait := a.errorReports.check(key, now); wait > 0 {
		return false, &RateLimitError{RetryAfter: wait}
	}
	n, err := store.CountClientErrorsSince(ctx, a.db.R, now.Add(-time.Hour))
	if err != nil {
		return false, err
	}
	if n >= errorsPerHour {
		return false, &RateLimitError{RetryAfter: 10 * time.Minute}
	}
	a.errorReports.add(key, now)
	browser := BrowserFamilyOf(in.UserAgent)
	err = store.InsertClientError(ctx, a.db.W, store.ClientError{CreatedAt: now, Message: msg,
		Stack: scrubReport(in.Stack, MaxErrorStack), AppVersion: a.Push.AppVersion, Browser: browser})
	return err == nil, err
}

// ClientErrors lists the newest reports, for the operator's command.
func (a *App) ClientErrors(ctx context.Context, limit int) ([]store.ClientError, error) {
	return store.RecentClientErrors(ctx, a.db.R, limit)
}

var (
	urlPattern   = regexp.MustCompile(`(?i)\b(?:https?|blob|file)://[^\s'"()<>]+`)
	emailPattern = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}`)
	longNumber   = regexp.MustCompile(`\d{7,}`)
	// positionPattern is the :line:column a stack frame ends its URL with.
	positionPattern = regexp.MustCompile(`(?::\d+){1,2}$`)
)

// scrubReport keeps what locates a bug and drops what could name someone:
// a web address keeps its path (with a script's line and column) but
// loses its origin, query and fragment; email addresses and long numbers
// (phone numbers, codes) become placeholders; the text is cut to max
// bytes on a character boundary.
func scrubReport(s string, max int) string {
	s = strings.ToValidUTF8(s, "")
	s = urlPattern.ReplaceAllStringFunc(s, func(u string) string {
		pos := positionPattern.FindString(u) // a script's :line:column
		u = strings.TrimSuffix(u, pos)
		rest := u[strings.Index(u, "://")+3:]
		path := "/"
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			path = rest[i:]
		}
		if i := strings.IndexAny(path, "?#"); i >= 0 {
			path = path[:i]
		}
		return path + pos
	})
	s = emailPattern.ReplaceAllString(s, "[email]")
	s = longNumber.ReplaceAllString(s, "[number]")
	s = strings.TrimSpace(s)
	if len(s) > max {
		s = s[:max]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
	}
	return s
}
