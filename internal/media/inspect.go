package media

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// Info is what Inspect found out about a file.
type Info struct {
	Kind          Kind
	Mime          string
	Size          int64
	Width, Height int           // photos (as shown, after orientation) and videos
	Duration      time.Duration // videos and recordings
}

// Inspect decides whether a file that has just been uploaded can be taken,
// and what it is, without changing it: size, type by content, a photo's
// header (pixels; HEIC refused), a document's content types, a video's or
// recording's streams and length (which needs ffmpeg: without it, videos
// and recordings are refused with ErrVideoUnavailable or
// ErrAudioUnavailable). It is quick enough to run while the uploader waits;
// the work (ProcessImage, StripVideo, StripAudio) can come later.
//
// f must be a regular file, since ffprobe reads videos by name.
func Inspect(ctx context.Context, f *os.File, limits Limits) (Info, error) {
	limits = limits.withDefaults()
	st, err := f.Stat()
	if err != nil {
		return Info{}, fmt.Errorf("media: %w", err)
	}
	size := st.Size()
	switch {
	case size == 0:
		return Info{}, ErrEmpty
	case size > limits.MaxBytes:
		return Info{}, tooLarge(limits.MaxBytes)
	}
	head := make([]byte, min(size, SniffLen))
	if _, err := f.ReadAt(head, 0); err != nil && !errors.Is(err, io.EOF) {
		return Info{}, fmt.Errorf("media: %w", err)
	}
	kind, mime, err := Sniff(head)
	if err != nil {
		return Info{}, err
	}
	info := Info{Kind: kind, Mime: mime, Size: size}
	switch kind {
	case KindImage:
		data := make([]byte, size)
		if _, err := f.ReadAt(data, 0); err != nil && !errors.Is(err, io.EOF) {
			return Info{}, fmt.Errorf("media: %w", err)
		}
		im, err := CheckImage(data, limits)
		if err != nil {
			return Info{}, err
		}
		info.Width, info.Height = im.Width, im.Height
		if im.Orientation >= 5 {
			info.Width, info.Height = im.Height, im.Width
		}
	case KindDocument:
		if info.Mime, err = CheckDocument(f, size, mime); err != nil {
			return Info{}, err
		}
	case KindVideo, KindAudio:
		return inspectAV(ctx, f.Name(), info, limits)
	}
	return info, nil
}

func inspectAV(ctx context.Context, path string, info Info, limits Limits) (Info, error) {
	if !Available() {
		if info.Kind == KindAudio {
			return Info{}, ErrAudioUnavailable
		}
		return Info{}, ErrVideoUnavailable
	}
	c, ok := videoContainer(info.Mime)
	if !ok {
		c, _ = audioContainer(info.Mime)
	}
	av, err := probe(ctx, path, c.demuxer)
	if err != nil {
		return Info{}, err
	}
	// A WebM or MP4 header may not say whether it holds a picture: the
	// streams do. A recording with a video track stays a recording
	// (StripAudio drops the picture).
	if info.Kind == KindVideo && av.VideoCodec == "" && av.AudioCodec != "" {
		info.Kind = KindAudio
		if info.Mime == MimeWebM {
			info.Mime = MimeAudioWebM
		} else {
			info.Mime = MimeM4A
		}
	}
	video := info.Kind == KindVideo
	if err := checkStreams(av, video); err != nil {
		return Info{}, err
	}
	maxDur := limits.MaxAudioDuration
	if video {
		maxDur = limits.MaxVideoDuration
		info.Width, info.Height = av.Width, av.Height
	}
	if av.Duration > maxDur {
		return Info{}, tooLong(av.Duration, maxDur)
	}
	info.Duration = av.Duration
	return info, nil
}
