package media

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"

	"golang.org/x/image/webp"
)

// Processed is a photo made safe to share: pixels only, upright, in two
// sizes. Width and Height are the photo's own, after orientation.
type Processed struct {
	Width, Height int
	SourceMime    string // what was uploaded
	Display       Rendition
	Thumb         Rendition
}

// Rendition is one re-encoded size of a photo. Data holds no metadata at
// all: the encoders write pixels and nothing else.
type Rendition struct {
	Data          []byte
	Mime          string // image/jpeg, or image/png for photos with transparency
	Width, Height int
}

// ImageInfo is what a photo's header says, read without decoding it.
type ImageInfo struct {
	Mime          string
	Width, Height int // as stored, before orientation
	Orientation   int // EXIF orientation, 1 (upright) to 8
}

// CheckImage reads only a photo's header (image.DecodeConfig) and refuses
// it when it is not a photo Cubby can decode, when the header is
// unreadable, or when width × height is over limits.MaxPixels: a
// decompression bomb (a small file that decodes to gigabytes) is turned
// away before a single pixel is allocated.
func CheckImage(data []byte, limits Limits) (ImageInfo, error) {
	limits = limits.withDefaults()
	kind, mime, err := Sniff(data)
	if err != nil {
		return ImageInfo{}, err
	}
	if kind != KindImage {
		return ImageInfo{}, refuse(ErrWrongKind, fmt.Errorf("not a photo: %s", mime))
	}
	if mime == MimeHEIC {
		return ImageInfo{}, ErrHEIC
	}
	if mime == MimeWebP && len(data) >= 21 && string(data[12:16]) == "VP8X" && data[20]&0x02 != 0 {
		return ImageInfo{}, refuse(ErrUnsupported, errors.New("animated webp"), "format", "animated WebP")
	}
	cfg, err := decodeConfig(data, mime)
	if err != nil {
		return ImageInfo{}, refuse(ErrCorruptImage, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return ImageInfo{}, refuse(ErrCorruptImage, errors.New("image has no pixels"))
	}
	if px := int64(cfg.Width) * int64(cfg.Height); px > limits.MaxPixels {
		return ImageInfo{}, refuse(ErrTooManyPixels, fmt.Errorf("%d×%d", cfg.Width, cfg.Height),
			"megapixels", (px+500_000)/1_000_000, "max", limits.MaxPixels/1_000_000)
	}
	return ImageInfo{Mime: mime, Width: cfg.Width, Height: cfg.Height, Orientation: orientation(data, mime)}, nil
}

// ProcessImage reads a whole photo (at most limits.MaxBytes), checks its
// header (CheckImage), decodes it, applies its EXIF orientation and
// re-encodes it without any metadata in a display size and a thumbnail
// (longest sides limits.DisplaySize and limits.ThumbSize; a smaller photo
// is not enlarged). Animated GIFs keep their first frame.
func ProcessImage(r io.Reader, limits Limits) (Processed, error) {
	limits = limits.withDefaults()
	data, err := io.ReadAll(io.LimitReader(r, limits.MaxBytes+1))
	if err != nil {
		return Processed{}, fmt.Errorf("media: read photo: %w", err)
	}
	if int64(len(data)) > limits.MaxBytes {
		return Processed{}, tooLarge(limits.MaxBytes)
	}
	info, err := CheckImage(data, limits)
	if err != nil {
		return Processed{}, err
	}
	img, err := decode(data, info.Mime)
	if err != nil {
		return Processed{}, refuse(ErrCorruptImage, err)
	}
	if b := img.Bounds(); b.Dx() != info.Width || b.Dy() != info.Height {
		return Processed{}, refuse(ErrCorruptImage, errors.New("decoded size differs from the header"))
	}
	display := orient(resize(img, limits.DisplaySize), info.Orientation)
	thumb := resize(display, limits.ThumbSize)
	p := Processed{Width: info.Width, Height: info.Height, SourceMime: info.Mime}
	if info.Orientation >= 5 {
		p.Width, p.Height = info.Height, info.Width
	}
	if p.Display, err = encode(display, limits.JPEGQuality); err != nil {
		return Processed{}, err
	}
	if p.Thumb, err = encode(thumb, limits.JPEGQuality); err != nil {
		return Processed{}, err
	}
	return p, nil
}

// decodeConfig reads the header with the decoder the content named.
func decodeConfig(data []byte, mime string) (image.Config, error) {
	r := bytes.NewReader(data)
	switch mime {
	case MimeJPEG:
		return jpeg.DecodeConfig(r)
	case MimePNG:
		return png.DecodeConfig(r)
	case MimeGIF:
		return gif.DecodeConfig(r)
	case MimeWebP:
		return webp.DecodeConfig(r)
	}
	return image.Config{}, fmt.Errorf("no decoder for %s", mime)
}

// decode uses the decoder the content named, not image.Decode's
// registry, so no other registered format can be reached through it. A
// decoder that panics on a malformed file refuses it like any other
// corrupt photo instead of taking the server down.
func decode(data []byte, mime string) (img image.Image, err error) {
	defer func() {
		if p := recover(); p != nil {
			img, err = nil, fmt.Errorf("decoder panicked: %v", p)
		}
	}()
	r := bytes.NewReader(data)
	switch mime {
	case MimeJPEG:
		return jpeg.Decode(r)
	case MimePNG:
		return png.Decode(r)
	case MimeGIF:
		return gif.Decode(r)
	case MimeWebP:
		return webp.Decode(r)
	}
	return nil, fmt.Errorf("no decoder for %s", mime)
}

// encode writes JPEG, or PNG when the photo has transparency that JPEG
// would lose. Neither encoder writes metadata.
func encode(img *image.RGBA, quality int) (Rendition, error) {
	var buf bytes.Buffer
	r := Rendition{Width: img.Rect.Dx(), Height: img.Rect.Dy()}
	if img.Opaque() {
		r.Mime = MimeJPEG
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}); err != nil {
			return Rendition{}, fmt.Errorf("media: encode jpeg: %w", err)
		}
	} else {
		r.Mime = MimePNG
		if err := png.Encode(&buf, img); err != nil {
			return Rendition{}, fmt.Errorf("media: encode png: %w", err)
		}
	}
	r.Data = buf.Bytes()
	return r, nil
}
