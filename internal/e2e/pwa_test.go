package e2e

import (
	"context"
	"crypto/ecdh"
	"crypto/rand"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"cubby/internal/app"
	"cubby/internal/demo"
	"cubby/internal/notify/webpush"
	"cubby/internal/testenv"
)

// Cubby installs as an app: Chromium's own installability check finds
// nothing missing once the service worker controls the page; the
// settings list a device that receives notifications and remove it.
func TestInstallableAppAndDevices(t *testing.T) {
	env := testenv.New(t, engine(t))
	for _, vp := range []struct {
		name string
		size [2]int64
	}{{"phone", phone}, {"desktop", desktop}} {
		t.Run(vp.name, func(t *testing.T) {
			b := newBrowser(t, vp.size, "en-US")
			b.login(env.URL, demo.ParentEmail, demo.Password)
			b.do(chromedp.Navigate(env.URL + "/"))
			b.waitUntil("the service worker controls the page", `!!navigator.serviceWorker && navigator.serviceWorker.controller !== null`)
			res, err := chromedp.Call(b.ctx, page.GetInstallabilityErrors, cdp.Empty{})
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range res.InstallabilityErrors {
				t.Errorf("installability: %s %v", e.ErrorID, e.ErrorArguments)
			}

			// A phone of the parent's receives notifications.
			ctx := context.Background()
			token, _, err := env.App.Login(ctx, app.Credentials{Login: demo.ParentEmail, Password: demo.Password})
			if err != nil {
				t.Fatal(err)
			}
			sess, err := env.App.Authenticate(ctx, token)
			if err != nil {
				t.Fatal(err)
			}
			k, _ := ecdh.P256().GenerateKey(rand.Reader)
			_, err = env.App.SubscribePush(ctx, sess, app.PushInput{Endpoint: "http://127.0.0.1:9/push/" + vp.name,
				P256dh: webpush.Encode(k.PublicKey().Bytes()), Auth: webpush.Encode(make([]byte, 16)),
				UserAgent: "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36"})
			if err != nil {
				t.Fatal(err)
			}
			b.do(chromedp.Navigate(env.URL+"/settings/devices"), chromedp.WaitVisible(chromedp.CSS(".device-row")))
			if row := b.text(".device-row"); !strings.Contains(row, "Android · Chrome") || !strings.Contains(row, "last used") {
				t.Errorf("device row %q", row)
			}
			b.shot("devices-" + vp.name)
			b.do(chromedp.Click(chromedp.CSS(`.device-row form button`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
			b.waitUntil("the device is gone", `document.querySelectorAll('.device-row').length === 0 && !!document.getElementById('no-devices')`)
			b.shot("devices-removed-" + vp.name)
		})
	}
}
