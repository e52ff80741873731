package api

import "net/http"

// routes declares every endpoint. Adding one here is the only way to add a
// route, and it documents it in the OpenAPI document at the same time.
func (x *API) routes() {
	x.add(Op{Method: "POST", Path: "/auth/login", ID: "login", Tag: "auth", Public: true,
		Summary: "Log in with an email (staff, parents) or a username (students) and a password; returns a bearer token.",
		Request: "LoginRequest", Response: "LoginResponse", Success: http.StatusOK,
		Errors: []int{400, 401, 413, 429}, Handle: x.login})
	x.add(Op{Method: "POST", Path: "/auth/logout", ID: "logout", Tag: "auth",
		Summary: "End the session of the presented token.", Success: http.StatusNoContent,
		Errors: []int{401}, Handle: x.logout})
	x.add(Op{Method: "GET", Path: "/me", ID: "me", Tag: "auth",
		Summary: "The logged-in user.", Response: "User", Success: http.StatusOK,
		Errors: []int{401}, Handle: x.me})
	x.add(Op{Method: "POST", Path: "/auth/signup", ID: "signup", Tag: "auth", Public: true,
		Summary: "Sign up as a teacher, parent or school leader; logs in and emails a link to verify the address.",
		Request: "SignupRequest", Response: "LoginResponse", Success: http.StatusCreated, Errors: []int{400, 413, 429}, Handle: x.signup})
	x.add(Op{Method: "POST", Path: "/auth/student-signup", ID: "studentSignup", Tag: "auth", Public: true,
		Summary: "A student signs up. At or over the country's digital age of consent: 201 with a session. Under it: 202, and a consent request is emailed to the parent; nothing else is kept.",
		Request: "StudentSignupRequest", Response: "LoginResponse", Success: http.StatusCreated, Errors: []int{400, 413, 429}, Handle: x.studentSignup})
	x.add(Op{Method: "POST", Path: "/auth/verify", ID: "verifyEmail", Tag: "auth", Public: true,
		Summary: "Spend an emailed verification link's token.", Request: "TokenRequest", Response: "VerifyResponse",
		Success: http.StatusOK, Errors: []int{400, 404}, Handle: x.verifyEmail})
	x.add(Op{Method: "POST", Path: "/auth/password/forgot", ID: "forgotPassword", Tag: "auth", Public: true,
		Summary: "Email a password reset link if an account has this address. Answers 202 either way, so it never reveals who has an account.",
		Request: "EmailRequest", Success: http.StatusAccepted, Errors: []int{400}, Handle: x.forgotPassword})
	x.add(Op{Method: "POST", Path: "/auth/password/reset", ID: "resetPassword", Tag: "auth", Public: true,
		Summary: "Set a new password with an emailed reset token; every session of the account ends.",
		Request: "TokenRequest", Success: http.StatusNoContent, Errors: []int{400, 404}, Handle: x.resetPassword})
	x.add(Op{Method: "PATCH", Path: "/me", ID: "updateMe", Tag: "auth",
		Summary: "Change title, names or language; omitted fields stay as they are.", Request: "ProfileRequest", Response: "User",
		Success: http.StatusOK, Errors: []int{400, 401}, Handle: x.updateMe})
	x.add(Op{Method: "DELETE", Path: "/me", ID: "deleteMe", Tag: "auth",
		Summary: "Close the account. Not available in this version: answers 501 and deletes nothing.",
		Success: http.StatusAccepted, Errors: []int{401, 501}, Handle: x.deleteMe})
	x.add(Op{Method: "POST", Path: "/me/password", ID: "changePassword", Tag: "auth",
		Summary: "Change the password (the current one is required); other sessions end.", Request: "PasswordChangeRequest",
		Success: http.StatusNoContent, Errors: []int{400, 401}, Handle: x.changePassword})
	x.add(Op{Method: "POST", Path: "/me/email", ID: "changeEmail", Tag: "auth",
		Summary: "Ask to change the email address; it changes when the link sent to the new address is opened.",
		Request: "EmailChangeRequest", Success: http.StatusAccepted, Errors: []int{400, 401}, Handle: x.changeEmail})
	x.add(Op{Method: "GET", Path: "/me/sessions", ID: "listSessions", Tag: "auth",
		Summary: "Where the caller is logged in.", Response: "SessionList", Success: http.StatusOK, Errors: []int{401}, Handle: x.listSessions})
	x.add(Op{Method: "DELETE", Path: "/me/sessions", ID: "endOtherSessions", Tag: "auth",
		Summary: "Log out every other device.", Response: "EndedSessions", Success: http.StatusOK, Errors: []int{401}, Handle: x.endOtherSessions})
	x.add(Op{Method: "GET", Path: "/me/consents", ID: "listConsents", Tag: "auth",
		Summary: "Consents about or given by the caller.", Response: "ConsentList", Success: http.StatusOK, Errors: []int{401}, Handle: x.listConsents})
	x.add(Op{Method: "POST", Path: "/me/consents/{id}/withdraw", ID: "withdrawConsent", Tag: "auth",
		Summary: "Withdraw a consent; the processing it allowed stops at once.", Success: http.StatusNoContent,
		Errors: []int{401, 404}, Handle: x.withdrawConsent})
	x.add(Op{Method: "GET", Path: "/classes", ID: "listClasses", Tag: "classes",
		Summary:  "The classes the caller teaches or, for school leaders, every class of their schools. Paginated.",
		Response: "ClassList", Success: http.StatusOK, Errors: []int{400, 401, 403}, Handle: x.listClasses})
}
