package web

// messageRoutes lists the pages and forms of messages (message_pages.go,
// message_forms.go, message_live.go); every one needs a login. Sending
// with files raises the body limit for these routes (message_limits.go).
func (s *Server) messageRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/messages", Handle: s.inboxPage},
		{Method: "POST", Pattern: "/messages", Handle: s.startConversationSubmit},
		{Method: "GET", Pattern: "/messages/new", Handle: s.newConversationPage},
		{Method: "GET", Pattern: "/messages/events", Handle: s.messageEvents},
		{Method: "GET", Pattern: "/messages/announce", Handle: s.announcePage},
		{Method: "POST", Pattern: "/messages/announce", Handle: s.announceSubmit},
		{Method: "GET", Pattern: "/messages/{id}", Handle: s.conversationPage},
		{Method: "POST", Pattern: "/messages/{id}", Handle: s.sendMessageSubmit},
		{Method: "POST", Pattern: "/messages/{id}/reply", Handle: s.replySubmit},
		{Method: "GET", Pattern: "/messages/{id}/history", Handle: s.historyPage},
		{Method: "POST", Pattern: "/messages/{id}/export", Handle: s.exportConversationSubmit},
		{Method: "POST", Pattern: "/messages/{id}/block", Handle: s.blockParentSubmit},
		{Method: "POST", Pattern: "/message-items/{id}/edit", Handle: s.editMessageSubmit},
		{Method: "POST", Pattern: "/message-items/{id}/report", Handle: s.reportMessageSubmit},
		{Method: "GET", Pattern: "/message-files/{id}", Handle: s.messageFile},
		{Method: "GET", Pattern: "/settings/messages", Handle: s.messageSettingsPage},
		{Method: "POST", Pattern: "/settings/messages/quiet-hours", Handle: s.quietHoursSubmit},
		{Method: "GET", Pattern: "/schools/{id}/messages", Handle: s.schoolMessagesPage},
		{Method: "POST", Pattern: "/schools/{id}/messages/settings", Handle: s.schoolMessageSettingsSubmit},
		{Method: "POST", Pattern: "/schools/{id}/messages/grades", Handle: s.classGradeSubmit},
		{Method: "POST", Pattern: "/message-reports/{id}/resolve", Handle: s.messageReportResolve},
		{Method: "POST", Pattern: "/message-blocks/{id}/lift", Handle: s.messageBlockLift},
	}
}
