package web

import (
	"net/http"

	"cubby/internal/app"
)

// messageUploadRoutes are the message forms that carry files, raised above
// the default body limit before routing: a message takes
// app.MessageMaxFiles files of the stories' size each.
var messageUploadRoutes = func() *http.ServeMux {
	m := http.NewServeMux()
	for _, p := range []string{"POST /messages", "POST /messages/announce", "POST /messages/{id}", "POST /messages/{id}/reply"} {
		m.HandleFunc(p, http.NotFound)
	}
	return m
}()

// messageUploadLimit is the body limit of a message form with files, or 0.
func messageUploadLimit(r *http.Request) int64 {
	if _, pattern := messageUploadRoutes.Handler(r); pattern == "" {
		return 0
	}
	perFile := storyMaxFile.Load()
	if perFile <= 0 {
		perFile = app.DefaultStoryMaxFile
	}
	return int64(app.MessageMaxFiles)*perFile + 1<<20
}
