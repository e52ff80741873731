package app

import (
	"testing"
	"time"
)

// RFC 6238 appendix B test vectors (SHA-1, secret "12345678901234567890"),
// cut to six digits.
func TestTOTPVectors(t *testing.T) {
	t.Parallel()
	secret := []byte("12345678901234567890")
	for unix, want := range map[int64]string{59: "287082", 1111111109: "081804", 1234567890: "005924", 2000000000: "279037"} {
		if got := totpCode(secret, unix/30); got != want {
			t.Errorf("t=%d: got %s want %s", unix, got, want)
		}
	}
	b := b32.EncodeToString(secret)
	now := time.Unix(1111111109, 0)
	if !totpValid(b, "081804", now) || !totpValid(b, "081804", now.Add(30*time.Second)) {
		t.Error("current and neighbouring steps must pass")
	}
	if totpValid(b, "081804", now.Add(90*time.Second)) || totpValid(b, "000000", now) || totpValid(b, "12345", now) {
		t.Error("stale or wrong codes must fail")
	}
}
