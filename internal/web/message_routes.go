package web

import "cubby/internal/authz"

// messageRoutes lists the pages and forms of messages (message_pages.go,
// message_forms.go, message_live.go); every one needs a login. Sending
// with files raises the body limit for these routes (message_limits.go).
func (s *Server) messageRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/messages", Handle: s.inboxPage, Access: authz.ForSelf},
		{Method: "POST", Pattern: "/messages", Handle: s.startConversationSubmit, Access: authz.ForSelf},
		{Method: "GET", Pattern: "/messages/new", Handle: s.newConversationPage, Access: authz.ForSelf},
		{Method: "GET", Pattern: "/messages/events", Handle: s.messageEvents, Access: authz.ForSelf},
		{Method: "GET", Pattern: "/messages/announce", Handle: s.announcePage, Access: authz.ForStaff},
		{Method: "POST", Pattern: "/messages/announce", Handle: s.announceSubmit, Access: authz.ForStaff},
		{Method: "GET", Pattern: "/messages/{id}", Handle: s.conversationPage, Access: authz.ForParticipants},
		{Method: "POST", Pattern: "/messages/{id}", Handle: s.sendMessageSubmit, Access: authz.ForParticipants},
		{Method: "POST", Pattern: "/messages/{id}/reply", Handle: s.replySubmit, Access: authz.ForParticipants},
		{Method: "GET", Pattern: "/messages/{id}/history", Handle: s.historyPage, Access: authz.ForParticipants},
		{Method: "POST", Pattern: "/messages/{id}/export", Handle: s.exportConversationSubmit, Access: authz.ForParticipants},
		{Method: "POST", Pattern: "/messages/{id}/block", Handle: s.blockParentSubmit, Access: authz.ForParticipants},
		{Method: "POST", Pattern: "/messages/{id}/cancel", Handle: s.cancelAnnouncementSubmit, Access: authz.ForParticipants},
		{Method: "POST", Pattern: "/message-items/{id}/edit", Handle: s.editMessageSubmit, Access: authz.ForParticipants},
		{Method: "POST", Pattern: "/message-items/{id}/report", Handle: s.reportMessageSubmit, Access: authz.ForParticipants},
		{Method: "GET", Pattern: "/message-files/{id}", Handle: s.messageFile, Access: authz.ForParticipants},
		{Method: "GET", Pattern: "/settings/messages", Handle: s.messageSettingsPage, Access: authz.ForSelf},
		{Method: "POST", Pattern: "/settings/messages/quiet-hours", Handle: s.quietHoursSubmit, Access: authz.ForSelf},
		{Method: "GET", Pattern: "/schools/{id}/messages", Handle: s.schoolMessagesPage, Access: authz.ForLeaders},
		{Method: "POST", Pattern: "/schools/{id}/messages/settings", Handle: s.schoolMessageSettingsSubmit, Access: authz.ForLeaders},
		{Method: "POST", Pattern: "/schools/{id}/messages/grades", Handle: s.classGradeSubmit, Access: authz.ForLeaders},
		{Method: "POST", Pattern: "/message-reports/{id}/resolve", Handle: s.messageReportResolve, Access: authz.ForLeaders},
		{Method: "POST", Pattern: "/message-blocks/{id}/lift", Handle: s.messageBlockLift, Access: authz.ForLeaders},
	}
}
