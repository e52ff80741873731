package notify

import "crypto/tls"

// Test hooks for the external tests (package notify_test), which cannot
// live in package notify: they use testenv, which imports app, which
// imports notify.

// EmailSenderOf returns o's email provider.
func EmailSenderOf(o *Outbox) EmailSender { return o.email }

// SetEmailSender replaces o's email provider, e.g. with a wrapper around
// the real one.
func SetEmailSender(o *Outbox, s EmailSender) { o.email = s }

// SendTimeout is the time a worker leaves for one send.
const SendTimeout = sendTimeout

// SetSMTPTLSConfig makes o's SMTP client trust a test server's own
// certificate.
func SetSMTPTLSConfig(o *Outbox, c *tls.Config) { o.email.(*smtpSender).tlsCfg = c }
