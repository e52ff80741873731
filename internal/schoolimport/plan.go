package schoolimport

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"cubby/internal/store"
)

// ParseMapping reads --map values: "column=field,column=field", possibly
// given several times.
func ParseMapping(specs []string) (map[string]string, error) {
	m := map[string]string{}
	fields := map[string]string{}
	for _, spec := range specs {
		for _, pair := range strings.Split(spec, ",") {
			if strings.TrimSpace(pair) == "" {
				continue
			}
			col, field, ok := strings.Cut(pair, "=")
			col, field = strings.TrimSpace(col), strings.TrimSpace(field)
			if !ok || col == "" || field == "" {
				return nil, fmt.Errorf("--map %q: write column=field, e.g. ncessch=source_id", pair)
			}
			if !slices.Contains(store.ImportFields, field) {
				return nil, fmt.Errorf("--map %q: unknown field %q; the fields are %s", pair, field, strings.Join(store.ImportFields, ", "))
			}
			if prev, dup := fields[field]; dup {
				return nil, fmt.Errorf("--map: field %s is mapped from both %q and %q", field, prev, col)
			}
			if _, dup := m[col]; dup {
				return nil, fmt.Errorf("--map: column %q is mapped twice", col)
			}
			m[col], fields[field] = field, col
		}
	}
	return m, nil
}

// ParseSet reads --set values: "field=value", one per flag.
func ParseSet(specs []string) (map[string]string, error) {
	m := map[string]string{}
	for _, spec := range specs {
		field, value, ok := strings.Cut(spec, "=")
		field = strings.TrimSpace(field)
		if !ok || field == "" {
			return nil, fmt.Errorf("--set %q: write field=value, e.g. country=US", spec)
		}
		m[field] = strings.TrimSpace(value)
	}
	return m, nil
}

// plan is a checked mapping, bound to a header's column positions.
type plan struct {
	mapping map[string]string // column → field
	set     map[string]string // field → constant
	country string
	col     map[string]int // field → column position
	width   int            // header columns
	update  []string       // fields a known school gets from the import
}

// settable are the fields --set may give: a constant name, id or
// coordinate for every row would make no sense.
var settable = []string{"address", "city", "region", "postal_code", "country", "year_start", "year_end"}

func newPlan(o Options) (*plan, error) {
	p := &plan{mapping: o.Mapping, set: map[string]string{}, country: strings.ToUpper(o.Country)}
	if o.Source == "" {
		return nil, errors.New("the import needs a source name (--source), e.g. nces-ccd")
	}
	mapped := map[string]bool{}
	for _, f := range o.Mapping {
		mapped[f] = true
	}
	for f, v := range o.Set {
		switch {
		case !slices.Contains(settable, f):
			return nil, fmt.Errorf("--set %s: only %s can be set for every row", f, strings.Join(settable, ", "))
		case mapped[f]:
			return nil, fmt.Errorf("--set %s: the field is also mapped from a column; use one or the other", f)
		}
		if _, reason := checkValue(f, v); reason != "" {
			return nil, fmt.Errorf("--set %s=%q: %s", f, v, reason)
		}
		p.set[f] = v
		if f == "country" {
			p.set[f] = strings.ToUpper(v)
		}
	}
	if !mapped["source_id"] || !mapped["name"] {
		return nil, errors.New("--map must map a column to source_id (the school's id in the file) and one to name")
	}
	if mapped["lat"] != mapped["lon"] {
		return nil, errors.New("--map must map both lat and lon, or neither")
	}
	has := func(f string) bool { return mapped[f] || p.set[f] != "" }
	if !mapped["lat"] && !has("city") && !has("region") {
		return nil, errors.New("--map must give a location: lat and lon, or at least city or region")
	}
	if _, reason := checkValue("country", p.country); !has("country") && reason != "" {
		return nil, fmt.Errorf("the default country %q (CUBBY_COUNTRY): %s; map a country column or --set country=XX", o.Country, reason)
	}
	for _, f := range store.ImportFields {
		if f != "source_id" && (has(f) || f == "country") {
			p.update = append(p.update, f)
		}
	}
	return p, nil
}

