package notify

import "slices"

// Kinds of notification (issue 14): what a notifications row is about.
// Every feature that tells someone something uses one of these, and each
// person chooses per kind how they hear about it (Pref*). The kind and the
// row's ref_id are all a push payload carries.
const (
	KindMessage           = "message"            // ref: the conversation (a new message or announcement)
	KindStory             = "story"              // ref: the Class or School Story post
	KindStoryComment      = "story_comment"      // ref: the post commented on (one's own)
	KindPortfolioApproved = "portfolio_approved" // ref: the portfolio item approved (a child's, for parents)
	KindPortfolioComment  = "portfolio_comment"  // ref: the portfolio item commented on
	KindPoints            = "points"             // ref: the point given to a parent's child (student_id set)
	KindAbsence           = "absence"            // ref: the attendance record of a parent's child (student_id set)
	KindJoinRequest       = "join_request"       // ref: the school asked to join (for its leaders)
	KindPrivacyRequest    = "privacy_request"    // ref: the correction or restriction request (for leaders)
)

// Kinds lists every kind, in the order settings pages show them.
var Kinds = []string{KindMessage, KindStory, KindStoryComment, KindPortfolioApproved, KindPortfolioComment,
	KindPoints, KindAbsence, KindJoinRequest, KindPrivacyRequest}

// IsKind reports whether k is a kind of notification.
func IsKind(k string) bool { return slices.Contains(Kinds, k) }

// How a person hears of a kind of notification. Every kind except off is
// also listed in the notification centre.
const (
	PrefPush   = "push"   // a web push, held to the end of quiet hours
	PrefEmail  = "email"  // an email at once, held to the end of quiet hours
	PrefDigest = "digest" // in the daily digest email
	PrefOff    = "off"    // not at all, not even in the centre
)

// Prefs lists the channels, in the order settings pages show them.
var Prefs = []string{PrefPush, PrefEmail, PrefDigest, PrefOff}

// IsPref reports whether c is a channel.
func IsPref(c string) bool { return slices.Contains(Prefs, c) }

// DefaultPref is the channel of a kind for someone who has not chosen:
// messages and requests that wait for the person are emailed at once; a
// child's points and absences, and news of stories, come in the daily
// summary (issue 14: the summary by default).
func DefaultPref(kind string) string {
	switch kind {
	case KindMessage, KindJoinRequest, KindPrivacyRequest:
		return PrefEmail
	}
	return PrefDigest
}
