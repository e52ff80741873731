package authz

// The classroom tools and class settings of issue 15.

// CanUseClassroomTools: the random picker, timer, groups and noise meter
// of a class are for its teachers and the school's leaders (who may stand
// in for a teacher); they show the class's names, as the class screen
// does. Giving a group a point is still an award (CanTeachClass).
func CanUseClassroomTools(a *Actor, c ClassRef) bool { return CanViewClass(a, c) }

// CanEditClassSkills: a class's teachers edit the class's own skills; the
// school-wide ones are the leaders' (CanManageSchoolSkills).
func CanEditClassSkills(a *Actor, c ClassRef) bool { return CanTeachClass(a, c) }

// CanSetClassAvatarChoice: a class's teachers decide whether its students
// choose their own character.
func CanSetClassAvatarChoice(a *Actor, c ClassRef) bool { return CanTeachClass(a, c) }

// CanSetStudentAvatar: a teacher chooses the character of a student of
// their class (inClass: the student is on that class's current roster).
func CanSetStudentAvatar(a *Actor, c ClassRef, inClass bool) bool {
	return inClass && CanTeachClass(a, c)
}

// CanChooseOwnAvatar: a student chooses their own character unless one of
// their current classes turned that off (choiceOff).
func CanChooseOwnAvatar(a *Actor, studentID int64, choiceOff bool) bool {
	return a.LoggedIn() && a.Kind == Student && studentID != 0 && a.StudentID == studentID && !choiceOff
}
