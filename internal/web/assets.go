package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

//go:embed static
var staticFiles embed.FS

// assets serves embedded static files under fingerprinted names
// (/static/app.3f2a9c1b.css), so they can be cached for a year and a new
// release is still picked up at once.
type assets struct {
	byName map[string]string // "app.css" → "/static/app.3f2a9c1b.css"
	files  map[string][]byte // fingerprinted base name → content
	types  map[string]string
}

func loadAssets() (*assets, error) {
	a := &assets{byName: map[string]string{}, files: map[string][]byte{}, types: map[string]string{}}
	err := fs.WalkDir(staticFiles, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFiles.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		name := strings.TrimPrefix(p, "static/")
		ext := path.Ext(name)
		hashed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:4]) + ext
		a.byName[name] = "/static/" + hashed
		a.files[hashed] = b
		a.types[hashed] = map[string]string{
			".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
			".svg": "image/svg+xml", ".png": "image/png", ".ico": "image/x-icon",
		}[ext]
		return nil
	})
	return a, err
}

// URL returns the fingerprinted URL of a static file; templates call it.
func (a *assets) URL(name string) string {
	if u, ok := a.byName[name]; ok {
		return u
	}
	return "/static/missing/" + name
}

func (a *assets) serve(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	b, ok := a.files[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", a.types[name])
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Write(b)
}
