package privacy

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// taxonomyFS holds the pinned fideslang files, unchanged, next to Cubby's own
// extension, so the vocabulary the inventory is checked against ships inside
// the binary and cannot drift from what the tests saw.
//
//go:embed taxonomy
var taxonomyFS embed.FS

// Kinds of taxonomy terms, named as the YAML files name their lists.
const (
	kindCategory = "data_category"
	kindUse      = "data_use"
	kindSubject  = "data_subject"
)

// Term is one key of the taxonomy.
type Term struct {
	Key         string
	Name        string
	Description string
	Parent      string // empty for a top-level key and for data subjects
	// Deprecated terms are kept so old inventories can be read, but the
	// validator refuses them (INV-2).
	Deprecated bool
	ReplacedBy string
	// Extension is true for Cubby's own keys (taxonomy/cubby.yaml), so
	// generated documents can tell readers which keys are not fideslang's.
	Extension bool
}

// Taxonomy is fideslang plus Cubby's extension.
type Taxonomy struct {
	Categories map[string]Term
	Uses       map[string]Term
	Subjects   map[string]Term
	// Attribution and License travel with the taxonomy because CC BY 4.0
	// requires crediting fideslang wherever its terms are shown.
	Attribution string
	License     string
}

// fidesFile is the shape of a fideslang data file. Every field is declared
// so that decoding can be strict: a changed upstream file fails loudly.
type fidesFile struct {
	Categories []fidesTerm `yaml:"data_category"`
	Uses       []fidesTerm `yaml:"data_use"`
	Subjects   []fidesTerm `yaml:"data_subject"`
}

type fidesTerm struct {
	VersionAdded      string    `yaml:"version_added"`
	VersionDeprecated *string   `yaml:"version_deprecated"`
	ReplacedBy        *string   `yaml:"replaced_by"`
	IsDefault         bool      `yaml:"is_default"`
	FidesKey          string    `yaml:"fides_key"`
	Organization      string    `yaml:"organization_fides_key"`
	Tags              []string  `yaml:"tags"`
	Name              string    `yaml:"name"`
	Description       string    `yaml:"description"`
	ParentKey         *string   `yaml:"parent_key"`
	Rights            yaml.Node `yaml:"rights"`
	AutomatedDecision yaml.Node `yaml:"automated_decisions_or_profiling"`
}

// extensionFile is cubby.yaml: the fideslang shape cut down to what a
// project extension needs to say.
type extensionFile struct {
	Categories []extensionTerm `yaml:"data_category"`
	Uses       []extensionTerm `yaml:"data_use"`
	Subjects   []extensionTerm `yaml:"data_subject"`
}

type extensionTerm struct {
	FidesKey    string `yaml:"fides_key"`
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
	ParentKey   string `yaml:"parent_key"`
}

// LoadTaxonomy parses the embedded fideslang files and Cubby's extension. An
// extension that breaks the key rules is an error, not a warning: every
// inventory check downstream trusts the taxonomy.
func LoadTaxonomy() (*Taxonomy, error) {
	tx := &Taxonomy{
		Categories: map[string]Term{},
		Uses:       map[string]Term{},
		Subjects:   map[string]Term{},
	}
	for _, name := range []string{"data_categories.yml", "data_uses.yml", "data_subjects.yml"} {
		var f fidesFile
		if err := decodeEmbedded("taxonomy/"+name, &f); err != nil {
			return nil, err
		}
		tx.addFides(kindCategory, f.Categories)
		tx.addFides(kindUse, f.Uses)
		tx.addFides(kindSubject, f.Subjects)
	}
	var ext extensionFile
	if err := decodeEmbedded("taxonomy/cubby.yaml", &ext); err != nil {
		return nil, err
	}
	if errs := tx.extend(ext); len(errs) > 0 {
		return nil, fmt.Errorf("taxonomy/cubby.yaml: %w", errors.Join(errs...))
	}
	for _, f := range []struct {
		name string
		dst  *string
	}{{"SOURCE.txt", &tx.Attribution}, {"LICENSE", &tx.License}} {
		b, err := taxonomyFS.ReadFile("taxonomy/" + f.name)
		if err != nil {
			return nil, err
		}
		*f.dst = string(b)
	}
	return tx, nil
}

func decodeEmbedded(path string, v any) error {
	b, err := taxonomyFS.ReadFile(path)
	if err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func (tx *Taxonomy) terms(kind string) map[string]Term {
	switch kind {
	case kindCategory:
		return tx.Categories
	case kindUse:
		return tx.Uses
	}
	return tx.Subjects
}

func (tx *Taxonomy) addFides(kind string, list []fidesTerm) {
	m := tx.terms(kind)
	for _, t := range list {
		m[t.FidesKey] = Term{
			Key:         t.FidesKey,
			Name:        t.Name,
			Description: strings.TrimSpace(t.Description),
			Parent:      deref(t.ParentKey),
			Deprecated:  t.VersionDeprecated != nil && *t.VersionDeprecated != "",
			ReplacedBy:  deref(t.ReplacedBy),
		}
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// keyPattern is fideslang's own FidesKey pattern (INV-2).
var keyPattern = regexp.MustCompile(`^[a-zA-Z0-9_.<>-]+$`)

// extend checks Cubby's extension terms against the rules fideslang keys
// follow and adds the good ones. Extension terms are checked in file order,
// so a child must come after its parent — which is also how a reader expects
// the file to read.
func (tx *Taxonomy) extend(ext extensionFile) []error {
	var errs []error
	for _, group := range []struct {
		kind  string
		terms []extensionTerm
	}{{kindCategory, ext.Categories}, {kindUse, ext.Uses}, {kindSubject, ext.Subjects}} {
		m := tx.terms(group.kind)
		for _, t := range group.terms {
			if err := checkExtensionTerm(group.kind, t, m); err != nil {
				errs = append(errs, err)
				continue
			}
			m[t.FidesKey] = Term{
				Key: t.FidesKey, Name: t.Name, Description: strings.TrimSpace(t.Description),
				Parent: t.ParentKey, Extension: true,
			}
		}
	}
	return errs
}

func checkExtensionTerm(kind string, t extensionTerm, existing map[string]Term) error {
	key := t.FidesKey
	switch {
	case !keyPattern.MatchString(key):
		return fmt.Errorf("%s %q: key must match %s", kind, key, keyPattern)
	case t.Name == "" || strings.TrimSpace(t.Description) == "":
		return fmt.Errorf("%s %s: name and description are required", kind, key)
	}
	if _, dup := existing[key]; dup {
		return fmt.Errorf("%s %s: already defined (by fideslang or earlier in the extension)", kind, key)
	}
	if kind == kindSubject {
		// fideslang's data subjects are a flat list; a hierarchy here would
		// mean nothing to tools that read both.
		if t.ParentKey != "" {
			return fmt.Errorf("%s %s: data subjects have no parent_key", kind, key)
		}
		return nil
	}
	want := ""
	if i := strings.LastIndexByte(key, '.'); i >= 0 {
		want = key[:i]
	}
	if t.ParentKey != want {
		return fmt.Errorf("%s %s: parent_key is %q, want %q (the key minus its last segment)", kind, key, t.ParentKey, want)
	}
	if want != "" {
		if _, ok := existing[want]; !ok {
			return fmt.Errorf("%s %s: parent %s does not exist", kind, key, want)
		}
	}
	return nil
}
