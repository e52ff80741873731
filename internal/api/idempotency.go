package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"

	"cubby/internal/app"
	"cubby/internal/store"
)

// idempotent makes a write safe to retry: with an Idempotency-Key header,
// the first response is stored and a repeat of the same request gets it
// back without running the handler again.
func (x *API) idempotent(next func(http.ResponseWriter, *http.Request) error) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		key := r.Header.Get("Idempotency-Key")
		sess := app.SessionFrom(r.Context())
		if key == "" || sess == nil {
			return next(w, r)
		}
		if len(key) > 255 {
			ve := &app.ValidationError{}
			ve.Add("Idempotency-Key", "validation.too_long", "max", 255)
			return ve
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(append([]byte(r.Method+" "+r.URL.Path+"\n"), body...))
		hash := hex.EncodeToString(sum[:])
		prev, err := x.app.RememberedResponse(r.Context(), sess, key, hash)
		if err != nil { // ErrIdempotencyMismatch is a 409 of its own (errors.go)
			return err
		}
		if prev != nil {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Idempotent-Replayed", "true")
			w.WriteHeader(prev.Status)
			io.WriteString(w, prev.Body)
			return nil
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec := &recorder{ResponseWriter: w}
		if err := next(rec, r); err != nil {
			return err
		}
		if rec.status < 500 {
			return x.app.RememberResponse(r.Context(), sess, key, &store.IdempotentResponse{
				RequestHash: hash, Status: rec.status, Body: rec.buf.String()})
		}
		return nil
	}
}

// recorder passes a response through while keeping a copy.
type recorder struct {
	http.ResponseWriter
	status int
	buf    bytes.Buffer
}

func (r *recorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	r.buf.Write(b)
	return r.ResponseWriter.Write(b)
}
