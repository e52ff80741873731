package web

import (
	"fmt"
	"hash/fnv"
	"html/template"
)

// avatarColors are warm body colours that keep white eyes readable.
var avatarColors = []string{"#f4a259", "#5b8e7d", "#8cb369", "#bc4b51", "#6a8eae", "#9b72aa", "#e0a458", "#4f9d9a"}

// avatar draws a student's friendly creature as inline SVG from a seed (the
// student id): never a photo, the same creature every time, and different
// enough between classmates to recognise at a glance.
func avatar(seed int64) template.HTML {
	h := fnv.New64a()
	fmt.Fprintf(h, "cubby-%d", seed)
	v := h.Sum64()
	color := avatarColors[v%uint64(len(avatarColors))]
	v /= uint64(len(avatarColors))
	ears := v % 3 // none, round, pointy
	v /= 3
	mouth := v % 3 // smile, open, grin
	v /= 3
	eyeGap := 9 + v%5
	var earsSVG string
	switch ears {
	case 1:
		earsSVG = fmt.Sprintf(`<circle cx="14" cy="16" r="7" fill="%[1]s"/><circle cx="50" cy="16" r="7" fill="%[1]s"/>`, color)
	case 2:
		earsSVG = fmt.Sprintf(`<path d="M12 24 L16 6 L26 18 Z" fill="%[1]s"/><path d="M52 24 L48 6 L38 18 Z" fill="%[1]s"/>`, color)
	}
	var mouthSVG string
	switch mouth {
	case 0:
		mouthSVG = `<path d="M24 42 Q32 50 40 42" stroke="#2b2b2b" stroke-width="3" fill="none" stroke-linecap="round"/>`
	case 1:
		mouthSVG = `<ellipse cx="32" cy="44" rx="5" ry="4" fill="#2b2b2b"/>`
	default:
		mouthSVG = `<path d="M22 40 Q32 52 42 40 Z" fill="#2b2b2b"/>`
	}
	l, r := 32-int(eyeGap), 32+int(eyeGap)
	return template.HTML(fmt.Sprintf(`<svg class="avatar" viewBox="0 0 64 64" aria-hidden="true" focusable="false">%s`+
		`<rect x="8" y="12" width="48" height="48" rx="22" fill="%s"/>`+
		`<circle cx="%d" cy="32" r="7" fill="#fff"/><circle cx="%d" cy="32" r="7" fill="#fff"/>`+
		`<circle cx="%d" cy="33" r="3.5" fill="#2b2b2b"/><circle cx="%d" cy="33" r="3.5" fill="#2b2b2b"/>%s</svg>`,
		earsSVG, color, l, r, l, r, mouthSVG))
}
