package app_test

import (
	"context"
	"testing"

	"cubby/internal/app"
	"cubby/internal/notify/webpush"
)

// touchPush gives the privacy fixture its device information: the parent
// turned notifications on for a phone (a subscription through a local
// push service's address, which testenv allows), and a page reported a
// JavaScript error. Every device table then holds a row, for the export,
// erasure and retention tests.
func touchPush(t *testing.T, f *family) {
	t.Helper()
	key := webpush.Encode(uaKey(t).PublicKey().Bytes())
	_, err := f.env.App.SubscribePush(f.ctx, f.parent, app.PushInput{Endpoint: "http://127.0.0.1:9/push/fixture-phone",
		P256dh: key, Auth: webpush.Encode(make([]byte, 16)), UserAgent: androidChrome})
	must(t, err)
	_, err = f.env.App.ReportClientError(context.Background(), f.parent, app.ClientErrorInput{Message: "TypeError: x is undefined",
		Stack: "at award (" + f.env.URL + "/static/classroom.js?v=1:10:5)", UserAgent: androidChrome})
	must(t, err)
}
