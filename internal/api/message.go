package api

import (
	"cubby/internal/authz"
	"net/http"
)

// Messages (issue 12; app/message*.go): conversations between staff and
// families and among staff, announcements with private replies, read
// receipts, corrections within five minutes, reports, blocks, quiet hours
// and the school's record. Writing a message takes a JSON body or, with
// attachments, multipart/form-data (the same fields, and the files as
// "file" parts, through the stories' media pipeline); creating
// conversations and messages takes an Idempotency-Key. Who may do what is
// decided in app and authz; 404 answers anything that is not the
// caller's to know about.

// messageRoutes declares the message endpoints.
func (x *API) messageRoutes() {
	writeErrs := []int{400, 401, 403, 404, 409, 413, 429}
	x.add(Op{Method: "GET", Path: "/messages/inbox", ID: "inbox", Tag: "messages", Access: authz.ForSelf,
		Summary:  "The caller's conversations and announcements, latest message first, each with whom it is with, the last message's preview and the caller's unread count. A parent sees only conversations about the children they act for.",
		Response: "Inbox", Success: http.StatusOK, Errors: []int{400, 401}, Handle: x.inbox,
		Query: []Param{
			{Name: "limit", Type: "integer", Description: "1–100, default 50"},
			{Name: "cursor", Type: "string", Description: "the next value of the previous page"},
		}})
	x.add(Op{Method: "GET", Path: "/messages/unread", ID: "unreadMessages", Tag: "messages", Access: authz.ForSelf,
		Summary:  "How many messages the caller has not read, for the navigation's badge.",
		Response: "UnreadCount", Success: http.StatusOK, Errors: []int{401}, Handle: x.unreadMessages})
	x.add(Op{Method: "GET", Path: "/messages/contacts", ID: "messageContacts", Tag: "messages", Access: authz.ForSelf,
		Summary:  "Whom the caller may start a conversation with: a teacher's families (by child), a parent's children's teachers (and the school's leaders where the school allows it), a school's staff. Empty for students and for accounts whose email is not confirmed.",
		Response: "MessageContacts", Success: http.StatusOK, Errors: []int{401}, Handle: x.messageContacts})
	x.add(Op{Method: "POST", Path: "/conversations", ID: "startConversation", Tag: "messages", Access: authz.ForSelf, Idempotent: true,
		Summary: "Write the first message to someone about a child (student_id; none between staff), or to all of the child's connected parents at once (all_parents, staff only). Starting it again writes in the conversation already open. Someone the caller may not write to is 404; a parent blocked by the member of staff is 403 saying so; over the caller's messages a minute is 429 with Retry-After.",
		Request: "ConversationCreate", Upload: "ConversationForm", Response: "ConversationStarted", Success: http.StatusCreated, Errors: writeErrs, Handle: x.startConversation})
	x.add(Op{Method: "GET", Path: "/conversations/{id}", ID: "getConversation", Tag: "messages", Access: authz.ForParticipants,
		Summary:  "A conversation the caller is in, with its latest 50 messages (oldest first) and, when there are more, older: pass it as ?cursor= for the 50 before. Opening the latest marks them read (the senders' read receipts). Families see which staff in it are in quiet hours and until when.",
		Response: "ConversationView", Success: http.StatusOK, Errors: []int{400, 401, 404}, Handle: x.getConversation,
		Query: []Param{
			{Name: "cursor", Type: "string", Description: "the older value of the previous answer: the messages before it"},
			{Name: "limit", Type: "integer", Description: "1–100, default 50"},
		}})
	x.add(Op{Method: "POST", Path: "/conversations/{id}/messages", ID: "sendMessage", Tag: "messages", Access: authz.ForParticipants, Idempotent: true,
		Summary: "Write in a conversation the caller is in. An announcement's recipients reply privately instead (403), as does a parent a member of staff in it blocked (403).",
		Request: "MessageCreate", Upload: "MessageForm", Response: "Message", Success: http.StatusCreated, Errors: writeErrs, Handle: x.sendMessage})
	x.add(Op{Method: "POST", Path: "/conversations/{id}/replies", ID: "replyToAnnouncement", Tag: "messages", Access: authz.ForParticipants, Idempotent: true,
		Summary: "Answer an announcement the caller received: the reply goes to its sender alone, in a conversation of the two of them (the same one for every reply).",
		Request: "MessageCreate", Upload: "MessageForm", Response: "ConversationStarted", Success: http.StatusCreated, Errors: append(writeErrs, 410), Handle: x.replyToAnnouncement})
	x.add(Op{Method: "GET", Path: "/conversations/{id}/history", ID: "conversationHistory", Tag: "messages", Access: authz.ForParticipants,
		Summary:  "Every message of a conversation the caller is in, oldest first, with corrections' first versions and who read what, to download or print.",
		Response: "ConversationHistory", Success: http.StatusOK, Errors: []int{401, 404}, Handle: x.conversationHistory})
	x.add(Op{Method: "POST", Path: "/conversations/{id}/export", ID: "exportConversation", Tag: "messages", Access: authz.ForParticipants,
		Summary:  "A leader of the school takes a conversation's full history for a safeguarding case. The export is written to the audit log about the child and each parent in it, whose access log then shows who exported it and when.",
		Response: "ConversationHistory", Success: http.StatusOK, Errors: []int{401, 404}, Handle: x.exportConversation})
	x.add(Op{Method: "PATCH", Path: "/messages/{id}", ID: "editMessage", Tag: "messages", Access: authz.ForParticipants,
		Summary: "Correct a message the caller sent, within five minutes of sending it (409 later). It shows as edited; its first version is kept in the school's record.",
		Request: "MessageEdit", Response: "Message", Success: http.StatusOK, Errors: []int{400, 401, 403, 404, 409}, Handle: x.editMessage})
	x.add(Op{Method: "POST", Path: "/messages/{id}/reports", ID: "reportMessage", Tag: "messages", Access: authz.ForParticipants,
		Summary: "Report a message someone else wrote to the school's leaders; reporting it twice answers 409.", Request: "MessageReportCreate",
		Success: http.StatusCreated, Errors: []int{400, 401, 403, 404, 409}, Handle: x.reportMessage})
	x.add(Op{Method: "GET", Path: "/message-attachments/{id}/file", ID: "messageFile", Tag: "messages", Access: authz.ForParticipants,
		Summary: "A message's photo or file (?size=thumb for a photo's thumbnail), checked against who sees the conversation on every request; sent as an image or a download, never as a page.",
		Success: http.StatusOK, Errors: []int{401, 404}, Handle: x.messageFile,
		Query: []Param{{Name: "size", Type: "string", Description: "thumb (photos); the file without it"}}})
	x.add(Op{Method: "POST", Path: "/classes/{id}/announcements", ID: "announceToClass", Tag: "messages", Access: authz.ForClassTeachers, Idempotent: true,
		Summary: "A teacher of the class writes to all of its connected parents. Recipients read it in their inbox and reply privately; each gets one email. Only leaders mark an announcement urgent (403).",
		Request: "ClassAnnouncementCreate", Upload: "AnnouncementForm", Response: "ConversationStarted", Success: http.StatusCreated, Errors: writeErrs, Handle: x.announceToClass})
	x.add(Op{Method: "POST", Path: "/schools/{id}/announcements", ID: "announceToSchool", Tag: "messages", Access: authz.ForLeaders, Idempotent: true,
		Summary: "A leader of the school writes to all of its families or all of its staff; urgent announcements are emailed at once, even to staff in their quiet hours.",
		Request: "SchoolAnnouncementCreate", Upload: "AnnouncementForm", Response: "ConversationStarted", Success: http.StatusCreated, Errors: writeErrs, Handle: x.announceToSchool})
	x.add(Op{Method: "DELETE", Path: "/conversations/{id}", ID: "cancelAnnouncement", Tag: "messages", Access: authz.ForParticipants,
		Summary: "Its sender calls off a scheduled announcement before its time (send_at): the announcement, its files and every notification and email waiting to tell its recipients are deleted, so none of them hears of it. Once sent it is 409; anyone else is 403 or 404.",
		Success: http.StatusNoContent, Errors: []int{401, 403, 404, 409}, Handle: x.cancelAnnouncement})
	x.add(Op{Method: "GET", Path: "/schools/{id}/conversations", ID: "schoolConversations", Tag: "messages", Access: authz.ForLeaders,
		Summary:  "A school's conversations, latest first, for its leaders to find one for a safeguarding export: who and when, not what.",
		Response: "SchoolConversations", Success: http.StatusOK, Errors: []int{400, 401, 404}, Handle: x.schoolConversations,
		Query: []Param{{Name: "limit", Type: "integer", Description: "1–100, default 100"}}})
	x.add(Op{Method: "GET", Path: "/schools/{id}/message-reports", ID: "messageReports", Tag: "messages", Access: authz.ForLeaders,
		Summary:  "The school's reported messages no leader has dealt with, with the message (its leaders).",
		Response: "MessageReports", Success: http.StatusOK, Errors: []int{401, 404}, Handle: x.messageReports})
	x.add(Op{Method: "POST", Path: "/message-reports/{id}/resolve", ID: "resolveMessageReport", Tag: "messages", Access: authz.ForLeaders,
		Summary: "A leader marks a report, and every other report of the same message, dealt with. The message stays: it is the school's record.",
		Success: http.StatusNoContent, Errors: []int{401, 404}, Handle: x.resolveMessageReport})
	x.add(Op{Method: "POST", Path: "/schools/{id}/message-blocks", ID: "blockParent", Tag: "messages", Access: authz.ForLeaders,
		Summary: "A member of staff stops a parent of a student of the school writing to them until the block is lifted; the school's leaders see it. Blocking twice answers 409.",
		Request: "MessageBlockCreate", Response: "MessageBlock", Success: http.StatusCreated, Errors: []int{400, 401, 404, 409}, Handle: x.blockParent})
	x.add(Op{Method: "GET", Path: "/schools/{id}/message-blocks", ID: "schoolMessageBlocks", Tag: "messages", Access: authz.ForLeaders,
		Summary:  "Every block in force at the school (its leaders).",
		Response: "MessageBlocks", Success: http.StatusOK, Errors: []int{401, 404}, Handle: x.schoolMessageBlocks})
	x.add(Op{Method: "GET", Path: "/me/message-blocks", ID: "myMessageBlocks", Tag: "messages", Access: authz.ForSelf,
		Summary:  "The blocks in force the caller made.",
		Response: "MessageBlocks", Success: http.StatusOK, Errors: []int{401}, Handle: x.myMessageBlocks})
	x.add(Op{Method: "DELETE", Path: "/message-blocks/{id}", ID: "liftMessageBlock", Tag: "messages", Access: authz.ForLeaders,
		Summary: "Lift a block: who made it, or a leader of its school. A lifted block stays in the school's record; lifting it again answers 409.",
		Success: http.StatusNoContent, Errors: []int{401, 404, 409}, Handle: x.liftMessageBlock})
	x.add(Op{Method: "GET", Path: "/me/quiet-hours", ID: "getQuietHours", Tag: "messages", Access: authz.ForSelf,
		Summary:  "The caller's quiet hours (staff), in the school's time zone: families writing then see when they are back, and their notifications wait until then.",
		Response: "QuietHours", Success: http.StatusOK, Errors: []int{401, 403}, Handle: x.getQuietHours})
	x.add(Op{Method: "PUT", Path: "/me/quiet-hours", ID: "setQuietHours", Tag: "messages", Access: authz.ForSelf,
		Summary: "Set the caller's quiet hours (staff): from starts to ends (HH:MM; overnight when starts is later) and, with weekends, all weekend.",
		Request: "QuietHours", Response: "QuietHours", Success: http.StatusOK, Errors: []int{400, 401, 403}, Handle: x.setQuietHours})
	x.add(Op{Method: "GET", Path: "/schools/{id}/message-settings", ID: "getMessageSettings", Tag: "messages", Access: authz.ForStaff,
		Summary:  "The school's messaging switches, for its staff.",
		Response: "MessageSettings", Success: http.StatusOK, Errors: []int{401, 404}, Handle: x.getMessageSettings})
	x.add(Op{Method: "PUT", Path: "/schools/{id}/message-settings", ID: "setMessageSettings", Tag: "messages", Access: authz.ForLeaders,
		Summary: "Whether parents see when staff read their messages, and whether parents may write to the school's leaders (its leaders).",
		Request: "MessageSettings", Response: "MessageSettings", Success: http.StatusOK, Errors: []int{400, 401, 403, 404}, Handle: x.setMessageSettings})
	x.classGradeRoutes() // message_grades.go
}
