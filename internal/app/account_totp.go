package app

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"net/url"
	"strings"
	"time"

	"cubby/internal/authz"
	"cubby/internal/db"
	"cubby/internal/store"
)

// totpCode computes the RFC 6238 code (HMAC-SHA1, 30-second steps, six
// digits) that authenticator apps show for secret at step.
func totpCode(secret []byte, step int64) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(step))
	m := hmac.New(sha1.New, secret)
	m.Write(msg[:])
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	v := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	return fmt.Sprintf("%06d", v%1_000_000)
}

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// totpValid accepts the code of the current step or one step either side,
// for clocks that drift and people who type slowly.
func totpValid(secretB32, code string, now time.Time) bool {
	secret, err := b32.DecodeString(secretB32)
	if err != nil || len(code) != 6 {
		return false
	}
	step := now.Unix() / 30
	ok := 0
	for d := int64(-1); d <= 1; d++ {
		ok |= subtle.ConstantTimeCompare([]byte(totpCode(secret, step+d)), []byte(code))
	}
	return ok == 1
}

// TwoFactorSetup is what a person needs to add Cubby to an authenticator.
type TwoFactorSetup struct {
	Secret string // base32, grouped for typing
	URI    string // otpauth:// link for apps that open it
}

// BeginTwoFactor creates a new, not yet active secret for the actor.
func (a *App) BeginTwoFactor(ctx context.Context, s *Session) (*TwoFactorSetup, error) {
	if !authz.CanUseTwoFactor(s.Actor) {
		return nil, ErrForbidden
	}
	if s.User.TOTPEnabledAt != nil {
		return nil, ErrConflict
	}
	raw := make([]byte, 20)
	rand.Read(raw)
	secret := b32.EncodeToString(raw)
	if err := store.SetTOTP(ctx, a.db.W, s.User.ID, secret, nil, a.Now()); err != nil {
		return nil, err
	}
	return twoFactorSetup(secret, s.User), nil
}

// PendingTwoFactor returns the secret being set up, if any.
func (a *App) PendingTwoFactor(ctx context.Context, s *Session) (*TwoFactorSetup, error) {
	sec, err := store.SecurityOf(ctx, a.db.R, s.User.ID)
	if err != nil {
		return nil, err
	}
	if sec.TOTPSecret == "" || sec.TOTPEnabledAt != nil {
		return nil, nil
	}
	return twoFactorSetup(sec.TOTPSecret, s.User), nil
}

func twoFactorSetup(secret string, u *store.User) *TwoFactorSetup {
	var grouped []string
	for i := 0; i < len(secret); i += 4 {
		grouped = append(grouped, secret[i:min(i+4, len(secret))])
	}
	label := url.PathEscape("Cubby:" + u.Email)
	return &TwoFactorSetup{
		Secret: strings.Join(grouped, " "),
		URI:    "otpauth://totp/" + label + "?secret=" + secret + "&issuer=Cubby&algorithm=SHA1&digits=6&period=30",
	}
}

// ConfirmTwoFactor turns two-factor login on once the person proves their
// app makes the right codes, and returns ten one-time recovery codes to
// show them once.
func (a *App) ConfirmTwoFactor(ctx context.Context, s *Session, code string) ([]string, error) {
	if !authz.CanUseTwoFactor(s.Actor) {
		return nil, ErrForbidden
	}
	sec, err := store.SecurityOf(ctx, a.db.R, s.User.ID)
	if err != nil {
		return nil, err
	}
	if sec.TOTPSecret == "" || sec.TOTPEnabledAt != nil {
		return nil, ErrConflict
	}
	now := a.Now()
	if !totpValid(sec.TOTPSecret, strings.ReplaceAll(code, " ", ""), now) {
		v := &ValidationError{}
		v.Add("code", "twofactor.wrong_code")
		return nil, v
	}
	codes := make([]string, 10)
	hashes := make([]string, 10)
	for i := range codes {
		codes[i] = strings.ToLower(NewCode(5) + "-" + NewCode(5))
		hashes[i] = HashToken(codes[i])
	}
	err = a.db.Tx(ctx, func(tx db.Querier) error {
		if err := store.SetTOTP(ctx, tx, s.User.ID, sec.TOTPSecret, &now, now); err != nil {
			return err
		}
		return store.ReplaceRecoveryCodes(ctx, tx, s.User.ID, hashes)
	})
	return codes, err
}

// DisableTwoFactor turns two-factor login off after checking the password.
func (a *App) DisableTwoFactor(ctx context.Context, s *Session, password string) error {
	if _, err := a.checkPassword(ctx, loginOf(s.User), password); err != nil {
		v := &ValidationError{}
		v.Add("password", "password.wrong")
		return v
	}
	return a.db.Tx(ctx, func(tx db.Querier) error {
		if err := store.SetTOTP(ctx, tx, s.User.ID, "", nil, a.Now()); err != nil {
			return err
		}
		return store.ReplaceRecoveryCodes(ctx, tx, s.User.ID, nil)
	})
}

// checkSecondFactor accepts a current authenticator code or an unused
// recovery code (which is then spent).
func (a *App) checkSecondFactor(ctx context.Context, userID int64, code string) error {
	code = strings.ToLower(strings.ReplaceAll(strings.TrimSpace(code), " ", ""))
	sec, err := store.SecurityOf(ctx, a.db.R, userID)
	if err != nil {
		return err
	}
	now := a.Now()
	if sec.TOTPEnabledAt != nil && totpValid(sec.TOTPSecret, code, now) {
		return nil
	}
	if strings.Contains(code, "-") {
		ok, err := store.UseRecoveryCode(ctx, a.db.W, userID, HashToken(code), now)
		if err != nil || ok {
			return err
		}
	}
	return ErrUnauthorized
}

// loginOf is what a person logs in with.
func loginOf(u *store.User) string {
	if u.Email != "" {
		return u.Email
	}
	return u.Username
}

// RecoveryCodesLeft counts the actor's unused recovery codes.
func (a *App) RecoveryCodesLeft(ctx context.Context, s *Session) (int, error) {
	return store.UnusedRecoveryCodes(ctx, a.db.R, s.User.ID)
}
