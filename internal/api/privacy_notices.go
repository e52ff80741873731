package api

import (
	"net/http"
	"strings"
	"time"

	"cubby/internal/app"
	"cubby/internal/privacy"
)

// A material change of the privacy notice (INV-7): GET /me says which one
// the caller has yet to acknowledge, so an app can show it as the web
// banner does, and POST /me/notice/acknowledge records that they read it.

// Me is the logged-in user with the notice change they have not
// acknowledged (null when there is none).
type Me struct {
	User
	PendingNotice *PendingNotice `json:"pending_notice"`
}

// PendingNotice is a material change of the notice, as it concerns the
// caller's account type.
type PendingNotice struct {
	Version         string             `json:"version"`
	EffectiveAt     time.Time          `json:"effective_at"`
	AddedTypes      []privacy.DataType `json:"added_types"`
	ChangedTypes    []privacy.DataType `json:"changed_types"`
	AddedProcessors []NoticeProcessor  `json:"added_processors"`
	NewsPaused      bool               `json:"news_paused"`
	ChangelogURL    string             `json:"changelog_url"`
}

// NoticeProcessor is an outside company a change added.
type NoticeProcessor struct {
	Name    string `json:"name"`
	Country string `json:"country"`
}

func (x *API) me(w http.ResponseWriter, r *http.Request) error {
	s := app.SessionFrom(r.Context())
	pending, err := x.app.PendingNotice(r.Context(), s)
	if err != nil {
		return err
	}
	out := Me{User: userJSON(s.User, s.Actor.SchoolIDs())}
	if pending != nil {
		c := pending.Changes
		p := &PendingNotice{Version: pending.Version, EffectiveAt: pending.EffectiveAt, NewsPaused: pending.NewsPaused,
			AddedTypes: append([]privacy.DataType{}, c.AddedTypes...), ChangedTypes: append([]privacy.DataType{}, c.ChangedTypes...),
			AddedProcessors: []NoticeProcessor{}, ChangelogURL: "/transparency/versions"}
		for _, proc := range c.AddedProcessors {
			if parts := strings.SplitN(proc, ":", 3); len(parts) == 3 {
				p.AddedProcessors = append(p.AddedProcessors, NoticeProcessor{Name: parts[1], Country: parts[2]})
			}
		}
		out.PendingNotice = p
	}
	return writeJSON(w, http.StatusOK, out)
}

type noticeAckRequest struct {
	Version  string `json:"version"`
	KeepNews bool   `json:"keep_news"`
}

func (x *API) acknowledgeNotice(w http.ResponseWriter, r *http.Request) error {
	var req noticeAckRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if err := x.app.AcknowledgeNotice(r.Context(), app.SessionFrom(r.Context()), req.Version, req.KeepNews); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func init() {
	user := schemas["User"].(map[string]any)
	props := map[string]any{}
	for k, v := range user["properties"].(map[string]any) {
		props[k] = v
	}
	props["pending_notice"] = map[string]any{"oneOf": []any{ref("PendingNotice"), map[string]any{"type": "null"}},
		"description": "a material change of the privacy notice the caller has not acknowledged; null when there is none"}
	schemas["Me"] = obj(props, append(append([]string{}, user["required"].([]string)...), "pending_notice")...)
	arr := func(items any) map[string]any { return map[string]any{"type": "array", "items": items} }
	schemas["PendingNotice"] = obj(map[string]any{
		"version":          map[string]any{"type": "string", "description": "the notice as it is now; acknowledge this version"},
		"effective_at":     map[string]any{"type": "string", "format": "date-time", "description": "when the latest unacknowledged change took effect"},
		"added_types":      map[string]any{"type": "array", "items": str(), "description": "kinds of data (keys of /transparency.json) now kept, that concern the caller"},
		"changed_types":    map[string]any{"type": "array", "items": str(), "description": "kinds of data used or shared in new ways"},
		"added_processors": arr(obj(map[string]any{"name": str(), "country": str()}, "name", "country")),
		"news_paused":      map[string]any{"type": "boolean", "description": "the caller's consent to product news predates the change: no news until they agree again (keep_news)"},
		"changelog_url":    str(),
	}, "version", "effective_at", "added_types", "changed_types", "added_processors", "news_paused", "changelog_url")
	schemas["NoticeAcknowledgement"] = obj(map[string]any{
		"version":   map[string]any{"type": "string", "description": "pending_notice.version; an older one answers 400"},
		"keep_news": map[string]any{"type": "boolean", "description": "also agree again to product news, on this version (adults with an email address)"},
	}, "version")
}
