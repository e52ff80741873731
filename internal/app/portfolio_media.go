package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"os"
	"strings"
	"time"

	xdraw "golang.org/x/image/draw"

	"cubby/internal/media"
	"cubby/internal/store"
)

// Files of portfolio work go through the stories' media pipeline before
// anything is written, as messages' do: a photo is re-encoded without its
// camera metadata (with a thumbnail), a document kept as it came, a
// drawing — the strokes the student made in the browser, a transparent
// PNG — is laid over its activity's template picture (or white) and then
// re-encoded like a photo, and a voice recording is copied by ffmpeg
// without its metadata (VoiceMedia). A refused file stores nothing.

// PortfolioMaxVoice is the largest voice recording taken: a few minutes
// of speech in Opus or AAC is well under it.
const PortfolioMaxVoice = 10 << 20

// portfolioMaxDrawingSide bounds a drawing's decoded size (the canvas is
// at most a tablet's screen at twice its pixel density).
const portfolioMaxDrawingSide = 4096

// VoiceMedia is what voice recordings need of the media pipeline, beside
// StoryMedia; a pipeline without it refuses recordings.
type VoiceMedia interface {
	// InspectVoice checks a recording (type from content, streams,
	// length) while the student waits.
	InspectVoice(ctx context.Context, f *os.File) (MediaInfo, error)
	// ProcessVoice copies the sound without its metadata into sink("").
	ProcessVoice(ctx context.Context, src *os.File, sink MediaSink) (MediaInfo, error)
}

// InspectVoice checks a recording with internal/media.
func (m MediaPipeline) InspectVoice(ctx context.Context, f *os.File) (MediaInfo, error) {
	l := m.Limits
	l.MaxBytes = PortfolioMaxVoice
	info, err := media.Inspect(ctx, f, l)
	if err != nil {
		return MediaInfo{}, mediaErr(err)
	}
	if info.Kind != media.KindAudio {
		return MediaInfo{}, &MediaError{Key: "portfolio.voice_not_audio"}
	}
	return MediaInfo{Kind: store.PortfolioVoice, ContentType: info.Mime, Size: info.Size}, nil
}

// ProcessVoice strips a recording's metadata with ffmpeg.
func (m MediaPipeline) ProcessVoice(ctx context.Context, src *os.File, sink MediaSink) (MediaInfo, error) {
	dst, err := os.CreateTemp("", "cubby-voice-*")
	if err != nil {
		return MediaInfo{}, err
	}
	dst.Close()
	defer os.Remove(dst.Name())
	l := m.Limits
	l.MaxBytes = PortfolioMaxVoice
	av, err := media.StripAudio(ctx, src.Name(), dst.Name(), l)
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
	return MediaInfo{Kind: store.PortfolioVoice, ContentType: av.Mime, Size: n}, err
}

// portfolioFile is a processed file waiting for its item's transaction.
type portfolioFile struct {
	kind, name, contentType string
	size                    int64
	width, height           int
	key                     string
	keys                    []string // every file written (with a thumbnail)
}

// refuseField is a ValidationError on one field, naming the file.
func refuseField(field, key string, args ...any) error {
	v := &ValidationError{}
	v.Add(field, key, args...)
	return v
}

// sinkFor writes a processed file and its variants under one new key.
func (a *App) sinkFor(pf *portfolioFile) MediaSink {
	pf.key = "portfolio/" + NewToken()
	return func(variant string) (io.WriteCloser, error) {
		k := pf.key
		if variant != "" {
			k += "." + variant
		}
		pf.keys = append(pf.keys, k)
		return a.Privacy.Files.Create(k)
	}
}

// preparePortfolioUpload takes a photo or a document from the file input
// (field is the form field the errors name).
func (a *App) preparePortfolioUpload(ctx context.Context, field string, f StoryFile) (*portfolioFile, error) {
	if a.Privacy.Files == nil {
		return nil, ErrNoFileStore
	}
	p, err := a.inspectFile(f) // story_media.go: spooled, typed, checked
	if err != nil {
		return nil, renameField(err, "files", field)
	}
	defer os.Remove(p.tmp)
	pf := &portfolioFile{kind: store.PortfolioPhoto, name: p.name, contentType: p.contentType, size: p.size, width: p.width, height: p.height}
	switch p.kind {
	case store.AttachVideo:
		return nil, refuseField(field, "portfolio.no_video", "name", p.name)
	case store.AttachFile:
		pf.kind = store.PortfolioDoc
		pf.key = "portfolio/" + NewToken()
		if err := a.copyToStore(p.tmp, pf.key); err != nil {
			return nil, err
		}
		pf.keys = []string{pf.key}
		return pf, nil
	}
	src, err := os.Open(p.tmp)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	return a.processPicture(ctx, field, pf, src)
}

