package authz

// CanCorrectAttendanceDay: a school's leaders correct any past day of a
// class; its teachers correct today and the daysBack days before it that
// the school's window allows (window 0 is today only).
func CanCorrectAttendanceDay(a *Actor, c ClassRef, daysBack, window int) bool {
	if !CanCorrectAttendance(a, c) || daysBack < 0 {
		return false
	}
	return a.IsLeaderOf(c.SchoolID) || daysBack <= window
}

// CanSetAttendanceWindow: the school's leaders set how far back teachers
// may correct attendance.
func CanSetAttendanceWindow(a *Actor, schoolID int64) bool {
	return CanManageSchoolSettings(a, schoolID)
}

// CanSetPictureLogin: a class's teachers ask its students for their
// login pictures, and give a student a new pair.
func CanSetPictureLogin(a *Actor, c ClassRef) bool { return CanTeachClass(a, c) }
