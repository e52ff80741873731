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
	x.add(Op{Method: "GET", Path: "/classes", ID: "listClasses", Tag: "classes",
		Summary:  "The classes the caller teaches or, for school leaders, every class of their schools. Paginated.",
		Response: "ClassList", Success: http.StatusOK, Errors: []int{400, 401, 403}, Handle: x.listClasses})
}
