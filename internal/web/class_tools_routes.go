package web

import "cubby/internal/authz"

// classToolRoutes lists the classroom tools, a class's own skills and the
// students' characters (class_tools.go, class_skills.go,
// class_avatars.go); every one needs a login.
func (s *Server) classToolRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/classes/{id}/tools", Handle: s.classTools, Access: authz.ForClassTeachers},
		{Method: "GET", Pattern: "/classes/{id}/tools/picker", Handle: s.pickerTool, Access: authz.ForClassTeachers},
		{Method: "GET", Pattern: "/classes/{id}/tools/timer", Handle: s.timerTool, Access: authz.ForClassTeachers},
		{Method: "GET", Pattern: "/classes/{id}/tools/groups", Handle: s.groupsTool, Access: authz.ForClassTeachers},
		{Method: "POST", Pattern: "/classes/{id}/tools/groups/points", Handle: s.groupPointSubmit, Access: authz.ForClassTeachers},
		{Method: "GET", Pattern: "/classes/{id}/tools/noise", Handle: s.noiseTool, Access: authz.ForClassTeachers},
		{Method: "GET", Pattern: "/classes/{id}/skills", Handle: s.classSkills, Access: authz.ForClassTeachers},
		{Method: "POST", Pattern: "/classes/{id}/skills", Handle: s.classSkillSubmit, Access: authz.ForClassTeachers},
		{Method: "GET", Pattern: "/classes/{id}/skills/{sid}", Handle: s.classSkillEdit, Access: authz.ForClassTeachers},
		{Method: "POST", Pattern: "/classes/{id}/skills/{sid}", Handle: s.classSkillEditSubmit, Access: authz.ForClassTeachers},
		{Method: "POST", Pattern: "/classes/{id}/skills/{sid}/remove", Handle: s.classSkillRemove, Access: authz.ForClassTeachers},
		{Method: "GET", Pattern: "/classes/{id}/students/{sid}/avatar", Handle: s.studentAvatarForm, Access: authz.ForClassTeachers},
		{Method: "POST", Pattern: "/classes/{id}/students/{sid}/avatar", Handle: s.studentAvatarSubmit, Access: authz.ForClassTeachers},
		{Method: "GET", Pattern: "/settings/avatar", Handle: s.ownAvatarForm, Access: authz.ForSelf},
		{Method: "POST", Pattern: "/settings/avatar", Handle: s.ownAvatarSubmit, Access: authz.ForSelf},
	}
}
