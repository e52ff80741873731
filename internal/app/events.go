package app

import (
	"sync"
	"time"
)

// PointEvent tells a family's open page that a point was given or undone.
type PointEvent struct {
	StudentID int64
	ClassID   int64
	PointID   int64
	SkillName string
	Weight    int
	AwardedAt time.Time
	Undone    bool
	// AccessChanged: who may follow the student changed (a custody block,
	// an eligible student). Live pages end their stream and reconnect,
	// which authorises them again.
	AccessChanged bool
	// StoryPostID: a new Class Story or School Story post the student's
	// family may see (story_media.go); the other fields are empty.
	StoryPostID int64
	// ConversationID: a conversation of the subscribed person has a new
	// message or was read (message.go; App.Inbox, keyed by user id).
	ConversationID int64
	// Notified: the subscribed person has a new notification
	// (notification.go; on App.InboxEvents, keyed by user id).
	Notified bool
}

// Hub fans point events out to the live pages watching a student. It is
// in-process: with several Cubby processes behind a load balancer, a page
// only hears about points given through its own process (PostgreSQL
// LISTEN/NOTIFY would lift that; see the README).
type Hub struct {
	mu   sync.Mutex
	subs map[int64]map[chan PointEvent]struct{}
}

// NewHub returns an empty hub.
func NewHub() *Hub { return &Hub{subs: map[int64]map[chan PointEvent]struct{}{}} }

// Subscribe returns a channel of events for the given students and a
// function that ends the subscription.
func (h *Hub) Subscribe(studentIDs []int64) (<-chan PointEvent, func()) {
	ch := make(chan PointEvent, 32)
	h.mu.Lock()
	for _, id := range studentIDs {
		if h.subs[id] == nil {
			h.subs[id] = map[chan PointEvent]struct{}{}
		}
		h.subs[id][ch] = struct{}{}
	}
	h.mu.Unlock()
	return ch, func() {
		h.mu.Lock()
		for _, id := range studentIDs {
			delete(h.subs[id], ch)
			if len(h.subs[id]) == 0 {
				delete(h.subs, id)
			}
		}
		h.mu.Unlock()
	}
}

// Publish delivers an event without ever blocking the award: a page too
// slow to read misses it and catches up on its next reload.
func (h *Hub) Publish(e PointEvent) { h.PublishTo(e.StudentID, e) }

// PublishTo delivers an event to the subscribers of key, as Publish does
// for the event's student (the inbox hub is keyed by user id).
func (h *Hub) PublishTo(key int64, e PointEvent) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs[key] {
		select {
		case ch <- e:
		default:
		}
	}
}
