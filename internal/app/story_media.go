package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"cubby/internal/authz"
	"cubby/internal/db"
	"cubby/internal/store"
)

// Photos, videos and files of stories. A file arrives with its post or on
// its own (StoryUpload, for progress on large files); either way it is
// spooled to a temporary file, its type decided from its content and its
// size and pixels checked (StoryMedia.Inspect) before anything is stored,
// so a refused file leaves nothing behind. Accepted, it is kept in the
// file store as the attachment's source until the background job turns
// it into what families get: photos decoded and re-encoded (no metadata,
// orientation applied) with a display size and a thumbnail, videos
// copied without their metadata. Only then is the post published.

// DefaultStoryMaxFile is the largest file a post takes unless configured.
const DefaultStoryMaxFile = 20 << 20

// Stories configures story media.
type Stories struct {
	// Media is the pipeline (internal/media); without it photos and
	// videos cannot be posted, files still can.
	Media StoryMedia
	// MaxFileSize limits each file; 0 means DefaultStoryMaxFile.
	MaxFileSize int64
	// TempDir holds files while they are checked; "" is the system's.
	TempDir string

	once sync.Once
	sem  chan struct{} // one processing job at a time
}

func (st *Stories) maxFile() int64 {
	if st.MaxFileSize > 0 {
		return st.MaxFileSize
	}
	return DefaultStoryMaxFile
}

// StoryFile is a file as it arrives from the edge.
type StoryFile struct {
	Name string
	Body io.Reader
}

// MediaInfo is what inspecting or processing a file found.
type MediaInfo struct {
	Kind        string // store.AttachPhoto, AttachVideo or AttachFile
	ContentType string
	Width       int
	Height      int
	Size        int64
}

// MediaError refuses a file: Key is the message (story.file_*), with the
// file's name as {name}.
type MediaError struct {
	Key  string
	Args []any
}

func (e *MediaError) Error() string { return "media refused: " + e.Key }

// MediaSink is where processing writes a file and its derivatives:
// variant "" is the main file, others ("display", "thumb") its sizes.
type MediaSink func(variant string) (io.WriteCloser, error)

// StoryMedia is what stories need of the media pipeline.
type StoryMedia interface {
	// Inspect decides a file's kind from its content and checks it can
	// be taken (type, pixels, a video only where it can be stripped),
	// returning a *MediaError otherwise. It must be fast: it runs while
	// the poster waits.
	Inspect(ctx context.Context, f *os.File, size int64) (MediaInfo, error)
	// Process turns an accepted photo or video into what families get,
	// writing it to sink: variant "" the file families get (a photo's
	// display size), "thumb" a photo's thumbnail, in the same type. A file
	// that cannot be read is a *MediaError.
	Process(ctx context.Context, kind string, src *os.File, sink MediaSink) (MediaInfo, error)
}

// pendingFile is a file on its way to becoming an attachment.
type pendingFile struct {
	upload      *store.StoryUpload // an earlier upload, or nil
	kind, name  string
	contentType string
	size        int64
	width       int
	height      int
	tmp         string // the spooled file, while checked
	sourceKey   string // in the file store, once accepted
}

func (p *pendingFile) needsProcessing() bool { return p.kind != store.AttachFile }

// attachment is the row for the file at position i of a post.
func (p *pendingFile) attachment(schoolID, postID int64, i int, now time.Time) *store.StoryAttachment {
	a := &store.StoryAttachment{SchoolID: schoolID, PostID: postID, PublicID: NewToken(), Position: i, Kind: p.kind, Name: p.name,
		ContentType: p.contentType, Size: p.size, Width: p.width, Height: p.height, CreatedAt: now}
	if p.needsProcessing() {
		a.Status, a.SourceKey = store.AttachProcessing, p.sourceKey
	} else {
		// Files (PDF, office documents) are kept as they came.
		a.Status, a.FileKey = store.AttachReady, p.sourceKey
	}
	return a
}

