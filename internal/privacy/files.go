package privacy

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// FileStore holds files that inventory fields name by key (`file: true`):
// export archives now, photos and uploads later. Export copies a person's
// files into their archive and erasure removes them with every derivative,
// so a feature that stores files only has to declare the column.
type FileStore interface {
	Create(key string) (io.WriteCloser, error)
	Open(key string) (io.ReadCloser, error)
	// Remove deletes the file and its derivatives: files named key + "."
	// + anything (key.thumb.jpg, key.small.webp). Removing a missing file
	// is not an error.
	Remove(key string) error
	// Walk calls fn with every key, for checks that nothing of an erased
	// person is left.
	Walk(fn func(key string) error) error
}

// DirStore keeps files in a folder (CUBBY_DATA_DIR/files).
type DirStore struct{ Dir string }

// ErrBadKey is a key that could escape the store's folder.
var ErrBadKey = errors.New("privacy: bad file key")

func (d DirStore) path(key string) (string, error) {
	clean := path.Clean(key)
	if key == "" || clean != key || strings.HasPrefix(key, "/") || strings.HasPrefix(key, "../") || key == ".." || strings.ContainsAny(key, "\\\x00") {
		return "", fmt.Errorf("%w: %q", ErrBadKey, key)
	}
	return filepath.Join(d.Dir, filepath.FromSlash(key)), nil
}

// Create opens a new file for writing, making its folder.
func (d DirStore) Create(key string) (io.WriteCloser, error) {
	p, err := d.path(key)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		return nil, err
	}
	return os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o640)
}

// Open opens a file for reading.
func (d DirStore) Open(key string) (io.ReadCloser, error) {
	p, err := d.path(key)
	if err != nil {
		return nil, err
	}
	return os.Open(p)
}

// Remove deletes a file and its derivatives.
func (d DirStore) Remove(key string) error {
	p, err := d.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	matches, err := filepath.Glob(globEscape(p) + ".*")
	if err != nil {
		return err
	}
	for _, m := range matches {
		if err := os.Remove(m); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

// Walk lists every key.
func (d DirStore) Walk(fn func(key string) error) error {
	err := filepath.WalkDir(d.Dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		rel, err := filepath.Rel(d.Dir, p)
		if err != nil {
			return err
		}
		return fn(filepath.ToSlash(rel))
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

func globEscape(p string) string {
	r := strings.NewReplacer(`*`, `\*`, `?`, `\?`, `[`, `\[`)
	return r.Replace(p)
}
