package authz

// Class Story and School Story. Who sees a Class Story post: the class's
// teachers, the school's leaders, the parents connected to a student who
// was in the class when it was posted (a child who left stops bringing new
// posts), and the class's students only if the teacher turned on
// "students see Class Story". A School Story post: the school's staff and
// every family connected to a student who was at the school when it was
// posted. Custody blocks and the end of parents' rights apply through
// Actor.Children, from which the app computes Family*. The author always
// sees their own post.

// StoryPost is what a decision about one post needs besides the actor.
type StoryPost struct {
	SchoolID int64
	ClassID  int64 // 0: School Story
	AuthorID int64 // 0: kept under the school's name
	// FamilyInClass: a child of the actor (or the actor, a student) was on
	// the class's roster when the post was published. FamilyInSchool: a
	// child of the actor was at the school then. Unpublished posts have
	// neither.
	FamilyInClass  bool
	FamilyInSchool bool
	// StudentsSee: the class shows its Class Story to its students.
	StudentsSee bool
	// CommentsOff: comments are switched off for the post, its class or
	// its school.
	CommentsOff bool
}

// School reports whether the post is a School Story post.
func (p StoryPost) School() bool { return p.ClassID == 0 }

// CanPostClassStory: the class's own teachers (co-teachers too).
func CanPostClassStory(a *Actor, c ClassRef) bool { return CanTeachClass(a, c) }

// CanPostSchoolStory: the school's leaders and its verified staff.
func CanPostSchoolStory(a *Actor, schoolID int64) bool {
	if !a.LoggedIn() || (a.Kind != Teacher && a.Kind != Leader) {
		return false
	}
	st, ok := a.Schools[schoolID]
	return ok && (st.Leader || st.Verified)
}

// CanSeeStory decides who reads a post and its comments.
func CanSeeStory(a *Actor, p StoryPost) bool {
	if !a.LoggedIn() {
		return false
	}
	if p.AuthorID != 0 && p.AuthorID == a.UserID {
		return true
	}
	if a.IsLeaderOf(p.SchoolID) {
		return true
	}
	if p.School() {
		if _, staff := a.Schools[p.SchoolID]; staff {
			return true
		}
		return a.Kind == Parent && p.FamilyInSchool
	}
	if _, teaches := a.Classes[p.ClassID]; teaches {
		return true
	}
	switch a.Kind {
	case Parent:
		return p.FamilyInClass
	case Student:
		return p.StudentsSee && p.FamilyInClass
	}
	return false
}

// CanSeeStoryTags: staff who see the post see who is in its photos.
// Families see only their own children's tags (the app filters), students
// none.
func CanSeeStoryTags(a *Actor, p StoryPost) bool {
	return CanSeeStory(a, p) && (a.Kind == Teacher || a.Kind == Leader)
}

// CanReactToStory: parents and staff who see a post like it; students
// read only.
func CanReactToStory(a *Actor, p StoryPost) bool {
	return CanSeeStory(a, p) && a.Kind != Student
}

// CanCommentOnStory: as for likes, while comments are on.
func CanCommentOnStory(a *Actor, p StoryPost) bool {
	return CanReactToStory(a, p) && !p.CommentsOff
}

// CanEditStory: only the author changes what they wrote.
func CanEditStory(a *Actor, p StoryPost) bool {
	return a.LoggedIn() && p.AuthorID != 0 && p.AuthorID == a.UserID
}

// CanModerateStory: the author or a leader of the school deletes the post
// or any comment on it, and switches its comments off.
func CanModerateStory(a *Actor, p StoryPost) bool {
	return CanEditStory(a, p) || (a.LoggedIn() && a.IsLeaderOf(p.SchoolID))
}

// CanDeleteStoryComment: the commenter, or whoever moderates the post.
func CanDeleteStoryComment(a *Actor, p StoryPost, commenterID int64) bool {
	if !CanSeeStory(a, p) {
		return false
	}
	return (commenterID != 0 && commenterID == a.UserID) || CanModerateStory(a, p)
}

// CanReportStoryComment: a parent who sees the post reports someone else's
// comment to the school's leaders.
func CanReportStoryComment(a *Actor, p StoryPost, commenterID int64) bool {
	return a.LoggedIn() && a.Kind == Parent && CanSeeStory(a, p) && commenterID != a.UserID
}

// CanSeeStoryReadCounts: the author, the class's teachers and the school's
// leaders see how many families have seen a post (never who).
func CanSeeStoryReadCounts(a *Actor, p StoryPost) bool {
	if CanModerateStory(a, p) {
		return true
	}
	if p.School() {
		return false
	}
	_, teaches := a.Classes[p.ClassID]
	return a.LoggedIn() && teaches
}

// CanSetClassStory: a class's teachers and the school's leaders switch
// "students see Class Story" and the class's comments.
func CanSetClassStory(a *Actor, c ClassRef) bool { return CanManageClassTeachers(a, c) }

// CanSetSchoolStory: leaders switch the school's comments and choose what
// happens to a departed member of staff's posts.
func CanSetSchoolStory(a *Actor, schoolID int64) bool { return a.LoggedIn() && a.IsLeaderOf(schoolID) }

// CanReviewStoryReports: the school's leaders see reported comments.
func CanReviewStoryReports(a *Actor, schoolID int64) bool {
	return a.LoggedIn() && a.IsLeaderOf(schoolID)
}

// CanRecordMediaConsent: a parent of the child (a custody block or the end
// of parents' rights takes it away with the rest), or the child when they
// hold their own rights.
func CanRecordMediaConsent(a *Actor, studentID int64) bool {
	if !a.LoggedIn() {
		return false
	}
	if a.Kind == Parent {
		_, ok := a.Children[studentID]
		return ok
	}
	return IsEligibleStudent(a) && a.StudentID == studentID
}
