package app

import (
	"context"
	"errors"
	"io"
	"os"

	"cubby/internal/media"
	"cubby/internal/store"
)

// MediaPipeline is StoryMedia on internal/media: types decided from
// content, photos re-encoded without metadata (orientation applied) in a
// display size and a thumbnail, videos copied by ffmpeg without their
// metadata when the server has it (without ffmpeg, videos are refused).
// The display size is what families get and what exports hold; the
// upload itself is never kept.
type MediaPipeline struct{ Limits media.Limits }

// NewMediaPipeline returns the pipeline with a per-file size limit (0 for
// the default).
func NewMediaPipeline(maxFile int64) MediaPipeline {
	return MediaPipeline{Limits: media.Limits{MaxBytes: maxFile}}
}

// mediaErr turns the pipeline's refusal into the app's, keeping its
// translated key and arguments.
func mediaErr(err error) error {
	var me *media.Error
	if errors.As(err, &me) {
		return &MediaError{Key: me.Key, Args: me.Args}
	}
	return err
}

// Inspect checks an upload while its poster waits.
func (m MediaPipeline) Inspect(ctx context.Context, f *os.File, size int64) (MediaInfo, error) {
	info, err := media.Inspect(ctx, f, m.Limits)
	if err != nil {
		return MediaInfo{}, mediaErr(err)
	}
	out := MediaInfo{ContentType: info.Mime, Width: info.Width, Height: info.Height, Size: info.Size}
	switch info.Kind {
	case media.KindImage:
		out.Kind = store.AttachPhoto
	case media.KindVideo:
		out.Kind = store.AttachVideo
	case media.KindDocument:
		out.Kind = store.AttachFile
	default:
		// Voice recordings belong to messages, not stories.
		return MediaInfo{}, &MediaError{Key: media.ErrUnsupported.Key}
	}
	return out, nil
}

// Process prepares a photo or video for families.
func (m MediaPipeline) Process(ctx context.Context, kind string, src *os.File, sink MediaSink) (MediaInfo, error) {
	switch kind {
	case store.AttachPhoto:
		p, err := media.ProcessImage(src, m.Limits)
		if err != nil {
			return MediaInfo{}, mediaErr(err)
		}
		if err := put(sink, "", p.Display.Data); err != nil {
			return MediaInfo{}, err
		}
		if err := put(sink, "thumb", p.Thumb.Data); err != nil {
			return MediaInfo{}, err
		}
		return MediaInfo{Kind: kind, ContentType: p.Display.Mime, Width: p.Display.Width, Height: p.Display.Height, Size: int64(len(p.Display.Data))}, nil
	case store.AttachVideo:
		dst, err := os.CreateTemp("", "cubby-video-*")
		if err != nil {
			return MediaInfo{}, err
		}
		dst.Close()
		defer os.Remove(dst.Name())
		av, err := media.StripVideo(ctx, src.Name(), dst.Name(), m.Limits)
		if err != nil {
			return MediaInfo{}, mediaErr(err)
		}
		f, err := os.Open(dst.Name())
		if err != nil {
			return MediaInfo{}, err
		}
		defer f.Close()
		w, err := sink("")
		if err != nil {
			return MediaInfo{}, err
		}
		n, err := io.Copy(w, f)
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		return MediaInfo{Kind: kind, ContentType: av.Mime, Width: av.Width, Height: av.Height, Size: n}, err
	}
	return MediaInfo{}, &MediaError{Key: media.ErrUnsupported.Key}
}

func put(sink MediaSink, variant string, data []byte) error {
	w, err := sink(variant)
	if err != nil {
		return err
	}
	if _, err := w.Write(data); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}
