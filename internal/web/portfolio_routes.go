package web

import (
	"cubby/internal/authz"
	"net/http"

	"cubby/internal/app"
)

// portfolioRoutes lists the portfolio pages and forms (portfolio_pages.go,
// portfolio_forms.go); every one needs a login.
func (s *Server) portfolioRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/portfolio", Handle: s.portfolioHome, Access: authz.ForSelf},
		{Method: "POST", Pattern: "/portfolio", Handle: s.portfolioSubmit, Access: authz.ForSelf},
		{Method: "GET", Pattern: "/portfolio/library", Handle: s.activityLibraryPage, Access: authz.ForSelf},
		{Method: "GET", Pattern: "/students/{id}/portfolio", Handle: s.studentPortfolioPage, Access: authz.ForFamily},
		{Method: "GET", Pattern: "/portfolio-items/{id}", Handle: s.portfolioItemPage, Access: authz.ForFamily},
		{Method: "POST", Pattern: "/portfolio-items/{id}/revise", Handle: s.portfolioReviseSubmit, Access: authz.ForFamily},
		{Method: "POST", Pattern: "/portfolio-items/{id}/approve", Handle: s.portfolioAction(s.portfolioApprove), Access: authz.ForClassTeachers},
		{Method: "POST", Pattern: "/portfolio-items/{id}/return", Handle: s.portfolioReturnSubmit, Access: authz.ForClassTeachers},
		{Method: "POST", Pattern: "/portfolio-items/{id}/delete", Handle: s.portfolioAction(s.portfolioDelete), Access: authz.ForFamily},
		{Method: "POST", Pattern: "/portfolio-items/{id}/like", Handle: s.portfolioAction(s.portfolioLike), Access: authz.ForFamily},
		{Method: "POST", Pattern: "/portfolio-items/{id}/unlike", Handle: s.portfolioAction(s.portfolioUnlike), Access: authz.ForFamily},
		{Method: "POST", Pattern: "/portfolio-items/{id}/comments", Handle: s.portfolioCommentSubmit, Access: authz.ForFamily},
		{Method: "POST", Pattern: "/portfolio-comments/{id}/delete", Handle: s.portfolioCommentDelete, Access: authz.ForFamily},
		{Method: "GET", Pattern: "/portfolio-files/{id}", Handle: s.portfolioFile, Access: authz.ForFamily},
		{Method: "GET", Pattern: "/classes/{id}/portfolio", Handle: s.classPortfolioPage, Access: authz.ForClassTeachers},
		{Method: "POST", Pattern: "/classes/{id}/portfolio/settings", Handle: s.classPortfolioSettings, Access: authz.ForClassTeachers},
		{Method: "POST", Pattern: "/classes/{id}/activities", Handle: s.activitySubmit, Access: authz.ForClassTeachers},
		{Method: "GET", Pattern: "/activities/{id}", Handle: s.activityPage, Access: authz.ForCommunity},
		{Method: "POST", Pattern: "/activities/{id}/delete", Handle: s.activityDelete, Access: authz.ForClassTeachers},
		{Method: "POST", Pattern: "/activities/{id}/copy", Handle: s.activityCopy, Access: authz.ForStaff},
		{Method: "GET", Pattern: "/activities/{id}/template", Handle: s.activityTemplate, Access: authz.ForCommunity},
		{Method: "POST", Pattern: "/schools/{id}/portfolio", Handle: s.schoolPortfolioSubmit, Access: authz.ForLeaders},
	}
}

// portfolioUploadRoutes carry a piece of work's file or an activity's
// template, raised above the default body limit before routing.
var portfolioUploadRoutes = func() *http.ServeMux {
	m := http.NewServeMux()
	for _, p := range []string{"POST /portfolio", "POST /portfolio-items/{id}/revise", "POST /classes/{id}/activities",
		"POST /api/v1/students/{id}/portfolio", "POST /api/v1/portfolio-items/{id}/revise", "POST /api/v1/classes/{id}/activities"} {
		m.HandleFunc(p, http.NotFound)
	}
	return m
}()

// portfolioUploadLimit is the body limit of a portfolio upload, or 0: one
// file of the stories' size, and the form around it.
func portfolioUploadLimit(r *http.Request) int64 {
	if _, pattern := portfolioUploadRoutes.Handler(r); pattern == "" {
		return 0
	}
	perFile := storyMaxFile.Load()
	if perFile <= 0 {
		perFile = app.DefaultStoryMaxFile
	}
	return perFile + 1<<20
}
