package web

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Charts are drawn on the server as inline SVG: no script, no library,
// nothing fetched. Each one
//   - is role="img" with an aria-label summary; the page puts a table with
//     the same numbers beside it for screen readers and for print;
//   - tells its series apart by shape and pattern as well as colour (solid
//     bars up for positive feedback, hatched bars down for needs work; ✕
//     for an absence), so it survives a black-and-white printer;
//   - scales through its viewBox, so it reads on a phone;
//   - carries colours as presentation attributes (the CSP allows no style
//     attributes), which app.css overrides for the dark theme and print;
//   - stays left-to-right even on right-to-left pages, like a number line.
// Every text that reaches a chart is escaped here; pattern ids are
// prefixed with the chart's id so several charts share a page.

// Colours of the light theme; app.css restyles them by class.
const (
	colPositive  = "#0f766e"
	colNeedsWork = "#c2410c"
	colNeedsBg   = "#fde7d9"
	colZero      = "#6b625b"
	colText      = "#2a2522"
	colMuted     = "#6b625b"
	colLine      = "#d6c9bb"
	colLight     = "#8fcfc6"
)

const chartFont = `font-family="system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Noto Sans Arabic', sans-serif"`

// esc escapes text for SVG content and attribute values.
func esc(s string) string { return html.EscapeString(s) }

// chartEmpty is what a chart shows when there is nothing to draw.
func chartEmpty(msg string) template.HTML {
	return template.HTML(`<p class="chart-empty">` + esc(msg) + `</p>`)
}

// svgOpen starts a chart's root element.
//
// A sized chart also gets a natural size (a third larger than its
// viewBox, so its small print reads on a desk) that CSS shrinks to fit a
// phone; the others fill their box.
func svgOpen(b *strings.Builder, class string, w, h int, label string, sized bool) {
	size := ""
	if sized {
		size = fmt.Sprintf(` width="%d" height="%d"`, w*4/3, h*4/3)
	}
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart %s" viewBox="0 0 %d %d"%s role="img" aria-label="%s" direction="ltr" %s font-size="15" fill="%s">`,
		class, w, h, size, esc(label), chartFont, colText)
	fmt.Fprintf(b, `<title>%s</title>`, esc(label))
}

// patterns defines the fills charts share: hatching for needs work,
// dots for zero-point feedback and for leaving early.
func patterns(b *strings.Builder, id string) {
	fmt.Fprintf(b, `<defs>`+
		`<pattern id="%[1]s-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">`+
		`<rect class="p-bg" width="6" height="6" fill="%[2]s"/><line class="p-ink" x1="1.5" y1="0" x2="1.5" y2="6" stroke="%[3]s" stroke-width="3"/></pattern>`+
		`<pattern id="%[1]s-dots" width="6" height="6" patternUnits="userSpaceOnUse">`+
		`<rect class="p-bg2" width="6" height="6" fill="#ffffff"/><circle class="p-dot" cx="3" cy="3" r="1.6" fill="%[4]s"/></pattern>`+
		`</defs>`, id, colNeedsBg, colNeedsWork, colZero)
}

// legendItem draws a swatch and its label at (x, y) and returns the x
// after it.
func legendItem(b *strings.Builder, x, y int, swatch, label string) int {
	fmt.Fprintf(b, `<g class="legend">%s<text x="%d" y="%d">%s</text></g>`, swatch, x+18, y+12, esc(label))
	return x + 18 + textWidth(label) + 18
}

// textWidth estimates a label's width at font-size 15, enough to lay out
// legends without measuring fonts.
func textWidth(s string) int { return utf8.RuneCountInString(s)*8 + 2 }

// truncate shortens s to n runes with an ellipsis.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// TrendBar is one period of a points-over-time chart.
type TrendBar struct {
	Label     string // the axis label, short
	Title     string // the tooltip: the period and its numbers
	Positive  int
	NeedsWork int
}

// TrendLabels are a trend chart's words, in the reader's language.
type TrendLabels struct {
	Summary, Positive, NeedsWork, Empty string
}

