package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"cubby/internal/demo"
	"cubby/internal/testenv"
)

// Login cards printed from a desktop window fit the page, A4 or Letter,
// QR codes whole (issue 15: the fourth column and the codes were cut); and
// one student's card can be reprinted without replacing the class's.
func TestLoginCardsPrint(t *testing.T) {
	env := testenv.New(t, engine(t))
	b := newBrowser(t, desktop, "en-US")
	b.login(env.URL, demo.TeacherEmail, demo.Password)
	b.do(chromedp.Navigate(env.URL+"/classes"), chromedp.WaitVisible(chromedp.CSS(".tiles .tile")))
	classPath := b.eval(`new URL(document.querySelector('.tiles .tile').href).pathname`)
	b.do(chromedp.Navigate(env.URL+classPath+"/students"), chromedp.WaitVisible(chromedp.CSS("table.roster")))
	b.do(chromedp.Click(chromedp.CSS(`form[action$="/cards"] button`)), chromedp.WaitVisible(chromedp.CSS(".cards-sheet")))
	all := atoi(t, b.eval(`String(document.querySelectorAll('.login-card').length)`))
	if all < 4 {
		t.Fatalf("%d cards: too few to fill a row", all)
	}
	// The printable width of each paper between 1 cm margins, in CSS px.
	for _, paper := range []struct {
		name          string
		width, height float64 // inches
	}{{"a4", 8.27, 11.69}, {"letter", 8.5, 11}} {
		printable := int64((paper.width - 2/2.54) * 96)
		b.do(chromedp.EmulateViewport(printable, 1000), printMedia("print", emulation.SetEmulatedVisionDeficiencyTypeNone))
		cut := b.eval(`[...document.querySelectorAll('.login-card')].filter(c => {
			const r = c.getBoundingClientRect(), q = c.querySelector('.qr').getBoundingClientRect();
			return r.left < 0 || r.right > innerWidth || q.left < r.left || q.right > r.right || q.bottom > r.bottom;
		}).length + "/" + document.documentElement.scrollWidth`)
		if want := fmt.Sprintf("0/%d", printable); cut != want {
			t.Errorf("on %s, cut cards / page width: %s, want %s", paper.name, cut, want)
		}
		b.do(printMedia("", emulation.SetEmulatedVisionDeficiencyTypeNone), chromedp.EmulateViewport(desktop[0], desktop[1]))
		savePDF(t, b, paper.name, paper.width, paper.height)
	}

	// One student's card, from the roster: one card, said to be the only one.
	b.do(chromedp.Navigate(env.URL+classPath+"/students"), chromedp.WaitVisible(chromedp.CSS("table.roster")))
	b.do(chromedp.Click(chromedp.CSS(`table.roster form[action$="/card"] button`)), chromedp.WaitVisible(chromedp.CSS(".cards-sheet")))
	if n := b.eval(`String(document.querySelectorAll('.login-card').length)`); n != "1" {
		t.Errorf("reprinting one card shows %s cards", n)
	}
	b.shot("one-card")
}

// savePDF prints the page as Chromium would on paper and, where pdftoppm
// is installed, keeps the first page as a PNG beside the screenshots.
func savePDF(t *testing.T, b *browser, name string, w, h float64) {
	t.Helper()
	dir := os.Getenv("CUBBY_SCREENSHOTS")
	if dir == "" {
		return
	}
	var pdf []byte
	_, err := chromedp.Run(b.ctx, chromedp.Action[chromedp.Void](func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		yes := true
		res, err := cdp.Call(ctx, tg, page.PrintToPDF, page.PrintToPDFParams{PaperWidth: w, PaperHeight: h, PrintBackground: &yes, PreferCSSPageSize: &yes})
		if err == nil {
			pdf = res.Data
		}
		return chromedp.Void{}, err
	}))
	if err != nil {
		t.Fatalf("print to PDF: %v", err)
	}
	path := filepath.Join(dir, "TestLoginCardsPrint-"+name+".pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("printed %s", path)
}
