package i18n

import (
	"strings"
	"testing"
)

func TestMergeFiles(t *testing.T) {
	t.Parallel()
	merged, err := mergeFiles(map[string][]byte{
		"core.json":     []byte(`{"_meta": {"name": "English", "dir": "ltr"}, "a": "A"}`),
		"accounts.json": []byte(`{"b": {"one": "{count} b", "other": "{count} bs"}}`),
	})
	if err != nil {
		t.Fatal(err)
	}
	b, err := newBundle(map[string][]byte{"en": merged})
	if err != nil {
		t.Fatal(err)
	}
	l := b.Localizer("en")
	if l.T("a") != "A" || l.N("b", 2) != "2 bs" {
		t.Errorf("merged catalog: %q %q", l.T("a"), l.N("b", 2))
	}
	_, err = mergeFiles(map[string][]byte{"x.json": []byte(`{"a": "1"}`), "y.json": []byte(`{"a": "2"}`)})
	if err == nil || !strings.Contains(err.Error(), `key "a" is also in x.json`) {
		t.Errorf("duplicate across files: %v", err)
	}
	if _, err := mergeFiles(map[string][]byte{"x.json": []byte(`{"a": "1", "a": "2"}`)}); err == nil {
		t.Error("duplicate inside a file accepted")
	}
}
