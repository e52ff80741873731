// Package media decides what an uploaded file is and turns it into
// something safe to show to families: the media pipeline that Class Story,
// messages and portfolios share.
//
// The type of a file is decided from its content (Sniff), never from its
// name. Photos are decoded and re-encoded (ProcessImage), which removes
// every piece of metadata they carried (EXIF, GPS, XMP, ICC, maker notes)
// because nothing but pixels is written back; their orientation is applied
// first. Videos and voice recordings are copied by Debian's ffmpeg without
// their metadata (StripVideo, StripAudio) when the server has it
// (Available). PDF and office files pass through unchanged once their type
// is confirmed (CheckDocument).
//
// Every refusal is an *Error carrying an i18n key (media.*), so the edges
// can show a translated, human message and answer 4xx.
//
// The package holds no state and touches no database or web page; it is
// safe for concurrent use.
package media

import "time"

// Kind is the broad family of a file, which decides how it is processed.
type Kind int

const (
	KindUnknown  Kind = iota
	KindImage         // photos: JPEG, PNG, GIF, WebP (HEIC is recognised but refused)
	KindVideo         // short videos: MP4, MOV, WebM
	KindAudio         // voice recordings: WebM, Ogg, M4A, MP3
	KindDocument      // PDF and office files (OOXML, OpenDocument)
)

func (k Kind) String() string {
	switch k {
	case KindImage:
		return "image"
	case KindVideo:
		return "video"
	case KindAudio:
		return "audio"
	case KindDocument:
		return "document"
	}
	return "unknown"
}

// Defaults for Limits' zero fields.
const (
	DefaultMaxBytes         = 20 << 20 // 20 MB per file
	DefaultMaxPixels        = 50_000_000
	DefaultMaxVideoDuration = 3 * time.Minute
	DefaultMaxAudioDuration = 10 * time.Minute
	DefaultDisplaySize      = 1600
	DefaultThumbSize        = 400
	DefaultJPEGQuality      = 85
)

// Limits bound what the pipeline accepts and what it produces. The zero
// value means the defaults above; set a field to change one limit only.
type Limits struct {
	MaxBytes         int64         // largest file accepted
	MaxPixels        int64         // largest photo (width × height), checked from its header
	MaxVideoDuration time.Duration // longest video
	MaxAudioDuration time.Duration // longest voice recording
	DisplaySize      int           // longest side of the display size of a photo
	ThumbSize        int           // longest side of the thumbnail
	JPEGQuality      int           // 1–100, for re-encoded photos
}

// DefaultLimits returns the limits used when none are configured.
func DefaultLimits() Limits { return Limits{}.withDefaults() }

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxPixels <= 0 {
		l.MaxPixels = DefaultMaxPixels
	}
	if l.MaxVideoDuration <= 0 {
		l.MaxVideoDuration = DefaultMaxVideoDuration
	}
	if l.MaxAudioDuration <= 0 {
		l.MaxAudioDuration = DefaultMaxAudioDuration
	}
	if l.DisplaySize <= 0 {
		l.DisplaySize = DefaultDisplaySize
	}
	if l.ThumbSize <= 0 {
		l.ThumbSize = DefaultThumbSize
	}
	if l.JPEGQuality <= 0 || l.JPEGQuality > 100 {
		l.JPEGQuality = DefaultJPEGQuality
	}
	return l
}
