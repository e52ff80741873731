package media

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// phonePhoto is a JPEG as a phone writes it: EXIF with GPS, camera,
// date and a maker note; XMP naming a place and a person; a comment.
func phonePhoto(t testing.TB, w, h int, orientation uint16) []byte {
	return withSegments(encodeJPEG(t, quadrants(w, h)),
		exifAPP1(orientation), xmpAPP1(), segment(0xFE, []byte("Taken by Ms Rivera at the museum")))
}

func TestProcessImageRemovesAllMetadata(t *testing.T) {
	needTool(t, "exiftool")
	in := phonePhoto(t, 800, 600, 1)
	// The test photo must carry what is to be removed, or the test proves nothing.
	before := exiftool(t, in)
	for _, want := range []string{"EXIF:GPSLatitude", "EXIF:GPSLongitude", "EXIF:Make", "EXIF:DateTimeOriginal", "XMP:GPSLatitude", "XMP:Creator"} {
		if _, ok := before[want]; !ok {
			t.Fatalf("test photo lacks %s: %v", want, before)
		}
	}
	if len(tagsLike(before, "MakerNote")) == 0 {
		t.Fatalf("test photo lacks a maker note: %v", before)
	}

	p, err := ProcessImage(bytes.NewReader(in), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	for name, r := range map[string]Rendition{"display": p.Display, "thumb": p.Thumb} {
		if r.Mime != MimeJPEG {
			t.Fatalf("%s is %s", name, r.Mime)
		}
		// Only tables, frame and scan: no APPn segment, no comment.
		for _, m := range jpegMarkers(t, r.Data) {
			if !slices.Contains([]byte{0xDB, 0xC0, 0xC4, 0xDA}, m) {
				t.Errorf("%s has marker %#x", name, m)
			}
		}
		tags := exiftool(t, r.Data)
		if bad := tagsLike(tags, "GPS", "EXIF:", "XMP", "MakerNote", "ICC_Profile", "IPTC", "Photoshop", "Comment", "Make", "Model", "DateTime", "Orientation"); len(bad) > 0 {
			t.Errorf("%s still has %v", name, bad)
		}
		all, _ := json.Marshal(tags)
		for _, s := range []string{"Rivera", "Cubby Phones", "museum", "CUBBYMAKERNOTE"} {
			if bytes.Contains(all, []byte(s)) || bytes.Contains(r.Data, []byte(s)) {
				t.Errorf("%s still names %q", name, s)
			}
		}
	}
}

// TestProcessImageOrientation: each EXIF orientation is applied to the
// pixels. The stored photo is 64×32 with red, green on top and blue,
// white below; the table says where each colour must be seen.
func TestProcessImageOrientation(t *testing.T) {
	red, green, blue, white := color.RGBA{255, 0, 0, 255}, color.RGBA{0, 255, 0, 255}, color.RGBA{0, 0, 255, 255}, color.RGBA{255, 255, 255, 255}
	cases := []struct {
		o                      uint16
		w, h                   int
		topL, topR, botL, botR color.RGBA
	}{
		{1, 64, 32, red, green, blue, white},
		{2, 64, 32, green, red, white, blue}, // mirrored
		{3, 64, 32, white, blue, green, red}, // half turn
		{4, 64, 32, blue, white, red, green}, // upside down
		{5, 32, 64, red, blue, green, white}, // mirrored over the diagonal
		{6, 32, 64, blue, red, white, green}, // phone held upright: quarter turn clockwise
		{7, 32, 64, white, green, blue, red}, // mirrored over the other diagonal
		{8, 32, 64, green, white, red, blue}} // quarter turn counter-clockwise
	for _, c := range cases {
		p, err := ProcessImage(bytes.NewReader(phonePhoto(t, 64, 32, c.o)), Limits{})
		if err != nil {
			t.Fatalf("orientation %d: %v", c.o, err)
		}
		if p.Width != c.w || p.Height != c.h {
			t.Fatalf("orientation %d: photo is %d×%d, want %d×%d", c.o, p.Width, p.Height, c.w, c.h)
		}
		for _, r := range []Rendition{p.Display, p.Thumb} {
			img, err := jpeg.Decode(bytes.NewReader(r.Data))
			if err != nil {
				t.Fatal(err)
			}
			b := img.Bounds()
			if b.Dx() != c.w || b.Dy() != c.h || r.Width != c.w || r.Height != c.h {
				t.Fatalf("orientation %d: rendition is %v (says %d×%d)", c.o, b, r.Width, r.Height)
			}
			at := map[string]image.Point{"top left": {c.w / 4, c.h / 4}, "top right": {3 * c.w / 4, c.h / 4},
				"bottom left": {c.w / 4, 3 * c.h / 4}, "bottom right": {3 * c.w / 4, 3 * c.h / 4}}
			want := map[string]color.RGBA{"top left": c.topL, "top right": c.topR, "bottom left": c.botL, "bottom right": c.botR}
			for where, pt := range at {
				if got := img.At(pt.X, pt.Y); !near(got, want[where]) {
					t.Errorf("orientation %d: %s is %v, want %v", c.o, where, got, want[where])
				}
			}
		}
	}
}

func near(c color.Color, want color.RGBA) bool {
	r, g, b, _ := c.RGBA()
	d := func(a uint32, w uint8) bool { return int(a>>8)-int(w) < 40 && int(w)-int(a>>8) < 40 }
	return d(r, want.R) && d(g, want.G) && d(b, want.B)
}

func TestProcessImageSizes(t *testing.T) {
	cases := []struct {
		name           string
		w, h           int
		o              uint16
		limits         Limits
		dispW, dispH   int
		thumbW, thumbH int
		photoW, photoH int
	}{
		{"landscape", 4000, 3000, 1, Limits{}, 1600, 1200, 400, 300, 4000, 3000},
		{"portrait", 1000, 3000, 1, Limits{}, 533, 1600, 133, 400, 1000, 3000},
		{"phone held upright", 4000, 3000, 6, Limits{}, 1200, 1600, 300, 400, 3000, 4000},
		{"small photo is not enlarged", 300, 200, 1, Limits{}, 300, 200, 300, 200, 300, 200},
		{"configured sizes", 1000, 500, 1, Limits{DisplaySize: 800, ThumbSize: 100}, 800, 400, 100, 50, 1000, 500},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := ProcessImage(bytes.NewReader(phonePhoto(t, c.w, c.h, c.o)), c.limits)
			if err != nil {
				t.Fatal(err)
			}
			if p.Width != c.photoW || p.Height != c.photoH || p.Display.Width != c.dispW || p.Display.Height != c.dispH ||
				p.Thumb.Width != c.thumbW || p.Thumb.Height != c.thumbH {
				t.Fatalf("photo %d×%d, display %d×%d, thumb %d×%d", p.Width, p.Height, p.Display.Width, p.Display.Height, p.Thumb.Width, p.Thumb.Height)
			}
			for _, r := range []Rendition{p.Display, p.Thumb} {
				cfg, err := jpeg.DecodeConfig(bytes.NewReader(r.Data))
				if err != nil || cfg.Width != r.Width || cfg.Height != r.Height {
					t.Fatalf("rendition says %d×%d, holds %+v (%v)", r.Width, r.Height, cfg, err)
				}
			}
		})
	}
}

