package api

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"

	"cubby/internal/app"
)

const (
	defaultLimit = 50
	maxLimit     = 200
)

// page reads ?limit= and ?cursor= (the opaque "next" value of the previous
// page). The cursor wraps the last id seen; clients must not build it.
func page(r *http.Request) (after int64, limit int, err error) {
	ve := &app.ValidationError{}
	limit = defaultLimit
	if s := r.URL.Query().Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxLimit {
			ve.Add("limit", "validation.invalid_limit", "max", maxLimit)
		}
		limit = n
	}
	c := r.URL.Query().Get("cursor")
	if c == "" {
		c = r.URL.Query().Get("next") // the field name clients see in responses
	}
	if c != "" {
		b, err := base64.RawURLEncoding.DecodeString(c)
		s, ok := strings.CutPrefix(string(b), "after:")
		if err == nil && ok {
			after, err = strconv.ParseInt(s, 10, 64)
		}
		if err != nil || !ok || after < 0 {
			ve.Add("cursor", "validation.invalid_cursor")
		}
	}
	return after, limit, ve.Err()
}

// nextCursor returns the cursor for the page after lastID, or nil when the
// page was not full (there is nothing more).
func nextCursor(n, limit int, lastID int64) *string {
	if n < limit {
		return nil
	}
	c := base64.RawURLEncoding.EncodeToString([]byte("after:" + strconv.FormatInt(lastID, 10)))
	return &c
}
