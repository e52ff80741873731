package web

import (
	"encoding/xml"
	"html/template"
	"io"
	"strings"
	"testing"
)

// wellFormed parses a chart as XML and returns its root element's name
// and attributes.
func wellFormed(t *testing.T, h template.HTML) (string, map[string]string) {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(string(h)))
	dec.Strict = true
	var root string
	attrs := map[string]string{}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, h)
		}
		if se, ok := tok.(xml.StartElement); ok && root == "" {
			root = se.Name.Local
			for _, a := range se.Attr {
				attrs[a.Name.Local] = a.Value
			}
		}
	}
	return root, attrs
}

const nasty = `<script>alert("x")</script> & 'quotes'`

func TestTrendChart(t *testing.T) {
	t.Parallel()
	labels := TrendLabels{Summary: "Points: " + nasty, Positive: "Positive", NeedsWork: "Needs <work>", Empty: "Nothing yet"}
	bars := []TrendBar{{Label: "Mar 3", Title: nasty, Positive: 5, NeedsWork: 1}, {Label: "Mar 4", Positive: 0, NeedsWork: 3}, {Label: "Mar 5", Positive: 2}}
	h := TrendChart("trend", bars, labels)
	root, attrs := wellFormed(t, h)
	if root != "svg" || attrs["role"] != "img" || attrs["aria-label"] != labels.Summary || !strings.HasPrefix(attrs["viewBox"], "0 0 ") {
		t.Errorf("root %s %v", root, attrs)
	}
	s := string(h)
	if strings.Contains(s, "<script>") || !strings.Contains(s, "&lt;script&gt;") || !strings.Contains(s, "Needs &lt;work&gt;") {
		t.Error("labels are not escaped")
	}
	// Positive bars are solid, needs-work bars use the hatch pattern: two
	// solid and two hatched bars (plus the legend's swatches).
	if n := strings.Count(s, `class="c-pos" x=`); n != 3 {
		t.Errorf("%d solid rects, want 2 bars + 1 swatch", n)
	}
	if n := strings.Count(s, `fill="url(#trend-hatch)"`); n != 3 {
		t.Errorf("%d hatched rects, want 2 bars + 1 swatch", n)
	}
	if strings.Contains(s, "style=") {
		t.Error("style attributes are refused by the CSP")
	}
	for _, empty := range [][]TrendBar{nil, {{Label: "Mar 3"}}} {
		e := string(TrendChart("trend", empty, labels))
		if strings.Contains(e, "<svg") || !strings.Contains(e, "Nothing yet") {
			t.Errorf("empty trend: %s", e)
		}
		wellFormed(t, template.HTML(e))
	}
}

func TestSkillChart(t *testing.T) {
	t.Parallel()
	labels := SkillLabels{Summary: "Skills", Positive: "Positive", NeedsWork: "Needs work", Zero: "No points", Empty: "No points yet"}
	long := strings.Repeat("Très longue compétence ", 4)
	h := SkillChart("skills", []SkillBar{{Name: long, Count: 10, Kind: KindPositive}, {Name: nasty, Count: 2, Kind: KindNeedsWork},
		{Name: "Noticed", Count: 1, Kind: KindZero}}, labels)
	_, attrs := wellFormed(t, h)
	if attrs["role"] != "img" || attrs["aria-label"] != "Skills" {
		t.Errorf("root %v", attrs)
	}
	s := string(h)
	if strings.Contains(s, "<script>") || !strings.Contains(s, "…") || !strings.Contains(s, "<title>"+esc(long)+": 10</title>") {
		t.Error("long names are shortened on the bar and kept whole in the tooltip; everything escaped")
	}
	for _, want := range []string{`url(#skills-hatch)`, `url(#skills-dots)`, `id="skills-hatch"`, `id="skills-dots"`} {
		if !strings.Contains(s, want) {
			t.Errorf("missing %s", want)
		}
	}
	if e := string(SkillChart("skills", nil, labels)); !strings.Contains(e, "No points yet") || strings.Contains(e, "<svg") {
		t.Errorf("empty skills: %s", e)
	}
}

func TestCalendarHeatmap(t *testing.T) {
	t.Parallel()
	labels := CalendarLabels{Summary: "Attendance", Empty: "No attendance taken",
		Weekdays: [7]string{"M", "T", "W", "T", "F", "S", "S"},
		Months:   [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
		Legend:   []LegendEntry{{CellSolid, "Present"}, {CellCross, "Absent <!>"}}}
	// Wednesday 2025-01-01 to Friday 2025-01-31: five weeks.
	cells := map[string]CalendarCell{
		"2025-01-02": {Kind: CellSolid, Title: "2025-01-02: Present"},
		"2025-01-03": {Kind: CellCross, Title: "2025-01-03: " + nasty},
		"2025-01-06": {Kind: CellHatch, Title: "late"},
		"2025-01-07": {Kind: CellDots, Title: "left early"},
	}
	h := CalendarHeatmap("cal", "2025-01-01", "2025-01-31", cells, labels)
	_, attrs := wellFormed(t, h)
	if attrs["role"] != "img" || attrs["width"] == "" {
		t.Errorf("root %v", attrs)
	}
	s := string(h)
	// 23 weekdays in January 2025; four have a record, the rest are outlines.
	if n := strings.Count(s, `class="k-none"`); n != 19 {
		t.Errorf("%d empty weekdays, want 19", n)
	}
	// Absent is a cross, not only a colour.
	if !strings.Contains(s, `class="k-cross-mark"`) || strings.Contains(s, "<script>") || !strings.Contains(s, "Absent &lt;!&gt;") {
		t.Error("cross or escaping")
	}
	if strings.Contains(s, ">S<") {
		t.Error("weekend rows drawn though nothing was recorded on a weekend")
	}
	// A record on a Saturday brings the weekend rows.
	cells["2025-01-04"] = CalendarCell{Kind: CellSolid, Title: "Saturday"}
	if s := string(CalendarHeatmap("cal", "2025-01-01", "2025-01-31", cells, labels)); strings.Count(s, ">S<") != 2 {
		t.Error("weekend rows missing")
	}
	for _, c := range []struct{ from, to string }{{"2025-01-01", "2025-01-31"}, {"bad", "2025-01-31"}, {"2025-02-01", "2025-01-31"}} {
		cs := cells
		if c.from == "2025-01-01" {
			cs = nil
		}
		if e := string(CalendarHeatmap("cal", c.from, c.to, cs, labels)); !strings.Contains(e, "No attendance taken") {
			t.Errorf("empty calendar %v: %s", c, e)
		}
	}
	// A school year: 53 columns still fit one viewBox.
	year := CalendarHeatmap("cal", "2024-09-02", "2025-06-27", map[string]CalendarCell{"2024-09-02": {Kind: CellSolid}}, labels)
	wellFormed(t, year)
}

func TestCSVText(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"=SUM(A1)": "'=SUM(A1)", "+1": "'+1", "-2": "'-2", "@cmd": "'@cmd", "\tx": "'\tx", "\rx": "'\rx",
		"Ava Martin": "Ava Martin", "": "", "2025-01-02": "2025-01-02", "a=b": "a=b",
	} {
		if got := csvText(in); got != want {
			t.Errorf("csvText(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"report Ava Martin 2025-01-01 2025-01-31": "report-ava-martin-2025-01-01-2025-01-31",
		"report Zoé Ä/..\\x":                      "report-zoé-ä-x",
		`"; rm -rf`:                               "rm-rf",
		"":                                        "cubby",
	} {
		if got := fileName(in); got != want {
			t.Errorf("fileName(%q) = %q, want %q", in, got, want)
		}
	}
}