// processPicture re-encodes a photo or a drawing through the pipeline.
func (a *App) processPicture(ctx context.Context, field string, pf *portfolioFile, src *os.File) (*portfolioFile, error) {
	info, err := a.Stories.Media.Process(ctx, store.AttachPhoto, src, a.sinkFor(pf))
	if err != nil {
		a.removeFiles(pf.keys)
		var me *MediaError
		if errors.As(err, &me) {
			return nil, refuseField(field, me.Key, append([]any{"name", pf.name}, me.Args...)...)
		}
		return nil, err
	}
	pf.contentType, pf.width, pf.height = info.ContentType, info.Width, info.Height
	if info.Size > 0 {
		pf.size = info.Size
	}
	return pf, nil
}

// renameField moves a story validation error from one field to another,
// so the portfolio form shows it beside the right input.
func renameField(err error, from, to string) error {
	var v *ValidationError
	if !errors.As(err, &v) || from == to {
		return err
	}
	out := &ValidationError{}
	for k, fe := range v.Fields {
		if k == from {
			k = to
		}
		if k == "file" && to == "file" {
			continue // story.which_file repeats the name
		}
		out.Add(k, fe.Key, fe.Args...)
	}
	return out
}

// preparePortfolioVoice takes a recording: at most PortfolioMaxVoice,
// inspected and stripped of its metadata.
func (a *App) preparePortfolioVoice(ctx context.Context, f StoryFile) (*portfolioFile, error) {
	if a.Privacy.Files == nil {
		return nil, ErrNoFileStore
	}
	vm, ok := a.Stories.Media.(VoiceMedia)
	if !ok {
		return nil, refuseField("voice", media.ErrAudioUnavailable.Key)
	}
	tmp, err := os.CreateTemp(a.Stories.TempDir, "cubby-voice-in-*")
	if err != nil {
		return nil, err
	}
	defer func() { tmp.Close(); os.Remove(tmp.Name()) }()
	n, err := io.Copy(tmp, io.LimitReader(f.Body, PortfolioMaxVoice+1))
	if err != nil {
		return nil, err
	}
	switch {
	case n > PortfolioMaxVoice:
		return nil, refuseField("voice", "portfolio.voice_too_large", "max", PortfolioMaxVoice>>20)
	case n == 0:
		return nil, refuseField("voice", "portfolio.voice_empty")
	}
	if _, err := vm.InspectVoice(ctx, tmp); err != nil {
		var me *MediaError
		if errors.As(err, &me) {
			return nil, refuseField("voice", me.Key, me.Args...)
		}
		return nil, err
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	pf := &portfolioFile{kind: store.PortfolioVoice}
	info, err := vm.ProcessVoice(ctx, tmp, a.sinkFor(pf))
	if err != nil {
		a.removeFiles(pf.keys)
		var me *MediaError
		if errors.As(err, &me) {
			return nil, refuseField("voice", me.Key, me.Args...)
		}
		return nil, err
	}
	pf.contentType, pf.size = info.ContentType, info.Size
	pf.name = "recording" + extFor(info.ContentType)
	return pf, nil
}

func extFor(contentType string) string {
	switch {
	case strings.Contains(contentType, "webm"):
		return ".webm"
	case strings.Contains(contentType, "ogg"):
		return ".ogg"
	case strings.Contains(contentType, "mpeg"):
		return ".mp3"
	case strings.Contains(contentType, "mp4"), strings.Contains(contentType, "m4a"):
		return ".m4a"
	case strings.Contains(contentType, "png"):
		return ".png"
	case strings.Contains(contentType, "jpeg"):
		return ".jpg"
	}
	return ""
}

// preparePortfolioDrawing takes the strokes of a drawing (a PNG, clear
// where nothing was drawn), refuses an empty one, lays it over the
// template picture (scaled to it) or white, and re-encodes the result.
func (a *App) preparePortfolioDrawing(ctx context.Context, f StoryFile, template string) (*portfolioFile, error) {
	if a.Privacy.Files == nil {
		return nil, ErrNoFileStore
	}
	p, err := a.inspectFile(f)
	if err != nil {
		return nil, renameField(err, "files", "drawing")
	}
	defer os.Remove(p.tmp)
	if p.contentType != "image/png" {
		return nil, refuseField("drawing", "portfolio.drawing_not_png")
	}
	if p.width > portfolioMaxDrawingSide || p.height > portfolioMaxDrawingSide {
		return nil, refuseField("drawing", "portfolio.drawing_too_big", "max", portfolioMaxDrawingSide)
	}
	raw, err := os.ReadFile(p.tmp)
	if err != nil {
		return nil, err
	}
	strokes, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		return nil, refuseField("drawing", "portfolio.drawing_not_png")
	}
	if drawingEmpty(strokes) {
		return nil, refuseField("drawing", "portfolio.drawing_empty")
	}
	out, err := a.composeDrawing(strokes, template)
	if err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(a.Stories.TempDir, "cubby-drawing-*")
	if err != nil {
		return nil, err
	}
	defer func() { tmp.Close(); os.Remove(tmp.Name()) }()
	if err := png.Encode(tmp, out); err != nil {
		return nil, err
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	pf := &portfolioFile{kind: store.PortfolioDrawing, name: "drawing.png"}
	pf, err = a.processPicture(ctx, "drawing", pf, tmp)
	if err != nil {
		return nil, err
	}
	pf.name = "drawing" + extFor(pf.contentType)
	return pf, nil
}

// drawingEmpty reports whether nothing was drawn: every pixel clear, or
// (a canvas exported with a background) every pixel the same colour.
func drawingEmpty(img image.Image) bool {
	b := img.Bounds()
	if b.Empty() {
		return true
	}
	first := color.NRGBAModel.Convert(img.At(b.Min.X, b.Min.Y)).(color.NRGBA)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			if c.A == 0 && first.A == 0 {
				continue
			}
			if c != first {
				return false
			}
		}
	}
	return true
}

