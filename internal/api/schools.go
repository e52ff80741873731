package api

import (
	"math"
	"net/http"

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

// searchSchools answers GET /schools/search?q=&lat=&lon=&limit=. The
// position is used for this answer only: it is not stored, and the request
// log records the route pattern, never the query string.
func (x *API) searchSchools(w http.ResponseWriter, r *http.Request) error {
	v := r.URL.Query()
	hits, err := x.app.SearchSchools(r.Context(), app.SchoolSearch{Q: v.Get("q"), Lat: v.Get("lat"), Lon: v.Get("lon"), Limit: v.Get("limit")})
	if err != nil {
		return err
	}
	out := struct {
		Schools []SchoolHit `json:"schools"`
	}{Schools: make([]SchoolHit, 0, len(hits))}
	for _, h := range hits {
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