func TestProcessImageFormats(t *testing.T) {
	clear := image.NewNRGBA(image.Rect(0, 0, 40, 40))
	for i := range clear.Pix {
		clear.Pix[i] = 0x80 // half-transparent grey
	}
	cases := []struct {
		name, in, out string
		data          []byte
		w, h          int
	}{
		{"opaque png becomes jpeg", MimePNG, MimeJPEG, pngOf(t, quadrants(40, 20)), 40, 20},
		{"transparent png stays png", MimePNG, MimePNG, pngOf(t, clear), 40, 40},
		{"gif", MimeGIF, MimeJPEG, gifOf(t), 8, 8},
		{"webp lossy", MimeWebP, MimeJPEG, readTestdata(t, "photo.webp"), 64, 48},
		{"webp lossless", MimeWebP, MimeJPEG, readTestdata(t, "lossless.webp"), 64, 48},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := ProcessImage(bytes.NewReader(c.data), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if p.SourceMime != c.in || p.Display.Mime != c.out || p.Thumb.Mime != c.out || p.Width != c.w || p.Height != c.h {
				t.Fatalf("got %s → %s/%s %d×%d", p.SourceMime, p.Display.Mime, p.Thumb.Mime, p.Width, p.Height)
			}
			if _, _, err := image.Decode(bytes.NewReader(p.Display.Data)); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// pngHeader is a PNG that claims w×h pixels: a signature, a valid IHDR
// and a few bytes of image data, as a decompression bomb starts.
func pngHeader(w, h uint32) []byte {
	chunk := func(typ string, data []byte) []byte {
		b := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
		b = append(b, typ...)
		b = append(b, data...)
		return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	}
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 6, 0, 0, 0) // 8-bit RGBA: 1.6 GB for 20,000 × 20,000
	b := []byte("\x89PNG\r\n\x1a\n")
	b = append(b, chunk("IHDR", ihdr)...)
	b = append(b, chunk("IDAT", []byte{0x78, 0x9c, 0x63, 0x60, 0x00, 0x00})...)
	return append(b, chunk("IEND", nil)...)
}

// jpegClaiming patches a real JPEG's frame header to claim w×h.
func jpegClaiming(t *testing.T, w, h uint16) []byte {
	b := encodeJPEG(t, quadrants(16, 16))
	i := bytes.Index(b, []byte{0xFF, 0xC0})
	if i < 0 {
		t.Fatal("no SOF0")
	}
	binary.BigEndian.PutUint16(b[i+5:], h)
	binary.BigEndian.PutUint16(b[i+7:], w)
	return b
}

// TestDecompressionBombRefusedFromHeader: a photo claiming more pixels
// than allowed is refused from its header, before its pixels are
// allocated (a full decode of the PNG would need 1.6 GB).
func TestDecompressionBombRefusedFromHeader(t *testing.T) {
	gifBomb := []byte("GIF89a\xff\xff\xff\xff\x00\x00\x00,\x00\x00\x00\x00\xff\xff\xff\xff\x00\x02\x02D\x01\x00;")
	cases := []struct {
		name string
		data []byte
		mp   int64
	}{
		{"png 20000×20000", pngHeader(20000, 20000), 400},
		{"jpeg 30000×30000", jpegClaiming(t, 30000, 30000), 900},
		{"gif 65535×65535", gifBomb, 4295},
		{"png 1×60000000", pngHeader(1, 60_000_000), 60},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, err := ProcessImage(bytes.NewReader(c.data), Limits{})
			runtime.ReadMemStats(&after)
			var me *Error
			if !errors.As(err, &me) || me.Code != CodeTooManyPixels {
				t.Fatalf("got %v, want ErrTooManyPixels", err)
			}
			if !slices.Equal(me.Args, []any{"megapixels", c.mp, "max", int64(50)}) {
				t.Fatalf("args %v", me.Args)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4<<20 {
				t.Fatalf("allocated %d bytes before refusing", alloc)
			}
		})
	}
	// The same header under a limit it fits is read on: the refusal above
	// came from the pixel count, not from the file being odd.
	if _, err := CheckImage(pngHeader(20000, 20000), Limits{MaxPixels: 400_000_000}); err != nil {
		t.Fatalf("header within the limit: %v", err)
	}
}

func TestProcessImageBadInput(t *testing.T) {
	jpg := phonePhoto(t, 400, 300, 1)
	pngData := pngOf(t, quadrants(64, 64))
	badCRC := bytes.Clone(pngData)
	badCRC[len(badCRC)-20] ^= 0xFF // inside IDAT
	cases := []struct {
		name   string
		data   []byte
		limits Limits
		err    *Error
	}{
		{"truncated jpeg", jpg[:len(jpg)/2], Limits{}, ErrCorruptImage},
		{"jpeg header then garbage", append(bytes.Clone(jpg[:4]), bytes.Repeat([]byte{0x42}, 500)...), Limits{}, ErrCorruptImage},
		{"png with a damaged chunk", badCRC, Limits{}, ErrCorruptImage},
		{"png claiming no pixels", pngHeader(0, 10), Limits{}, ErrCorruptImage},
		{"truncated png", pngData[:40], Limits{}, ErrCorruptImage},
		{"webp cut short", readTestdata(t, "photo.webp")[:100], Limits{}, ErrCorruptImage},
		{"empty", nil, Limits{}, ErrEmpty},
		{"too large", jpg, Limits{MaxBytes: 1000}, ErrTooLarge},
		{"a pdf", []byte("%PDF-1.4\n%%EOF"), Limits{}, ErrWrongKind},
		{"heic", []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), Limits{}, ErrHEIC},
		{"svg", []byte("<svg/>"), Limits{}, ErrSVG},
		{"elf", []byte("\x7fELF\x02\x01"), Limits{}, ErrExecutable},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := ProcessImage(bytes.NewReader(c.data), c.limits); !errors.Is(err, c.err) {
				t.Fatalf("got %v, want %v", err, c.err)
			}
		})
	}
	var me *Error
	if _, err := ProcessImage(bytes.NewReader(jpg), Limits{MaxBytes: 1000}); !errors.As(err, &me) || me.Key != "media.too_large" || len(me.Args) != 2 || me.Args[0] != "max_mb" {
		t.Fatalf("too large: %v", err)
	}
}

