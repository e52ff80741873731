package i18n

import "context"

type localizerKey struct{}

// WithLocalizer returns ctx carrying the request's localizer, chosen once
// per request so the web pages and the API speak the same language.
func WithLocalizer(ctx context.Context, l *Localizer) context.Context {
	return context.WithValue(ctx, localizerKey{}, l)
}

// FromContext returns the request's localizer; nil if none was set.
func FromContext(ctx context.Context) *Localizer {
	l, _ := ctx.Value(localizerKey{}).(*Localizer)
	return l
}
