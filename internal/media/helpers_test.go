package media

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// needTool skips a test when a Debian tool is missing, unless
// CUBBY_REQUIRE_MEDIA_TOOLS=1 (as in CI), where a missing tool fails it.
func needTool(t testing.TB, names ...string) {
	t.Helper()
	for _, name := range names {
		if _, err := exec.LookPath(name); err != nil {
			if os.Getenv("CUBBY_REQUIRE_MEDIA_TOOLS") == "1" {
				t.Fatalf("%s is required (CUBBY_REQUIRE_MEDIA_TOOLS=1) but not installed", name)
			}
			t.Skipf("%s is not installed; skipping (set CUBBY_REQUIRE_MEDIA_TOOLS=1 to fail instead)", name)
		}
	}
}

// exiftool returns every tag exiftool finds in data, group-prefixed
// ("EXIF:GPSLatitude"), unknown tags included.
func exiftool(t *testing.T, data []byte) map[string]any {
	t.Helper()
	path := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return exiftoolFile(t, path)
}

func exiftoolFile(t *testing.T, path string) map[string]any {
	t.Helper()
	out, err := exec.Command("exiftool", "-j", "-G", "-a", "-u", path).Output()
	if err != nil {
		t.Fatalf("exiftool: %v", err)
	}
	var tags []map[string]any
	if err := json.Unmarshal(out, &tags); err != nil || len(tags) != 1 {
		t.Fatalf("exiftool output: %v %s", err, out)
	}
	return tags[0]
}

// tagsLike lists the tags whose name contains one of the words
// (case-insensitive), or whose group is one of them.
func tagsLike(tags map[string]any, words ...string) []string {
	var hits []string
	for k := range tags {
		lk := strings.ToLower(k)
		for _, w := range words {
			if strings.Contains(lk, strings.ToLower(w)) {
				hits = append(hits, k)
				break
			}
		}
	}
	return hits
}

// tiffEntry is one tag of a hand-built EXIF IFD.
type tiffEntry struct {
	tag, typ uint16
	count    uint32
	data     []byte
}

func ascii(tag uint16, s string) tiffEntry {
	return tiffEntry{tag, 2, uint32(len(s) + 1), append([]byte(s), 0)}
}

func short(tag uint16, v uint16) tiffEntry {
	return tiffEntry{tag, 3, 1, binary.LittleEndian.AppendUint16(nil, v)}
}

func rationals(tag uint16, vs ...uint32) tiffEntry { // num, den pairs
	var b []byte
	for _, v := range vs {
		b = binary.LittleEndian.AppendUint32(b, v)
	}
	return tiffEntry{tag, 5, uint32(len(vs) / 2), b}
}

// ifdSize is the bytes an IFD takes with its out-of-line values.
func ifdSize(es []tiffEntry) int {
	n := 2 + 12*len(es) + 4
	for _, e := range es {
		if len(e.data) > 4 {
			n += len(e.data) + len(e.data)&1
		}
	}
	return n
}

func writeIFD(buf *bytes.Buffer, at int, es []tiffEntry) {
	le := binary.LittleEndian
	data := at + 2 + 12*len(es) + 4
	var tail []byte
	b := le.AppendUint16(nil, uint16(len(es)))
	for _, e := range es {
		b = le.AppendUint16(b, e.tag)
		b = le.AppendUint16(b, e.typ)
		b = le.AppendUint32(b, e.count)
		if len(e.data) <= 4 {
			v := make([]byte, 4)
			copy(v, e.data)
			b = append(b, v...)
		} else {
			b = le.AppendUint32(b, uint32(data+len(tail)))
			tail = append(tail, e.data...)
			if len(e.data)&1 == 1 {
				tail = append(tail, 0)
			}
		}
	}
	b = le.AppendUint32(b, 0) // no next IFD
	buf.Write(b)
	buf.Write(tail)
}

