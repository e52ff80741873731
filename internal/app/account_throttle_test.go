package app

import (
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	t.Parallel()
	l := newLimiter(3, time.Minute)
	now := time.Unix(1000, 0)
	for i := 0; i < 3; i++ {
		if w := l.check("k", now); w != 0 {
			t.Fatalf("attempt %d blocked", i)
		}
		l.add("k", now.Add(time.Duration(i)*time.Second))
	}
	if w := l.check("k", now.Add(3*time.Second)); w != 57*time.Second {
		t.Errorf("wait %v, want 57s", w)
	}
	if w := l.check("other", now); w != 0 {
		t.Error("keys are independent")
	}
	if w := l.check("k", now.Add(61*time.Second)); w != 0 {
		t.Errorf("window did not slide: %v", w)
	}
	l.reset("k")
	if len(l.hits) != 0 {
		t.Error("reset left state")
	}
}
