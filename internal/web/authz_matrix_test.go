package web_test

import (
	"testing"

	"cubby/internal/authz"
	"cubby/internal/db"
	"cubby/internal/testenv"
)

// Every route of both tables says who it is for (Access), and a public
// route says anyone: the authorization matrix (TestAuthorizationMatrix)
// derives from it who must be refused, so a route without one would go
// untested. A new route declares it beside Public in its table:
//
//	{Method: "GET", Pattern: "/classes/{id}/help", Handle: s.help, Access: authz.ForClassTeachers},
//	x.add(Op{Method: "GET", Path: "/classes/{id}/help", ID: "help", Tag: "help", Access: authz.ForClassTeachers, …})
func TestEveryRouteDeclaresAccess(t *testing.T) {
	t.Parallel()
	env := testenv.New(t, db.SQLite)
	routes, ops := tables(t, env)
	for _, rt := range routes {
		checkAccess(t, "web "+rt.MuxPattern(), rt.Access, rt.Public)
	}
	for _, op := range ops {
		checkAccess(t, "API "+op.Method+" "+op.Path, op.Access, op.Public)
	}
}

func checkAccess(t *testing.T, name string, a authz.Audience, public bool) {
	t.Helper()
	switch {
	case !a.Valid():
		t.Errorf("%s declares no Access (authz.For…): who is it for?", name)
	case public != (a == authz.ForAnyone):
		t.Errorf("%s: Public is %v but Access is %s; a public route is for anyone, and only a public one", name, public, a)
	}
}