// exifAPP1 builds an Exif APP1 segment like a phone's: camera make and
// model, orientation, the date taken, a maker note and a GPS position.
func exifAPP1(orientation uint16) []byte {
	exifIFD := []tiffEntry{
		ascii(0x9003, "2026:11:28 10:15:00"),
		{0x927C, 7, 40, []byte("CUBBYMAKERNOTE serial 123456789 lens 4mm")},
	}
	gpsIFD := []tiffEntry{
		{0x0000, 1, 4, []byte{2, 3, 0, 0}},
		ascii(0x0001, "N"),
		rationals(0x0002, 48, 1, 51, 1, 3024, 100),
		ascii(0x0003, "E"),
		rationals(0x0004, 2, 1, 17, 1, 4016, 100),
	}
	ifd0 := func(exifAt, gpsAt int) []tiffEntry {
		return []tiffEntry{
			ascii(0x010F, "Cubby Phones"),
			ascii(0x0110, "Test Phone 12"),
			short(0x0112, orientation),
			{0x8769, 4, 1, binary.LittleEndian.AppendUint32(nil, uint32(exifAt))},
			{0x8825, 4, 1, binary.LittleEndian.AppendUint32(nil, uint32(gpsAt))},
		}
	}
	exifAt := 8 + ifdSize(ifd0(0, 0))
	gpsAt := exifAt + ifdSize(exifIFD)
	var tiff bytes.Buffer
	tiff.WriteString("II*\x00")
	tiff.Write(binary.LittleEndian.AppendUint32(nil, 8))
	writeIFD(&tiff, 8, ifd0(exifAt, gpsAt))
	writeIFD(&tiff, exifAt, exifIFD)
	writeIFD(&tiff, gpsAt, gpsIFD)
	return segment(0xE1, append([]byte("Exif\x00\x00"), tiff.Bytes()...))
}

// xmpAPP1 is an XMP packet naming a place and the photographer.
func xmpAPP1() []byte {
	packet := `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` +
		`<rdf:Description rdf:about="" xmlns:exif="http://ns.adobe.com/exif/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/" ` +
		`exif:GPSLatitude="48,51.504N" exif:GPSLongitude="2,17.669E">` +
		`<dc:creator><rdf:Seq><rdf:li>Ms Rivera</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>`
	return segment(0xE1, append([]byte("http://ns.adobe.com/xap/1.0/\x00"), packet...))
}

func segment(marker byte, payload []byte) []byte {
	b := []byte{0xFF, marker}
	b = binary.BigEndian.AppendUint16(b, uint16(len(payload)+2))
	return append(b, payload...)
}

// withSegments puts segments right after a JPEG's SOI marker.
func withSegments(jpg []byte, segs ...[]byte) []byte {
	out := append([]byte{}, jpg[:2]...)
	for _, s := range segs {
		out = append(out, s...)
	}
	return append(out, jpg[2:]...)
}

// quadrants is a w×h image whose four quarters are red, green (top),
// blue and white (bottom), so any turn or flip shows.
func quadrants(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{255, 0, 0, 255}
			switch {
			case x >= w/2 && y < h/2:
				c = color.RGBA{0, 255, 0, 255}
			case x < w/2 && y >= h/2:
				c = color.RGBA{0, 0, 255, 255}
			case x >= w/2 && y >= h/2:
				c = color.RGBA{255, 255, 255, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

func encodeJPEG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// jpegMarkers lists the markers of a JPEG up to its image data.
func jpegMarkers(t *testing.T, b []byte) []byte {
	t.Helper()
	if !bytes.HasPrefix(b, []byte{0xFF, 0xD8}) {
		t.Fatal("not a JPEG")
	}
	var ms []byte
	for i := 2; i+4 <= len(b); {
		if b[i] != 0xFF {
			t.Fatalf("bad marker at %d", i)
		}
		m := b[i+1]
		ms = append(ms, m)
		if m == 0xDA {
			break
		}
		i += 2 + int(binary.BigEndian.Uint16(b[i+2:]))
	}
	return ms
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// code returns the media error code of err, or "" when it is not one.
func code(err error) Code {
	var me *Error
	if errors.As(err, &me) {
		return me.Code
	}
	return ""
}
