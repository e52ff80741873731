package privacy

import "io"

// FileStore holds files that inventory fields name by key (`file: true`):
// story photos and attachments, export archives. Export copies a person's
// files into their archive and erasure removes them with every derivative,
// so a feature that stores files only has to declare the column. Package
// files has the stores (a folder, an S3 bucket) and their contract test.
type FileStore interface {
	Create(key string) (io.WriteCloser, error)
	// Open fails with an error matching fs.ErrNotExist for a missing file.
	Open(key string) (io.ReadCloser, error)
	// Remove deletes the file and its derivatives: files named key + "."
	// + anything (key.thumb.jpg, key.small.webp). Removing a missing file
	// is not an error.
	Remove(key string) error
	// Walk calls fn with every key, for checks that nothing of an erased
	// person is left.
	Walk(fn func(key string) error) error
}
