package web_test

import (
	"encoding/json"
	"html"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/i18n"
	"cubby/internal/privacy"
	"cubby/internal/testenv"
)

var (
	retentionRowRe = regexp.MustCompile(`(?s)<li class="retention-row">.*?</li>`)
	retentionKeyRe = regexp.MustCompile(`name="data_type" value="([a-z_]+)"`)
	retentionRule  = regexp.MustCompile(`<span class="rule">(.*?)</span>`)
)

// schoolRules reads a school leader's retention settings: each data type's
// rules as the page words them.
func schoolRules(t *testing.T, body string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, li := range retentionRowRe.FindAllString(body, -1) {
		k := retentionKeyRe.FindStringSubmatch(li)
		if k == nil {
			t.Fatalf("a retention row without its data type: %s", li)
		}
		for _, m := range retentionRule.FindAllStringSubmatch(li, -1) {
			out[k[1]] = append(out[k[1]], html.UnescapeString(m[1]))
		}
	}
	return out
}

// The transparency page and a school's retention settings say each rule in
// the same words, generated from the inventory: every rule a leader may
// shorten is on the transparency page, word for word, in the leader's
// language; and each names the records it applies to, so an invitation's
// 30 days never read as if a live account's email address were deleted.
func TestRetentionWordedAlikeOnBothPages(t *testing.T) {
	t.Parallel()
	env := testenv.New(t, dbtest.SQLiteOnly(t, "compares two pages' words; the rules come from the inventory, not SQL"))
	leader := login(t, env, demo.LeaderEmail)
	want := map[string]string{
		"en": "Invitation: deleted 30 days after it is recorded.",
		"ar": "الدعوة: الحذف بعد 30 يومًا من تسجيلها.",
	}
	for _, lang := range []string{"en", "ar"} {
		if resp, err := leader.PostForm(env.URL+"/language", url.Values{"lang": {lang}, "back": {"/"}}); err != nil {
			t.Fatal(err)
		} else {
			resp.Body.Close()
		}
		status, body, _ := get(t, leader, env.URL+"/privacy/school")
		if status != 200 {
			t.Fatalf("%s: /privacy/school answered %d", lang, status)
		}
		settings := schoolRules(t, body)
		if len(settings) < 5 {
			t.Fatalf("%s: only %d data types on the retention settings: %v", lang, len(settings), settings)
		}
		status, body, _ = get(t, leader, env.URL+"/transparency.json")
		if status != 200 {
			t.Fatalf("%s: transparency.json answered %d", lang, status)
		}
		var page struct {
			Language  string `json:"language"`
			DataTypes []struct {
				Key       string   `json:"key"`
				Retention []string `json:"retention"`
			} `json:"data_types"`
		}
		if err := json.Unmarshal([]byte(body), &page); err != nil {
			t.Fatal(err)
		}
		if page.Language != lang {
			t.Fatalf("transparency.json in %q, want %q", page.Language, lang)
		}
		onPage := map[string][]string{}
		for _, r := range page.DataTypes {
			onPage[r.Key] = r.Retention
		}
		for dt, rules := range settings {
			for _, rule := range rules {
				if !slices.Contains(onPage[dt], rule) {
					t.Errorf("%s %s: the retention settings say %q, the transparency page does not: %q", lang, dt, rule, onPage[dt])
				}
			}
		}
		if !slices.Contains(settings["email"], want[lang]) || !slices.Contains(onPage["email"], want[lang]) {
			t.Errorf("%s: email's rules do not name their records:\n settings %q\n page     %q", lang, settings["email"], onPage["email"])
		}
	}
}

// Every table with personal data has a name for its records, and every
// action a sentence naming them, in every language.
func TestRetentionRecordNamesExist(t *testing.T) {
	t.Parallel()
	bundle, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	inv, err := privacy.LoadInventory()
	if err != nil {
		t.Fatal(err)
	}
	need := map[string]bool{}
	for _, f := range inv.PersonalFields() {
		need["privacy.record."+f.Table] = true
		need["privacy.rule."+string(f.Retention.Action)] = true
	}
	for _, loc := range bundle.Locales() {
		l := bundle.Localizer(loc.Code)
		for key := range need {
			if !l.Has(key) {
				t.Errorf("%s: no text for %s", loc.Code, key)
			}
		}
		for key := range need {
			if strings.HasPrefix(key, "privacy.rule.") && !strings.Contains(l.T(key, "record", "R", "when", "W"), "R") {
				t.Errorf("%s: %s does not name the record", loc.Code, key)
			}
		}
	}
}
