package media

import (
	"bytes"
	"encoding/binary"
)

// SniffLen is how many leading bytes Sniff looks at.
const SniffLen = 512

// MIME types Sniff returns.
const (
	MimeJPEG = "image/jpeg"
	MimePNG  = "image/png"
	MimeGIF  = "image/gif"
	MimeWebP = "image/webp"
	MimeHEIC = "image/heic"

	MimeMP4       = "video/mp4"
	MimeQuickTime = "video/quicktime"
	Mime3GPP      = "video/3gpp"
	MimeWebM      = "video/webm"

	MimeAudioWebM = "audio/webm"
	MimeOgg       = "audio/ogg"
	MimeM4A       = "audio/mp4"
	MimeMP3       = "audio/mpeg"

	MimePDF  = "application/pdf"
	MimeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	MimeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	MimePPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
	MimeODT  = "application/vnd.oasis.opendocument.text"
	MimeODS  = "application/vnd.oasis.opendocument.spreadsheet"
	MimeODP  = "application/vnd.oasis.opendocument.presentation"

	// MimeOOXML is Sniff's answer for an Office Open XML package whose
	// first bytes do not say which application made it; CheckDocument
	// reads its content types and says.
	MimeOOXML = "application/vnd.openxmlformats-officedocument"
)

// Sniff decides a file's kind and MIME type from its first bytes (up to
// SniffLen; more are ignored). It refuses executables, SVG, HTML and XML,
// archives and anything it does not know, with an *Error.
//
// Two answers are provisional and are settled by reading the whole file:
// a WebM or MP4 container may hold only sound although its header does not
// say so (StripAudio and StripVideo decide from the streams), and an Office
// Open XML file is confirmed, and its exact type found, by CheckDocument.
func Sniff(first512 []byte) (Kind, string, error) {
	b := first512
	if len(b) > SniffLen {
		b = b[:SniffLen]
	}
	if len(b) == 0 {
		return KindUnknown, "", ErrEmpty
	}
	if isExecutable(b) {
		return KindUnknown, "", ErrExecutable
	}
	switch {
	case bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}):
		return KindImage, MimeJPEG, nil
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return KindImage, MimePNG, nil
	case bytes.HasPrefix(b, []byte("GIF87a")), bytes.HasPrefix(b, []byte("GIF89a")):
		return KindImage, MimeGIF, nil
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return KindImage, MimeWebP, nil
	case len(b) >= 12 && string(b[4:8]) == "ftyp":
		return sniffISOBMFF(b)
	case bytes.HasPrefix(b, []byte{0x1A, 0x45, 0xDF, 0xA3}):
		return sniffEBML(b)
	case bytes.HasPrefix(b, []byte("OggS")):
		return sniffOgg(b)
	case bytes.HasPrefix(b, []byte("ID3")) && len(b) >= 4 && b[3] >= 2 && b[3] <= 4:
		return KindAudio, MimeMP3, nil
	case isMP3Frame(b):
		return KindAudio, MimeMP3, nil
	case bytes.HasPrefix(b, []byte("%PDF-")):
		return KindDocument, MimePDF, nil
	case bytes.HasPrefix(b, []byte("PK\x03\x04")):
		return sniffZip(b)
	case bytes.HasPrefix(b, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		// Compound File Binary: Word 97–2003, Excel, PowerPoint, but also
		// Windows installers (.msi). Macros hide here, so none is taken.
		return KindUnknown, "", ErrLegacyOffice
	}
	if err := sniffMarkup(b); err != nil {
		return KindUnknown, "", err
	}
	return KindUnknown, "", ErrUnknown
}

// isExecutable recognises programs for the common systems and scripts
// that name their interpreter.
func isExecutable(b []byte) bool {
	if len(b) >= 2 && (string(b[:2]) == "MZ" || string(b[:2]) == "#!") {
		return true // Windows PE/DOS, shebang script
	}
	if len(b) < 4 {
		return false
	}
	switch string(b[:4]) {
	case "\x7fELF", // Linux, BSD
		"\xfe\xed\xfa\xce", "\xfe\xed\xfa\xcf", "\xce\xfa\xed\xfe", "\xcf\xfa\xed\xfe", // Mach-O
		"\xca\xfe\xba\xbe", // Mach-O universal, Java class
		"\x00asm":          // WebAssembly
		return true
	}
	return false
}

