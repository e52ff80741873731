package web_test

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"cubby/internal/db/dbtest"
	"cubby/internal/testenv"
)

// featureClaim is a feature Cubby may describe only once it exists: its
// pages are in the web route table (a route with one of Segments as a
// path segment), and until then no page, catalog or the README says it
// can be done. Words are what claims it in each language; Not lists the
// other senses of those words (an SMS is a "text message", an email
// "this message"), which may overlap a match without claiming anything.
type featureClaim struct {
	Feature  string
	Segments []string
	Words    map[string]string
	Not      map[string]string
}

var featureClaims = []featureClaim{
	{
		Feature:  "stories",
		Segments: []string{"stories", "story"},
		Words: map[string]string{
			"en": `(?i)\bclass news\b|\b(class|school) story\b|\bstories\b`,
			"es": `(?i)novedades de (la )?clase|\bhistorias?\b`,
			"fr": `(?i)nouvelles de la classe|\bhistoires?\b`,
			"ar": `أخبار الصف|أخبار صفه|القصص|قصة الصف|قصة المدرسة`,
		},
	},
	{
		Feature:  "messages",
		Segments: []string{"messages", "conversations", "inbox", "chat"},
		Words: map[string]string{
			"en": `(?i)\bmessag(e|es|ing)\b|\bchat\b`,
			"es": `(?i)\bmensaj\p{L}*|\bchat\b|bandeja de entrada`,
			"fr": `(?i)\bmessag\p{L}*|\bchat\b|\bni écrire\b`,
			"ar": `مراسل\p{L}*|(^|\s)راسل|محادث\p{L}*|(^|[\s«(])الرسائل($|[\s.,،»)])|صندوق الوارد`,
		},
		Not: map[string]string{
			"en": `(?i)\btext messages?\b|\berror messages?\b|\btranslated message\b|\b(the|this) message\b|\ba message (naming|twice)\b|\bone message per\b|\bfailed messages\b|\bmessage-id\b`,
			"es": `(?i)\bmensajes? de texto\b|\b(el|este) mensaje\b`,
			"fr": `(?i)\bmessages? texte\b|\b(le|ce) message\b`,
			"ar": `رسائل البريد|الرسائل النصية|رسائل نصية`,
		},
	},
	{
		Feature:  "portfolios",
		Segments: []string{"portfolio", "portfolios"},
		Words: map[string]string{
			"en": `(?i)\bportfolios?\b|\bshare (your|my|their) work\b`,
			"es": `(?i)\bportafolios?\b|\bcompartir (tu|mi|su) trabajo\b`,
			"fr": `(?i)\bportfolios?\b|\bpartager (ton|mon|votre|leur) travail\b`,
			"ar": `ملف(ات)? (ال)?إنجاز|تشارك عملك|مشاركة عملك`,
		},
	},
}

// claimText is one piece of user-facing text and where it is.
type claimText struct{ Where, Lang, Text string }

// unbuiltClaims returns every text that claims a feature none of routes
// provides.
func unbuiltClaims(t *testing.T, routes []string, texts []claimText) []string {
	t.Helper()
	segs := map[string]bool{}
	for _, p := range routes {
		for _, s := range strings.Split(p, "/") {
			segs[s] = true
		}
	}
	var bad []string
	for _, f := range featureClaims {
		if slices.ContainsFunc(f.Segments, func(s string) bool { return segs[s] }) {
			continue
		}
		for _, tx := range texts {
			words, ok := f.Words[tx.Lang]
			if !ok {
				t.Fatalf("%s: no claim words for %s", f.Feature, tx.Lang)
			}
			var not [][]int
			if n := f.Not[tx.Lang]; n != "" {
				not = regexp.MustCompile(n).FindAllStringIndex(tx.Text, -1)
			}
			for _, m := range regexp.MustCompile(words).FindAllStringIndex(tx.Text, -1) {
				if slices.ContainsFunc(not, func(n []int) bool { return n[0] < m[1] && m[0] < n[1] }) {
					continue
				}
				bad = append(bad, fmt.Sprintf("%s claims %s (%q), which has no route: %q", tx.Where, f.Feature, tx.Text[m[0]:m[1]], tx.Text))
				break
			}
		}
	}
	return bad
}

