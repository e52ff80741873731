package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"cubby/internal/authz"
	"cubby/internal/store"
)

// Attachments of messages go through the stories' media pipeline, with its
// checks and limits (type from content, size, pixels: StoryMedia.Inspect),
// and are processed before the message is written (photos re-encoded
// without metadata, with a thumbnail; videos stripped), so a message
// arrives with its files ready and a refused file stores nothing. A photo
// takes a fraction of a second; a video is copied, not re-encoded.

// messageFile is a processed file waiting for its message's transaction.
type messageFile struct {
	kind, name, contentType string
	size                    int64
	width, height           int
	key                     string   // the file families get
	keys                    []string // every file written (with a thumbnail)
}

// prepareMessageFiles checks and processes every file; on the first
// refusal it removes whatever it had written and returns the refusal.
func (a *App) prepareMessageFiles(files []StoryFile) ([]*messageFile, error) {
	if len(files) == 0 {
		return nil, nil
	}
	if a.Privacy.Files == nil {
		return nil, ErrNoFileStore
	}
	var out []*messageFile
	for _, f := range files {
		mf, err := a.prepareMessageFile(f)
		if err != nil {
			a.dropMessageFiles(out)
			return nil, err
		}
		out = append(out, mf)
	}
	return out, nil
}

func (a *App) prepareMessageFile(f StoryFile) (*messageFile, error) {
	p, err := a.inspectFile(f) // story_media.go: spooled, typed, checked
	if err != nil {
		return nil, err
	}
	defer os.Remove(p.tmp)
	mf := &messageFile{kind: p.kind, name: p.name, contentType: p.contentType, size: p.size, width: p.width, height: p.height,
		key: "message/" + NewToken()}
	if p.kind == store.AttachFile {
		// Documents are kept as they came, as in stories.
		if err := a.copyToStore(p.tmp, mf.key); err != nil {
			return nil, err
		}
		mf.keys = []string{mf.key}
		return mf, nil
	}
	src, err := os.Open(p.tmp)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	sink := func(variant string) (io.WriteCloser, error) {
		k := mf.key
		if variant != "" {
			k += "." + variant
		}
		mf.keys = append(mf.keys, k)
		return a.Privacy.Files.Create(k)
	}
	info, err := a.Stories.Media.Process(context.Background(), p.kind, src, sink)
	if err != nil {
		a.removeFiles(mf.keys)
		var me *MediaError
		if errors.As(err, &me) {
			v := &ValidationError{}
			v.Add("files", me.Key, append([]any{"name", p.name}, me.Args...)...)
			return nil, v
		}
		return nil, err
	}
	mf.contentType, mf.width, mf.height = info.ContentType, info.Width, info.Height
	if info.Size > 0 {
		mf.size = info.Size
	}
	return mf, nil
}

// dropMessageFiles removes the files of a message that was not written.
func (a *App) dropMessageFiles(files []*messageFile) {
	for _, f := range files {
		a.removeFiles(f.keys)
	}
}

// MessageFileRead is an attachment being handed to a reader.
type MessageFileRead struct {
	io.ReadCloser
	Name        string
	ContentType string
	Kind        string
}

// OpenMessageFile opens an attachment (variant "thumb" for a photo's
// thumbnail) for someone who sees its conversation, checked on every
// request.
func (a *App) OpenMessageFile(ctx context.Context, s *Session, publicID, variant string) (*MessageFileRead, error) {
	if variant != "" && variant != "thumb" {
		return nil, ErrNotFound
	}
	at, err := store.MessageAttachmentByPublicID(ctx, a.db.R, publicID)
	if err != nil {
		return nil, err
	}
	m, err := store.MessageByID(ctx, a.db.R, at.MessageID)
	if err != nil {
		return nil, err
	}
	if _, _, err := a.conversation(ctx, s, m.ConversationID); err != nil {
		if !errors.Is(err, ErrNotFound) || !authz.CanReviewMessages(s.Actor, at.SchoolID) {
			return nil, err
		}
		// A leader reviewing a report sees the reported message's files.
		if ok, err := store.Reported(ctx, a.db.R, m.ID); err != nil || !ok {
			return nil, ErrNotFound
		}
	}
	key := at.FileKey
	if variant == "thumb" && at.Kind == store.AttachPhoto {
		key += ".thumb"
	}
	if a.Privacy.Files == nil {
		return nil, ErrNoFileStore
	}
	r, err := a.Privacy.Files.Open(key)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, ErrNotFound
		}
		return nil, fmt.Errorf("open message file: %w", err)
	}
	return &MessageFileRead{ReadCloser: r, Name: at.Name, ContentType: at.ContentType, Kind: at.Kind}, nil
}