// sniffISOBMFF tells photos (HEIC, AVIF), videos (MP4, MOV, 3GP) and
// sound (M4A) apart by the brands of the ftyp box.
func sniffISOBMFF(b []byte) (Kind, string, error) {
	size := int(binary.BigEndian.Uint32(b))
	if size < 16 || size > len(b) {
		size = len(b)
	}
	brands := [][]byte{b[8:12]} // major brand, then compatible ones after the minor version
	for i := 16; i+4 <= size; i += 4 {
		brands = append(brands, b[i:i+4])
	}
	var heic, avif, video, qt, tgp, audio bool
	for _, br := range brands {
		switch string(br) {
		case "heic", "heix", "heim", "heis", "hevc", "hevx", "heif", "mif1", "msf1":
			heic = true
		case "avif", "avis":
			avif = true
		case "qt  ":
			qt = true
		case "M4A ", "M4B ", "F4A ":
			audio = true
		case "3gp4", "3gp5", "3gp6", "3g2a", "3g2b", "3g2c", "3ge6", "3gg6":
			tgp = true
		case "isom", "iso2", "iso3", "iso4", "iso5", "iso6", "iso7", "iso8", "iso9",
			"mp41", "mp42", "avc1", "M4V ", "M4VH", "M4VP", "mmp4", "MSNV", "dash", "f4v ":
			video = true
		}
	}
	major := string(b[8:12])
	switch {
	// A still image's major brand names it; mif1 alone can also be AVIF.
	case avif && (major == "avif" || major == "avis" || major == "mif1"):
		return KindUnknown, "", refuse(ErrUnsupported, nil, "format", "AVIF")
	case heic && !video && !qt:
		return KindImage, MimeHEIC, nil
	case major == "qt  " || qt && !video:
		return KindVideo, MimeQuickTime, nil
	case major == "M4A " || major == "M4B " || major == "F4A " || audio && !video:
		return KindAudio, MimeM4A, nil
	case tgp && !video:
		return KindVideo, Mime3GPP, nil
	case video, tgp:
		return KindVideo, MimeMP4, nil
	}
	return KindUnknown, "", ErrUnknown
}

// sniffEBML accepts WebM (not general Matroska, which browsers do not
// play) and tells sound from video by the codecs of the tracks when the
// header reaches them.
func sniffEBML(b []byte) (Kind, string, error) {
	i := bytes.Index(b, []byte{0x42, 0x82}) // DocType
	if i < 0 || i+3 > len(b) {
		return KindUnknown, "", ErrUnknown
	}
	n := int(b[i+2] &^ 0x80) // a one-byte size, as every muxer writes it
	if b[i+2]&0x80 == 0 || i+3+n > len(b) {
		return KindUnknown, "", ErrUnknown
	}
	switch string(b[i+3 : i+3+n]) {
	case "webm":
	case "matroska":
		return KindUnknown, "", refuse(ErrUnsupported, nil, "format", "Matroska (MKV)")
	default:
		return KindUnknown, "", ErrUnknown
	}
	hasVideo := bytes.Contains(b, []byte("V_VP8")) || bytes.Contains(b, []byte("V_VP9")) || bytes.Contains(b, []byte("V_AV1"))
	hasAudio := bytes.Contains(b, []byte("A_OPUS")) || bytes.Contains(b, []byte("A_VORBIS"))
	if hasAudio && !hasVideo {
		return KindAudio, MimeAudioWebM, nil
	}
	return KindVideo, MimeWebM, nil
}

// sniffOgg takes Ogg holding Opus, Vorbis or FLAC sound; Theora video is
// not among what Cubby shares.
func sniffOgg(b []byte) (Kind, string, error) {
	switch {
	case bytes.Contains(b, []byte("OpusHead")), bytes.Contains(b, []byte("\x01vorbis")), bytes.Contains(b, []byte("\x7fFLAC")):
		return KindAudio, MimeOgg, nil
	case bytes.Contains(b, []byte("\x80theora")):
		return KindUnknown, "", refuse(ErrUnsupported, nil, "format", "Ogg Theora")
	}
	return KindUnknown, "", ErrUnknown
}

