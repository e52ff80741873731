package web

import "html/template"

// skillIconPaths draw the icons a skill's button can carry (app.SkillIcons)
// on a 24×24 grid in the text colour, so they follow the button's colours
// and the dark theme. Drawn here rather than as emoji: a classroom's
// computer may have no colour-emoji font.
var skillIconPaths = map[string]string{
	"star":   `<path d="M12 2.5l2.9 6.1 6.6.8-4.9 4.6 1.3 6.6L12 17.3l-5.9 3.3 1.3-6.6-4.9-4.6 6.6-.8z" fill="currentColor"/>`,
	"heart":  `<path d="M12 20.5S3 15 3 8.8A4.6 4.6 0 0 1 12 6.6a4.6 4.6 0 0 1 9 2.2C21 15 12 20.5 12 20.5z" fill="currentColor"/>`,
	"check":  `<path d="M4.5 12.5l4.5 4.5L19.5 6.5" fill="none" stroke="currentColor" stroke-width="3" stroke-linecap="round" stroke-linejoin="round"/>`,
	"bulb":   `<path d="M12 2.5a6.5 6.5 0 0 0-3.8 11.8c.8.6 1.3 1.5 1.3 2.4V17h5v-.3c0-.9.5-1.8 1.3-2.4A6.5 6.5 0 0 0 12 2.5z" fill="currentColor"/><path d="M9.5 19.5h5M10.5 22h3" stroke="currentColor" stroke-width="2" stroke-linecap="round"/>`,
	"book":   `<path d="M3 5.5c3-1.3 6-1.3 9 .8 3-2.1 6-2.1 9-.8v13c-3-1.3-6-1.3-9 .8-3-2.1-6-2.1-9-.8z" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round"/><path d="M12 6.3v13" stroke="currentColor" stroke-width="2"/>`,
	"clock":  `<circle cx="12" cy="12" r="9" fill="none" stroke="currentColor" stroke-width="2.2"/><path d="M12 7v5l3.5 2.5" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round"/>`,
	"chat":   `<path d="M4 4.5h16a1.5 1.5 0 0 1 1.5 1.5v9a1.5 1.5 0 0 1-1.5 1.5h-9l-5 4v-4H4A1.5 1.5 0 0 1 2.5 15V6A1.5 1.5 0 0 1 4 4.5z" fill="currentColor"/>`,
	"leaf":   `<path d="M4 20c0-9 6-15.5 16-16 0 10-6.5 16-16 16z" fill="currentColor"/><path d="M4 20l8-8" stroke="#fff" stroke-width="1.6" stroke-linecap="round"/>`,
	"trophy": `<path d="M7 3.5h10v5a5 5 0 0 1-10 0z" fill="currentColor"/><path d="M7 5H4v1.5A3.5 3.5 0 0 0 7.5 10M17 5h3v1.5A3.5 3.5 0 0 1 16.5 10" fill="none" stroke="currentColor" stroke-width="1.8"/><path d="M12 13.5V18M8 20.5h8" stroke="currentColor" stroke-width="2.4" stroke-linecap="round"/>`,
	"music":  `<path d="M9 17.5V5l11-2.5v12.5" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linejoin="round"/><circle cx="6.5" cy="17.5" r="3" fill="currentColor"/><circle cx="17.5" cy="15" r="3" fill="currentColor"/>`,
	"sun":    `<circle cx="12" cy="12" r="4.5" fill="currentColor"/><path d="M12 2v3M12 19v3M2 12h3M19 12h3M4.9 4.9l2.1 2.1M17 17l2.1 2.1M4.9 19.1L7 17M17 7l2.1-2.1" stroke="currentColor" stroke-width="2" stroke-linecap="round"/>`,
	"bolt":   `<path d="M13.5 2L4.5 13.5h6.5L9.5 22l10-12.5h-6.5z" fill="currentColor"/>`,
	"people": `<circle cx="8" cy="7.5" r="3.2" fill="currentColor"/><circle cx="16.5" cy="8.5" r="2.8" fill="currentColor"/><path d="M2 20c0-4 2.7-6.5 6-6.5s6 2.5 6 6.5zM13.5 20c.1-2.4-.6-4.3-1.8-5.6 1.2-.9 2.8-1.4 4.8-.9 2.8.6 4.5 3 4.5 6.5z" fill="currentColor"/>`,
	"smile":  `<circle cx="12" cy="12" r="9" fill="none" stroke="currentColor" stroke-width="2.2"/><circle cx="9" cy="10" r="1.4" fill="currentColor"/><circle cx="15" cy="10" r="1.4" fill="currentColor"/><path d="M8 14.5a4.5 4.5 0 0 0 8 0" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"/>`,
	"flag":   `<path d="M5 21.5V3" stroke="currentColor" stroke-width="2.4" stroke-linecap="round"/><path d="M5 4h13l-3 4 3 4H5z" fill="currentColor"/>`,
	"pencil": `<path d="M15.5 3.5l5 5L9 20l-5.5.5L4 15z" fill="currentColor"/><path d="M13.5 5.5l5 5" stroke="#fff" stroke-width="1.4"/>`,
	"alert":  `<path d="M12 3L2 20.5h20z" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linejoin="round"/><path d="M12 9.5v5" stroke="currentColor" stroke-width="2.4" stroke-linecap="round"/><circle cx="12" cy="17.5" r="1.3" fill="currentColor"/>`,
}

// skillIcon draws a skill's icon, or nothing for a skill without one. It
// is decoration: the skill's name beside it says what it is.
func skillIcon(name string) template.HTML {
	p, ok := skillIconPaths[name]
	if !ok {
		return ""
	}
	return template.HTML(`<svg class="skill-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">` + p + `</svg>`)
}
