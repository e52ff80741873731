package webpush

import (
	"bytes"
	"context"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func b64(t *testing.T, s string) []byte {
	t.Helper()
	b, err := decode(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// RFC 8291 Appendix A: the example's keys, salt and plaintext give exactly
// the example's body.
func TestRFC8291AppendixA(t *testing.T) {
	as, err := ecdh.P256().NewPrivateKey(b64(t, "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw"))
	if err != nil {
		t.Fatal(err)
	}
	if got := Encode(as.PublicKey().Bytes()); got != "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8" {
		t.Fatalf("application server public key %s", got)
	}
	uaPublic := b64(t, "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4")
	auth := b64(t, "BTBZMqHH6r4Tts7J_aSIgg")
	plaintext := []byte("When I grow up, I want to be a watermelon")
	body, err := encrypt(uaPublic, auth, plaintext, as, b64(t, "DGv6ra1nlYgDCS1FRnbzlw"), 0)
	if err != nil {
		t.Fatal(err)
	}
	want := "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN"
	if got := Encode(body); got != want {
		t.Fatalf("body\n got %s\nwant %s", got, want)
	}
	// The user agent's side of the example decrypts it back.
	ua, err := ecdh.P256().NewPrivateKey(b64(t, "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := Decrypt(ua, auth, body)
	if err != nil || !bytes.Equal(got, plaintext) {
		t.Fatalf("decrypt: %q, %v", got, err)
	}
}

// Messages are padded to one length whatever they say, and round trip.
func TestEncryptPadsAndRoundTrips(t *testing.T) {
	ua, _ := ecdh.P256().GenerateKey(rand.Reader)
	auth := make([]byte, 16)
	rand.Read(auth)
	short, err := Encrypt(ua.PublicKey().Bytes(), auth, []byte(`{"kind":"message","id":1}`), 128)
	if err != nil {
		t.Fatal(err)
	}
	long, err := Encrypt(ua.PublicKey().Bytes(), auth, []byte(`{"kind":"portfolio_comment","id":123456789}`), 128)
	if err != nil {
		t.Fatal(err)
	}
	if len(short) != len(long) {
		t.Errorf("lengths differ: %d and %d", len(short), len(long))
	}
	got, err := Decrypt(ua, auth, long)
	if err != nil || string(got) != `{"kind":"portfolio_comment","id":123456789}` {
		t.Fatalf("decrypt: %q, %v", got, err)
	}
	if _, err := Encrypt(ua.PublicKey().Bytes(), auth, make([]byte, MaxPlaintext+1), 0); !errors.Is(err, ErrTooLarge) {
		t.Errorf("oversized payload: %v", err)
	}
}

func TestParseKeys(t *testing.T) {
	ua, _ := ecdh.P256().GenerateKey(rand.Reader)
	good, auth := Encode(ua.PublicKey().Bytes()), Encode(make([]byte, 16))
	if _, _, err := ParseKeys(good, auth); err != nil {
		t.Fatalf("good keys: %v", err)
	}
	if _, _, err := ParseKeys(good+"=", auth); err != nil {
		t.Errorf("padded key: %v", err)
	}
	off := ua.PublicKey().Bytes()
	off[64] ^= 1 // no longer on the curve
	for name, k := range map[string][2]string{
		"not base64":    {"!!!", auth},
		"short key":     {Encode(make([]byte, 33)), auth},
		"off the curve": {Encode(off), auth},
		"compressed":    {Encode(append([]byte{2}, make([]byte, 32)...)), auth},
		"short auth":    {good, Encode(make([]byte, 8))},
		"empty":         {"", ""},
		"huge":          {strings.Repeat("A", 5000), auth},
	} {
		if _, _, err := ParseKeys(k[0], k[1]); !errors.Is(err, ErrBadKey) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestVAPIDKeyKeptAndJWTVerifies(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", VAPIDFile)
	v, err := LoadOrCreateVAPID(path, "mailto:ops@school.example")
	if err != nil {
		t.Fatal(err)
	}
	again, err := LoadOrCreateVAPID(path, "mailto:ops@school.example")
	if err != nil {
		t.Fatal(err)
	}
	if v.PublicKeyString() != again.PublicKeyString() || len(v.PublicKey()) != 65 {
		t.Fatal("the key was not kept")
	}
	now := time.Unix(1_800_000_000, 0)
	h, err := v.Authorization("https://push.example.net/wpush/v2/abc?x=1", now)
	if err != nil {
		t.Fatal(err)
	}
	token, key, ok := strings.Cut(strings.TrimPrefix(h, "vapid t="), ", k=")
	if !ok || key != v.PublicKeyString() {
		t.Fatalf("header %q", h)
	}
	claims, err := VerifyJWT(token, v.PublicKey())
	if err != nil {
		t.Fatal(err)
	}
	if claims["aud"] != "https://push.example.net" || claims["sub"] != "mailto:ops@school.example" || claims["exp"].(float64) != float64(now.Add(12*time.Hour).Unix()) {
		t.Errorf("claims %v", claims)
	}
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if _, err := VerifyJWT(token, NewVAPID(other, "").PublicKey()); err == nil {
		t.Error("verified with another key")
	}
}

// noDNS fails every lookup, so the table needs no network: a name that
// does not resolve is refused.
func noDNS() *net.Resolver {
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, address string) (net.Conn, error) {
		return nil, errors.New("no DNS in this test")
	}}
}

func TestCheckEndpoint(t *testing.T) {
	prod := Policy{Resolver: noDNS()}
	local := Policy{AllowLoopback: true, Resolver: noDNS()}
	for _, c := range []struct {
		policy Policy
		url    string
		want   error
	}{
		{prod, "http://push.example.net/x", ErrEndpointHTTPS},
		{prod, "ftp://push.example.net/x", ErrEndpointHTTPS},
		{prod, "https://127.0.0.1/x", ErrEndpointPrivate},
		{prod, "https://[::1]/x", ErrEndpointPrivate},
		{prod, "https://10.1.2.3/x", ErrEndpointPrivate},
		{prod, "https://172.16.0.9/x", ErrEndpointPrivate},
		{prod, "https://192.168.1.1/x", ErrEndpointPrivate},
		{prod, "https://169.254.169.254/latest/meta-data", ErrEndpointPrivate},
		{prod, "https://[fe80::1]/x", ErrEndpointPrivate},
		{prod, "https://[fd00::1]/x", ErrEndpointPrivate},
		{prod, "https://[::ffff:10.0.0.1]/x", ErrEndpointPrivate},
		{prod, "https://100.64.0.1/x", ErrEndpointPrivate},
		{prod, "https://0.0.0.0/x", ErrEndpointPrivate},
		{prod, "https://[64:ff9b::a00:1]/x", ErrEndpointPrivate},
		{prod, "https://8.8.8.8/x", nil},
		{prod, "https://push.invalid/x", ErrEndpointUnknown},
		{prod, "/relative", ErrEndpointInvalid},
		{prod, "https://user:pw@8.8.8.8/x", ErrEndpointInvalid},
		{prod, "https://8.8.8.8/x#frag", ErrEndpointInvalid},
		{prod, "https://8.8.8.8:0/x", ErrEndpointInvalid},
		{prod, "https://8.8.8.8/" + strings.Repeat("a", MaxEndpoint), ErrEndpointInvalid},
		{local, "http://127.0.0.1:8090/notify/abc", nil},
		{local, "http://8.8.8.8/x", ErrEndpointHTTPS},
		{local, "https://10.0.0.1/x", ErrEndpointPrivate},
		{local, "https://192.168.0.1/x", ErrEndpointPrivate},
	} {
		_, err := c.policy.CheckEndpoint(context.Background(), c.url)
		if !errors.Is(err, c.want) && !(c.want == nil && err == nil) {
			t.Errorf("%s (loopback %v): %v, want %v", c.url, c.policy.AllowLoopback, err, c.want)
		}
	}
}

func TestPublic(t *testing.T) {
	for s, want := range map[string]bool{"8.8.8.8": true, "2606:4700::1": true, "127.0.0.1": false, "10.0.0.1": false,
		"169.254.1.1": false, "224.0.0.1": false, "::": false, "fe80::1": false, "fc00::1": false, "192.0.2.1": false, "2002:a00:1::": false} {
		if got := Public(netip.MustParseAddr(s)); got != want {
			t.Errorf("Public(%s) = %v", s, got)
		}
	}
}

// The dialer refuses a private address even when the name was checked
// before (DNS rebinding), and a push service's 410 comes back as ErrGone.
func TestSendRefusesAtConnectAndReportsGone(t *testing.T) {
	status := http.StatusCreated
	var got *http.Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		w.WriteHeader(status)
	}))
	defer srv.Close()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	v := NewVAPID(key, "mailto:ops@school.example")
	ua, _ := ecdh.P256().GenerateKey(rand.Reader)
	sub := Subscription{Endpoint: srv.URL + "/push/1", P256dh: ua.PublicKey().Bytes(), Auth: make([]byte, 16)}
	ctx := context.Background()

	// Production's policy: the loopback test server is refused outright.
	if _, err := NewSender(v, Policy{}).Send(ctx, sub, []byte(`{}`), "", time.Now()); !errors.Is(err, ErrEndpointHTTPS) {
		t.Errorf("production sender: %v", err)
	}
	// The dialer alone refuses loopback too.
	d := Policy{}.Dialer()
	if _, err := d.DialContext(ctx, "tcp", strings.TrimPrefix(srv.URL, "http://")); err == nil || !errors.Is(err, ErrEndpointPrivate) {
		t.Errorf("dialer: %v", err)
	}
	s := NewSender(v, Policy{AllowLoopback: true})
	if _, err := s.Send(ctx, sub, []byte(`{"kind":"message","id":7}`), "", time.Now()); err != nil {
		t.Fatal(err)
	}
	if got.Header.Get("Content-Encoding") != "aes128gcm" || got.Header.Get("TTL") != "86400" || !strings.HasPrefix(got.Header.Get("Authorization"), "vapid t=") {
		t.Errorf("headers %v", got.Header)
	}
	status = http.StatusGone
	if _, err := s.Send(ctx, sub, []byte(`{}`), "", time.Now()); !errors.Is(err, ErrGone) {
		t.Errorf("410: %v", err)
	}
	status = http.StatusNotFound
	if _, err := s.Send(ctx, sub, []byte(`{}`), "", time.Now()); !errors.Is(err, ErrGone) {
		t.Errorf("404: %v", err)
	}
	status = http.StatusBadRequest
	if _, err := s.Send(ctx, sub, []byte(`{}`), "", time.Now()); err == nil || errors.Is(err, ErrGone) {
		t.Errorf("400: %v", err)
	}
}
