package app

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"

	"cubby/internal/db"
	"cubby/internal/notify"
	"cubby/internal/store"
)

// Product news: emails about Cubby itself, sent only to adults who opted
// in, never to students. The opt-in is a consent in the ledger (GDPR Art.
// 6(1)(a), declared as an other_use of users.email), and every email
// carries a one-click unsubscribe link that withdraws it.

// PurposeProductNews is the consent ledger's purpose for product news.
const PurposeProductNews = "product_news"

// NewsSubscribed reports whether the actor receives product news: an
// unwithdrawn consent given on a notice version that still covers what
// Cubby does (a material change since asks for it again).
func (a *App) NewsSubscribed(ctx context.Context, s *Session) (bool, error) {
	covered, err := a.coveredVersions(ctx)
	if err != nil {
		return false, err
	}
	list, err := store.ConsentsOfUser(ctx, a.db.R, s.User.ID)
	if err != nil {
		return false, err
	}
	for _, c := range list {
		if c.Purpose == PurposeProductNews && c.WithdrawnAt == nil && c.SubjectUserID == s.User.ID && covered[c.NoticeVersion] {
			return true, nil
		}
	}
	return false, nil
}

// CanReceiveNews: adults with an email address.
func CanReceiveNews(u *store.User) bool { return u.Kind != store.KindStudent && u.Email != "" }

// SubscribeNews records the actor's consent to product news.
func (a *App) SubscribeNews(ctx context.Context, s *Session) error {
	if !CanReceiveNews(s.User) {
		return ErrForbidden
	}
	if on, err := a.NewsSubscribed(ctx, s); err != nil || on {
		return err // NewsSubscribed archived the current notice version
	}
	return store.AddConsent(ctx, a.db.W, &store.Consent{SubjectUserID: s.User.ID, GrantorUserID: s.User.ID, GrantorRole: "self",
		Purpose: PurposeProductNews, NoticeVersion: a.Transparency().Version, Method: "settings_checkbox",
		Evidence: "ticked on the settings page", GrantedAt: a.Now()})
}

// UnsubscribeNews withdraws the actor's consent to product news.
func (a *App) UnsubscribeNews(ctx context.Context, s *Session) error {
	list, err := store.ConsentsOfUser(ctx, a.db.R, s.User.ID)
	if err != nil {
		return err
	}
	for _, c := range list {
		if c.Purpose == PurposeProductNews && c.WithdrawnAt == nil && c.SubjectUserID == s.User.ID {
			if _, err := store.WithdrawConsent(ctx, a.db.W, c.ID, a.Now()); err != nil {
				return err
			}
		}
	}
	return nil
}

// unsubscribeKey names the server key that signs unsubscribe links.
const unsubscribeKey = "unsubscribe"

// unsubscribeToken is "<consent id>.<signature>": it needs no login and
// cannot be forged for another consent.
func (a *App) unsubscribeToken(ctx context.Context, q db.Querier, consentID int64) (string, error) {
	key, err := store.ServerKey(ctx, q, unsubscribeKey, a.Now())
	if err != nil {
		return "", err
	}
	id := strconv.FormatInt(consentID, 10)
	m := hmac.New(sha256.New, key)
	m.Write([]byte("unsubscribe:" + id))
	return id + "." + hex.EncodeToString(m.Sum(nil)[:16]), nil
}

// UnsubscribeByToken withdraws the consent an unsubscribe link names. An
// invalid link is ErrNotFound; unsubscribing twice is fine.
func (a *App) UnsubscribeByToken(ctx context.Context, token string) error {
	idText, _, ok := strings.Cut(token, ".")
	id, err := strconv.ParseInt(idText, 10, 64)
	if !ok || err != nil || len(token) > 100 {
		return ErrNotFound
	}
	want, err := a.unsubscribeToken(ctx, a.db.W, id)
	if err != nil {
		return err
	}
	if !hmac.Equal([]byte(want), []byte(token)) {
		return ErrNotFound
	}
	c, err := store.ConsentByID(ctx, a.db.R, id)
	if err != nil || c.Purpose != PurposeProductNews {
		return ErrNotFound
	}
	_, err = store.WithdrawConsent(ctx, a.db.W, id, a.Now())
	return err
}

// News is one product news email, written by the operator.
type News struct {
	Subject string
	Body    string
	Lang    string // only people using Cubby in this language; "" for all
}

// SendNews queues the news for every adult who opted in. Each email is its
// own transaction, so a failure part-way is reported with what was sent.
func (a *App) SendNews(ctx context.Context, n News) (int, error) {
	v := &ValidationError{}
	if strings.TrimSpace(n.Subject) == "" {
		v.Add("subject", "validation.required")
	}
	if strings.TrimSpace(n.Body) == "" {
		v.Add("body", "validation.required")
	}
	if err := v.Err(); err != nil {
		return 0, err
	}
	list, err := store.ActiveConsentsFor(ctx, a.db.R, PurposeProductNews)
	if err != nil {
		return 0, err
	}
	covered, err := a.coveredVersions(ctx)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, c := range list {
		if !covered[c.NoticeVersion] {
			continue // given before a material change: to be asked again
		}
		u, err := store.UserByID(ctx, a.db.R, c.SubjectUserID)
		if err != nil || !CanReceiveNews(u) || u.DisabledAt != nil || (n.Lang != "" && u.Language != n.Lang) {
			continue // never a student, whatever the ledger says
		}
		err = a.db.Tx(ctx, func(tx db.Querier) error {
			tok, err := a.unsubscribeToken(ctx, tx, c.ID)
			if err != nil {
				return err
			}
			return a.mail(ctx, tx, notify.Email{To: u.Email, Lang: u.Language, Template: "product_news",
				Data: map[string]any{"Name": u.DisplayName(), "NewsSubject": strings.TrimSpace(n.Subject), "Paragraphs": paragraphs(n.Body),
					"Link": a.BaseURL + "/unsubscribe?token=" + tok}}, a.Now())
		})
		if err != nil {
			return sent, err
		}
		sent++
	}
	a.Log.Info("product news queued", "emails", sent)
	return sent, nil
}

// paragraphs splits the operator's text at blank lines.
func paragraphs(body string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(body, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