// isMP3Frame recognises an MPEG audio layer III stream with no ID3 tag by
// its frame header, and by the next frame's header when it is in b, since
// two bytes of sync alone are too weak a sign.
func isMP3Frame(b []byte) bool {
	n, ok := mp3FrameLen(b)
	if !ok {
		return false
	}
	if n+4 <= len(b) {
		_, ok = mp3FrameLen(b[n:])
	}
	return ok
}

func mp3FrameLen(b []byte) (int, bool) {
	if len(b) < 4 || b[0] != 0xFF || b[1]&0xE0 != 0xE0 {
		return 0, false
	}
	version := b[1] >> 3 & 3 // 0: MPEG 2.5, 2: MPEG 2, 3: MPEG 1
	layer := b[1] >> 1 & 3   // 1: layer III
	rate := b[2] >> 4
	freq := b[2] >> 2 & 3
	if version == 1 || layer != 1 || rate == 0 || rate == 15 || freq == 3 {
		return 0, false
	}
	v1 := [16]int{0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320}
	v2 := [16]int{0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160}
	hz := [3]int{44100, 48000, 32000}[freq]
	kbps := v1[rate]
	per := 144
	switch version {
	case 2:
		hz, kbps, per = hz/2, v2[rate], 72
	case 0:
		hz, kbps, per = hz/4, v2[rate], 72
	}
	pad := int(b[2] >> 1 & 1)
	return per*kbps*1000/hz + pad, true
}

// sniffZip recognises OpenDocument by its stored mimetype entry and Office
// Open XML by the names of its first entries. Any other zip is an archive,
// which is refused: its contents could be anything.
func sniffZip(b []byte) (Kind, string, error) {
	if len(b) >= 30 {
		method := binary.LittleEndian.Uint16(b[8:])
		csize := int(binary.LittleEndian.Uint32(b[18:]))
		nlen := int(binary.LittleEndian.Uint16(b[26:]))
		xlen := int(binary.LittleEndian.Uint16(b[28:]))
		if 30+nlen <= len(b) && string(b[30:30+nlen]) == "mimetype" && method == 0 {
			start := min(30+nlen+xlen, len(b))
			content := b[start:]
			if csize > 0 && csize <= len(content) {
				content = content[:csize]
			} else if i := bytes.Index(content, []byte("PK")); i >= 0 {
				// Sizes in a data descriptor after the content.
				content = content[:i]
			}
			switch string(content) {
			case MimeODT, MimeODS, MimeODP:
				return KindDocument, string(content), nil
			}
			return KindUnknown, "", ErrUnknown // EPUB and other zip-based formats
		}
	}
	switch {
	case bytes.Contains(b, []byte("word/")):
		return KindDocument, MimeDOCX, nil
	case bytes.Contains(b, []byte("xl/")):
		return KindDocument, MimeXLSX, nil
	case bytes.Contains(b, []byte("ppt/")):
		return KindDocument, MimePPTX, nil
	case bytes.Contains(b, []byte("[Content_Types].xml")):
		return KindDocument, MimeOOXML, nil
	}
	return KindUnknown, "", ErrArchive
}

// sniffMarkup refuses text that a browser could run as a page: HTML, XML
// and SVG, whatever the file is called. It looks past a byte order mark
// and white space, and reads UTF-16 by dropping its zero bytes.
func sniffMarkup(b []byte) error {
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		b = b[3:]
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}), bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		b = bytes.ReplaceAll(b[2:], []byte{0}, nil)
	}
	b = bytes.TrimLeft(b, " \t\r\n\f")
	if len(b) == 0 || b[0] != '<' {
		return nil
	}
	lower := bytes.ToLower(b)
	if bytes.Contains(lower, []byte("<svg")) {
		return ErrSVG
	}
	return ErrMarkup
}
