package media

import (
	"image"
	"image/color"

	"golang.org/x/image/draw"
)

// resize scales src so its longest side is at most side, into
// premultiplied RGBA (so transparent edges do not darken).
//
// A large reduction is done in two steps, as image libraries do it: an
// exact k×k box average (area sampling, which cannot alias) to the
// smallest size still at least as large as the target, then Catmull-Rom
// (a sharp cubic) for the rest. Catmull-Rom alone over a 12-MP photo costs
// several times more and holds a float buffer of target width × source
// height; the result is indistinguishable.
func resize(src image.Image, side int) *image.RGBA {
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	long := max(w, h)
	if long > side {
		if w >= h {
			w, h = side, max(1, (h*side+long/2)/long)
		} else {
			w, h = max(1, (w*side+long/2)/long), side
		}
	}
	if k := long / side; k >= 2 {
		if shrunk := boxShrink(src, k); shrunk != nil {
			src, b = shrunk, shrunk.Rect
		}
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	if w == b.Dx() && h == b.Dy() {
		draw.Draw(dst, dst.Bounds(), src, b.Min, draw.Src)
		return dst
	}
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, b, draw.Src, nil)
	return dst
}

// boxShrink averages each k×k block of src into one pixel (the last
// partial row and column are dropped: less than k pixels of k×side). It
// handles what the decoders give photos as; nil for other image types,
// which are then scaled in one step.
func boxShrink(src image.Image, k int) *image.RGBA {
	b := src.Bounds()
	w, h := b.Dx()/k, b.Dy()/k
	n := uint32(k * k)
	switch s := src.(type) {
	case *image.YCbCr:
		dst := image.NewRGBA(image.Rect(0, 0, w, h))
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				var sy, scb, scr uint32
				for j := 0; j < k; j++ {
					py := b.Min.Y + y*k + j
					yi := s.YOffset(b.Min.X+x*k, py)
					for i := 0; i < k; i++ {
						sy += uint32(s.Y[yi+i])
						ci := s.COffset(b.Min.X+x*k+i, py)
						scb += uint32(s.Cb[ci])
						scr += uint32(s.Cr[ci])
					}
				}
				r, g, bl := color.YCbCrToRGB(uint8((sy+n/2)/n), uint8((scb+n/2)/n), uint8((scr+n/2)/n))
				d := dst.PixOffset(x, y)
				dst.Pix[d], dst.Pix[d+1], dst.Pix[d+2], dst.Pix[d+3] = r, g, bl, 0xFF
			}
		}
		return dst
	case *image.Gray:
		dst := image.NewRGBA(image.Rect(0, 0, w, h))
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				var sum uint32
				for j := 0; j < k; j++ {
					si := s.PixOffset(b.Min.X+x*k, b.Min.Y+y*k+j)
					for i := 0; i < k; i++ {
						sum += uint32(s.Pix[si+i])
					}
				}
				v := uint8((sum + n/2) / n)
				d := dst.PixOffset(x, y)
				dst.Pix[d], dst.Pix[d+1], dst.Pix[d+2], dst.Pix[d+3] = v, v, v, 0xFF
			}
		}
		return dst
	case *image.RGBA, *image.NRGBA:
		var pix []uint8
		var stride int
		premultiply := false
		if r, ok := s.(*image.RGBA); ok {
			pix, stride = r.Pix[r.PixOffset(b.Min.X, b.Min.Y):], r.Stride
		} else {
			nr := s.(*image.NRGBA)
			pix, stride, premultiply = nr.Pix[nr.PixOffset(b.Min.X, b.Min.Y):], nr.Stride, true
		}
		dst := image.NewRGBA(image.Rect(0, 0, w, h))
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				var sr, sg, sb, sa uint32
				for j := 0; j < k; j++ {
					row := (y*k+j)*stride + x*k*4
					for i := 0; i < k; i++ {
						p := pix[row+i*4 : row+i*4+4 : row+i*4+4]
						a := uint32(p[3])
						if premultiply {
							sr += uint32(p[0]) * a / 0xFF
							sg += uint32(p[1]) * a / 0xFF
							sb += uint32(p[2]) * a / 0xFF
						} else {
							sr, sg, sb = sr+uint32(p[0]), sg+uint32(p[1]), sb+uint32(p[2])
						}
						sa += a
					}
				}
				d := dst.PixOffset(x, y)
				dst.Pix[d], dst.Pix[d+1], dst.Pix[d+2], dst.Pix[d+3] =
					uint8((sr+n/2)/n), uint8((sg+n/2)/n), uint8((sb+n/2)/n), uint8((sa+n/2)/n)
			}
		}
		return dst
	}
	return nil
}
