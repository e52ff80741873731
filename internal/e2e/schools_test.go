package e2e

import (
	"context"
	"strings"
	"testing"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"cubby/internal/schoolimport"
	"cubby/internal/testenv"
)

// A visitor finds their school despite a typo, then lets the browser share
// their position (faked through DevTools) and sees the nearest match first.
func TestSchoolSearchInBrowser(t *testing.T) {
	env := testenv.New(t, engine(t))
	m, _ := schoolimport.ParseMapping([]string{"school_id=source_id,school_name=name,street=address,town=city,state=region,zip=postal_code,latitude=lat,longitude=lon"})
	if _, err := schoolimport.ImportFile(context.Background(), env.DB, "../schoolimport/testdata/schools.csv",
		schoolimport.Options{Source: "fixture", Mapping: m, Country: "US"}); err != nil {
		t.Fatal(err)
	}
	for _, vp := range []struct {
		name string
		size [2]int64
	}{{"phone", phone}, {"desktop", desktop}} {
		t.Run(vp.name, func(t *testing.T) {
			b := newBrowser(t, vp.size, "en-US")
			b.do(chromedp.Navigate(env.URL+"/schools/search"), chromedp.WaitVisible(chromedp.ID("school-q")))
			b.shot("school-search-start-" + vp.name)
			b.do(
				chromedp.SendKeys(chromedp.ID("school-q"), "albertvile midle"),
				chromedp.Click(chromedp.CSS(`.school-query button[type=submit]`)),
				chromedp.WaitVisible(chromedp.CSS(".school-results")),
			)
			if first := b.text(".school-option .school-name"); first != "Albertville Middle School" {
				t.Errorf("first result for a misspelt name: %q", first)
			}
			if b.eval(`String(document.querySelectorAll('.school-distance').length)`) != "0" {
				t.Errorf("distances shown before any position was shared")
			}
			b.shot("school-search-typo-" + vp.name)

			// Near St. Michael, Minnesota: its Albertville middle schools are
			// the nearest good matches.
			lat, lon, acc := 45.2091, -93.6653, 20.0
			b.do(
				chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
					_, err := cdp.Call(ctx, chromedp.FromContext(ctx).Browser, cdpbrowser.SetPermission, cdpbrowser.SetPermissionParams{
						Permission: &cdpbrowser.PermissionDescriptor{Name: "geolocation"}, Setting: cdpbrowser.PermissionSettingGranted, Origin: env.URL})
					return err
				}),
				chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
					_, err := cdp.Call(ctx, tg, emulation.SetGeolocationOverride, emulation.SetGeolocationOverrideParams{Latitude: &lat, Longitude: &lon, Accuracy: &acc})
					return err
				}),
				chromedp.WaitVisible(chromedp.ID("use-location")),
				chromedp.Click(chromedp.ID("use-location")),
				chromedp.WaitVisible(chromedp.CSS(".school-distance")),
			)
			if first := b.text(".school-option .school-name"); first != "St. Michael-Albertville Middle East" {
				t.Errorf("nearest first: %q", first)
			}
			if d := b.text(".school-option .school-distance"); !strings.HasSuffix(d, " m") && !strings.HasSuffix(d, " km") {
				t.Errorf("distance %q", d)
			}
			// The page sends a position rounded to about 100 m.
			if q := b.eval(`location.search`); !strings.Contains(q, "lat=45.209&lon=-93.665") || !strings.Contains(q, "q=albertvile+midle") {
				t.Errorf("query %q", q)
			}
			if !strings.Contains(b.text(".school-results legend"), "Sorted by distance from you.") {
				t.Errorf("no word that the list is sorted by distance")
			}
			// Choosing a school is a plain radio button.
			b.do(chromedp.Click(chromedp.CSS(".school-option")))
			if b.eval(`String(document.querySelector('input[name=school_id]:checked') !== null)`) != "true" {
				t.Errorf("the result cannot be chosen")
			}
			b.shot("school-search-near-" + vp.name)

			b.do(chromedp.Navigate(env.URL+"/schools/search?q=zzyzx"), chromedp.WaitVisible(chromedp.CSS(".empty")))
			b.shot("school-search-empty-" + vp.name)
		})
	}
	// Right to left, with distances in the language's own digits.
	t.Run("arabic", func(t *testing.T) {
		b := newBrowser(t, phone, "en-US")
		b.do(chromedp.Navigate(env.URL+"/schools/search?q=albertvile&lat=34.2&lon=-86.15"), chromedp.WaitVisible(chromedp.CSS(".school-results")))
		b.eval(`(() => { const s = document.getElementById('lang-select'); s.value = 'ar'; s.dispatchEvent(new Event('change', {bubbles: true})); return "" })()`)
		// The language switch returns to the page without its query; the
		// choice is kept, so search again.
		b.do(chromedp.WaitVisible(chromedp.CSS(`html[dir=rtl] #school-q`)),
			chromedp.Navigate(env.URL+"/schools/search?q=albertvile&lat=34.2&lon=-86.15"), chromedp.WaitVisible(chromedp.CSS(".school-results")))
		if dir := b.eval(`document.documentElement.dir`); dir != "rtl" {
			t.Errorf("dir %q", dir)
		}
		if d := b.text(".school-option .school-distance"); !strings.Contains(d, "كم") {
			t.Errorf("distance %q", d)
		}
		b.shot("school-search-arabic-phone")
	})
}
