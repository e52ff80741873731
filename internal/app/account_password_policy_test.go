package app

import "testing"

func TestCheckPassword(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ pw, want string }{
		{"short", "password.too_short"},
		{"password", "password.too_common"},
		{"PassWord123", "password.too_common"},
		{"aaaaaaaaaaaa", "password.too_common"},
		{"contraseña", "password.too_common"},
		{"maple-tree-lantern", ""},
		{"correct horse battery", ""},
		{"rosa.alvarez", "password.too_personal"},
		{"rosa.alvarez1", "password.too_personal"},
	} {
		if got := checkPassword(c.pw, "rosa.alvarez@school.example", "Rosa"); got != c.want {
			t.Errorf("%q: got %q, want %q", c.pw, got, c.want)
		}
	}
	if len(commonPasswords) < 300 {
		t.Errorf("deny-list has only %d entries", len(commonPasswords))
	}
}