// TrendChart draws points over time: positive feedback as solid bars
// rising above the line, needs work as hatched bars hanging below it.
func TrendChart(id string, bars []TrendBar, l TrendLabels) template.HTML {
	maxPos, maxNeg := 0, 0
	for _, b := range bars {
		maxPos, maxNeg = max(maxPos, b.Positive), max(maxNeg, b.NeedsWork)
	}
	if maxPos+maxNeg == 0 {
		return chartEmpty(l.Empty)
	}
	const w, h, left, right, top, bottom = 400, 250, 42, 8, 36, 28
	plotW, plotH := float64(w-left-right), float64(h-top-bottom)
	scale := plotH / float64(maxPos+maxNeg)
	base := float64(top) + float64(maxPos)*scale
	var b strings.Builder
	svgOpen(&b, "chart-fluid chart-trend", w, h, l.Summary, false)
	patterns(&b, id)
	x := legendItem(&b, left, 6, fmt.Sprintf(`<rect class="c-pos" x="%d" y="6" width="14" height="14" fill="%s"/>`, left, colPositive), l.Positive)
	legendItem(&b, x, 6, fmt.Sprintf(`<rect class="c-neg" x="%d" y="6" width="14" height="14" fill="url(#%s-hatch)" stroke="%s"/>`, x, id, colNeedsWork), l.NeedsWork)
	// The axis: the largest values and the zero line.
	fmt.Fprintf(&b, `<g class="axis" fill="%s" text-anchor="end">`, colMuted)
	if maxPos > 0 {
		fmt.Fprintf(&b, `<text x="%d" y="%d">+%d</text>`, left-6, top+10, maxPos)
		fmt.Fprintf(&b, `<line class="grid" x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-dasharray="3 3"/>`, left, top, w-right, top, colLine)
	}
	if maxNeg > 0 {
		fmt.Fprintf(&b, `<text x="%d" y="%d">−%d</text>`, left-6, h-bottom, maxNeg)
		fmt.Fprintf(&b, `<line class="grid" x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-dasharray="3 3"/>`, left, h-bottom, w-right, h-bottom, colLine)
	}
	fmt.Fprintf(&b, `<text x="%d" y="%.1f">0</text></g>`, left-6, base+4)
	slot := plotW / float64(len(bars))
	barW := max(slot*0.72, 1)
	// Label every few bars, as often as the longest label leaves room for.
	widest := 0
	for _, bar := range bars {
		widest = max(widest, utf8.RuneCountInString(bar.Label)*7+10)
	}
	every := max(1, int(math.Ceil(float64(widest)/slot)))
	for i, bar := range bars {
		bx := float64(left) + float64(i)*slot + (slot-barW)/2
		fmt.Fprintf(&b, `<g><title>%s</title>`, esc(bar.Title))
		if bar.Positive > 0 {
			ph := float64(bar.Positive) * scale
			fmt.Fprintf(&b, `<rect class="c-pos" x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`, bx, base-ph, barW, ph, colPositive)
		}
		if bar.NeedsWork > 0 {
			nh := float64(bar.NeedsWork) * scale
			fmt.Fprintf(&b, `<rect class="c-neg" x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="url(#%s-hatch)" stroke="%s" stroke-width="1"/>`, bx, base, barW, nh, id, colNeedsWork)
		}
		b.WriteString(`</g>`)
		if i%every == 0 {
			// Centred under its bar, but kept inside the chart.
			half := float64(utf8.RuneCountInString(bar.Label)*7) / 2
			x := min(max(bx+barW/2, half), float64(w)-half)
			fmt.Fprintf(&b, `<text class="tick" x="%.1f" y="%d" text-anchor="middle" fill="%s" font-size="13">%s</text>`, x, h-8, colMuted, esc(bar.Label))
		}
	}
	fmt.Fprintf(&b, `<line class="zero" x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="%s" stroke-width="1.5"/>`, left, base, w-right, base, colText)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// Skill kinds, which decide a skill bar's fill.
const (
	KindPositive  = "positive"
	KindNeedsWork = "needs_work"
	KindZero      = "zero"
)

// SkillBar is one skill of a skill breakdown.
type SkillBar struct {
	Name  string
	Count int
	Kind  string // KindPositive, KindNeedsWork or KindZero
}

// SkillLabels are a skill chart's words.
type SkillLabels struct {
	Summary, Positive, NeedsWork, Zero, Empty string
}

// SkillChart draws how often each skill was given as horizontal bars:
// solid for positive skills, hatched for needs work, dotted for
// zero-point feedback.
func SkillChart(id string, skills []SkillBar, l SkillLabels) template.HTML {
	most := 0
	for _, s := range skills {
		most = max(most, s.Count)
	}
	if most == 0 {
		return chartEmpty(l.Empty)
	}
	const w, row, top, labelW, right = 400, 30, 32, 150, 44
	h := top + row*len(skills) + 4
	var b strings.Builder
	svgOpen(&b, "chart-fluid chart-skills", w, h, l.Summary, false)
	patterns(&b, id)
	kinds := map[string]bool{}
	for _, s := range skills {
		kinds[s.Kind] = true
	}
	x := 4
	if kinds[KindPositive] {
		x = legendItem(&b, x, 4, fmt.Sprintf(`<rect class="c-pos" x="%d" y="4" width="14" height="14" fill="%s"/>`, x, colPositive), l.Positive)
	}
	if kinds[KindNeedsWork] {
		x = legendItem(&b, x, 4, fmt.Sprintf(`<rect class="c-neg" x="%d" y="4" width="14" height="14" fill="url(#%s-hatch)" stroke="%s"/>`, x, id, colNeedsWork), l.NeedsWork)
	}
	if kinds[KindZero] {
		legendItem(&b, x, 4, fmt.Sprintf(`<rect class="c-zero" x="%d" y="4" width="14" height="14" fill="url(#%s-dots)" stroke="%s"/>`, x, id, colZero), l.Zero)
	}
	barMax := float64(w - labelW - right)
	for i, s := range skills {
		y := top + i*row
		bw := max(float64(s.Count)/float64(most)*barMax, 2)
		fill, stroke, class := colPositive, "none", "c-pos"
		switch s.Kind {
		case KindNeedsWork:
			fill, stroke, class = "url(#"+id+"-hatch)", colNeedsWork, "c-neg"
		case KindZero:
			fill, stroke, class = "url(#"+id+"-dots)", colZero, "c-zero"
		}
		fmt.Fprintf(&b, `<g><title>%s: %d</title>`, esc(s.Name), s.Count)
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end">%s</text>`, labelW-8, y+19, esc(truncate(s.Name, 17)))
		fmt.Fprintf(&b, `<rect class="%s" x="%d" y="%d" width="%.1f" height="%d" fill="%s" stroke="%s"/>`, class, labelW, y+3, bw, row-8, fill, stroke)
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" font-weight="600">%d</text></g>`, float64(labelW)+bw+5, y+19, s.Count)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// Calendar cell kinds: how a day is drawn.
const (
	CellSolid = "solid" // present; a very high attendance rate
	CellLight = "light" // a high rate
	CellHatch = "hatch" // late; a middling rate
	CellDots  = "dots"  // left early
	CellCross = "cross" // absent; a low rate
)

// CalendarCell is one day of an attendance calendar.
type CalendarCell struct {
	Kind  string // one of the Cell* kinds
	Title string // the tooltip: the date and what happened
}

// LegendEntry explains one cell kind.
type LegendEntry struct{ Kind, Label string }

// CalendarLabels are a calendar's words: the summary, the empty state,
// weekday initials from Monday, and month names from January.
type CalendarLabels struct {
	Summary, Empty string
	Weekdays       [7]string
	Months         [12]string
	Legend         []LegendEntry
}

// CalendarHeatmap draws attendance as a calendar, a column per week and a
// row per weekday, over the days from..to (YYYY-MM-DD). Weekends get rows
// only when something was recorded on one. Days with no record are empty
// outlines.
func CalendarHeatmap(id, from, to string, cells map[string]CalendarCell, l CalendarLabels) template.HTML {
	start, err1 := time.Parse(time.DateOnly, from)
	end, err2 := time.Parse(time.DateOnly, to)
	if len(cells) == 0 || err1 != nil || err2 != nil || end.Before(start) {
		return chartEmpty(l.Empty)
	}
	rows := []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
	for day := range cells {
		if t, err := time.Parse(time.DateOnly, day); err == nil && (t.Weekday() == time.Saturday || t.Weekday() == time.Sunday) {
			rows = append(rows, time.Saturday, time.Sunday)
			break
		}
	}
	rowOf := func(d time.Weekday) int {
		for i, r := range rows {
			if r == d {
				return i
			}
		}
		return -1
	}
	monday := start.AddDate(0, 0, -((int(start.Weekday()) + 6) % 7))
	weeks := int(end.Sub(monday).Hours()/24)/7 + 1
	const left, top = 26, 22
	cell := min(32, max(9, 360/weeks))
	gap := max(2, cell/8)
	legendH := 24
	legendW := 4
	for _, e := range l.Legend {
		legendW += 36 + textWidth(e.Label)
	}
	w := max(left+weeks*(cell+gap)+4, legendW, 300)
	h := top + len(rows)*(cell+gap) + legendH + 6
	var b strings.Builder
	svgOpen(&b, "chart-cal", w, h, l.Summary, true)
	patterns(&b, id)
	// Weekday initials down the side.
	fmt.Fprintf(&b, `<g class="axis" fill="%s" font-size="12" text-anchor="middle">`, colMuted)
	for i, d := range rows {
		fmt.Fprintf(&b, `<text x="%d" y="%d">%s</text>`, left/2-2, top+i*(cell+gap)+cell/2+4, esc(l.Weekdays[(int(d)+6)%7]))
	}
	b.WriteString(`</g>`)
	for d := start; !d.After(end); d = d.AddDate(0, 0, 1) {
		r := rowOf(d.Weekday())
		col := int(d.Sub(monday).Hours()/24) / 7
		x := left + col*(cell+gap)
		// A month's name over the week it starts in (and over the first
		// week, unless the next month's name follows right after).
		if d.Day() == 1 || (d.Equal(start) && d.Day() <= 20) {
			fmt.Fprintf(&b, `<text class="tick" x="%d" y="%d" fill="%s" font-size="12">%s</text>`, x, top-8, colMuted, esc(l.Months[d.Month()-1]))
		}
		if r < 0 {
			continue
		}
		y := top + r*(cell+gap)
		day := d.Format(time.DateOnly)
		c, ok := cells[day]
		if !ok {
			fmt.Fprintf(&b, `<rect class="k-none" x="%d" y="%d" width="%d" height="%d" rx="2" fill="none" stroke="%s"><title>%s</title></rect>`, x, y, cell, cell, colLine, esc(day))
			continue
		}
		fmt.Fprintf(&b, `<g><title>%s</title>`, esc(c.Title))
		calendarCell(&b, id, c.Kind, x, y, cell)
		b.WriteString(`</g>`)
	}
	// The legend under the calendar.
	lx, ly := 4, h-legendH
	for _, e := range l.Legend {
		var sw strings.Builder
		calendarCell(&sw, id, e.Kind, lx, ly+2, 14)
		lx = legendItem(&b, lx, ly+2, sw.String(), e.Label)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// calendarCell draws one day (or a legend swatch) of the given kind.
func calendarCell(b *strings.Builder, id, kind string, x, y, size int) {
	switch kind {
	case CellSolid:
		fmt.Fprintf(b, `<rect class="k-solid" x="%d" y="%d" width="%d" height="%d" rx="2" fill="%s"/>`, x, y, size, size, colPositive)
	case CellLight:
		fmt.Fprintf(b, `<rect class="k-light" x="%d" y="%d" width="%d" height="%d" rx="2" fill="%s"/>`, x, y, size, size, colLight)
	case CellHatch:
		fmt.Fprintf(b, `<rect class="k-hatch" x="%d" y="%d" width="%d" height="%d" rx="2" fill="url(#%s-hatch)" stroke="%s"/>`, x, y, size, size, id, colNeedsWork)
	case CellDots:
		fmt.Fprintf(b, `<rect class="k-dots" x="%d" y="%d" width="%d" height="%d" rx="2" fill="url(#%s-dots)" stroke="%s"/>`, x, y, size, size, id, colZero)
	case CellCross:
		p := max(2, size/5)
		fmt.Fprintf(b, `<rect class="k-cross" x="%d" y="%d" width="%d" height="%d" rx="2" fill="#ffffff" stroke="%s" stroke-width="1.5"/>`, x, y, size, size, colNeedsWork)
		fmt.Fprintf(b, `<path class="k-cross-mark" d="M%d %dL%d %dM%d %dL%d %d" stroke="%s" stroke-width="%s" stroke-linecap="round"/>`,
			x+p, y+p, x+size-p, y+size-p, x+size-p, y+p, x+p, y+size-p, colNeedsWork, strconv.Itoa(max(2, size/8)))
	}
}
