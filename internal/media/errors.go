package media

import (
	"fmt"
	"time"
)

// Error refuses a file. Key is the i18n message key (media.*) and Args its
// named arguments as name/value pairs, as the i18n package takes them;
// both are safe to show. Err, when set, is the underlying cause: for logs,
// never for users.
//
// errors.Is(err, ErrTooLarge) and the like compare codes, so a caller can
// branch on the reason without looking at keys.
type Error struct {
	Code Code
	Key  string
	Args []any
	Err  error
}

// Code names the reason a file was refused.
type Code string

// The reasons, with the sentinel to compare against through errors.Is.
const (
	CodeEmpty            Code = "empty"
	CodeTooLarge         Code = "too_large"
	CodeTooManyPixels    Code = "too_many_pixels"
	CodeExecutable       Code = "executable"
	CodeSVG              Code = "svg"
	CodeMarkup           Code = "markup" // HTML and XML
	CodeArchive          Code = "archive"
	CodeUnknown          Code = "unknown"
	CodeHEIC             Code = "heic"
	CodeUnsupported      Code = "unsupported" // recognised, but not a format Cubby shares
	CodeLegacyOffice     Code = "legacy_office"
	CodeMacros           Code = "macros"
	CodeCorruptImage     Code = "corrupt_image"
	CodeCorrupt          Code = "corrupt"
	CodeWrongKind        Code = "wrong_kind"
	CodeTooLong          Code = "too_long"
	CodeVideoUnavailable Code = "video_unavailable"
	CodeAudioUnavailable Code = "audio_unavailable"
	CodeCodec            Code = "codec"
)

var (
	ErrEmpty            = &Error{Code: CodeEmpty, Key: "media.empty"}
	ErrTooLarge         = &Error{Code: CodeTooLarge, Key: "media.too_large"}
	ErrTooManyPixels    = &Error{Code: CodeTooManyPixels, Key: "media.too_many_pixels"}
	ErrExecutable       = &Error{Code: CodeExecutable, Key: "media.executable"}
	ErrSVG              = &Error{Code: CodeSVG, Key: "media.svg"}
	ErrMarkup           = &Error{Code: CodeMarkup, Key: "media.markup"}
	ErrArchive          = &Error{Code: CodeArchive, Key: "media.archive"}
	ErrUnknown          = &Error{Code: CodeUnknown, Key: "media.unknown"}
	ErrHEIC             = &Error{Code: CodeHEIC, Key: "media.heic"}
	ErrUnsupported      = &Error{Code: CodeUnsupported, Key: "media.unsupported"}
	ErrLegacyOffice     = &Error{Code: CodeLegacyOffice, Key: "media.legacy_office"}
	ErrMacros           = &Error{Code: CodeMacros, Key: "media.macros"}
	ErrCorruptImage     = &Error{Code: CodeCorruptImage, Key: "media.corrupt_image"}
	ErrCorrupt          = &Error{Code: CodeCorrupt, Key: "media.corrupt"}
	ErrWrongKind        = &Error{Code: CodeWrongKind, Key: "media.wrong_kind"}
	ErrTooLong          = &Error{Code: CodeTooLong, Key: "media.too_long"}
	ErrVideoUnavailable = &Error{Code: CodeVideoUnavailable, Key: "media.video_unavailable"}
	ErrAudioUnavailable = &Error{Code: CodeAudioUnavailable, Key: "media.audio_unavailable"}
	ErrCodec            = &Error{Code: CodeCodec, Key: "media.codec"}
)

// Keys lists every message key the package can return, for tests that
// check the catalogs hold them all.
func Keys() []string {
	all := []*Error{ErrEmpty, ErrTooLarge, ErrTooManyPixels, ErrExecutable, ErrSVG, ErrMarkup, ErrArchive,
		ErrUnknown, ErrHEIC, ErrUnsupported, ErrLegacyOffice, ErrMacros, ErrCorruptImage, ErrCorrupt,
		ErrWrongKind, ErrTooLong, ErrVideoUnavailable, ErrAudioUnavailable, ErrCodec}
	keys := make([]string, len(all))
	for i, e := range all {
		keys[i] = e.Key
	}
	return keys
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("media: %s: %v", e.Code, e.Err)
	}
	return "media: " + string(e.Code)
}

func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is an *Error with the same code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// refuse returns a copy of base with a cause and arguments.
func refuse(base *Error, cause error, args ...any) *Error {
	return &Error{Code: base.Code, Key: base.Key, Args: args, Err: cause}
}

// tooLarge is ErrTooLarge with the limit in whole megabytes, as people
// read file sizes.
func tooLarge(max int64) *Error {
	return refuse(ErrTooLarge, nil, "max_mb", max>>20)
}

// tooLong is ErrTooLong with the limit and the length found, as m:ss.
func tooLong(got, max time.Duration) *Error {
	return refuse(ErrTooLong, nil, "duration", clock(got), "max", clock(max))
}

func clock(d time.Duration) string {
	s := int64(d.Round(time.Second) / time.Second)
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}