// TestKeysAreInTheCatalogs: every message the package can return is in
// the English catalog (the i18n test checks the other locales have every
// English key with the same placeholders).
func TestKeysAreInTheCatalogs(t *testing.T) {
	data, err := os.ReadFile("../i18n/locales/en/media.json")
	if err != nil {
		t.Fatal(err)
	}
	var cat map[string]string
	if err := json.Unmarshal(data, &cat); err != nil {
		t.Fatal(err)
	}
	for _, k := range Keys() {
		if _, ok := cat[k]; !ok {
			t.Errorf("%s is not in locales/en/media.json", k)
		}
	}
	// Placeholders the code passes are the ones the message uses.
	args := map[string][]string{"media.too_large": {"max_mb"}, "media.too_many_pixels": {"megapixels", "max"},
		"media.too_long": {"duration", "max"}, "media.unsupported": {"format"}, "media.codec": {"codec"}}
	for k, names := range args {
		for _, n := range names {
			if !strings.Contains(cat[k], "{"+n+"}") {
				t.Errorf("%s does not use {%s}: %q", k, n, cat[k])
			}
		}
	}
}

// exifTIFF is the TIFF structure of an Exif segment (without "Exif\0\0").
func exifTIFF(orientation uint16) []byte {
	seg := exifAPP1(orientation)
	return seg[4+6:]
}

