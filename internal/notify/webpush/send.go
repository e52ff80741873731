package webpush

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// Subscription is where one browser receives pushes and the keys its
// messages are encrypted with.
type Subscription struct {
	Endpoint string
	P256dh   []byte // the browser's public key, 65 bytes
	Auth     []byte // its auth secret, 16 bytes
}

// Sender delivers push messages.
type Sender struct {
	VAPID  *VAPID
	Policy Policy
	// TTL is how long the push service keeps a message for a browser
	// that is offline.
	TTL time.Duration
	// PadTo pads every payload to this many bytes.
	PadTo  int
	client *http.Client
}

// NewSender returns a sender whose requests connect only where policy
// allows, through no proxy (a proxy would connect for it, unchecked) and
// following no redirect.
func NewSender(v *VAPID, policy Policy) *Sender {
	tr := &http.Transport{
		Proxy:                 nil,
		DialContext:           policy.Dialer().DialContext,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 20 * time.Second,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       90 * time.Second,
		ForceAttemptHTTP2:     true,
	}
	return &Sender{VAPID: v, Policy: policy, TTL: 24 * time.Hour, PadTo: 128, client: &http.Client{
		Transport:     tr,
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// ErrGone is a subscription the push service no longer knows (404 or
// 410): it is to be deleted, never retried.
var ErrGone = errors.New("webpush: subscription expired or unsubscribed")

// Result is a push service's answer.
type Result struct {
	Status int
	// RetryAfter is set when the service asked to wait (429, 503).
	RetryAfter time.Duration
}

// Send encrypts payload for sub and posts it. It returns ErrGone for an
// expired subscription, and an error for any other answer than 201/202
// (a 4xx other than 404/410/429 is the server's own fault and is not
// worth retrying; the caller decides).
func (s *Sender) Send(ctx context.Context, sub Subscription, payload []byte, urgency string, now time.Time) (Result, error) {
	if _, err := s.Policy.CheckEndpoint(ctx, sub.Endpoint); err != nil {
		return Result{}, err
	}
	body, err := Encrypt(sub.P256dh, sub.Auth, payload, s.PadTo)
	if err != nil {
		return Result{}, err
	}
	auth, err := s.VAPID.Authorization(sub.Endpoint, now)
	if err != nil {
		return Result{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, sub.Endpoint, bytes.NewReader(body))
	if err != nil {
		return Result{}, err
	}
	if urgency == "" {
		urgency = "normal"
	}
	req.Header.Set("Content-Type", "application/octet-stream")
	req.Header.Set("Content-Encoding", "aes128gcm")
	req.Header.Set("TTL", strconv.Itoa(int(s.TTL/time.Second)))
	req.Header.Set("Urgency", urgency)
	req.Header.Set("Authorization", auth)
	resp, err := s.client.Do(req)
	if err != nil {
		return Result{}, fmt.Errorf("webpush: %w", err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	res := Result{Status: resp.StatusCode}
	if v := resp.Header.Get("Retry-After"); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n > 0 {
			res.RetryAfter = time.Duration(n) * time.Second
		}
	}
	switch {
	case resp.StatusCode == http.StatusCreated || resp.StatusCode == http.StatusAccepted || resp.StatusCode == http.StatusOK:
		return res, nil
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		return res, ErrGone
	default:
		return res, fmt.Errorf("webpush: push service answered %d", resp.StatusCode)
	}
}
