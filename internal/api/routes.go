package api

import (
	"cubby/internal/authz"
	"net/http"
)

// routes declares every endpoint. Adding one here is the only way to add a
// route, and it documents it in the OpenAPI document at the same time.
func (x *API) routes() {
	x.add(Op{Method: "POST", Path: "/auth/login", ID: "login", Tag: "auth", Access: authz.ForAnyone, Public: true,
		Summary: "Log in with an email (staff, parents) or a username (students) and a password; returns a bearer token.",
		Request: "LoginRequest", Response: "LoginResponse", Success: http.StatusOK,
		Errors: []int{400, 401, 413, 429}, Handle: x.login})
	x.add(Op{Method: "POST", Path: "/auth/logout", ID: "logout", Tag: "auth", Access: authz.ForSelf, TwoFactorExempt: true,
		Summary: "End the session of the presented token.", Success: http.StatusNoContent,
		Errors: []int{401}, Handle: x.logout})
	x.add(Op{Method: "GET", Path: "/me", ID: "me", Tag: "auth", Access: authz.ForSelf, TwoFactorExempt: true,
		Summary: "The logged-in user, with pending_notice: a material change of the privacy notice they have not acknowledged yet, or null.", Response: "Me", Success: http.StatusOK,
		Errors: []int{401}, Handle: x.me})
	x.add(Op{Method: "POST", Path: "/me/notice/acknowledge", ID: "acknowledgeNotice", Tag: "privacy", Access: authz.ForSelf,
		Summary: "Record that the caller has read the privacy notice as of pending_notice.version (the current one); with keep_news they also agree again to product news. Acknowledging again is harmless.",
		Request: "NoticeAcknowledgement", Success: http.StatusNoContent, Errors: []int{400, 401, 403, 413}, Handle: x.acknowledgeNotice})
	x.add(Op{Method: "POST", Path: "/auth/signup", ID: "signup", Tag: "auth", Access: authz.ForAnyone, Public: true,
		Summary: "Sign up as a teacher, parent or school leader; logs in and emails a link to verify the address.",
		Request: "SignupRequest", Response: "LoginResponse", Success: http.StatusCreated, Errors: []int{400, 413, 429}, Handle: x.signup})
	x.add(Op{Method: "POST", Path: "/auth/student-signup", ID: "studentSignup", Tag: "auth", Access: authz.ForAnyone, Public: true,
		Summary: "A student signs up. At or over the country's digital age of consent: 201 with a session. Under it: 202, and a consent request is emailed to the parent; nothing else is kept.",
		Request: "StudentSignupRequest", Response: "LoginResponse", Success: http.StatusCreated, Errors: []int{400, 413, 429}, Handle: x.studentSignup})
	x.add(Op{Method: "POST", Path: "/auth/verify", ID: "verifyEmail", Tag: "auth", Access: authz.ForAnyone, Public: true,
		Summary: "Spend an emailed verification link's token.", Request: "TokenRequest", Response: "VerifyResponse",
		Success: http.StatusOK, Errors: []int{400, 404}, Handle: x.verifyEmail})
	x.add(Op{Method: "POST", Path: "/auth/password/forgot", ID: "forgotPassword", Tag: "auth", Access: authz.ForAnyone, Public: true,
		Summary: "Email a password reset link if an account has this address. Answers 202 either way, so it never reveals who has an account.",
		Request: "EmailRequest", Success: http.StatusAccepted, Errors: []int{400}, Handle: x.forgotPassword})
	x.add(Op{Method: "POST", Path: "/auth/password/reset", ID: "resetPassword", Tag: "auth", Access: authz.ForAnyone, Public: true,
		Summary: "Set a new password with an emailed reset token; every session of the account ends.",
		Request: "TokenRequest", Success: http.StatusNoContent, Errors: []int{400, 404}, Handle: x.resetPassword})
	x.add(Op{Method: "PATCH", Path: "/me", ID: "updateMe", Tag: "auth", Access: authz.ForSelf,
		Summary: "Change title, names or language; omitted fields stay as they are.", Request: "ProfileRequest", Response: "User",
		Success: http.StatusOK, Errors: []int{400, 401}, Handle: x.updateMe})
	x.add(Op{Method: "DELETE", Path: "/me", ID: "deleteMe", Tag: "auth", Access: authz.ForSelf,
		Summary: "Delete the account: every session ends now, and after the grace period the server sets (CUBBY_DELETION_GRACE) everything about the person is erased as the privacy inventory declares. Logging in before then and cancelling in the settings keeps the account. Asking again answers the same. The account's password is asked for (400 when wrong or missing), or for an account without one a login in the last 15 minutes.",
		Request: "DeleteMeRequest", Response: "DeletionScheduled", Success: http.StatusAccepted, Errors: []int{400, 401}, Handle: x.deleteMe})
	x.add(Op{Method: "POST", Path: "/me/export", ID: "requestExport", Tag: "privacy", Access: authz.ForSelf,
		Summary:  "Ask for everything Cubby holds about the caller (and, for a parent, each connected child) as one zip: export.json, a readable export.html and the files. It is built in the background; the answer's export_id is the download's secret.",
		Response: "ExportStarted", Success: http.StatusAccepted, Errors: []int{401, 409}, Handle: x.requestExport})
	x.add(Op{Method: "GET", Path: "/me/export/{export_id}", ID: "getExport", Tag: "privacy", Access: authz.ForSelf,
		Summary:  "While the archive is being built: 202 with the progress (Retry-After: 2). Then 200 with the zip (application/zip), once: the archive is deleted after it is downloaded, and a second download, or one after 24 hours, answers 410.",
		Response: "ExportProgress", Success: http.StatusOK, Errors: []int{401, 404, 410}, Handle: x.getExport})
	x.add(Op{Method: "POST", Path: "/me/password", ID: "changePassword", Tag: "auth", Access: authz.ForSelf,
		Summary: "Change the password (the current one is required); other sessions end.", Request: "PasswordChangeRequest",
		Success: http.StatusNoContent, Errors: []int{400, 401}, Handle: x.changePassword})
	x.add(Op{Method: "POST", Path: "/me/email", ID: "changeEmail", Tag: "auth", Access: authz.ForSelf,
		Summary: "Ask to change the email address; it changes when the link sent to the new address is opened.",
		Request: "EmailChangeRequest", Success: http.StatusAccepted, Errors: []int{400, 401}, Handle: x.changeEmail})
	x.add(Op{Method: "GET", Path: "/me/sessions", ID: "listSessions", Tag: "auth", Access: authz.ForSelf,
		Summary: "Where the caller is logged in.", Response: "SessionList", Success: http.StatusOK, Errors: []int{401}, Handle: x.listSessions})
	x.add(Op{Method: "DELETE", Path: "/me/sessions", ID: "endOtherSessions", Tag: "auth", Access: authz.ForSelf,
		Summary: "Log out every other device.", Response: "EndedSessions", Success: http.StatusOK, Errors: []int{401}, Handle: x.endOtherSessions})
	x.add(Op{Method: "GET", Path: "/me/consents", ID: "listConsents", Tag: "auth", Access: authz.ForSelf,
		Summary: "Consents about or given by the caller.", Response: "ConsentList", Success: http.StatusOK, Errors: []int{401}, Handle: x.listConsents})
	x.add(Op{Method: "POST", Path: "/me/consents/{id}/withdraw", ID: "withdrawConsent", Tag: "auth", Access: authz.ForSelf,
		Summary: "Withdraw a consent; the processing it allowed stops at once.", Success: http.StatusNoContent,
		Errors: []int{401, 404}, Handle: x.withdrawConsent})
	x.add(Op{Method: "GET", Path: "/classes", ID: "listClasses", Tag: "classes", Access: authz.ForStaff,
		Summary:  "The classes the caller teaches or, for school leaders, every class of their schools. Paginated.",
		Response: "ClassList", Success: http.StatusOK, Errors: []int{400, 401, 403}, Handle: x.listClasses})
	x.add(Op{Method: "POST", Path: "/classes", ID: "createClass", Tag: "classes", Access: authz.ForStaff, Idempotent: true,
		Summary: "Create a class in a school where the caller is staff; it starts with default skills in the caller's language.",
		Request: "ClassCreate", Response: "Class", Success: http.StatusCreated, Errors: []int{400, 401, 404}, Handle: x.createClass})
	x.add(Op{Method: "GET", Path: "/classes/{id}", ID: "getClass", Tag: "classes", Access: authz.ForClassTeachers,
		Summary: "A class and its roster; usernames and parent codes only for the class's teachers.", Response: "ClassRoster",
		Success: http.StatusOK, Errors: []int{401, 404}, Handle: x.classRoster})
	x.add(Op{Method: "POST", Path: "/classes/{id}/students", ID: "addStudent", Tag: "classes", Access: authz.ForClassTeachers, Idempotent: true,
		Summary: "Add a student to a class the caller teaches. A child the school already has is put on the roster (200) rather than duplicated (201).",
		Request: "StudentCreate", Response: "Student", Success: http.StatusCreated, Errors: []int{400, 401, 403, 404}, Handle: x.addStudent})
	x.add(Op{Method: "GET", Path: "/classes/{id}/skills", ID: "listSkills", Tag: "points", Access: authz.ForClassTeachers,
		Summary: "The skills of a class, its own and the school's, weights -5 to +5 (0 allowed).", Response: "SkillList",
		Success: http.StatusOK, Errors: []int{401, 404}, Handle: x.listSkills})
	x.add(Op{Method: "POST", Path: "/classes/{id}/skills", ID: "addSkill", Tag: "points", Access: authz.ForClassTeachers,
		Summary: "Add a skill to a class the caller teaches.", Request: "SkillCreate", Response: "Skill",
		Success: http.StatusCreated, Errors: []int{400, 401, 403, 404}, Handle: x.addSkill})
	x.add(Op{Method: "POST", Path: "/classes/{id}/points", ID: "awardPoints", Tag: "points", Access: authz.ForClassTeachers, Idempotent: true,
		Summary: "Give a point for a skill to students of the class (or whole_class: everyone present). 409 when a named student is marked absent today.",
		Request: "AwardRequest", Response: "AwardList", Success: http.StatusCreated, Errors: []int{400, 401, 403, 404, 409}, Handle: x.awardPoints})
	x.add(Op{Method: "DELETE", Path: "/points/{id}", ID: "undoPoint", Tag: "points", Access: authz.ForClassTeachers,
		Summary: "Take back a point the caller gave in the last 30 seconds.", Success: http.StatusNoContent,
		Errors: []int{400, 401, 404}, Handle: x.undoPoint})
	x.add(Op{Method: "PUT", Path: "/classes/{id}/attendance/{date}", ID: "putAttendance", Tag: "attendance", Access: authz.ForClassTeachers,
		Summary: "Save attendance for a day (YYYY-MM-DD): teachers of the class for today and the days before it their school's window allows (0–30 days, a week unless its leaders change it; 400 at date saying so beyond it), school leaders for any past day.",
		Request: "AttendanceRequest", Response: "AttendanceDay", Success: http.StatusOK, Errors: []int{400, 401, 403, 404}, Handle: x.putAttendance})
	x.add(Op{Method: "GET", Path: "/students/{id}/points", ID: "studentPoints", Tag: "points", Access: authz.ForFamily,
		Summary:  "A student's points in ?from=&to= (dates, default the last 30 days). Class teachers, verified staff and leaders of the school, the student and their parents; 404 for anyone else.",
		Response: "StudentPoints", Success: http.StatusOK, Errors: []int{400, 401, 404}, Query: rangeParams, Handle: x.studentPoints})
	x.add(Op{Method: "GET", Path: "/students/{id}/attendance", ID: "studentAttendance", Tag: "attendance", Access: authz.ForFamily,
		Summary: "A student's attendance in ?from=&to=; the same people as for points.", Response: "StudentAttendance",
		Success: http.StatusOK, Errors: []int{400, 401, 404}, Query: rangeParams, Handle: x.studentAttendance})
	x.add(Op{Method: "GET", Path: "/students/{id}/report", ID: "studentReport", Tag: "reports", Access: authz.ForFamily,
		Summary:  "A student's report for ?from=&to= (dates, default the last 30 days): totals, positive and needs-work shares, points per skill, a trend per day, week or month by the period's length, and attendance with each day's status. The same people as for points; when every class of the student hides points from families, the student and their parents get attendance with points null.",
		Response: "StudentReport", Success: http.StatusOK, Errors: []int{400, 401, 404}, Query: rangeParams, Handle: x.studentReport})
	x.add(Op{Method: "GET", Path: "/classes/{id}/report", ID: "classReport", Tag: "reports", Access: authz.ForClassTeachers,
		Summary:  "A class's report for ?from=&to=: the class's totals, skills, trend and attendance per day, and a line per student in name order. The class's teachers and the school's leaders; 404 for anyone else.",
		Response: "ClassReport", Success: http.StatusOK, Errors: []int{400, 401, 404}, Query: rangeParams, Handle: x.classReport})
	x.add(Op{Method: "POST", Path: "/connections", ID: "connect", Tag: "families", Access: authz.ForSelf,
		Summary: "A parent connects to their child with the child's parent code.", Request: "ConnectRequest", Response: "Connection",
		Success: http.StatusCreated, Errors: []int{400, 401, 403, 429}, Handle: x.connect})
	x.rosterRoutes()       // roster.go
	x.directoryRoutes()    // directory.go
	x.restrictionRoutes()  // restriction.go
	x.storyRoutes()        // story.go
	x.messageRoutes()      // message.go
	x.portfolioRoutes()    // portfolio.go
	x.notificationRoutes() // notification.go
	x.pushRoutes()         // push.go
	x.classroomRoutes()    // classroom.go
	x.helpRoutes()         // help.go
	x.add(Op{Method: "GET", Path: "/schools/search", ID: "searchSchools", Tag: "schools", Access: authz.ForAnyone, Public: true, Summary: "Find schools by name words, by the searcher's position, or both. Best matches first, nearer ones first among good matches.", Response: "SchoolSearchResults", Success: http.StatusOK, Errors: []int{400},
		Query: []Param{
			{Name: "q", Type: "string", Description: "name words, typos forgiven; up to 200 characters"},
			{Name: "lat", Type: "number", Description: "the searcher's latitude, used for this answer only and never stored or logged"},
			{Name: "lon", Type: "number", Description: "the searcher's longitude, with lat"},
			{Name: "limit", Type: "integer", Description: "1–50, default 20"},
			{Name: "cursor", Type: "string", Description: "the next value of the previous page, asked with the same q, position and limit; up to 10 pages"},
		}, Handle: x.searchSchools})
}