func pngWithExif(t *testing.T, img image.Image, orientation uint16) []byte {
	b := pngOf(t, img)
	data := exifTIFF(orientation)
	chunk := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	chunk = append(chunk, "eXIf"...)
	chunk = append(chunk, data...)
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(append([]byte("eXIf"), data...)))
	at := 8 + 25 // after the signature and IHDR
	return append(append(bytes.Clone(b[:at]), chunk...), b[at:]...)
}

// webpExtended rewraps a simple lossy WebP as an extended one (VP8X)
// with an EXIF chunk after the image data, where the format puts it.
func webpExtended(t *testing.T, simple []byte, w, h int, flags byte, exif []byte) []byte {
	vp8 := simple[12:]
	vp8x := []byte("VP8X\x0a\x00\x00\x00")
	vp8x = append(vp8x, flags, 0, 0, 0, byte(w-1), byte((w-1)>>8), byte((w-1)>>16), byte(h-1), byte((h-1)>>8), byte((h-1)>>16))
	body := append(append([]byte("WEBP"), vp8x...), vp8...)
	if exif != nil {
		body = append(body, "EXIF"...)
		body = binary.LittleEndian.AppendUint32(body, uint32(len(exif)))
		body = append(body, exif...)
		if len(exif)&1 == 1 {
			body = append(body, 0)
		}
	}
	out := binary.LittleEndian.AppendUint32([]byte("RIFF"), uint32(len(body)))
	return append(out, body...)
}

// TestOrientationOfPNGAndWebP: the EXIF orientation is read where PNG
// (eXIf chunk) and WebP (EXIF chunk) keep it, not only in JPEG.
func TestOrientationOfPNGAndWebP(t *testing.T) {
	red, blue := color.RGBA{255, 0, 0, 255}, color.RGBA{0, 0, 255, 255}
	p, err := ProcessImage(bytes.NewReader(pngWithExif(t, quadrants(64, 32), 6)), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	img, _, err := image.Decode(bytes.NewReader(p.Display.Data))
	if err != nil {
		t.Fatal(err)
	}
	if p.Width != 32 || p.Height != 64 || !near(img.At(8, 16), blue) || !near(img.At(24, 16), red) {
		t.Fatalf("png eXIf orientation 6 not applied: %d×%d, top %v %v", p.Width, p.Height, img.At(8, 16), img.At(24, 16))
	}
	if bytes.Contains(p.Display.Data, []byte("Cubby Phones")) {
		t.Fatal("png output kept EXIF")
	}

	webp := webpExtended(t, readTestdata(t, "photo.webp"), 64, 48, 0x08, exifTIFF(3))
	plain, err := ProcessImage(bytes.NewReader(readTestdata(t, "photo.webp")), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	turned, err := ProcessImage(bytes.NewReader(webp), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := jpeg.Decode(bytes.NewReader(plain.Display.Data))
	b, _ := jpeg.Decode(bytes.NewReader(turned.Display.Data))
	// Orientation 3 is a half turn: each pixel of one is the opposite pixel of the other.
	for _, pt := range []image.Point{{2, 2}, {60, 5}, {10, 40}, {32, 24}} {
		if !near(b.At(63-pt.X, 47-pt.Y), rgba(a.At(pt.X, pt.Y))) {
			t.Fatalf("webp EXIF orientation 3 not applied at %v: %v vs %v", pt, a.At(pt.X, pt.Y), b.At(63-pt.X, 47-pt.Y))
		}
	}

	anim := webpExtended(t, readTestdata(t, "photo.webp"), 64, 48, 0x02, nil)
	if _, err := ProcessImage(bytes.NewReader(anim), Limits{}); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("animated webp: %v", err)
	}
}

func rgba(c color.Color) color.RGBA {
	r, g, b, a := c.RGBA()
	return color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), uint8(a >> 8)}
}
