package web

import (
	"html/template"
	"strconv"
	"time"

	"cubby/internal/i18n"
	"cubby/internal/store"
)

// Numbers and times that sit in right-to-left text. A signed number such
// as "+1" has no strong direction, so in an Arabic sentence the browser
// puts its sign after it ("1+"); the number is written with a true minus
// sign and isolated left-to-right, as CLDR writes signed numbers in
// Arabic with Latin digits, so every language reads "+1" and "−1".

// signed is a point total or a skill's weight with its sign, isolated:
// "+3", "0", "−2".
func signed(l *i18n.Localizer, n int) template.HTML {
	var s string
	switch {
	case n > 0:
		s = "+" + strconv.Itoa(n)
	case n < 0:
		s = "\u2212" + strconv.Itoa(-n)
	default:
		s = "0"
	}
	_ = l // the digits are Latin in every catalog Cubby has
	return template.HTML(`<bdi dir="ltr" class="num">` + s + `</bdi>`)
}

// weekClock is when a point was given, as a family's timeline shows it
// ("Mon 14:05"), in the school's zone, for the page and its live rows alike.
func (s *Server) weekClock(l *i18n.Localizer, t time.Time) string {
	lt := t.In(s.app.Location)
	day := (int(lt.Weekday())+6)%7 + 1 // Monday is 1
	return l.T("time.weekday_short."+strconv.Itoa(day)) + " " + lt.Format("15:04")
}

// clock is a time of day in the school's zone, as "14:05", with a
// machine-readable datetime, for the rows of a timeline.
func clock(loc *time.Location, t time.Time) template.HTML {
	lt := t.In(loc)
	return template.HTML(`<time datetime="` + lt.Format(time.RFC3339) + `" dir="ltr">` + lt.Format("15:04") + `</time>`)
}

// titleOption labels a title in a form's list: the reader's word, with the
// English one beside it where two read alike ("Sra. (Ms.)").
func titleOption(l *i18n.Localizer, t string) string {
	if w := l.Title(t); w != t {
		return w + " (" + t + ")"
	}
	return t
}

// displayName is how a person is addressed (store.User.DisplayName) with
// the title in the reader's language: "Sra. Alvarez".
func displayName(l *i18n.Localizer, u *store.User) string {
	if u == nil {
		return ""
	}
	return l.PersonName(u.Title, u.FirstName, u.LastName)
}
