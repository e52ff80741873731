package files

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3 keeps files as objects in a bucket of an S3-compatible object store
// (Amazon S3, SeaweedFS, Ceph, Garage, a cloud's object storage), through
// minio-go. A key is the object's name below the configured prefix.
type S3 struct {
	client *minio.Client
	cfg    S3Config
}

// opTimeout bounds a request that moves no file body (stat, delete, a
// page of a listing); a whole upload may take putTimeout.
const (
	opTimeout  = time.Minute
	putTimeout = 15 * time.Minute
)

// NewS3 makes the client; it does not talk to the server (Check does).
func NewS3(cfg S3Config) (*S3, error) {
	c, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure: cfg.Secure,
		Region: cfg.Region,
	})
	if err != nil {
		return nil, fmt.Errorf("object store %s: %w", cfg, err)
	}
	return &S3{client: c, cfg: cfg}, nil
}

func (s *S3) object(key string) (string, error) {
	if err := checkKey(key); err != nil {
		return "", err
	}
	return s.cfg.Prefix + key, nil
}

// Create returns a writer that keeps what is written in a temporary file
// and uploads it on Close, with its size known: nothing appears in the
// bucket until the file is whole, and Close reports a failed upload.
func (s *S3) Create(key string) (io.WriteCloser, error) {
	obj, err := s.object(key)
	if err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp("", "cubby-upload-*")
	if err != nil {
		return nil, err
	}
	return &s3Writer{s: s, object: obj, tmp: tmp}, nil
}

type s3Writer struct {
	s      *S3
	object string
	tmp    *os.File
	closed bool
}

func (w *s3Writer) Write(p []byte) (int, error) {
	if w.closed {
		return 0, os.ErrClosed
	}
	return w.tmp.Write(p)
}

func (w *s3Writer) Close() error {
	if w.closed {
		return os.ErrClosed
	}
	w.closed = true
	defer func() { w.tmp.Close(); os.Remove(w.tmp.Name()) }()
	size, err := w.tmp.Seek(0, io.SeekCurrent)
	if err != nil {
		return err
	}
	if _, err := w.tmp.Seek(0, io.SeekStart); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), putTimeout)
	defer cancel()
	_, err = w.s.client.PutObject(ctx, w.s.cfg.Bucket, w.object, w.tmp, size,
		minio.PutObjectOptions{ContentType: "application/octet-stream", PartSize: 16 << 20})
	if err != nil {
		return fmt.Errorf("upload %s: %w", w.object, err)
	}
	return nil
}

// Open opens an object for reading; a missing one is fs.ErrNotExist.
func (s *S3) Open(key string) (io.ReadCloser, error) {
	obj, err := s.object(key)
	if err != nil {
		return nil, err
	}
	// The reader streams the object as it is read, for as long as the
	// reader (a download) takes: no timeout here.
	o, err := s.client.GetObject(context.Background(), s.cfg.Bucket, obj, minio.GetObjectOptions{})
	if err == nil {
		_, err = o.Stat() // GetObject is lazy: this asks, so a missing object is known now
	}
	if err != nil {
		if o != nil {
			o.Close()
		}
		if notFound(err) {
			return nil, &fs.PathError{Op: "open", Path: key, Err: fs.ErrNotExist}
		}
		return nil, fmt.Errorf("open %s: %w", obj, err)
	}
	return o, nil
}

// Remove deletes an object and its derivatives (key + "." + anything),
// the derivatives first, so a failure leaves the object that names them
// and a later Remove finishes the job.
func (s *S3) Remove(key string) error {
	obj, err := s.object(key)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	var derived []string
	for o := range s.client.ListObjects(ctx, s.cfg.Bucket, minio.ListObjectsOptions{Prefix: obj + ".", Recursive: true}) {
		if o.Err != nil {
			return fmt.Errorf("list %s.*: %w", obj, o.Err)
		}
		derived = append(derived, o.Key)
	}
	for _, k := range append(derived, obj) {
		if err := s.client.RemoveObject(ctx, s.cfg.Bucket, k, minio.RemoveObjectOptions{}); err != nil && !notFound(err) {
			return fmt.Errorf("remove %s: %w", k, err)
		}
	}
	return nil
}

// Walk lists every key below the prefix.
func (s *S3) Walk(fn func(key string) error) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel() // stops the listing when fn ends the walk early
	for o := range s.client.ListObjects(ctx, s.cfg.Bucket, minio.ListObjectsOptions{Prefix: s.cfg.Prefix, Recursive: true}) {
		if o.Err != nil {
			return fmt.Errorf("list %s: %w", s.cfg, o.Err)
		}
		key := strings.TrimPrefix(o.Key, s.cfg.Prefix)
		if key == "" || strings.HasSuffix(key, "/") { // folder markers some tools leave
			continue
		}
		if err := fn(key); err != nil {
			return err
		}
	}
	return nil
}

// Check asks whether the bucket exists with these keys, then writes,
// reads and removes a small object in it. Each failure says what to fix.
func (s *S3) Check(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	ok, err := s.client.BucketExists(ctx, s.cfg.Bucket)
	switch {
	case err != nil && refused(err):
		return fmt.Errorf("object store %s refused the keys (%s): check CUBBY_FILES_ACCESS_KEY and CUBBY_FILES_SECRET_KEY and that they may use bucket %q",
			s.cfg, minio.ToErrorResponse(err).Code, s.cfg.Bucket)
	case err != nil:
		return fmt.Errorf("object store %s cannot be reached: %w (check the host and port in CUBBY_FILES_URL, and tls=false for a server without HTTPS)", s.cfg, err)
	case !ok:
		return fmt.Errorf("object store %s has no bucket %q: create it first (Cubby does not create buckets, so their policy and region stay the operator's choice)", s.cfg, s.cfg.Bucket)
	}
	if err := probe(s, ".cubby-check-"+randomName()); err != nil {
		return fmt.Errorf("object store %s: bucket %q: %w", s.cfg, s.cfg.Bucket, err)
	}
	return nil
}

// Where is the bucket's URL without the keys.
func (s *S3) Where() string { return s.cfg.String() }

func notFound(err error) bool {
	switch minio.ToErrorResponse(err).Code {
	case "NoSuchKey", "NotFound":
		return true
	}
	return false
}

func refused(err error) bool {
	switch minio.ToErrorResponse(err).Code {
	case "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken", "ExpiredToken":
		return true
	}
	return false
}
