package web

import (
	"testing"
	"time"
)

func TestNextYearName(t *testing.T) {
	t.Parallel()
	june := time.Date(2026, 6, 20, 0, 0, 0, 0, time.UTC)
	for in, want := range map[string]string{
		"Class 3 2025-26":    "Class 3 2026-27",
		"Year 4 (2025/2026)": "Year 4 (2026/2027)",
		"Grade 5 2099–00":    "Grade 5 2100–01",
		"Class of 2030":      "Class of 2031",
		"Class 3 Sunflowers": "Class 3 Sunflowers 2026-27",
		"Room 12 (ask Sam)":  "Room 12 (ask Sam) 2026-27",
	} {
		if got := nextYearName(in, june); got != want {
			t.Errorf("nextYearName(%q) = %q, want %q", in, got, want)
		}
	}
	if got := nextYearName("Otters", time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)); got != "Otters 2027-28" {
		t.Errorf("late autumn: %q", got)
	}
}