// userTexts reads what people read: every catalog string in its language,
// the templates (written in English), the emails' templates and the README.
func userTexts(t *testing.T) []claimText {
	t.Helper()
	var texts []claimText
	catalogs, err := filepath.Glob("../i18n/locales/*/*.json")
	if err != nil || len(catalogs) < 20 {
		t.Fatalf("catalogs: %v (%d files)", err, len(catalogs))
	}
	for _, path := range catalogs {
		var entries map[string]any
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &entries); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		lang := filepath.Base(filepath.Dir(path))
		for k, v := range entries {
			if s, ok := v.(string); ok {
				texts = append(texts, claimText{Where: path + " " + k, Lang: lang, Text: s})
			}
		}
	}
	for _, dir := range []string{"templates", "../notify/templates"} {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(path)
			texts = append(texts, claimText{Where: path, Lang: "en", Text: string(b)})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(string(b), "\n") {
		texts = append(texts, claimText{Where: fmt.Sprintf("README.md:%d", i+1), Lang: "en", Text: line})
	}
	return texts
}

// No page, catalog, email or README promises a feature whose pages do not
// exist: the claims allowed follow the route table the server mounts, so
// a feature's words become allowed the day its routes land.
func TestNoClaimsOfFeaturesWithoutRoutes(t *testing.T) {
	t.Parallel()
	env := testenv.New(t, dbtest.SQLiteOnly(t, "reads the route table; no SQL"))
	routes, _ := tables(t, env)
	var patterns []string
	for _, rt := range routes {
		patterns = append(patterns, rt.Pattern)
	}
	for _, b := range unbuiltClaims(t, patterns, userTexts(t)) {
		t.Error(b)
	}
}

// The check finds a claim in every language when the feature has no
// route, ignores the words' other senses, and allows the claim once a
// route exists.
func TestClaimsCheckFollowsTheRoutes(t *testing.T) {
	t.Parallel()
	texts := []claimText{
		{"en", "en", "Message your child's teacher."},
		{"es", "es", "Envía mensajes a las familias."},
		{"fr", "fr", "Envoyez un message aux familles."},
		{"ar", "ar", "راسل المعلّم وتابع الرسائل."},
		{"en portfolio", "en", "Sign up to share your work."},
		{"ar portfolio", "ar", "ملف الإنجاز"},
	}
	other := []claimText{
		{"sms", "en", "Invitations go by text message; the message never names the child."},
		{"sms es", "es", "Los mensajes de texto no están configurados."},
		{"email ar", "ar", "لتلقي رسائل البريد الإلكتروني والرسائل النصية."},
	}
	bad := unbuiltClaims(t, []string{"/classes/{id}", "/stories"}, append(texts, other...))
	if len(bad) != len(texts) {
		t.Errorf("without the routes, %d claims found, want %d:\n%s", len(bad), len(texts), strings.Join(bad, "\n"))
	}
	for _, tx := range texts {
		if !slices.ContainsFunc(bad, func(b string) bool { return strings.HasPrefix(b, tx.Where+" claims") }) {
			t.Errorf("not found: %s %q", tx.Where, tx.Text)
		}
	}
	if bad := unbuiltClaims(t, []string{"/classes/{id}/messages", "/students/{id}/portfolio", "/stories"}, texts); len(bad) > 0 {
		t.Errorf("with the routes, claims refused:\n%s", strings.Join(bad, "\n"))
	}
	if bad := unbuiltClaims(t, []string{"/classes/{id}"}, []claimText{{"story", "en", "Post to Class Story."}}); len(bad) != 1 {
		t.Errorf("a story claim without story routes: %q", bad)
	}
}
