package files_test

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"slices"
	"strings"
	"testing"

	"cubby/internal/files"
	"cubby/internal/testenv"
)

// TestStoreContract runs the same checks against the folder store and an
// S3 bucket on a real S3 server: what privacy.FileStore promises (export,
// erasure and retention rely on it) holds for both.
func TestStoreContract(t *testing.T) {
	t.Parallel()
	t.Run("dir", func(t *testing.T) {
		t.Parallel()
		contract(t, func(t *testing.T) files.Store { return files.Dir{Path: t.TempDir()} })
	})
	t.Run("s3", func(t *testing.T) {
		t.Parallel()
		srv := testenv.StartS3(t)
		contract(t, func(t *testing.T) files.Store { return newS3(t, srv.NewBucket(t)) })
		t.Run("prefix", func(t *testing.T) {
			t.Parallel()
			cfg := srv.NewBucket(t)
			one, two := cfg, cfg
			one.Prefix, two.Prefix = "one/", "two/"
			a, b := newS3(t, one), newS3(t, two)
			put(t, a, "x/photo", "a")
			put(t, b, "x/photo", "b")
			if got := get(t, a, "x/photo"); got != "a" {
				t.Errorf("prefix one/ read %q", got)
			}
			if got := keys(t, a); !slices.Equal(got, []string{"x/photo"}) {
				t.Errorf("prefix one/ walks %q", got)
			}
			if err := a.Remove("x/photo"); err != nil {
				t.Fatal(err)
			}
			if got := srv.Objects(t, cfg.Bucket); !slices.Equal(got, []string{"two/x/photo"}) {
				t.Errorf("bucket holds %q, want two/x/photo", got)
			}
		})
		t.Run("check says what is wrong", func(t *testing.T) {
			t.Parallel()
			cfg := srv.NewBucket(t)
			wrongKey, noBucket, noServer := cfg, cfg, cfg
			wrongKey.SecretKey = "not-the-s3cret"
			noBucket.Bucket = "no-such-bucket"
			noServer.Endpoint = "127.0.0.1:1"
			for _, c := range []struct {
				cfg  files.S3Config
				says string
			}{
				{wrongKey, "refused the keys"},
				{noBucket, `has no bucket "no-such-bucket"`},
				{noServer, "cannot be reached"},
			} {
				err := newS3(t, c.cfg).Check(context.Background())
				if err == nil || !strings.Contains(err.Error(), c.says) {
					t.Errorf("%s: %v, want it to say %q", c.cfg, err, c.says)
				}
				if err != nil && (strings.Contains(err.Error(), c.cfg.SecretKey) || strings.Contains(err.Error(), srv.SecretKey)) {
					t.Errorf("the message holds a secret: %v", err)
				}
			}
		})
	})
}

func newS3(t *testing.T, cfg files.S3Config) *files.S3 {
	t.Helper()
	s, err := files.NewS3(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func contract(t *testing.T, newStore func(*testing.T) files.Store) {
	t.Run("create and open", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		put(t, s, "story/abc/photo.jpg", "first")
		put(t, s, "story/abc/photo.jpg", "second") // an overwrite replaces
		put(t, s, "empty", "")
		if got := get(t, s, "story/abc/photo.jpg"); got != "second" {
			t.Errorf("read %q, want second", got)
		}
		if got := get(t, s, "empty"); got != "" {
			t.Errorf("empty file read %q", got)
		}
		big := strings.Repeat("0123456789abcdef", 1<<16) // 1 MiB, written in pieces
		w, err := s.Create("big")
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < len(big); i += 100_000 {
			if _, err := io.WriteString(w, big[i:min(i+100_000, len(big))]); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if got := get(t, s, "big"); got != big {
			t.Errorf("big file: read %d bytes, want %d", len(got), len(big))
		}
	})
	t.Run("missing file", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		put(t, s, "here", "x")
		if r, err := s.Open("not/here"); !errors.Is(err, fs.ErrNotExist) {
			if r != nil {
				r.Close()
			}
			t.Errorf("open of a missing file: %v, want fs.ErrNotExist", err)
		}
		if err := s.Remove("not/here"); err != nil {
			t.Errorf("removing a missing file: %v", err)
		}
	})
	t.Run("remove takes derivatives", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		for _, k := range []string{"story/p1", "story/p1.thumb", "story/p1.small.webp", "story/p1x", "story/p1x.thumb", "story/p10", "other/p1.thumb"} {
			put(t, s, k, k)
		}
		if err := s.Remove("story/p1"); err != nil {
			t.Fatal(err)
		}
		if got, want := keys(t, s), []string{"other/p1.thumb", "story/p10", "story/p1x", "story/p1x.thumb"}; !slices.Equal(got, want) {
			t.Errorf("after Remove(story/p1): %q, want %q", got, want)
		}
		// Derivatives whose original is already gone go too.
		if err := s.Remove("story/p1x.thumb"); err != nil {
			t.Fatal(err)
		}
		if err := s.Remove("other/p1"); err != nil {
			t.Fatal(err)
		}
		if got, want := keys(t, s), []string{"story/p10", "story/p1x"}; !slices.Equal(got, want) {
			t.Errorf("after removing derivatives: %q, want %q", got, want)
		}
	})
	t.Run("walk", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		if got := keys(t, s); len(got) != 0 {
			t.Errorf("a new store holds %q", got)
		}
		want := []string{"a", "b/c", "b/d/e.jpg", "b/d/e.jpg.thumb"}
		for _, k := range want {
			put(t, s, k, k)
		}
		if got := keys(t, s); !slices.Equal(got, want) {
			t.Errorf("walk: %q, want %q", got, want)
		}
		stop := errors.New("stop")
		n := 0
		if err := s.Walk(func(string) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
			t.Errorf("walk ended by fn: err %v after %d keys, want stop after 1", err, n)
		}
	})
	t.Run("bad keys", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		for _, k := range []string{"", "/etc/passwd", "../x", "a/../../x", "a/../b", "a//b", "a/./b", "./a", "a/", ".", "..", `a\b`, "a\x00b"} {
			if w, err := s.Create(k); !errors.Is(err, files.ErrBadKey) {
				if w != nil {
					w.Close()
				}
				t.Errorf("Create(%q): %v, want ErrBadKey", k, err)
			}
			if r, err := s.Open(k); !errors.Is(err, files.ErrBadKey) {
				if r != nil {
					r.Close()
				}
				t.Errorf("Open(%q): %v, want ErrBadKey", k, err)
			}
			if err := s.Remove(k); !errors.Is(err, files.ErrBadKey) {
				t.Errorf("Remove(%q): %v, want ErrBadKey", k, err)
			}
		}
		if got := keys(t, s); len(got) != 0 {
			t.Errorf("bad keys left %q", got)
		}
	})
	t.Run("check", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		if err := s.Check(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := keys(t, s); len(got) != 0 {
			t.Errorf("the check left %q", got)
		}
		if w := s.Where(); w == "" {
			t.Error("Where is empty")
		}
	})
}

func put(t *testing.T, s files.Store, key, text string) {
	t.Helper()
	w, err := s.Create(key)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(w, text); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func get(t *testing.T, s files.Store, key string) string {
	t.Helper()
	r, err := s.Open(key)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func keys(t *testing.T, s files.Store) []string {
	t.Helper()
	var out []string
	if err := s.Walk(func(k string) error { out = append(out, k); return nil }); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}
