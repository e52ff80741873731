package media

import (
	"bytes"
	"errors"
	"image"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func seedAll(f *testing.F) {
	entries, err := os.ReadDir("testdata")
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		if e.Type().IsRegular() {
			b, _ := os.ReadFile(filepath.Join("testdata", e.Name()))
			f.Add(b)
		}
	}
	f.Add(withSegments(encodeJPEG(f, quadrants(16, 8)), exifAPP1(6), xmpAPP1()))
	f.Add(pngOf(f, quadrants(8, 8)))
	f.Add(gifOf(f))
	f.Add(pngHeader(20000, 20000))
	f.Add([]byte("<svg/>"))
	f.Add([]byte("\x7fELF"))
	f.Add(ooxml(f, "word/document.xml", ctDocx))
	f.Add(odf(f, MimeODT))
	f.Add([]byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"))
}

// FuzzSniff: any input gives a kind and a type, or an *Error with a
// catalogued key; only the head counts.
func FuzzSniff(f *testing.F) {
	seedAll(f)
	keys := Keys()
	f.Fuzz(func(t *testing.T, data []byte) {
		kind, mime, err := Sniff(data)
		if err != nil {
			var me *Error
			if !errors.As(err, &me) || !slices.Contains(keys, me.Key) {
				t.Fatalf("error without a message key: %v", err)
			}
			if kind != KindUnknown || mime != "" {
				t.Fatalf("refused yet %v %q", kind, mime)
			}
		} else if kind == KindUnknown || mime == "" {
			t.Fatalf("accepted as %v %q", kind, mime)
		}
		if len(data) > SniffLen {
			k2, m2, e2 := Sniff(data[:SniffLen])
			if k2 != kind || m2 != mime || code(e2) != code(err) {
				t.Fatalf("bytes past the head changed the answer")
			}
		}
		if bytes.HasPrefix(data, []byte("\x7fELF")) && !errors.Is(err, ErrExecutable) {
			t.Fatalf("ELF not refused: %v %q", kind, mime)
		}
	})
}

// FuzzProcessImage: any input is a processed photo within the sizes, with
// no metadata segment, or an *Error; never a panic or a huge allocation.
func FuzzProcessImage(f *testing.F) {
	seedAll(f)
	limits := Limits{MaxBytes: 1 << 20, MaxPixels: 2_000_000, DisplaySize: 64, ThumbSize: 16}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ProcessImage(bytes.NewReader(data), limits)
		if err != nil {
			var me *Error
			if !errors.As(err, &me) {
				t.Fatalf("not a media error: %v", err)
			}
			return
		}
		for _, r := range []struct {
			Rendition
			side int
		}{{p.Display, 64}, {p.Thumb, 16}} {
			img, _, err := image.Decode(bytes.NewReader(r.Data))
			if err != nil {
				t.Fatalf("output does not decode: %v", err)
			}
			b := img.Bounds()
			if b.Dx() != r.Width || b.Dy() != r.Height || max(b.Dx(), b.Dy()) > r.side {
				t.Fatalf("output %v, says %d×%d", b, r.Width, r.Height)
			}
			if r.Mime == MimeJPEG {
				for _, m := range jpegMarkers(t, r.Data) {
					if m >= 0xE0 && m <= 0xEF || m == 0xFE {
						t.Fatalf("output has marker %#x", m)
					}
				}
			}
		}
	})
}