// inspectFiles spools and checks each file; on the first refusal it
// removes every spooled file and names the file refused.
func (a *App) inspectFiles(files []StoryFile) ([]*pendingFile, error) {
	var out []*pendingFile
	for _, f := range files {
		p, err := a.inspectFile(f)
		if err != nil {
			a.dropIncoming(out)
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

func (a *App) inspectFile(f StoryFile) (*pendingFile, error) {
	name := cleanFileName(f.Name)
	refuse := func(key string, args ...any) error {
		v := &ValidationError{}
		v.Add("files", key, append([]any{"name", name}, args...)...)
		v.Add("file", "story.which_file", "name", name)
		return v
	}
	tmp, err := os.CreateTemp(a.Stories.TempDir, "cubby-upload-*")
	if err != nil {
		return nil, err
	}
	max := a.Stories.maxFile()
	n, err := io.Copy(tmp, io.LimitReader(f.Body, max+1))
	if err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, err
	}
	var info MediaInfo
	switch {
	case n > max:
		err = refuse("story.file_too_large", "max", max>>20)
	case n == 0:
		err = refuse("story.file_empty")
	case a.Stories.Media == nil:
		err = refuse("story.media_off")
	default:
		info, err = a.Stories.Media.Inspect(context.Background(), tmp, n)
		var me *MediaError
		if errors.As(err, &me) {
			err = refuse(me.Key, me.Args...)
		}
	}
	tmp.Close()
	if err != nil {
		os.Remove(tmp.Name())
		return nil, err
	}
	return &pendingFile{kind: info.Kind, name: name, contentType: info.ContentType, size: n, width: info.Width, height: info.Height, tmp: tmp.Name()}, nil
}

// storeIncoming moves spooled files into the file store.
func (a *App) storeIncoming(ps []*pendingFile) error {
	for _, p := range ps {
		if p.tmp == "" {
			continue
		}
		if a.Privacy.Files == nil {
			return ErrNoFileStore
		}
		key := "story/" + NewToken()
		if err := a.copyToStore(p.tmp, key); err != nil {
			return err
		}
		p.sourceKey = key
		os.Remove(p.tmp)
		p.tmp = ""
	}
	return nil
}

func (a *App) copyToStore(path, key string) error {
	src, err := os.Open(path)
	if err != nil {
		return err
	}
	defer src.Close()
	w, err := a.Privacy.Files.Create(key)
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, src); err != nil {
		w.Close()
		a.Privacy.Files.Remove(key)
		return err
	}
	if err := w.Close(); err != nil {
		a.Privacy.Files.Remove(key)
		return err
	}
	return nil
}

// dropIncoming removes what a refused or failed post had spooled or
// stored of the files that came with it (earlier uploads stay theirs).
func (a *App) dropIncoming(ps []*pendingFile) {
	for _, p := range ps {
		if p.upload != nil {
			continue
		}
		if p.tmp != "" {
			os.Remove(p.tmp)
		}
		if p.sourceKey != "" {
			a.removeFiles([]string{p.sourceKey})
		}
	}
}

// cleanFileName keeps a file's own name (no folders, no control
// characters), at most 200 characters, for the download's name.
func cleanFileName(s string) string {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '/' || s[i] == '\\' {
			s = s[i+1:]
			break
		}
	}
	out := make([]rune, 0, len(s))
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == '"' {
			continue
		}
		out = append(out, r)
	}
	if len(out) > 200 {
		out = out[len(out)-200:]
	}
	if len(out) == 0 {
		return "file"
	}
	return string(out)
}

// UploadStoryFile takes one file ahead of its post (the API's upload with
// progress, and the page's script), for whoever may post to the class
// (classID) or, with classID 0, the school's story. The upload is the
// uploader's alone and goes after a day if it is never posted.
func (a *App) UploadStoryFile(ctx context.Context, s *Session, schoolID, classID int64, f StoryFile) (*store.StoryUpload, error) {
	if classID != 0 {
		c, err := a.viewClass(ctx, s, classID)
		if err != nil {
			return nil, err
		}
		if !authz.CanPostClassStory(s.Actor, authz.ClassRef{ID: c.ID, SchoolID: c.SchoolID}) {
			return nil, ErrForbidden
		}
		if c.ArchivedAt != nil {
			return nil, ErrArchived
		}
		schoolID = c.SchoolID
	} else {
		if !authz.CanViewSchool(s.Actor, schoolID) {
			return nil, ErrNotFound
		}
		if !authz.CanPostSchoolStory(s.Actor, schoolID) {
			return nil, ErrForbidden
		}
	}
	p, err := a.inspectFile(f)
	if err != nil {
		return nil, err
	}
	ps := []*pendingFile{p}
	if err := a.storeIncoming(ps); err != nil {
		a.dropIncoming(ps)
		return nil, err
	}
	u := &store.StoryUpload{SchoolID: schoolID, ClassID: classID, UploadedBy: s.User.ID, PublicID: NewToken(), Kind: p.kind, Name: p.name,
		ContentType: p.contentType, Size: p.size, Width: p.width, Height: p.height, SourceKey: p.sourceKey, CreatedAt: a.Now()}
	if err := store.CreateStoryUpload(ctx, a.db.W, u); err != nil {
		a.dropIncoming(ps)
		return nil, err
	}
	return u, nil
}

