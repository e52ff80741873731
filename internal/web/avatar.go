package web

import (
	"fmt"
	"hash/fnv"
	"html/template"

	"cubby/internal/app"
	"cubby/internal/store"
)

// avatarColors are warm body colours that keep white eyes readable.
var avatarColors = [app.AvatarColors]string{"#f4a259", "#5b8e7d", "#8cb369", "#bc4b51", "#6a8eae", "#9b72aa", "#e0a458", "#4f9d9a"}

// avatar draws a student's friendly creature as inline SVG: never a photo.
// Given a student, it is the character they (or their teacher) chose, or
// else the one generated from their id; given an id, the generated one;
// given one of app.AvatarChoices, that character (the chooser's grid).
func avatar(v any) template.HTML {
	switch v := v.(type) {
	case store.Student:
		if l, ok := app.ParseAvatar(v.Avatar); ok {
			return drawAvatar(l, 9+v.ID%5)
		}
		return avatar(v.ID)
	case *store.Student:
		return avatar(*v)
	case string:
		l, _ := app.ParseAvatar(v)
		return drawAvatar(l, 11)
	case int64:
		return generatedAvatar(v)
	case int:
		return generatedAvatar(int64(v))
	}
	return generatedAvatar(0)
}

// generatedAvatar is the creature made from a seed (the student id): the
// same every time, and different enough between classmates to recognise
// at a glance.
func generatedAvatar(seed int64) template.HTML {
	h := fnv.New64a()
	fmt.Fprintf(h, "cubby-%d", seed)
	v := h.Sum64()
	var l app.AvatarLook
	l.Color = int(v % app.AvatarColors)
	v /= app.AvatarColors
	l.Ears = int(v % app.AvatarEars)
	v /= app.AvatarEars
	l.Mouth = int(v % app.AvatarMouths)
	v /= app.AvatarMouths
	return drawAvatar(l, int64(9+v%5))
}

func drawAvatar(look app.AvatarLook, eyeGap int64) template.HTML {
	color := avatarColors[look.Color%app.AvatarColors]
	var earsSVG string
	switch look.Ears {
	case 1:
		earsSVG = fmt.Sprintf(`<circle cx="14" cy="16" r="7" fill="%[1]s"/><circle cx="50" cy="16" r="7" fill="%[1]s"/>`, color)
	case 2:
		earsSVG = fmt.Sprintf(`<path d="M12 24 L16 6 L26 18 Z" fill="%[1]s"/><path d="M52 24 L48 6 L38 18 Z" fill="%[1]s"/>`, color)
	}
	var mouthSVG string
	switch look.Mouth {
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
