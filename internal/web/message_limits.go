package web

import (
	"net/http"

	"cubby/internal/api"
	"cubby/internal/app"
)

// messageUploadRoutes are the message forms and API routes that carry
// files, raised above the default body limit before routing: a message
// takes app.MessageMaxFiles files of the stories' size each.
var messageUploadRoutes = func() *http.ServeMux {
	m := http.NewServeMux()
	for _, p := range append([]string{"POST /messages", "POST /messages/announce", "POST /messages/{id}", "POST /messages/{id}/reply"},
		api.MessageUploadRoutes...) {
		m.HandleFunc(p, http.NotFound)
	}
	return m
}()

// messageUploadLimit is the body limit of a message with files, or 0.
func messageUploadLimit(r *http.Request) int64 {
	if _, pattern := messageUploadRoutes.Handler(r); pattern == "" {
		return 0
	}
	perFile := storyMaxFile.Load()
	if perFile <= 0 {
		perFile = app.DefaultStoryMaxFile
	}
	return api.MessageFormLimit(perFile)
}