// composeDrawing lays the strokes over the template picture (the stored,
// already cleaned display size) or over white.
func (a *App) composeDrawing(strokes image.Image, templateKey string) (image.Image, error) {
	var bg image.Image
	if templateKey != "" {
		r, err := a.Privacy.Files.Open(templateKey)
		if err != nil {
			return nil, fmt.Errorf("open template: %w", err)
		}
		bg, _, err = image.Decode(r)
		r.Close()
		if err != nil {
			bg = nil // an unreadable template: the drawing on white
		}
	}
	size := strokes.Bounds()
	if bg != nil {
		size = image.Rect(0, 0, bg.Bounds().Dx(), bg.Bounds().Dy())
	}
	out := image.NewRGBA(image.Rect(0, 0, size.Dx(), size.Dy()))
	xdraw.Draw(out, out.Bounds(), image.NewUniform(color.White), image.Point{}, xdraw.Src)
	if bg != nil {
		xdraw.Draw(out, out.Bounds(), bg, bg.Bounds().Min, xdraw.Over)
	}
	xdraw.CatmullRom.Scale(out, out.Bounds(), strokes, strokes.Bounds(), xdraw.Over, nil)
	return out, nil
}

// dropPortfolioFiles removes the files of work that was not written.
func (a *App) dropPortfolioFiles(files []*portfolioFile) {
	for _, f := range files {
		if f != nil {
			a.removeFiles(f.keys)
		}
	}
}

// file is the row for a prepared file of an item.
func (pf *portfolioFile) row(schoolID, itemID int64, now time.Time) *store.PortfolioFile {
	return &store.PortfolioFile{SchoolID: schoolID, ItemID: itemID, PublicID: NewToken(), Kind: pf.kind, Name: pf.name,
		ContentType: pf.contentType, Size: pf.size, Width: pf.width, Height: pf.height, FileKey: pf.key, CreatedAt: now}
}

// OpenPortfolioFile opens a piece of work's file (variant "thumb" for a
// picture's thumbnail) for someone who may see the work, checked on every
// request.
func (a *App) OpenPortfolioFile(ctx context.Context, s *Session, publicID, variant string) (*StoryFileRead, error) {
	if variant != "" && variant != "thumb" {
		return nil, ErrNotFound
	}
	f, err := store.PortfolioFileByPublicID(ctx, a.db.R, publicID)
	if err != nil {
		return nil, err
	}
	if _, _, err := a.portfolioItem(ctx, s, f.ItemID); err != nil {
		return nil, err
	}
	key := f.FileKey
	if variant == "thumb" && (f.Kind == store.PortfolioPhoto || f.Kind == store.PortfolioDrawing) {
		key += ".thumb"
	}
	kind := store.AttachFile
	switch f.Kind {
	case store.PortfolioPhoto, store.PortfolioDrawing:
		kind = store.AttachPhoto
	case store.PortfolioVoice:
		kind = "audio"
	}
	return a.openStored(key, f.Name, f.ContentType, kind)
}

func (a *App) openStored(key, name, contentType, kind string) (*StoryFileRead, error) {
	if a.Privacy.Files == nil {
		return nil, ErrNoFileStore
	}
	r, err := a.Privacy.Files.Open(key)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, ErrNotFound
		}
		return nil, fmt.Errorf("open portfolio file: %w", err)
	}
	return &StoryFileRead{ReadCloser: r, Name: name, ContentType: contentType, Kind: kind}, nil
}
