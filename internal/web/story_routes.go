package web

import "cubby/internal/authz"

// storyRoutes lists the Class Story and School Story pages and forms
// (story_pages.go, story_forms.go); every one needs a login.
func (s *Server) storyRoutes() []Route {
	if n := s.app.Stories.MaxFileSize; n > 0 {
		storyMaxFile.Store(n)
	}
	return []Route{
		{Method: "GET", Pattern: "/stories", Handle: s.storyFeedPage, Access: authz.ForSelf},
		{Method: "GET", Pattern: "/stories/{id}", Handle: s.storyPostPage, Access: authz.ForCommunity},
		{Method: "GET", Pattern: "/stories/{id}/status", Handle: s.storyStatus, Access: authz.ForCommunity},
		{Method: "GET", Pattern: "/classes/{id}/story", Handle: s.classStoryPage, Access: authz.ForCommunity},
		{Method: "POST", Pattern: "/classes/{id}/story", Handle: s.classStorySubmit, Access: authz.ForClassTeachers},
		{Method: "POST", Pattern: "/classes/{id}/story/settings", Handle: s.classStorySettings, Access: authz.ForClassTeachers},
		{Method: "GET", Pattern: "/schools/{id}/story", Handle: s.schoolStoryPage, Access: authz.ForCommunity},
		{Method: "POST", Pattern: "/schools/{id}/story", Handle: s.schoolStorySubmit, Access: authz.ForStaff},
		{Method: "POST", Pattern: "/schools/{id}/story/settings", Handle: s.schoolStorySettings, Access: authz.ForLeaders},
		{Method: "GET", Pattern: "/schools/{id}/story/reports", Handle: s.storyReportsPage, Access: authz.ForLeaders},
		{Method: "POST", Pattern: "/story-reports/{id}/resolve", Handle: s.storyReportResolve, Access: authz.ForStaff},
		{Method: "POST", Pattern: "/stories/{id}/like", Handle: s.storyAction(s.storyLike), Access: authz.ForCommunity},
		{Method: "POST", Pattern: "/stories/{id}/unlike", Handle: s.storyAction(s.storyUnlike), Access: authz.ForCommunity},
		{Method: "POST", Pattern: "/stories/{id}/comments", Handle: s.storyCommentSubmit, Access: authz.ForCommunity},
		{Method: "POST", Pattern: "/stories/{id}/comments-off", Handle: s.storyAction(s.storyCommentsOff), Access: authz.ForClassTeachers},
		{Method: "POST", Pattern: "/stories/{id}/edit", Handle: s.storyEditSubmit, Access: authz.ForClassTeachers},
		{Method: "POST", Pattern: "/stories/{id}/delete", Handle: s.storyDeleteSubmit, Access: authz.ForClassTeachers},
		{Method: "POST", Pattern: "/story-comments/{id}/delete", Handle: s.storyCommentDelete, Access: authz.ForCommunity},
		{Method: "POST", Pattern: "/story-comments/{id}/report", Handle: s.storyCommentReport, Access: authz.ForCommunity},
		{Method: "POST", Pattern: "/story-attachments/{id}/remove", Handle: s.storyAttachmentRemove, Access: authz.ForClassTeachers},
		{Method: "GET", Pattern: "/story-files/{id}", Handle: s.storyFile, Access: authz.ForCommunity},
		{Method: "GET", Pattern: "/settings/media", Handle: s.mediaConsentPage, Access: authz.ForSelf},
		{Method: "POST", Pattern: "/settings/media", Handle: s.mediaConsentSubmit, Access: authz.ForSelf},
	}
}
