package web

import (
	"net/http"
	"strings"
	"sync/atomic"

	"cubby/internal/api"
	"cubby/internal/app"
)

// storyUploadRoutes are the requests that carry a story's files, raised
// above the default body limit before routing: a post takes ten files, an
// upload one.
var storyUploadRoutes = func() *http.ServeMux {
	m := http.NewServeMux()
	for _, p := range []string{"POST /classes/{id}/story", "POST /schools/{id}/story",
		"POST /api/v1/classes/{id}/story", "POST /api/v1/schools/{id}/story",
		"POST /api/v1/classes/{id}/story/uploads", "POST /api/v1/schools/{id}/story/uploads"} {
		m.HandleFunc(p, http.NotFound)
	}
	return m
}()

// storyMaxFile is the per-file limit the server was started with (the
// body limit is decided before a request reaches a Server).
var storyMaxFile atomic.Int64

// storyUploadLimit is the body limit of a story upload route, or 0.
func storyUploadLimit(r *http.Request) int64 {
	_, pattern := storyUploadRoutes.Handler(r)
	if pattern == "" {
		return 0
	}
	perFile := storyMaxFile.Load()
	if perFile <= 0 {
		perFile = app.DefaultStoryMaxFile
	}
	if strings.HasSuffix(pattern, "/uploads") {
		return perFile + 1<<20
	}
	return api.StoryFormLimit(perFile)
}
