package api

import (
	"encoding/base64"
	"math"
	"net/http"
	"strconv"
	"strings"

	"cubby/internal/app"
)

// SchoolHit is the JSON form of a school search result.
type SchoolHit struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	City       string `json:"city"`
	Region     string `json:"region"`
	PostalCode string `json:"postal_code"`
	Country    string `json:"country"`
	// DistanceM is metres from the position searched from; null without one.
	DistanceM *int64 `json:"distance_m"`
}

// searchSchools answers GET /schools/search?q=&lat=&lon=&limit=&cursor=.
// The position is used for this answer only: it is not stored, and the
// request log records the route pattern, never the query string.
func (x *API) searchSchools(w http.ResponseWriter, r *http.Request) error {
	v := r.URL.Query()
	page, err := schoolSearchCursor(v.Get("cursor"))
	if err != nil {
		return err
	}
	res, err := x.app.SearchSchoolsPage(r.Context(), app.SchoolSearch{Q: v.Get("q"), Lat: v.Get("lat"), Lon: v.Get("lon"), Limit: v.Get("limit"), Page: page})
	if err != nil {
		return err
	}
	out := struct {
		Schools []SchoolHit `json:"schools"`
		Next    *string     `json:"next"`
		Many    bool        `json:"many"`
	}{Schools: make([]SchoolHit, 0, len(res.Hits)), Many: res.Many}
	if res.More {
		c := base64.RawURLEncoding.EncodeToString([]byte("page:" + strconv.Itoa(res.Page+1)))
		out.Next = &c
	}
	for _, h := range res.Hits {
		s := SchoolHit{ID: id(h.ID), Name: h.Name, City: h.City, Region: h.Region, PostalCode: h.PostalCode, Country: h.Country}
		if h.DistanceM != nil {
			m := int64(math.Round(*h.DistanceM))
			s.DistanceM = &m
		}
		out.Schools = append(out.Schools, s)
	}
	// The answer reveals where the searcher is; no cache may keep it.
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, out)
}

// schoolSearchCursor reads the opaque cursor of a search's next page (the
// page number within; ask with the same q, position and limit): "" for the
// first page.
func schoolSearchCursor(c string) (page string, err error) {
	if c == "" {
		return "", nil
	}
	b, derr := base64.RawURLEncoding.DecodeString(c)
	page, ok := strings.CutPrefix(string(b), "page:")
	if _, perr := strconv.Atoi(page); derr != nil || !ok || perr != nil {
		ve := &app.ValidationError{}
		ve.Add("cursor", "validation.invalid_cursor")
		return "", ve.Err()
	}
	return page, nil
}