// DiscardStoryUpload removes one of the actor's uploads they decided not
// to post.
func (a *App) DiscardStoryUpload(ctx context.Context, s *Session, publicID string) error {
	u, err := store.StoryUploadByPublicID(ctx, a.db.R, publicID)
	if err != nil {
		return err
	}
	if u.UploadedBy != s.User.ID {
		return ErrNotFound
	}
	if _, err := store.DeleteStoryUpload(ctx, a.db.W, u.ID); err != nil {
		return err
	}
	a.removeFiles([]string{u.SourceKey})
	return nil
}

// processStoryLater prepares a post's files in the background; the post
// is published when they are ready.
func (a *App) processStoryLater(postID int64) {
	a.Stories.once.Do(func() { a.Stories.sem = make(chan struct{}, 1) })
	a.Privacy.jobs.Add(1)
	go func() {
		defer a.Privacy.jobs.Done()
		a.Stories.sem <- struct{}{}
		defer func() { <-a.Stories.sem }()
		ctx := context.Background()
		if err := a.processStory(ctx, postID); err != nil {
			a.Log.Error("story: process files", "post", postID, "err", err)
		}
	}()
}

// ProcessStoryNow prepares a post's files and publishes it, in the
// caller's goroutine (tests, benchmarks, and ResumeStories).
func (a *App) ProcessStoryNow(ctx context.Context, postID int64) error {
	return a.processStory(ctx, postID)
}

func (a *App) processStory(ctx context.Context, postID int64) error {
	atts, err := store.ProcessingAttachments(ctx, a.db.R, postID)
	if err != nil {
		return err
	}
	for i := range atts {
		if err := a.processAttachment(ctx, &atts[i]); err != nil {
			return err
		}
	}
	return a.publishIfReady(ctx, postID)
}

// processAttachment turns one upload into its processed file. A file the
// pipeline cannot read is marked failed (its author sees why and can
// remove it); the upload is removed either way.
func (a *App) processAttachment(ctx context.Context, at *store.StoryAttachment) error {
	fail := func(key string) error {
		if err := store.SetAttachmentFailed(ctx, a.db.W, at.ID, key); err != nil {
			return err
		}
		a.removeFiles([]string{at.SourceKey})
		return nil
	}
	if a.Stories.Media == nil {
		return fail("story.media_off")
	}
	tmp, err := a.spoolFromStore(at.SourceKey)
	if err != nil {
		a.Log.Error("story: read upload", "err", err)
		return fail("story.file_corrupt")
	}
	defer func() { tmp.Close(); os.Remove(tmp.Name()) }()
	key := "story/" + NewToken()
	var written []string
	sink := func(variant string) (io.WriteCloser, error) {
		k := key
		if variant != "" {
			k = key + "." + variant
		}
		written = append(written, k)
		return a.Privacy.Files.Create(k)
	}
	info, err := a.Stories.Media.Process(ctx, at.Kind, tmp, sink)
	if err != nil {
		a.removeFiles([]string{key}) // with every variant written
		var me *MediaError
		if errors.As(err, &me) {
			return fail(me.Key)
		}
		a.Log.Error("story: process", "kind", at.Kind, "err", err)
		return fail("story.file_corrupt")
	}
	done := *at
	done.FileKey, done.ContentType, done.Width, done.Height = key, info.ContentType, info.Width, info.Height
	if info.Size > 0 {
		done.Size = info.Size
	}
	if err := store.SetAttachmentReady(ctx, a.db.W, &done); err != nil {
		a.removeFiles([]string{key})
		return err
	}
	a.removeFiles([]string{at.SourceKey})
	return nil
}

// spoolFromStore copies a stored file to a temporary one the pipeline can
// seek in (and ffmpeg can open by name).
func (a *App) spoolFromStore(key string) (*os.File, error) {
	if a.Privacy.Files == nil {
		return nil, ErrNoFileStore
	}
	r, err := a.Privacy.Files.Open(key)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	tmp, err := os.CreateTemp(a.Stories.TempDir, "cubby-process-*")
	if err != nil {
		return nil, err
	}
	if _, err := io.Copy(tmp, r); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, err
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, err
	}
	return tmp, nil
}

