package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// httpSMS sends text messages through a generic HTTP gateway: POST
// {"to": "+…", "body": "…"} as JSON with "Authorization: Bearer <token>".
// Any 2xx means accepted. The row's key goes in an Idempotency-Key header,
// so a gateway that honours it drops the copy of a message re-sent after a
// crash (see the package documentation).
type httpSMS struct {
	url, token string
	client     *http.Client
}

func (s *httpSMS) Send(ctx context.Context, m Message) error {
	body, err := json.Marshal(struct {
		To   string `json:"to"`
		Body string `json:"body"`
	}{m.To, m.Text})
	if err != nil {
		return &SendError{Class: "message could not be built", Permanent: true, Err: err}
	}
	ctx, cancel := context.WithTimeout(ctx, sendTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, bytes.NewReader(body))
	if err != nil {
		return &SendError{Class: "sms gateway URL is invalid", Unavailable: true, Err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+s.token)
	req.Header.Set("Idempotency-Key", m.Key)
	resp, err := s.client.Do(req)
	if err != nil {
		return connectError("sms gateway", err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
	class := fmt.Sprintf("sms gateway: HTTP %d", resp.StatusCode)
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return nil
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		// Our token, not this message: every message would fail alike.
		return &SendError{Class: class, Unavailable: true}
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return &SendError{Class: class, Unavailable: true}
	case resp.StatusCode >= 400:
		return &SendError{Class: class, Permanent: true}
	}
	return &SendError{Class: class}
}

// smsSender builds the configured SMSSender, or nil when SMS is disabled.
func (s Settings) smsSender() (SMSSender, error) {
	if s.SMSURL == "" {
		return nil, nil
	}
	return &httpSMS{url: s.SMSURL, token: s.SMSToken, client: &http.Client{
		Timeout: sendTimeout,
		// A gateway that redirects is misconfigured; following it could
		// carry the token and the message somewhere unintended.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}, nil
}
