// Package webpush sends Web Push messages: the payload encrypted for the
// browser (RFC 8291, with the aes128gcm content coding of RFC 8188) and
// the request signed with the server's VAPID key (RFC 8292). No Go
// library for it is served to this project, so it is built on the
// standard library's crypto/ecdh, crypto/ecdsa, crypto/hkdf and AES-GCM,
// and tested against RFC 8291's example byte for byte.
package webpush

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
)

// RecordSize is the record size written in the header. A push message is
// one record, at most 4096 bytes on the wire (RFC 8291 §4).
const RecordSize = 4096

// MaxPlaintext is the largest plaintext one message carries: a record of
// RecordSize less the header (86 bytes), the AEAD tag (16) and the
// delimiter (1).
const MaxPlaintext = RecordSize - 86 - 16 - 1

var (
	// ErrBadKey is a browser key that is not a P-256 point or an auth
	// secret that is not 16 bytes.
	ErrBadKey = errors.New("webpush: malformed subscription key")
	// ErrTooLarge is a payload over MaxPlaintext.
	ErrTooLarge = errors.New("webpush: payload too large")
)

// ParseKeys decodes a subscription's keys as browsers give them
// (base64url, padded or not) and checks them: p256dh must be an
// uncompressed P-256 point, auth 16 bytes.
func ParseKeys(p256dh, auth string) (pub, secret []byte, err error) {
	pub, err1 := decode(p256dh)
	secret, err2 := decode(auth)
	if err1 != nil || err2 != nil || len(pub) != 65 || pub[0] != 4 || len(secret) != 16 {
		return nil, nil, ErrBadKey
	}
	if _, err := ecdh.P256().NewPublicKey(pub); err != nil {
		return nil, nil, ErrBadKey
	}
	return pub, secret, nil
}

// decode reads base64url with or without padding (browsers send it
// without; some libraries add it).
func decode(s string) ([]byte, error) {
	if len(s) > 200 {
		return nil, ErrBadKey
	}
	if b, err := base64.RawURLEncoding.DecodeString(s); err == nil {
		return b, nil
	}
	return base64.URLEncoding.DecodeString(s)
}

// Encode is base64url without padding, as Web Push spells keys.
func Encode(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// Encrypt encrypts plaintext for the browser whose public key is uaPublic
// (65 bytes) and auth secret auth (16 bytes), with a fresh key pair and
// salt. The plaintext is padded to at least padTo bytes, so messages of
// different kinds cannot be told apart by their length.
func Encrypt(uaPublic, auth, plaintext []byte, padTo int) ([]byte, error) {
	as, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return nil, err
	}
	return encrypt(uaPublic, auth, plaintext, as, salt, padTo)
}

// encrypt is Encrypt with the application server's key pair and the salt
// given: the RFC's example fixes both.
func encrypt(uaPublic, auth, plaintext []byte, as *ecdh.PrivateKey, salt []byte, padTo int) ([]byte, error) {
	if len(plaintext) > MaxPlaintext {
		return nil, ErrTooLarge
	}
	ua, err := ecdh.P256().NewPublicKey(uaPublic)
	if err != nil || len(auth) != 16 || len(salt) != 16 {
		return nil, ErrBadKey
	}
	shared, err := as.ECDH(ua)
	if err != nil {
		return nil, ErrBadKey
	}
	asPublic := as.PublicKey().Bytes()
	// RFC 8291 §3.4: IKM = HKDF(auth, ecdh_secret, "WebPush: info" 0x00 ua_public as_public, 32).
	keyInfo := make([]byte, 0, 14+65+65)
	keyInfo = append(keyInfo, "WebPush: info\x00"...)
	keyInfo = append(keyInfo, uaPublic...)
	keyInfo = append(keyInfo, asPublic...)
	ikm, err := hkdf.Key(sha256.New, shared, auth, string(keyInfo), 32)
	if err != nil {
		return nil, err
	}
	// RFC 8188 §2.2, §2.3: the content encryption key and the nonce.
	cek, err := hkdf.Key(sha256.New, ikm, salt, "Content-Encoding: aes128gcm\x00", 16)
	if err != nil {
		return nil, err
	}
	nonce, err := hkdf.Key(sha256.New, ikm, salt, "Content-Encoding: nonce\x00", 12)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(cek)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	// One record, the last: the plaintext, the delimiter 0x02, then zeros.
	pad := 0
	if padTo > len(plaintext) {
		pad = min(padTo, MaxPlaintext) - len(plaintext)
	}
	record := make([]byte, 0, len(plaintext)+1+pad)
	record = append(record, plaintext...)
	record = append(record, 2)
	record = append(record, make([]byte, pad)...)
	// The header: salt, record size, key id length and the key id, which
	// Web Push makes the application server's public key.
	out := make([]byte, 0, 86+len(record)+gcm.Overhead())
	out = append(out, salt...)
	out = binary.BigEndian.AppendUint32(out, RecordSize)
	out = append(out, byte(len(asPublic)))
	out = append(out, asPublic...)
	return gcm.Seal(out, nonce, record, nil), nil
}

// Decrypt undoes Encrypt with the browser's private key and auth secret:
// what a browser does, for tests and for checking the encoding round
// trips. It reads one record.
func Decrypt(ua *ecdh.PrivateKey, auth, body []byte) ([]byte, error) {
	if len(body) < 21 {
		return nil, errors.New("webpush: body too short")
	}
	salt, idlen := body[:16], int(body[20])
	if len(body) < 21+idlen+17 {
		return nil, errors.New("webpush: body too short")
	}
	asPublic, ciphertext := body[21:21+idlen], body[21+idlen:]
	as, err := ecdh.P256().NewPublicKey(asPublic)
	if err != nil {
		return nil, fmt.Errorf("webpush: key id: %w", err)
	}
	shared, err := ua.ECDH(as)
	if err != nil {
		return nil, err
	}
	keyInfo := append(append([]byte("WebPush: info\x00"), ua.PublicKey().Bytes()...), asPublic...)
	ikm, err := hkdf.Key(sha256.New, shared, auth, string(keyInfo), 32)
	if err != nil {
		return nil, err
	}
	cek, _ := hkdf.Key(sha256.New, ikm, salt, "Content-Encoding: aes128gcm\x00", 16)
	nonce, _ := hkdf.Key(sha256.New, ikm, salt, "Content-Encoding: nonce\x00", 12)
	block, err := aes.NewCipher(cek)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	record, err := gcm.Open(nil, nonce, ciphertext, nil)
	if err != nil {
		return nil, err
	}
	i := len(record) - 1
	for i >= 0 && record[i] == 0 {
		i--
	}
	if i < 0 || record[i] != 2 {
		return nil, errors.New("webpush: no last-record delimiter")
	}
	return record[:i], nil
}