// publishIfReady publishes a post once none of its files is still being
// prepared, and tells families' open pages.
func (a *App) publishIfReady(ctx context.Context, postID int64) error {
	left, err := store.ProcessingAttachments(ctx, a.db.R, postID)
	if err != nil || len(left) > 0 {
		return err
	}
	var p *store.StoryPost
	err = a.db.Tx(ctx, func(tx db.Querier) error {
		ok, err := store.PublishStoryPost(ctx, tx, postID, a.Now())
		if err != nil || !ok {
			return err
		}
		if p, err = store.StoryPostByID(ctx, tx, postID); err != nil {
			return err
		}
		return a.notifyStory(ctx, tx, p)
	})
	if err != nil || p == nil {
		return err
	}
	a.announceStory(ctx, p)
	return nil
}

// announceStory tells the open pages of the families (and students) of
// the post's class or school that a new post is there; each page then
// fetches it, which checks again who may see it.
func (a *App) announceStory(ctx context.Context, p *store.StoryPost) {
	list, err := store.TaggableStudents(ctx, a.db.R, p.SchoolID, p.ClassID, nil)
	if err != nil {
		a.Log.Error("story: announce", "err", err)
		return
	}
	for _, st := range list {
		a.Events.Publish(PointEvent{StudentID: st.ID, ClassID: p.ClassID, StoryPostID: p.ID})
	}
	if to, err := a.storyAudience(ctx, a.db.R, p); err == nil {
		a.notified(to...) // their bells
	}
}

// ResumeStories finishes posts whose files were being prepared when the
// server stopped.
func (a *App) ResumeStories(ctx context.Context) error {
	ids, err := store.UnpublishedStoryPosts(ctx, a.db.R)
	if err != nil {
		return err
	}
	for _, id := range ids {
		a.processStoryLater(id)
	}
	return nil
}

// StoryFileRead is a file being handed to a reader.
type StoryFileRead struct {
	io.ReadCloser
	Name        string
	ContentType string
	Kind        string
}

// OpenStoryFile opens an attachment (variant "" or "display" for the file,
// "thumb" for a photo's thumbnail) for
// a reader who may see it, checked on every request: who may see the post
// now, and whether the file is shown to them (ready, and showing no child
// whose consent was withdrawn, unless they are staff).
func (a *App) OpenStoryFile(ctx context.Context, s *Session, publicID, variant string) (*StoryFileRead, error) {
	switch variant {
	case "", "display":
		variant = ""
	case "thumb":
	default:
		return nil, ErrNotFound
	}
	at, err := store.StoryAttachmentByPublicID(ctx, a.db.R, publicID)
	if err != nil {
		return nil, err
	}
	p, ref, err := a.storyPost(ctx, s, at.PostID)
	if err != nil {
		return nil, err
	}
	if at.Status != store.AttachReady || at.FileKey == "" {
		return nil, ErrNotFound
	}
	staff := authz.CanSeeStoryTags(s.Actor, ref) || authz.CanEditStory(s.Actor, ref)
	if !staff {
		withheld, err := a.withheld(ctx, p, at.ID)
		if err != nil {
			return nil, err
		}
		if withheld {
			return nil, ErrNotFound
		}
	}
	key := at.FileKey
	if variant != "" && at.Kind == store.AttachPhoto {
		key += "." + variant
	}
	if a.Privacy.Files == nil {
		return nil, ErrNoFileStore
	}
	r, err := a.Privacy.Files.Open(key)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, ErrNotFound
		}
		return nil, fmt.Errorf("open story file: %w", err)
	}
	return &StoryFileRead{ReadCloser: r, Name: at.Name, ContentType: at.ContentType, Kind: at.Kind}, nil
}

// withheld reports whether a photo shows a child whose family no longer
// consents to photos for the post's audience.
func (a *App) withheld(ctx context.Context, p *store.StoryPost, attachmentID int64) (bool, error) {
	tags, err := store.TagsOfPosts(ctx, a.db.R, []int64{p.ID})
	if err != nil {
		return false, err
	}
	var users []int64
	for _, t := range tags[p.ID] {
		if t.AttachmentID == attachmentID {
			users = append(users, t.StudentUserID)
		}
	}
	if len(users) == 0 {
		return false, nil
	}
	ok, err := store.MediaConsented(ctx, a.db.R, users, purposesFor(p.ClassID)...)
	if err != nil {
		return false, err
	}
	return len(ok) < len(users), nil
}
