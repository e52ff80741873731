package web

import (
	"errors"
	"net/http"
	"strings"
	"unicode"

	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"cubby/internal/app"
	"cubby/internal/i18n"
	"cubby/internal/store"
)

// schoolSearchPage is the school finder: a form that works without
// JavaScript, and results as radio buttons named school_id inside the same
// form, so a flow that needs a school (joining one at sign-up) can reuse
// the page and post the choice by setting Action.
type schoolSearchPage struct {
	Q        string
	Lat, Lon string // the searcher's position, echoed only into this page's form
	Searched bool
	Near     bool
	Results  []schoolResult
	// Action, when set, adds a submit button posting school_id there.
	Action string
	// Paging, on the search page: which page this is, the results' range
	// (From–To), the next and previous pages (0 for none), and whether
	// many schools match, so the page suggests the town or a position.
	Page, From, To     int
	PrevPage, NextPage int
	Many               bool
}

// SchoolSearch is the search the school_query partial shows.
func (p *schoolSearchPage) SchoolSearch() *schoolSearchPage { return p }

// schoolResult is one school as the page shows it.
type schoolResult struct {
	ID       int64
	Name     string
	Place    string // "Albertville, AL 35950"
	Distance string // "1.2 km", or empty without a position
}

func (s *Server) schoolSearch(w http.ResponseWriter, r *http.Request) error {
	p := s.page(w, r, "schools.title")
	v := r.URL.Query()
	d := &schoolSearchPage{Q: strings.TrimSpace(v.Get("q")), Lat: strings.TrimSpace(v.Get("lat")), Lon: strings.TrimSpace(v.Get("lon"))}
	p.Data = d
	status := http.StatusOK
	if d.Q != "" || d.Lat != "" || d.Lon != "" {
		res, err := s.app.SearchSchoolsPage(r.Context(), app.SchoolSearch{Q: d.Q, Lat: d.Lat, Lon: d.Lon, Page: v.Get("page")})
		var ve *app.ValidationError
		switch {
		case errors.As(err, &ve):
			status = http.StatusBadRequest
			p.Errors = map[string]string{}
			for field, fe := range ve.Fields {
				p.Errors[field] = p.L.T(fe.Key, fe.Args...)
			}
			switch {
			case p.Errors["page"] != "":
				// Only an edited address asks for a page past the last.
				p.Error = p.Errors["page"]
			case p.Errors["q"] == "":
				// A bad position can only come from an edited address;
				// say so above the form and drop it.
				p.Error = p.L.T("schools.location_unavailable")
				d.Lat, d.Lon = "", ""
			}
		case err != nil:
			return err
		default:
			d.Searched = true
			d.Near = d.Lat != "" && d.Lon != ""
			for _, h := range res.Hits {
				d.Results = append(d.Results, schoolResult{ID: h.ID, Name: readableCaps(h.Name), Place: schoolPlace(h), Distance: schoolDistance(p.L, h.DistanceM)})
			}
			d.Page, d.Many = res.Page, res.Many && !d.Near
			d.From = (res.Page-1)*app.DefaultSchoolResults + 1
			d.To = d.From + len(res.Hits) - 1
			if res.Page > 1 {
				d.PrevPage = res.Page - 1
			}
			if res.More {
				d.NextPage = res.Page + 1
			}
		}
	}
	s.render(w, r, status, "school_search", p)
	return nil
}

// schoolPlace is a school's town, region and postal code, as people write them.
func schoolPlace(h store.SchoolHit) string {
	town := readableCaps(h.City)
	region := strings.TrimSpace(h.Region + " " + h.PostalCode)
	switch {
	case town == "":
		return region
	case region == "":
		return town
	}
	return town + ", " + region
}

// schoolDistance formats metres for people: "450 m", "2.4 km", "37 km", with the
// language's digits and decimal sign.
func schoolDistance(l *i18n.Localizer, m *float64) string {
	if m == nil {
		return ""
	}
	pr := message.NewPrinter(language.Make(l.Lang()))
	switch {
	case *m < 1000:
		return l.T("schools.distance_m", "distance", pr.Sprintf("%d", int(*m/10+0.5)*10))
	case *m < 10_000:
		return l.T("schools.distance_km", "distance", pr.Sprintf("%.1f", *m/1000))
	}
	return l.T("schools.distance_km", "distance", pr.Sprintf("%d", int(*m/1000+0.5)))
}

// readableCaps turns an ALL-CAPS name or town — as public data sets such as
// NCES write them — into title case for display; the record itself keeps
// what the source says. Mixed-case text is left alone, and so are short
// words without vowels (HS, MS, PS) and Roman numerals, which are
// abbreviations.
func readableCaps(s string) string {
	if strings.IndexFunc(s, unicode.IsLower) >= 0 || strings.IndexFunc(s, unicode.IsUpper) < 0 {
		return s
	}
	words := strings.Fields(s)
	for i, w := range words {
		if isAbbreviation(w) {
			continue
		}
		r := []rune(strings.ToLower(w))
		start := true
		for j, c := range r {
			if start && unicode.IsLetter(c) {
				r[j] = unicode.ToUpper(c)
			}
			start = !unicode.IsLetter(c) && c != '\'' && c != '’'
		}
		words[i] = string(r)
	}
	return strings.Join(words, " ")
}

func isAbbreviation(w string) bool {
	letters := strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) })
	if letters == "" {
		return true
	}
	if strings.Trim(letters, "IVX") == "" {
		return true // II, IV, XII
	}
	switch letters {
	case "ST", "MT", "FT", "DR", "JR", "SR", "MR", "MRS":
		return false // St. James, Mt. Vernon, Jr.
	}
	return len([]rune(letters)) <= 3 && !strings.ContainsAny(letters, "AEIOUY")
}