// bind finds the mapped columns in the header, failing before anything is
// written if one is missing.
func (p *plan) bind(header []string) error {
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff") // a BOM from spreadsheet exports
	}
	p.width = len(header)
	p.col = map[string]int{}
	for col, field := range p.mapping {
		i := slices.Index(header, col)
		if i < 0 {
			// Forgive case and stray spaces when that is unambiguous.
			for j, h := range header {
				if strings.EqualFold(strings.TrimSpace(h), col) {
					if i >= 0 {
						i = -2
						break
					}
					i = j
				}
			}
		}
		if i < 0 {
			return fmt.Errorf("the file has no column %q (mapped to %s); its columns are: %s", col, field, strings.Join(header, ", "))
		}
		p.col[field] = i
	}
	return nil
}

// row turns a record into a school, or says why it cannot.
func (p *plan) row(rec []string) (s store.ImportedSchool, reason, detail string) {
	if len(rec) != p.width {
		return s, ReasonColumns, fmt.Sprintf("%d columns, the header has %d", len(rec), p.width)
	}
	if !validUTF8(rec) {
		return s, ReasonEncoding, "convert the file to UTF-8"
	}
	get := func(f string) string {
		if i, ok := p.col[f]; ok {
			return strings.TrimSpace(rec[i])
		}
		return p.set[f]
	}
	for f, i := range p.col {
		if n := len([]rune(rec[i])); n > MaxFieldChars {
			return s, ReasonTooLong, fmt.Sprintf("%s has %d characters", f, n)
		}
	}
	s = store.ImportedSchool{
		SourceID: get("source_id"), Name: get("name"), Address: get("address"), City: get("city"),
		Region: get("region"), PostalCode: get("postal_code"), Country: strings.ToUpper(get("country")),
		YearStart: get("year_start"), YearEnd: get("year_end"),
	}
	if s.Country == "" {
		s.Country = p.country
	}
	switch {
	case s.SourceID == "":
		return s, ReasonNoID, ""
	case s.Name == "":
		return s, ReasonNoName, fmt.Sprintf("source_id %q", s.SourceID)
	}
	lat, lon := get("lat"), get("lon")
	switch {
	case lat == "" && lon == "":
		if s.City == "" && s.Region == "" {
			return s, ReasonNoLocation, fmt.Sprintf("source_id %q", s.SourceID)
		}
	case lat == "" || lon == "":
		return s, ReasonCoordinates, fmt.Sprintf("lat %q, lon %q: give both or neither", lat, lon)
	default:
		la, r1 := checkValue("lat", lat)
		lo, r2 := checkValue("lon", lon)
		if r1 != "" || r2 != "" {
			return s, ReasonCoordinates, strings.TrimPrefix(r1+"; "+r2, "; ")
		}
		if la == 0 && lo == 0 {
			return s, ReasonCoordinates, "0, 0 is a placeholder, not a school's position"
		}
		s.Lat, s.Lon = &la, &lo
	}
	if _, r := checkValue("country", s.Country); r != "" {
		return s, ReasonCountry, r
	}
	for f, v := range map[string]string{"year_start": s.YearStart, "year_end": s.YearEnd} {
		if _, r := checkValue(f, v); v != "" && r != "" {
			return s, ReasonDate, r
		}
	}
	return s, "", ""
}

// checkValue validates one field's value, returning a coordinate's number.
func checkValue(field, v string) (float64, string) {
	switch field {
	case "lat", "lon":
		f, err := strconv.ParseFloat(v, 64)
		limit := map[string]float64{"lat": 90, "lon": 180}[field]
		switch {
		case err != nil || math.IsNaN(f) || math.IsInf(f, 0):
			return 0, fmt.Sprintf("%s %q is not a number", field, v)
		case f < -limit || f > limit:
			return 0, fmt.Sprintf("%s %s is outside -%g…%g", field, v, limit, limit)
		}
		return f, ""
	case "country":
		if u := strings.ToUpper(v); len(u) != 2 || u[0] < 'A' || u[0] > 'Z' || u[1] < 'A' || u[1] > 'Z' {
			return 0, fmt.Sprintf("country %q is not a two-letter code such as US", v)
		}
	case "year_start", "year_end":
		if _, err := time.Parse(time.DateOnly, v); err != nil {
			return 0, fmt.Sprintf("%s %q is not a date like 2025-09-01", field, v)
		}
	}
	return 0, ""
}
