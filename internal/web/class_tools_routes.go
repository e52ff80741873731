package web

// classToolRoutes lists the classroom tools, a class's own skills and the
// students' characters (class_tools.go, class_skills.go,
// class_avatars.go); every one needs a login.
func (s *Server) classToolRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/classes/{id}/tools", Handle: s.classTools},
		{Method: "GET", Pattern: "/classes/{id}/tools/picker", Handle: s.pickerTool},
		{Method: "GET", Pattern: "/classes/{id}/tools/timer", Handle: s.timerTool},
		{Method: "GET", Pattern: "/classes/{id}/tools/groups", Handle: s.groupsTool},
		{Method: "POST", Pattern: "/classes/{id}/tools/groups/points", Handle: s.groupPointSubmit},
		{Method: "GET", Pattern: "/classes/{id}/tools/noise", Handle: s.noiseTool},
		{Method: "GET", Pattern: "/classes/{id}/skills", Handle: s.classSkills},
		{Method: "POST", Pattern: "/classes/{id}/skills", Handle: s.classSkillSubmit},
		{Method: "GET", Pattern: "/classes/{id}/skills/{sid}", Handle: s.classSkillEdit},
		{Method: "POST", Pattern: "/classes/{id}/skills/{sid}", Handle: s.classSkillEditSubmit},
		{Method: "POST", Pattern: "/classes/{id}/skills/{sid}/remove", Handle: s.classSkillRemove},
		{Method: "GET", Pattern: "/classes/{id}/students/{sid}/avatar", Handle: s.studentAvatarForm},
		{Method: "POST", Pattern: "/classes/{id}/students/{sid}/avatar", Handle: s.studentAvatarSubmit},
		{Method: "GET", Pattern: "/settings/avatar", Handle: s.ownAvatarForm},
		{Method: "POST", Pattern: "/settings/avatar", Handle: s.ownAvatarSubmit},
	}
}
