package web

import (
	"io/fs"
	"strings"
	"testing"
	"text/template/parse"

	"cubby/internal/app"
	"cubby/internal/i18n"
	"cubby/internal/privacy"
)

// whyCall is one {{why L "table.column"}} in a template file.
type whyCall struct {
	file, column string
	literal      bool // the column is a string literal, so it can be checked here
}

// whyCalls parses every template file on its own (pages define the same
// "content") and collects its why calls, in every branch, rendered or not.
func whyCalls(t *testing.T) []whyCall {
	t.Helper()
	var calls []whyCall
	err := fs.WalkDir(templateFiles, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		text, err := fs.ReadFile(templateFiles, p)
		if err != nil {
			return err
		}
		tr := parse.New(p)
		tr.Mode = parse.SkipFuncCheck
		trees := map[string]*parse.Tree{}
		if _, err := tr.Parse(string(text), "{{", "}}", trees); err != nil {
			return err
		}
		for _, tree := range trees {
			walkNodes(tree.Root, func(c *parse.CommandNode) {
				if id, ok := c.Args[0].(*parse.IdentifierNode); !ok || id.Ident != "why" {
					return
				}
				call := whyCall{file: p}
				if len(c.Args) == 3 {
					if s, ok := c.Args[2].(*parse.StringNode); ok {
						call.column, call.literal = s.Text, true
					}
				}
				calls = append(calls, call)
			})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return calls
}

func walkNodes(n parse.Node, fn func(*parse.CommandNode)) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n != nil {
			for _, c := range n.Nodes {
				walkNodes(c, fn)
			}
		}
	case *parse.ActionNode:
		walkNodes(n.Pipe, fn)
	case *parse.TemplateNode:
		walkNodes(n.Pipe, fn)
	case *parse.IfNode:
		walkBranch(&n.BranchNode, fn)
	case *parse.RangeNode:
		walkBranch(&n.BranchNode, fn)
	case *parse.WithNode:
		walkBranch(&n.BranchNode, fn)
	case *parse.PipeNode:
		if n != nil {
			for _, c := range n.Cmds {
				walkNodes(c, fn)
			}
		}
	case *parse.CommandNode:
		fn(n)
		for _, a := range n.Args {
			walkNodes(a, fn)
		}
	}
}

func walkBranch(b *parse.BranchNode, fn func(*parse.CommandNode)) {
	walkNodes(b.Pipe, fn)
	walkNodes(b.List, fn)
	if b.ElseList != nil {
		walkNodes(b.ElseList, fn)
	}
}

// Every why call in every template names, as a literal, a column the
// inventory gives a data type, so no page can fail to render on a why
// link and none points at a row the inventory does not back.
func TestEveryWhyLinkNamesAnInventoryColumn(t *testing.T) {
	t.Parallel()
	inv, err := privacy.LoadInventory()
	if err != nil {
		t.Fatal(err)
	}
	calls := whyCalls(t)
	files := map[string]bool{}
	for _, c := range calls {
		files[c.file] = true
		if !c.literal {
			t.Errorf("%s: why takes the localizer and one quoted \"table.column\", so this test can check it", c.file)
			continue
		}
		if _, err := columnType(inv, c.column); err != nil {
			t.Errorf("%s: %v", c.file, err)
		}
	}
	// The forms that collect personal data are spread over many files; a
	// walk that finds few calls is not looking at the templates.
	if len(calls) < 30 || len(files) < 15 {
		t.Errorf("found %d why calls in %d files; the template walk is broken", len(calls), len(files))
	}
}

func TestWhyLink(t *testing.T) {
	t.Parallel()
	inv, err := privacy.LoadInventory()
	if err != nil {
		t.Fatal(err)
	}
	bundle, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{app: &app.App{Inventory: inv}}
	for _, tc := range []struct {
		lang, column, href, text, about string
	}{
		{"en", "users.email", `href="/transparency#dt-email"`, ">Why we ask<", "Email"},
		{"en", "student_registrations.consent_age", `href="/transparency#dt-student_age"`, ">Why we ask<", "opens in a new tab"},
		{"es", "points.note", `href="/transparency#dt-feedback_points"`, ">Por qué lo pedimos<", "nueva pestaña"},
	} {
		h, err := s.why(bundle.Localizer(tc.lang), tc.column)
		if err != nil {
			t.Fatalf("%s: %v", tc.column, err)
		}
		for _, want := range []string{tc.href, tc.text, tc.about, `target="_blank"`, `rel="noopener"`, `class="visually-hidden"`, `aria-hidden="true"`} {
			if !strings.Contains(string(h), want) {
				t.Errorf("%s in %s: no %s in\n%s", tc.column, tc.lang, want, h)
			}
		}
	}
	for _, bad := range []string{"users.no_such_column", "nosuchtable.email", "email", "users.id", "classes.name"} {
		if _, err := s.why(bundle.Localizer("en"), bad); err == nil {
			t.Errorf("why %q: want an error (unknown column, or one without a data type)", bad)
		}
	}
	if _, err := (&Server{app: &app.App{}}).why(bundle.Localizer("en"), "users.email"); err == nil {
		t.Error("why without an inventory: want an error")
	}
}

func TestLongestRetention(t *testing.T) {
	t.Parallel()
	p := func(s string) privacy.Period {
		v, err := privacy.ParseDuration(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	rule := func(d string, tr privacy.Trigger) privacy.Retention {
		return privacy.Retention{Duration: d, Period: p(d), Trigger: tr}
	}
	for _, tc := range []struct {
		name  string
		rules []privacy.Retention
		want  privacy.Retention
		ok    bool
	}{
		{"none", nil, privacy.Retention{}, false},
		{"longer wins", []privacy.Retention{rule("P7D", privacy.FromCreated), rule("P3Y", privacy.FromAccountDeleted), rule("P30D", privacy.FromAccountDeleted)},
			rule("P3Y", privacy.FromAccountDeleted), true},
		{"an event outlasts the recording", []privacy.Retention{rule("P30D", privacy.FromCreated), rule("P30D", privacy.FromAccountDeleted), rule("P30D", privacy.FromCreated)},
			rule("P30D", privacy.FromAccountDeleted), true},
		{"months against days", []privacy.Retention{rule("P12M", privacy.FromSchoolYearEnd), rule("P300D", privacy.FromCreated)},
			rule("P12M", privacy.FromSchoolYearEnd), true},
	} {
		got, ok := longest(tc.rules)
		if ok != tc.ok || got.Duration != tc.want.Duration || got.Trigger != tc.want.Trigger {
			t.Errorf("%s: got %s %s %v, want %s %s", tc.name, got.Duration, got.Trigger, ok, tc.want.Duration, tc.want.Trigger)
		}
	}
}
