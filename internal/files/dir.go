package files

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Dir keeps files in a folder on the server's disk (CUBBY_DATA_DIR/files
// by default). A key is a slash path below it.
type Dir struct{ Path string }

func (d Dir) path(key string) (string, error) {
	if err := checkKey(key); err != nil {
		return "", err
	}
	return filepath.Join(d.Path, filepath.FromSlash(key)), nil
}

// Create opens a new file for writing, making its folder.
func (d Dir) Create(key string) (io.WriteCloser, error) {
	p, err := d.path(key)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		return nil, err
	}
	return os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o640)
}

// Open opens a file for reading; a missing file is fs.ErrNotExist.
func (d Dir) Open(key string) (io.ReadCloser, error) {
	p, err := d.path(key)
	if err != nil {
		return nil, err
	}
	return os.Open(p)
}

// Remove deletes a file and its derivatives (key + "." + anything).
func (d Dir) Remove(key string) error {
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

// Walk lists every key; a folder not made yet holds none.
func (d Dir) Walk(fn func(key string) error) error {
	err := filepath.WalkDir(d.Path, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		rel, err := filepath.Rel(d.Path, p)
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

// Check makes the folder and writes, reads and removes a file in it.
func (d Dir) Check(ctx context.Context) error {
	if err := os.MkdirAll(d.Path, 0o750); err != nil {
		return fmt.Errorf("file folder %s: %w", d.Path, err)
	}
	if err := probe(d, ".cubby-check-"+randomName()); err != nil {
		return fmt.Errorf("file folder %s: %w", d.Path, err)
	}
	return nil
}

// Where is the folder.
func (d Dir) Where() string { return d.Path }

func globEscape(p string) string {
	r := strings.NewReplacer(`*`, `\*`, `?`, `\?`, `[`, `\[`)
	return r.Replace(p)
}
