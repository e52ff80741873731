package webpush

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// VAPID is the server's identity towards push services (RFC 8292): a
// P-256 key whose public half browsers are given when they subscribe, and
// with which every push request is signed.
type VAPID struct {
	key *ecdsa.PrivateKey
	// Subject is the contact the push service may use (mailto: or https:).
	Subject string
}

// VAPIDFile is the key's file name in the data folder.
const VAPIDFile = "vapid.pem"

// LoadOrCreateVAPID reads the key from path, or makes one and writes it
// there (mode 0600) on first start. Two servers starting at once on the
// same folder end with the same key: the file is created exclusively and
// the loser reads the winner's.
func LoadOrCreateVAPID(path, subject string) (*VAPID, error) {
	if b, err := os.ReadFile(path); err == nil {
		return parseVAPID(b, subject)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read VAPID key: %w", err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("create data folder: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return LoadOrCreateVAPID(path, subject)
	}
	if err != nil {
		return nil, fmt.Errorf("write VAPID key: %w", err)
	}
	if err := pem.Encode(f, &pem.Block{Type: "EC PRIVATE KEY", Bytes: der}); err != nil {
		f.Close()
		os.Remove(path)
		return nil, fmt.Errorf("write VAPID key: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("write VAPID key: %w", err)
	}
	return &VAPID{key: key, Subject: subject}, nil
}

func parseVAPID(b []byte, subject string) (*VAPID, error) {
	block, _ := pem.Decode(b)
	if block == nil || block.Type != "EC PRIVATE KEY" {
		return nil, errors.New("VAPID key file is not a PEM EC PRIVATE KEY")
	}
	key, err := x509.ParseECPrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("VAPID key: %w", err)
	}
	if key.Curve != elliptic.P256() {
		return nil, errors.New("VAPID key is not on P-256")
	}
	return &VAPID{key: key, Subject: subject}, nil
}

// NewVAPID wraps a key (tests).
func NewVAPID(key *ecdsa.PrivateKey, subject string) *VAPID {
	return &VAPID{key: key, Subject: subject}
}

// PublicKey is the uncompressed public key (65 bytes), the
// applicationServerKey browsers subscribe with.
func (v *VAPID) PublicKey() []byte {
	k, err := v.key.ECDH()
	if err != nil { // a P-256 key always converts
		panic(err)
	}
	return k.PublicKey().Bytes()
}

// PublicKeyString is PublicKey in base64url.
func (v *VAPID) PublicKeyString() string { return Encode(v.PublicKey()) }

// Authorization is the header value for a push to endpoint: a JWT for
// the endpoint's origin valid for 12 hours (push services refuse more
// than 24), and the public key (RFC 8292 §3).
func (v *VAPID) Authorization(endpoint string, now time.Time) (string, error) {
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" {
		return "", errors.New("webpush: endpoint is not a URL")
	}
	claims := map[string]any{"aud": u.Scheme + "://" + u.Host, "exp": now.Add(12 * time.Hour).Unix()}
	if v.Subject != "" {
		claims["sub"] = v.Subject
	}
	header, _ := json.Marshal(map[string]string{"typ": "JWT", "alg": "ES256"})
	body, _ := json.Marshal(claims)
	signing := base64.RawURLEncoding.EncodeToString(header) + "." + base64.RawURLEncoding.EncodeToString(body)
	sum := sha256.Sum256([]byte(signing))
	r, s, err := ecdsa.Sign(rand.Reader, v.key, sum[:])
	if err != nil {
		return "", err
	}
	sig := make([]byte, 64) // JWS ES256: r and s, 32 bytes each (RFC 7518 §3.4)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	return "vapid t=" + signing + "." + base64.RawURLEncoding.EncodeToString(sig) + ", k=" + v.PublicKeyString(), nil
}

// VerifyJWT checks a token Authorization made against a public key: what
// a push service does, for tests.
func VerifyJWT(token string, public []byte) (map[string]any, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, errors.New("webpush: not a JWT")
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || len(sig) != 64 {
		return nil, errors.New("webpush: bad signature encoding")
	}
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), public)
	if err != nil {
		return nil, errors.New("webpush: bad public key")
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if !ecdsa.Verify(pub, sum[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
		return nil, errors.New("webpush: signature does not verify")
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, err
	}
	var claims map[string]any
	return claims, json.Unmarshal(b, &claims)
}
