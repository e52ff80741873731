// Package files is where Cubby keeps files: photos and attachments of
// stories, export archives. A Store is a folder on the server's disk
// (CUBBY_DATA_DIR/files, the default) or a bucket of an S3-compatible
// object store (CUBBY_FILES_URL=s3://…). Both satisfy privacy.FileStore,
// the interface export, erasure and retention use, and behave the same
// way: the contract test runs against both.
package files

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"cubby/internal/privacy"
)

// Store is a file store that can say where it keeps files and check at
// start that it can.
type Store interface {
	privacy.FileStore
	// Check makes sure files can be written, read and removed, so a
	// misconfigured store stops the server at start rather than the
	// first upload.
	Check(ctx context.Context) error
	// Where names the place, for logs and the operator; it never holds a
	// secret.
	Where() string
}

// ErrBadKey is a key that could escape the store's folder or prefix.
var ErrBadKey = errors.New("files: bad file key")

// checkKey refuses keys that are not a clean relative slash path: "",
// "/x", "../x", "a//b", "a/./b", backslashes and NUL.
func checkKey(key string) error {
	if key == "" || path.Clean(key) != key || strings.HasPrefix(key, "/") || key == ".." || strings.HasPrefix(key, "../") ||
		key == "." || strings.ContainsAny(key, "\\\x00") {
		return fmt.Errorf("%w: %q", ErrBadKey, key)
	}
	return nil
}

// Open returns the store a configuration names.
func Open(loc Location) (Store, error) {
	if loc.S3 != nil {
		return NewS3(*loc.S3)
	}
	if loc.Dir == "" {
		return nil, errors.New("files: no folder and no bucket")
	}
	return Dir{Path: loc.Dir}, nil
}

// probe writes, reads back and removes a small file.
func probe(s privacy.FileStore, key string) error {
	const text = "cubby checks it can keep files here\n"
	w, err := s.Create(key)
	if err != nil {
		return fmt.Errorf("cannot write: %w", err)
	}
	_, err = io.WriteString(w, text)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		s.Remove(key)
		return fmt.Errorf("cannot write: %w", err)
	}
	r, err := s.Open(key)
	if err != nil {
		s.Remove(key)
		return fmt.Errorf("cannot read back what it wrote: %w", err)
	}
	got, err := io.ReadAll(r)
	r.Close()
	if err == nil && string(got) != text {
		err = errors.New("read back something else")
	}
	if err != nil {
		s.Remove(key)
		return fmt.Errorf("cannot read back what it wrote: %w", err)
	}
	if err := s.Remove(key); err != nil {
		return fmt.Errorf("cannot remove: %w", err)
	}
	return nil
}

func randomName() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}
