package app

import "context"

type sessionKey struct{}

// WithSession returns ctx carrying the request's session, set once by the
// authentication middleware.
func WithSession(ctx context.Context, s *Session) context.Context {
	return context.WithValue(ctx, sessionKey{}, s)
}

// SessionFrom returns the request's session, or nil for a visitor.
func SessionFrom(ctx context.Context) *Session {
	s, _ := ctx.Value(sessionKey{}).(*Session)
	return s
}
