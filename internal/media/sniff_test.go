package media

import (
	"archive/zip"
	"bytes"
	"errors"
	"image"
	"image/color/palette"
	"image/gif"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"
)

const (
	ctDocx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
	ctXlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
	ctPptx = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
	ctDocm = "application/vnd.ms-word.document.macroEnabled.main+xml"
)

// ooxml builds an Office Open XML package as Word, Excel and PowerPoint
// lay it out: content types first (compressed), then the parts.
func ooxml(t testing.TB, mainPart, contentType string, extra ...string) []byte {
	t.Helper()
	types := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/` + mainPart + `" ContentType="` + contentType + `"/>` +
		`<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>` +
		`</Types>`
	files := []string{"[Content_Types].xml", types, "_rels/.rels", `<Relationships/>`,
		"docProps/core.xml", `<cp:coreProperties><dc:creator>Ms Rivera</dc:creator></cp:coreProperties>`, mainPart, "<doc/>"}
	return zipOf(t, false, append(files, extra...)...)
}

// zipOf makes a zip of name, content pairs; stored keeps the first entry
// uncompressed, as OpenDocument requires of its mimetype.
func zipOf(t testing.TB, storedFirst bool, pairs ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i+1 < len(pairs); i += 2 {
		method := zip.Deflate
		if storedFirst && i == 0 {
			method = zip.Store
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: pairs[i], Method: method})
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(pairs[i+1]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func odf(t testing.TB, mime string, extra ...string) []byte {
	return zipOf(t, true, append([]string{"mimetype", mime, "content.xml", "<office:document-content/>", "meta.xml", "<meta/>"}, extra...)...)
}

func pngOf(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func gifOf(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	img := image.NewPaletted(image.Rect(0, 0, 8, 8), palette.Plan9)
	if err := gif.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func utf16le(s string) []byte {
	b := []byte{0xFF, 0xFE}
	for _, r := range utf16.Encode([]rune(s)) {
		b = append(b, byte(r), byte(r>>8))
	}
	return b
}

// withoutID3 drops an MP3's ID3v2 tag, leaving bare frames.
func withoutID3(b []byte) []byte {
	n := int(b[6])<<21 | int(b[7])<<14 | int(b[8])<<7 | int(b[9])
	return b[10+n:]
}

func TestSniff(t *testing.T) {
	self, err := os.Executable() // this test binary: a real executable of this system
	if err != nil {
		t.Fatal(err)
	}
	exe, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	jpg := encodeJPEG(t, quadrants(64, 48))
	cases := []struct {
		name string
		data []byte
		kind Kind
		mime string
		err  *Error
	}{
		{"jpeg", jpg, KindImage, MimeJPEG, nil},
		{"jpeg with exif", withSegments(jpg, exifAPP1(6)), KindImage, MimeJPEG, nil},
		{"png", pngOf(t, quadrants(8, 8)), KindImage, MimePNG, nil},
		{"gif", gifOf(t), KindImage, MimeGIF, nil},
		{"webp lossy", readTestdata(t, "photo.webp"), KindImage, MimeWebP, nil},
		{"webp lossless", readTestdata(t, "lossless.webp"), KindImage, MimeWebP, nil},
		{"heic", []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic\x00\x00\x00\x00"), KindImage, MimeHEIC, nil},
		{"avif", []byte("\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf\x00\x00\x00\x00"), 0, "", ErrUnsupported},
		{"mp4", readTestdata(t, "video.mp4"), KindVideo, MimeMP4, nil},
		{"mov", readTestdata(t, "video.mov"), KindVideo, MimeQuickTime, nil},
		{"3gp", []byte("\x00\x00\x00\x14ftyp3gp4\x00\x00\x02\x003gp4isom"), KindVideo, Mime3GPP, nil},
		{"webm video", readTestdata(t, "video.webm"), KindVideo, MimeWebM, nil},
		{"webm voice", readTestdata(t, "voice.webm"), KindAudio, MimeAudioWebM, nil},
		{"ogg opus", readTestdata(t, "voice.ogg"), KindAudio, MimeOgg, nil},
		{"m4a", readTestdata(t, "voice.m4a"), KindAudio, MimeM4A, nil},
		{"mp3 with id3", readTestdata(t, "voice.mp3"), KindAudio, MimeMP3, nil},
		{"mp3 bare frames", withoutID3(readTestdata(t, "voice.mp3")), KindAudio, MimeMP3, nil},
		{"pdf", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"), KindDocument, MimePDF, nil},
		{"docx", ooxml(t, "word/document.xml", ctDocx), KindDocument, MimeOOXML, nil},
		{"odt", odf(t, MimeODT), KindDocument, MimeODT, nil},
		{"ods", odf(t, MimeODS), KindDocument, MimeODS, nil},
		{"epub", odf(t, "application/epub+zip"), 0, "", ErrUnknown},
		{"zip", zipOf(t, false, "notes.txt", "hello", "photo.jpg", "x"), 0, "", ErrArchive},
		{"legacy office", []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00"), 0, "", ErrLegacyOffice},

		{"renamed executable (this test binary)", exe, 0, "", ErrExecutable},
		{"elf", []byte("\x7fELF\x02\x01\x01\x00\x00\x00"), 0, "", ErrExecutable},
		{"windows exe", []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00"), 0, "", ErrExecutable},
		{"mach-o", []byte("\xcf\xfa\xed\xfe\x07\x00\x00\x01"), 0, "", ErrExecutable},
		{"mach-o universal", []byte("\xca\xfe\xba\xbe\x00\x00\x00\x02"), 0, "", ErrExecutable},
		{"shell script", []byte("#!/bin/sh\ncurl x | sh\n"), 0, "", ErrExecutable},
		{"wasm", []byte("\x00asm\x01\x00\x00\x00"), 0, "", ErrExecutable},

		{"svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), 0, "", ErrSVG},
		{"svg with xml declaration", []byte("<?xml version=\"1.0\"?>\n<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\">\n<svg/>"), 0, "", ErrSVG},
		{"svg with BOM and spaces", []byte("\xEF\xBB\xBF \n\t<SVG onload=alert(1)>"), 0, "", ErrSVG},
		{"svg in UTF-16", utf16le(`<svg xmlns="http://www.w3.org/2000/svg"/>`), 0, "", ErrSVG},
		{"html", []byte("<!DOCTYPE html><html><body>hi</body></html>"), 0, "", ErrMarkup},
		{"html after white space", []byte("\r\n  <html><script>alert(1)</script>"), 0, "", ErrMarkup},
		{"script tag", []byte("<script>alert(document.cookie)</script>"), 0, "", ErrMarkup},
		{"xml", []byte(`<?xml version="1.0"?><note>hi</note>`), 0, "", ErrMarkup},

		{"empty", nil, 0, "", ErrEmpty},
		{"truncated jpeg marker", []byte{0xFF, 0xD8}, 0, "", ErrUnknown},
		{"truncated png signature", []byte("\x89PNG"), 0, "", ErrUnknown},
		{"truncated gif", []byte("GIF8"), 0, "", ErrUnknown},
		{"truncated riff", []byte("RIFF\x10\x00"), 0, "", ErrUnknown},
		{"truncated zip", []byte("PK\x03"), 0, "", ErrUnknown},
		{"truncated pdf", []byte("%PD"), 0, "", ErrUnknown},
		{"matroska", []byte("\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x88matroska\x42\x87\x81\x04"), 0, "", ErrUnsupported},
		{"ogg theora", []byte("OggS\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x2a\x80theora"), 0, "", ErrUnsupported},
		{"adts aac", []byte{0xFF, 0xF1, 0x50, 0x80, 0x02, 0x1F, 0xFC}, 0, "", ErrUnknown},
		{"plain text", []byte("Dear families, the trip is on Friday."), 0, "", ErrUnknown},
		{"random bytes", []byte{0x13, 0x37, 0x00, 0xFE, 0x42}, 0, "", ErrUnknown},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			kind, mime, err := Sniff(c.data)
			if c.err != nil {
				if !errors.Is(err, c.err) {
					t.Fatalf("Sniff = %v %q, %v; want %v", kind, mime, err, c.err)
				}
				var me *Error
				if !errors.As(err, &me) || !strings.HasPrefix(me.Key, "media.") {
					t.Fatalf("error %v carries no message key", err)
				}
				if kind != KindUnknown || mime != "" {
					t.Fatalf("refused but said %v %q", kind, mime)
				}
				return
			}
			if err != nil || kind != c.kind || mime != c.mime {
				t.Fatalf("Sniff = %v %q, %v; want %v %q", kind, mime, err, c.kind, c.mime)
			}
		})
	}
}

// TestSniffReadsOnlyTheHead: a JPEG cut to 512 bytes is still a JPEG,
// and bytes past 512 are not looked at (an SVG tail does not matter).
func TestSniffReadsOnlyTheHead(t *testing.T) {
	jpg := withSegments(encodeJPEG(t, quadrants(64, 48)), exifAPP1(1))
	if kind, _, err := Sniff(jpg[:SniffLen]); err != nil || kind != KindImage {
		t.Fatalf("head of a JPEG: %v %v", kind, err)
	}
	text := append(bytes.Repeat([]byte("a"), SniffLen), "<svg>"...)
	if _, _, err := Sniff(text); !errors.Is(err, ErrUnknown) {
		t.Fatalf("got %v, want ErrUnknown", err)
	}
}

func TestCheckDocument(t *testing.T) {
	pdf := []byte("%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")
	docx := ooxml(t, "word/document.xml", ctDocx)
	cases := []struct {
		name, mime string
		data       []byte
		want       string
		err        *Error
	}{
		{"pdf", MimePDF, pdf, MimePDF, nil},
		{"truncated pdf", MimePDF, pdf[:30], "", ErrCorrupt},
		{"docx", MimeOOXML, docx, MimeDOCX, nil},
		{"xlsx", MimeOOXML, ooxml(t, "xl/workbook.xml", ctXlsx), MimeXLSX, nil},
		{"pptx", MimeOOXML, ooxml(t, "ppt/presentation.xml", ctPptx), MimePPTX, nil},
		{"docm", MimeOOXML, ooxml(t, "word/document.xml", ctDocm), "", ErrMacros},
		{"docx with vbaProject.bin", MimeDOCX, ooxml(t, "word/document.xml", ctDocx, "word/vbaProject.bin", "\xD0\xCF\x11\xE0"), "", ErrMacros},
		{"docx with activeX", MimeDOCX, ooxml(t, "word/document.xml", ctDocx, "word/activeX/activeX1.bin", "x"), "", ErrMacros},
		{"zip with content types but no document", MimeOOXML, ooxml(t, "foo.xml", "application/xml"), "", ErrUnknown},
		{"truncated docx", MimeOOXML, docx[:len(docx)/2], "", ErrCorrupt},
		{"odt", MimeODT, odf(t, MimeODT), MimeODT, nil},
		{"odt with Basic macros", MimeODT, odf(t, MimeODT, "Basic/Standard/Module1.xml", "<script/>"), "", ErrMacros},
		{"odt claiming to be a spreadsheet", MimeODS, odf(t, MimeODT), "", ErrCorrupt},
		{"not a document", MimeJPEG, []byte{1}, "", ErrWrongKind},
		{"empty", MimePDF, nil, "", ErrEmpty},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := CheckDocument(bytes.NewReader(c.data), int64(len(c.data)), c.mime)
			if c.err != nil {
				if !errors.Is(err, c.err) {
					t.Fatalf("got %q, %v; want %v", got, err, c.err)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("got %q, %v; want %q", got, err, c.want)
			}
		})
	}
}

// TestInspectRenamedExecutable: the name says photo, the content says
// program; the content wins.
func TestInspectRenamedExecutable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "class-photo.jpg")
	if err := os.WriteFile(path, []byte("\x7fELF\x02\x01\x01\x00"+strings.Repeat("\x00", 600)), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := Inspect(t.Context(), f, Limits{}); !errors.Is(err, ErrExecutable) {
		t.Fatalf("got %v, want ErrExecutable", err)
	}
}

func TestInspect(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) *os.File {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	photo := withSegments(encodeJPEG(t, quadrants(64, 32)), exifAPP1(6))
	cases := []struct {
		name   string
		data   []byte
		limits Limits
		kind   Kind
		mime   string
		w, h   int
		err    *Error
	}{
		{"photo turned by its orientation", photo, Limits{}, KindImage, MimeJPEG, 32, 64, nil},
		{"photo over the pixel limit", photo, Limits{MaxPixels: 1000}, 0, "", 0, 0, ErrTooManyPixels},
		{"file over the size limit", photo, Limits{MaxBytes: 100}, 0, "", 0, 0, ErrTooLarge},
		{"empty", nil, Limits{}, 0, "", 0, 0, ErrEmpty},
		{"docx", ooxml(t, "word/document.xml", ctDocx), Limits{}, KindDocument, MimeDOCX, 0, 0, nil},
		{"svg named .png", []byte("<svg/>"), Limits{}, 0, "", 0, 0, ErrSVG},
		{"heic", []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), Limits{}, 0, "", 0, 0, ErrHEIC},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			info, err := Inspect(t.Context(), write(strings.Repeat("x", i+1), c.data), c.limits)
			if c.err != nil {
				if !errors.Is(err, c.err) {
					t.Fatalf("got %+v, %v; want %v", info, err, c.err)
				}
				return
			}
			if err != nil || info.Kind != c.kind || info.Mime != c.mime || info.Width != c.w || info.Height != c.h || info.Size != int64(len(c.data)) {
				t.Fatalf("got %+v, %v", info, err)
			}
		})
	}
}
