package web

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/image/vector"
)

// The app icons (manifest, home screen) are PNGs drawn here from the same
// shapes as static/icon.svg, since browsers want bitmaps for installing
// and the server has no SVG rasteriser. The test fails when a committed
// icon differs from what this draws; CUBBY_WRITE_ICONS=1 writes them.
func TestAppIconsAreDrawn(t *testing.T) {
	for _, ic := range appIcons {
		var buf bytes.Buffer
		if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, drawIcon(ic.size, ic.maskable)); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join("static", ic.name)
		if os.Getenv("CUBBY_WRITE_ICONS") == "1" {
			if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with CUBBY_WRITE_ICONS=1 to draw it)", err)
		}
		if !bytes.Equal(got, buf.Bytes()) {
			t.Errorf("%s differs from what is drawn (run with CUBBY_WRITE_ICONS=1)", path)
		}
		img, err := png.Decode(bytes.NewReader(got))
		if err != nil || img.Bounds().Dx() != ic.size || img.Bounds().Dy() != ic.size {
			t.Errorf("%s: %v, %v", path, err, img.Bounds())
		}
	}
}

// drawIcon draws icon.svg's creature (a 64-unit square) at size pixels.
// A maskable icon fills the square with the background and keeps the
// creature inside the central safe circle (80 %) that launchers crop to.
func drawIcon(size int, maskable bool) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	scale, off := float32(size)/64, float32(0)
	if maskable {
		draw.Draw(img, img.Bounds(), image.NewUniform(rgb(0xfffaf3)), image.Point{}, draw.Src)
		scale = float32(size) * 0.62 / 64
		off = (float32(size) - 64*scale) / 2
	}
	fill := func(c color.Color, path func(r *vector.Rasterizer, s float32, o float32)) {
		r := vector.NewRasterizer(size, size)
		path(r, scale, off)
		r.Draw(img, img.Bounds(), image.NewUniform(c), image.Point{})
	}
	fill(rgb(0xc2410c), roundRect(4, 10, 56, 48, 14))
	fill(rgb(0xf59e0b), roundRect(12, 4, 40, 14, 7))
	fill(rgb(0xffffff), circle(24, 32, 6))
	fill(rgb(0xffffff), circle(40, 32, 6))
	fill(rgb(0x2a2522), circle(24, 33, 3))
	fill(rgb(0x2a2522), circle(40, 33, 3))
	// The smile: the quadratic curve M23 44 Q32 51 41 44, stroked 3 wide
	// with round caps, drawn as discs along it.
	for i := 0; i <= 64; i++ {
		u := float32(i) / 64
		x := (1-u)*(1-u)*23 + 2*(1-u)*u*32 + u*u*41
		y := (1-u)*(1-u)*44 + 2*(1-u)*u*51 + u*u*44
		fill(rgb(0xffffff), circle(x, y, 1.5))
	}
	return img
}

type iconSpec struct {
	name     string
	size     int
	maskable bool
}

var appIcons = []iconSpec{
	{"icon-192.png", 192, false},
	{"icon-512.png", 512, false},
	{"icon-maskable-512.png", 512, true},
	{"apple-touch-icon-180.png", 180, true},
}

func rgb(v uint32) color.RGBA {
	return color.RGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 0xff}
}

// k is the cubic Bézier constant for a quarter circle.
const k = 0.5522847

func roundRect(x, y, w, h, rad float32) func(*vector.Rasterizer, float32, float32) {
	return func(r *vector.Rasterizer, s, o float32) {
		p := func(px, py float32) (float32, float32) { return o + px*s, o + py*s }
		c := rad * k
		r.MoveTo(p(x+rad, y))
		r.LineTo(p(x+w-rad, y))
		a, b := p(x+w-rad+c, y)
		cc, d := p(x+w, y+rad-c)
		e, f := p(x+w, y+rad)
		r.CubeTo(a, b, cc, d, e, f)
		r.LineTo(p(x+w, y+h-rad))
		a, b = p(x+w, y+h-rad+c)
		cc, d = p(x+w-rad+c, y+h)
		e, f = p(x+w-rad, y+h)
		r.CubeTo(a, b, cc, d, e, f)
		r.LineTo(p(x+rad, y+h))
		a, b = p(x+rad-c, y+h)
		cc, d = p(x, y+h-rad+c)
		e, f = p(x, y+h-rad)
		r.CubeTo(a, b, cc, d, e, f)
		r.LineTo(p(x, y+rad))
		a, b = p(x, y+rad-c)
		cc, d = p(x+rad-c, y)
		e, f = p(x+rad, y)
		r.CubeTo(a, b, cc, d, e, f)
		r.ClosePath()
	}
}

func circle(cx, cy, rad float32) func(*vector.Rasterizer, float32, float32) {
	return func(r *vector.Rasterizer, s, o float32) {
		const n = 48
		for i := 0; i <= n; i++ {
			a := 2 * math.Pi * float64(i) / n
			x, y := o+(cx+rad*float32(math.Cos(a)))*s, o+(cy+rad*float32(math.Sin(a)))*s
			if i == 0 {
				r.MoveTo(x, y)
			} else {
				r.LineTo(x, y)
			}
		}
		r.ClosePath()
	}
}
