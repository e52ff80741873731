package authz

import "testing"

// The story matrix: account types against a Class Story post by teacher 1
// in class 10 of school 1, and a School Story post by leader 5.
func TestStoryMatrix(t *testing.T) {
	t.Parallel()
	teacher := &Actor{UserID: 1, Kind: Teacher, Classes: map[int64]int64{10: 1}, Schools: map[int64]Staff{1: {}}}
	coTeacher := &Actor{UserID: 11, Kind: Teacher, Classes: map[int64]int64{10: 1}, Schools: map[int64]Staff{1: {Verified: true}}}
	otherTeacher := &Actor{UserID: 2, Kind: Teacher, Classes: map[int64]int64{11: 1}, Schools: map[int64]Staff{1: {Verified: true}}}
	unverified := &Actor{UserID: 12, Kind: Teacher, Schools: map[int64]Staff{1: {}}}
	leader := &Actor{UserID: 5, Kind: Leader, Schools: map[int64]Staff{1: {Leader: true, Verified: true}}}
	otherLeader := &Actor{UserID: 6, Kind: Leader, Schools: map[int64]Staff{2: {Leader: true}}}
	parent := &Actor{UserID: 9, Kind: Parent, Children: map[int64]int64{100: 1}}
	student := &Actor{UserID: 7, Kind: Student, StudentID: 100, StudentSchoolID: 1}
	type who struct {
		name   string
		a      *Actor
		family bool // the app found a child (or the student) in the class then
	}
	people := []who{
		{"visitor", &Actor{}, false}, {"author", teacher, false}, {"co-teacher", coTeacher, false},
		{"teacher of another class", otherTeacher, false}, {"unverified staff", unverified, false},
		{"leader", leader, false}, {"leader of another school", otherLeader, false},
		{"parent of a child in the class", parent, true}, {"parent of a child who left before", parent, false},
		{"student in the class", student, true},
	}
	// name → see class post, see it with students on, like, comment, moderate, see reads
	want := map[string][6]bool{
		"visitor":                           {false, false, false, false, false, false},
		"author":                            {true, true, true, true, true, true},
		"co-teacher":                        {true, true, true, true, false, true},
		"teacher of another class":          {false, false, false, false, false, false},
		"unverified staff":                  {false, false, false, false, false, false},
		"leader":                            {true, true, true, true, true, true},
		"leader of another school":          {false, false, false, false, false, false},
		"parent of a child in the class":    {true, true, true, true, false, false},
		"parent of a child who left before": {false, false, false, false, false, false},
		"student in the class":              {false, true, false, false, false, false},
	}
	for _, p := range people {
		post := StoryPost{SchoolID: 1, ClassID: 10, AuthorID: 1, FamilyInClass: p.family}
		on := post
		on.StudentsSee = true
		got := [6]bool{CanSeeStory(p.a, post), CanSeeStory(p.a, on), CanReactToStory(p.a, on), CanCommentOnStory(p.a, on),
			CanModerateStory(p.a, post), CanSeeStoryReadCounts(p.a, post)}
		if got != want[p.name] {
			t.Errorf("%s: got %v, want %v", p.name, got, want[p.name])
		}
		off := on
		off.CommentsOff = true
		if CanCommentOnStory(p.a, off) {
			t.Errorf("%s can comment with comments off", p.name)
		}
	}

	// School Story: staff and the school's families.
	school := StoryPost{SchoolID: 1, AuthorID: 5}
	for _, c := range []struct {
		name   string
		a      *Actor
		family bool
		see    bool
	}{
		{"visitor", &Actor{}, false, false}, {"teacher of the school", teacher, false, true}, {"unverified staff", unverified, false, true},
		{"leader of another school", otherLeader, false, false}, {"family of the school", parent, true, true},
		{"family that left", parent, false, false}, {"student", student, true, false},
	} {
		p := school
		p.FamilyInSchool = c.family
		if got := CanSeeStory(c.a, p); got != c.see {
			t.Errorf("school story, %s: got %v, want %v", c.name, got, c.see)
		}
	}

	// Posting.
	for _, c := range []struct {
		name          string
		a             *Actor
		class, school bool
	}{
		{"class teacher, unverified", teacher, true, false}, {"co-teacher, verified", coTeacher, true, true},
		{"teacher of another class", otherTeacher, false, true}, {"leader", leader, false, true},
		{"leader of another school", otherLeader, false, false}, {"parent", parent, false, false}, {"student", student, false, false},
	} {
		if got := CanPostClassStory(c.a, ClassRef{ID: 10, SchoolID: 1}); got != c.class {
			t.Errorf("post class story, %s: got %v", c.name, got)
		}
		if got := CanPostSchoolStory(c.a, 1); got != c.school {
			t.Errorf("post school story, %s: got %v", c.name, got)
		}
	}
}

func TestStoryCommentsAndTags(t *testing.T) {
	t.Parallel()
	post := StoryPost{SchoolID: 1, ClassID: 10, AuthorID: 1, FamilyInClass: true}
	teacher := &Actor{UserID: 1, Kind: Teacher, Classes: map[int64]int64{10: 1}}
	coTeacher := &Actor{UserID: 11, Kind: Teacher, Classes: map[int64]int64{10: 1}}
	leader := &Actor{UserID: 5, Kind: Leader, Schools: map[int64]Staff{1: {Leader: true}}}
	parent := &Actor{UserID: 9, Kind: Parent, Children: map[int64]int64{100: 1}}
	otherParent := &Actor{UserID: 10, Kind: Parent, Children: map[int64]int64{101: 1}}
	// parent 9 wrote the comment.
	cases := []struct {
		name                 string
		a                    *Actor
		del, report, tags    bool
		edit, setClass, mCon bool
	}{
		{"commenter", parent, true, false, false, false, false, true},
		{"another parent in the class", otherParent, false, true, false, false, false, false},
		{"author", teacher, true, false, true, true, true, false},
		{"co-teacher", coTeacher, false, false, true, false, true, false},
		{"leader", leader, true, false, true, false, true, false},
	}
	for _, c := range cases {
		if got := CanDeleteStoryComment(c.a, post, 9); got != c.del {
			t.Errorf("%s delete comment: %v", c.name, got)
		}
		if got := CanReportStoryComment(c.a, post, 9); got != c.report {
			t.Errorf("%s report comment: %v", c.name, got)
		}
		if got := CanSeeStoryTags(c.a, post); got != c.tags {
			t.Errorf("%s see tags: %v", c.name, got)
		}
		if got := CanEditStory(c.a, post); got != c.edit {
			t.Errorf("%s edit: %v", c.name, got)
		}
		if got := CanSetClassStory(c.a, ClassRef{ID: 10, SchoolID: 1}); got != c.setClass {
			t.Errorf("%s class settings: %v", c.name, got)
		}
		if got := CanRecordMediaConsent(c.a, 100); got != c.mCon {
			t.Errorf("%s media consent for child 100: %v", c.name, got)
		}
	}
	// A kept post (no author) is only the leaders' to moderate.
	kept := post
	kept.AuthorID = 0
	if CanEditStory(teacher, kept) || !CanModerateStory(leader, kept) || CanModerateStory(&Actor{}, kept) {
		t.Error("a post kept under the school's name")
	}
	eligible := &Actor{UserID: 7, Kind: Student, StudentID: 100, StudentEligible: true}
	if !CanRecordMediaConsent(eligible, 100) || CanRecordMediaConsent(&Actor{UserID: 8, Kind: Student, StudentID: 100}, 100) {
		t.Error("media consent: an eligible student decides for themself, a younger one does not")
	}
}
