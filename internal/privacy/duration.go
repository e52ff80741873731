package privacy

import (
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Period is an ISO 8601 duration kept in its calendar units. Retention rules
// are written in months and years ("P12M"), which have no fixed length, so a
// time.Duration would silently change what the rule means.
type Period struct {
	Years, Months, Days     int
	Hours, Minutes, Seconds int
}

// IsZero reports a period of no time at all, which as a retention period
// would mean "keep nothing" and is almost certainly a mistake.
func (p Period) IsZero() bool { return p == Period{} }

// maxUnits bounds each number so arithmetic on a Period cannot overflow.
const maxUnits = 1_000_000

// longest is the longest retention the validator accepts. A rule like
// "P999Y" is finite on paper but indefinite in practice, which RET-1 forbids.
const longest = 100 // years

// exceeds reports whether p is longer than the given number of years,
// counting a month as 31 days so that a doubtful case is refused.
func (p Period) exceeds(years int) bool {
	days := p.Years*365 + p.Months*31 + p.Days + (p.Hours+(p.Minutes+p.Seconds/60)/60)/24
	return days > years*366
}

// ParseDuration reads an ISO 8601 duration in the forms retention rules use:
// PnYnMnD, optionally followed by TnHnMnS, or PnW. Only whole, non-negative
// numbers are accepted: a fraction of a month has no agreed meaning, and
// there is no way to write "forever" — which is the point (RET-1).
func ParseDuration(iso string) (Period, error) {
	if iso == "" {
		return Period{}, errors.New("empty duration")
	}
	bad := func(why string) (Period, error) {
		return Period{}, fmt.Errorf("duration %q: %s (want ISO 8601 such as P30D, P12M, P1Y or PT24H)", iso, why)
	}
	if iso[0] != 'P' || len(iso) == 1 {
		return bad("must start with P and name at least one unit")
	}
	var p Period
	inTime := false
	last := -1 // position of the last unit seen, to enforce Y M W D H M S order
	for i := 1; i < len(iso); {
		if iso[i] == 'T' {
			if inTime || i == len(iso)-1 {
				return bad("misplaced T")
			}
			inTime = true
			i++
			continue
		}
		j := i
		for j < len(iso) && iso[j] >= '0' && iso[j] <= '9' {
			j++
		}
		if j == i || j == len(iso) {
			return bad("each number needs a unit and each unit a whole number")
		}
		n, err := strconv.Atoi(iso[i:j])
		if err != nil || n > maxUnits {
			return bad("number out of range")
		}
		unit := iso[j]
		var pos int
		switch {
		case !inTime && unit == 'Y':
			pos, p.Years = 0, n
		case !inTime && unit == 'M':
			pos, p.Months = 1, n
		case !inTime && unit == 'W':
			pos, p.Days = 2, p.Days+7*n
		case !inTime && unit == 'D':
			pos, p.Days = 3, p.Days+n
		case inTime && unit == 'H':
			pos, p.Hours = 4, n
		case inTime && unit == 'M':
			pos, p.Minutes = 5, n
		case inTime && unit == 'S':
			pos, p.Seconds = 6, n
		default:
			return bad(fmt.Sprintf("unknown unit %q", unit))
		}
		if pos <= last {
			return bad("units out of order or repeated")
		}
		last = pos
		i = j + 1
	}
	return p, nil
}

// Approx is the period's rough length (a year of 365.25 days, a month of
// 30.44), for ordering periods; clocks use Before and After, which follow the
// calendar.
func (p Period) Approx() time.Duration {
	days := float64(p.Years)*365.25 + float64(p.Months)*30.44 + float64(p.Days)
	return time.Duration(days*24*float64(time.Hour)) +
		time.Duration(p.Hours)*time.Hour + time.Duration(p.Minutes)*time.Minute + time.Duration(p.Seconds)*time.Second
}

// Before returns t moved back by the period, in calendar units: the cutoff
// before which a value whose clock started is due.
func (p Period) Before(t time.Time) time.Time {
	return t.AddDate(-p.Years, -p.Months, -p.Days).Add(-(time.Duration(p.Hours)*time.Hour +
		time.Duration(p.Minutes)*time.Minute + time.Duration(p.Seconds)*time.Second))
}

// After returns t moved forward by the period, in calendar units.
func (p Period) After(t time.Time) time.Time {
	return t.AddDate(p.Years, p.Months, p.Days).Add(time.Duration(p.Hours)*time.Hour +
		time.Duration(p.Minutes)*time.Minute + time.Duration(p.Seconds)*time.Second)
}

// String writes the period back in ISO 8601.
func (p Period) String() string {
	if p.IsZero() {
		return "PT0S"
	}
	s := "P"
	for _, u := range []struct {
		n    int
		unit string
	}{{p.Years, "Y"}, {p.Months, "M"}, {p.Days, "D"}} {
		if u.n != 0 {
			s += strconv.Itoa(u.n) + u.unit
		}
	}
	if p.Hours != 0 || p.Minutes != 0 || p.Seconds != 0 {
		s += "T"
		for _, u := range []struct {
			n    int
			unit string
		}{{p.Hours, "H"}, {p.Minutes, "M"}, {p.Seconds, "S"}} {
			if u.n != 0 {
				s += strconv.Itoa(u.n) + u.unit
			}
		}
	}
	return s
}

// AnswerBy is the deadline for answering a request about personal data
// received at t (GDPR Art. 12(3)): one month, counted as Regulation
// 1182/71 counts months — the same day of the next month, or that month's
// last day when it has no such day (31 January → 28 or 29 February).
func AnswerBy(t time.Time) time.Time {
	y, m, d := t.Date()
	last := time.Date(y, m+2, 0, 0, 0, 0, 0, t.Location()).Day() // last day of the next month
	return time.Date(y, m+1, min(d, last), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
}
