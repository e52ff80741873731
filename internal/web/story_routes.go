package web

// storyRoutes lists the Class Story and School Story pages and forms
// (story_pages.go, story_forms.go); every one needs a login.
func (s *Server) storyRoutes() []Route {
	if n := s.app.Stories.MaxFileSize; n > 0 {
		storyMaxFile.Store(n)
	}
	return []Route{
		{Method: "GET", Pattern: "/stories", Handle: s.storyFeedPage},
		{Method: "GET", Pattern: "/stories/{id}", Handle: s.storyPostPage},
		{Method: "GET", Pattern: "/stories/{id}/status", Handle: s.storyStatus},
		{Method: "GET", Pattern: "/classes/{id}/story", Handle: s.classStoryPage},
		{Method: "POST", Pattern: "/classes/{id}/story", Handle: s.classStorySubmit},
		{Method: "POST", Pattern: "/classes/{id}/story/settings", Handle: s.classStorySettings},
		{Method: "GET", Pattern: "/schools/{id}/story", Handle: s.schoolStoryPage},
		{Method: "POST", Pattern: "/schools/{id}/story", Handle: s.schoolStorySubmit},
		{Method: "POST", Pattern: "/schools/{id}/story/settings", Handle: s.schoolStorySettings},
		{Method: "GET", Pattern: "/schools/{id}/story/reports", Handle: s.storyReportsPage},
		{Method: "POST", Pattern: "/story-reports/{id}/resolve", Handle: s.storyReportResolve},
		{Method: "POST", Pattern: "/stories/{id}/like", Handle: s.storyAction(s.storyLike)},
		{Method: "POST", Pattern: "/stories/{id}/unlike", Handle: s.storyAction(s.storyUnlike)},
		{Method: "POST", Pattern: "/stories/{id}/comments", Handle: s.storyCommentSubmit},
		{Method: "POST", Pattern: "/stories/{id}/comments-off", Handle: s.storyAction(s.storyCommentsOff)},
		{Method: "POST", Pattern: "/stories/{id}/edit", Handle: s.storyEditSubmit},
		{Method: "POST", Pattern: "/stories/{id}/delete", Handle: s.storyDeleteSubmit},
		{Method: "POST", Pattern: "/story-comments/{id}/delete", Handle: s.storyCommentDelete},
		{Method: "POST", Pattern: "/story-comments/{id}/report", Handle: s.storyCommentReport},
		{Method: "POST", Pattern: "/story-attachments/{id}/remove", Handle: s.storyAttachmentRemove},
		{Method: "GET", Pattern: "/story-files/{id}", Handle: s.storyFile},
		{Method: "GET", Pattern: "/settings/media", Handle: s.mediaConsentPage},
		{Method: "POST", Pattern: "/settings/media", Handle: s.mediaConsentSubmit},
	}
}
