package app

import "time"

// TOTPCodeForTest is the code an authenticator would show for a base32
// secret at now, for tests that play the phone.
func TOTPCodeForTest(secretB32 string, now time.Time) string {
	secret, _ := b32.DecodeString(secretB32)
	return totpCode(secret, now.Unix()/30)
}
