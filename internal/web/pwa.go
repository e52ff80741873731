package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"html/template"
	"net/http"
	"slices"
	"sort"

	"cubby/internal/i18n"
)

// The installable app (issue 14): the web app manifest, the service
// worker and the offline page it shows without a network. All three are
// public and the same for everyone — they hold nothing about the person,
// since the service worker caches the offline page and may outlive the
// login.

// themeColor is the brand colour (app.css --primary), the manifest's and
// the layout's theme colour; background is the page colour (--bg).
const (
	themeColor      = "#c2410c"
	backgroundColor = "#fffaf3"
)

// shellAssets are the static files the service worker keeps from its
// install on, so the offline page has its look; other static files are
// kept as they are first used.
var shellAssets = []string{"app.css", "app.js", "pwa.js", "icon.svg", "icon-192.png", "icon-512.png"}

// pushKinds are the notification kinds the service worker has a line
// for (push.kind.<kind>); any other says push.generic.
var pushKinds = []string{"message", "story", "story_comment", "portfolio_approved", "portfolio_comment",
	"points", "absence", "join_request", "privacy_request"}

type manifestIcon struct {
	Src     string `json:"src"`
	Sizes   string `json:"sizes"`
	Type    string `json:"type"`
	Purpose string `json:"purpose"`
}

type manifest struct {
	ID              string         `json:"id"`
	Name            string         `json:"name"`
	ShortName       string         `json:"short_name"`
	Description     string         `json:"description"`
	Lang            string         `json:"lang"`
	Dir             string         `json:"dir"`
	StartURL        string         `json:"start_url"`
	Scope           string         `json:"scope"`
	Display         string         `json:"display"`
	ThemeColor      string         `json:"theme_color"`
	BackgroundColor string         `json:"background_color"`
	Icons           []manifestIcon `json:"icons"`
}

func (s *Server) webManifest(w http.ResponseWriter, r *http.Request) error {
	l := i18n.FromContext(r.Context())
	m := manifest{ID: "/", Name: "Cubby", ShortName: "Cubby", Description: l.T("push.manifest_description"),
		Lang: l.Lang(), Dir: l.Dir(), StartURL: "/", Scope: "/", Display: "standalone",
		ThemeColor: themeColor, BackgroundColor: backgroundColor,
		Icons: []manifestIcon{
			{Src: s.assets.URL("icon-192.png"), Sizes: "192x192", Type: "image/png", Purpose: "any"},
			{Src: s.assets.URL("icon-512.png"), Sizes: "512x512", Type: "image/png", Purpose: "any"},
			{Src: s.assets.URL("icon-maskable-512.png"), Sizes: "512x512", Type: "image/png", Purpose: "maskable"},
		}}
	w.Header().Set("Content-Type", "application/manifest+json")
	w.Header().Set("Cache-Control", "no-cache")
	return json.NewEncoder(w).Encode(m)
}

// swTexts are the notification's words in one language.
type swTexts struct {
	Title   string            `json:"title"`
	Generic string            `json:"generic"`
	Kinds   map[string]string `json:"kinds"`
}

// serviceWorker serves static/sw.js after the settings it reads: the
// release (a hash of the static files' fingerprints, so a new release
// replaces the cache), the shell's URLs, the icon and each language's
// notification texts.
func (s *Server) serviceWorker(w http.ResponseWriter, r *http.Request) error {
	src, err := staticFiles.ReadFile("static/sw.js")
	if err != nil {
		return err
	}
	names := make([]string, 0, len(s.assets.byName))
	for _, u := range s.assets.byName {
		names = append(names, u)
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		h.Write([]byte(n + "\n"))
	}
	h.Write([]byte(s.app.Push.AppVersion))
	shell := []string{"/offline"}
	for _, a := range shellAssets {
		shell = append(shell, s.assets.URL(a))
	}
	texts := map[string]swTexts{}
	for _, loc := range s.i18n.Locales() {
		l := s.i18n.Localizer(loc.Code)
		t := swTexts{Title: l.T("push.sw_title"), Generic: l.T("push.generic"), Kinds: map[string]string{}}
		for _, k := range pushKinds {
			if key := "push.kind." + k; l.Has(key) {
				t.Kinds[k] = l.T(key)
			}
		}
		texts[loc.Code] = t
	}
	settings, err := json.Marshal(map[string]any{"version": hex.EncodeToString(h.Sum(nil)[:8]), "shell": shell,
		"offline": "/offline", "icon": s.assets.URL("icon-192.png"), "texts": texts})
	if err != nil {
		return err
	}
	var out bytes.Buffer
	out.WriteString("self.CUBBY = ")
	out.Write(settings)
	out.WriteString(";\n")
	out.Write(src)
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	// Browsers check for a new worker on navigation; no-cache makes that
	// check ask the server.
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("Service-Worker-Allowed", "/")
	_, err = w.Write(out.Bytes())
	return err
}

// offlineTemplate is a page of its own, without the layout: the layout
// names the person, and this page is kept on the device.
var offlineTemplate = template.Must(template.New("offline.html").ParseFS(templateFiles, "templates/offline.html"))

// offline is the page the service worker shows without a network, in
// the language asked (?lang=, which the worker sends) or negotiated.
func (s *Server) offline(w http.ResponseWriter, r *http.Request) error {
	l := i18n.FromContext(r.Context())
	if lang := r.URL.Query().Get("lang"); lang != "" && slices.ContainsFunc(s.i18n.Locales(), func(x i18n.Locale) bool { return x.Code == lang }) {
		l = s.i18n.Localizer(lang)
	}
	var buf bytes.Buffer
	err := offlineTemplate.Execute(&buf, struct {
		L     *i18n.Localizer
		CSS   string
		Icon  string
		Theme string
	}{l, s.assets.URL("app.css"), s.assets.URL("icon.svg"), themeColor})
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Language", l.Lang())
	w.Header().Set("Cache-Control", "no-cache")
	_, err = w.Write(buf.Bytes())
	return err
}
