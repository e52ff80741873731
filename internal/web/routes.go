package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"cubby/internal/app"
	"cubby/internal/authz"
)

// Route is one web page or form endpoint. Declaring it in webRoutes is the
// only way to add one; the wrapper (serve) decides the login and two-factor
// rules before the handler runs, so a page needs a login unless it says
// Public, and a handler of a private route finds the session with
// session(r) (never nil there).
type Route struct {
	Method  string // "GET", "POST"; "" for any method
	Pattern string // a ServeMux pattern without the method: "/classes/{id}"
	Handle  func(w http.ResponseWriter, r *http.Request) error
	// Public routes answer visitors too (sign-up, login, the transparency
	// page, links from emails); session(r) is nil for a visitor there.
	// Any other route sends a visitor to /login?next=… (a 303, for pages
	// and form posts alike) without calling the handler.
	Public bool
	// TwoFactorExempt routes stay open to staff whose school requires
	// two-factor login before they have set it up (app.Admit): setting it
	// up, the rest of their own settings, logging out, the language and
	// the privacy notice. Everything else sends them to set it up.
	TwoFactorExempt bool
	// Access is who the route is for (authz.Audience); every route says
	// it, and the authorization matrix test holds the handler to it:
	// account types outside it are refused and change nothing.
	Access authz.Audience
}

// MuxPattern is the route's ServeMux pattern, method included.
func (rt Route) MuxPattern() string {
	if rt.Method == "" {
		return rt.Pattern
	}
	return rt.Method + " " + rt.Pattern
}

// Routes lists the web routes, for the test that walks them.
func (s *Server) Routes() []Route { return s.webRoutes() }

// webRoutes is every HTML page and form endpoint: the table below, and the
// tables features keep beside their handlers (story_routes.go,
// message_routes.go, class_tools_routes.go).
func (s *Server) webRoutes() []Route {
	return slices.Concat(s.pageRoutes(), s.storyRoutes(), s.messageRoutes(), s.classToolRoutes(), s.portfolioRoutes(), s.notificationRoutes(), s.pushRoutes(), s.classJoinRoutes(), s.attendanceRoutes(), s.pictureRoutes(), s.helpRoutes())
}

// pageRoutes declares the HTML pages and form endpoints, grouped by
// feature; the handlers live in the feature's files (account_*.go,
// class_*.go, …). Visitor-facing routes say Public; the default is a login.
func (s *Server) pageRoutes() []Route {
	return []Route{
		// Home: a visitor's landing page, or the person's own start page.
		{Method: "GET", Pattern: "/{$}", Handle: s.home, Public: true, Access: authz.ForAnyone},

		// Account: logging in and out, signing up, passwords, language
		// (account_login.go, account_signup.go, account_student_*.go,
		// account_password.go, account_language.go).
		{Method: "GET", Pattern: "/login", Handle: s.loginForm, Public: true, Access: authz.ForAnyone},
		{Method: "POST", Pattern: "/login", Handle: s.loginSubmit, Public: true, Access: authz.ForAnyone},
		{Method: "POST", Pattern: "/logout", Handle: s.logout, Public: true, TwoFactorExempt: true, Access: authz.ForAnyone},
		{Method: "POST", Pattern: "/language", Handle: s.setLanguage, Public: true, TwoFactorExempt: true, Access: authz.ForAnyone},
		{Method: "GET", Pattern: "/login/2fa", Handle: s.secondFactorForm, Public: true, Access: authz.ForAnyone},
		{Method: "POST", Pattern: "/login/2fa", Handle: s.secondFactorSubmit, Public: true, Access: authz.ForAnyone},
		{Method: "GET", Pattern: "/login/class", Handle: s.classLoginForm, Public: true, Access: authz.ForAnyone},
		{Method: "POST", Pattern: "/login/class", Handle: s.classLoginSubmit, Public: true, Access: authz.ForAnyone},
		{Method: "POST", Pattern: "/login/class/pick", Handle: s.classLoginPick, Public: true, Access: authz.ForAnyone},
		{Method: "GET", Pattern: "/login/card", Handle: s.cardLoginForm, Public: true, Access: authz.ForAnyone},
		{Method: "POST", Pattern: "/login/card", Handle: s.cardLoginSubmit, Public: true, Access: authz.ForAnyone},
		{Method: "GET", Pattern: "/signup", Handle: s.signupForm, Public: true, Access: authz.ForAnyone},
		{Method: "POST", Pattern: "/signup", Handle: s.signupSubmit, Public: true, Access: authz.ForAnyone},
		{Method: "GET", Pattern: "/signup/student", Handle: s.studentSignupForm, Public: true, Access: authz.ForAnyone},
		{Method: "POST", Pattern: "/signup/student", Handle: s.studentSignupSubmit, Public: true, Access: authz.ForAnyone},
		{Method: "GET", Pattern: "/verify", Handle: s.verify, Public: true, Access: authz.ForAnyone},
		{Method: "GET", Pattern: "/password/forgot", Handle: s.forgotForm, Public: true, Access: authz.ForAnyone},
		{Method: "POST", Pattern: "/password/forgot", Handle: s.forgotSubmit, Public: true, Access: authz.ForAnyone},
		{Method: "GET", Pattern: "/password/reset", Handle: s.resetForm, Public: true, Access: authz.ForAnyone},
		{Method: "POST", Pattern: "/password/reset", Handle: s.resetSubmit, Public: true, Access: authz.ForAnyone},

		// Settings: the person's own account, where two-factor login is set
		// up, so all of it is exempt (account_settings.go,
		// privacy_account.go).
		{Method: "GET", Pattern: "/settings", Handle: s.settings, TwoFactorExempt: true, Access: authz.ForSelf},
		{Method: "POST", Pattern: "/settings/profile", Handle: s.profileSubmit, TwoFactorExempt: true, Access: authz.ForSelf},
		{Method: "POST", Pattern: "/settings/email", Handle: s.emailSubmit, TwoFactorExempt: true, Access: authz.ForSelf},
		{Method: "POST", Pattern: "/settings/password", Handle: s.passwordSubmit, TwoFactorExempt: true, Access: authz.ForSelf},
		{Method: "POST", Pattern: "/settings/sessions/logout-others", Handle: s.logoutOthersSubmit, TwoFactorExempt: true, Access: authz.ForSelf},
		{Method: "POST", Pattern: "/settings/verify", Handle: s.resendVerification, TwoFactorExempt: true, Access: authz.ForSelf},
		{Method: "POST", Pattern: "/settings/2fa/begin", Handle: s.beginTwoFactorSubmit, TwoFactorExempt: true, Access: authz.ForSelf},
		{Method: "POST", Pattern: "/settings/2fa/confirm", Handle: s.confirmTwoFactor, TwoFactorExempt: true, Access: authz.ForSelf},
		{Method: "POST", Pattern: "/settings/2fa/disable", Handle: s.disableTwoFactorSubmit, TwoFactorExempt: true, Access: authz.ForSelf},
		{Method: "POST", Pattern: "/settings/consents/{id}/withdraw", Handle: s.withdrawOwnConsent, TwoFactorExempt: true, Access: authz.ForSelf},
		{Method: "GET", Pattern: "/settings/delete", Handle: s.deleteAccountPage, TwoFactorExempt: true, Access: authz.ForSelf},
		{Method: "POST", Pattern: "/settings/delete", Handle: s.deleteAccountSubmit, TwoFactorExempt: true, Access: authz.ForSelf},
		{Method: "POST", Pattern: "/settings/delete/cancel", Handle: s.deleteAccountCancel, TwoFactorExempt: true, Access: authz.ForSelf},
		{Method: "POST", Pattern: "/settings/news", Handle: s.newsSubmit, TwoFactorExempt: true, Access: authz.ForSelf},
		{Method: "POST", Pattern: "/settings/usage", Handle: s.usageSubmit, TwoFactorExempt: true, Access: authz.ForSelf},

		// Parental consent for a young student's account, from the emailed
		// link (privacy_consent.go).
		{Method: "GET", Pattern: "/consent", Handle: s.consentForm, Public: true, Access: authz.ForAnyone},
		{Method: "POST", Pattern: "/consent", Handle: s.consentSubmit, Public: true, Access: authz.ForAnyone},
		{Method: "GET", Pattern: "/consent/manage", Handle: s.consentManage, Public: true, Access: authz.ForAnyone},
		{Method: "POST", Pattern: "/consent/withdraw", Handle: s.consentWithdraw, Public: true, Access: authz.ForAnyone},

		// Classes: the class screen, points, attendance, the roster
		// (class.go, class_view.go, roster.go).
		{Method: "GET", Pattern: "/classes", Handle: s.classes, Access: authz.ForStaff},
		{Method: "POST", Pattern: "/classes", Handle: s.createClassSubmit, Access: authz.ForStaff},
		{Method: "GET", Pattern: "/classes/{id}", Handle: s.class, Access: authz.ForClassTeachers},
		{Method: "POST", Pattern: "/classes/{id}/points", Handle: s.awardForm, Access: authz.ForClassTeachers},
		{Method: "GET", Pattern: "/classes/{id}/attendance", Handle: s.attendanceForm, Access: authz.ForClassTeachers},
		{Method: "POST", Pattern: "/classes/{id}/attendance", Handle: s.attendanceSubmit, Access: authz.ForClassTeachers},
		{Method: "GET", Pattern: "/classes/{id}/students", Handle: s.rosterPage, Access: authz.ForClassTeachers},
		{Method: "POST", Pattern: "/classes/{id}/students", Handle: s.addStudentsSubmit, Access: authz.ForClassTeachers},
		{Method: "POST", Pattern: "/classes/{id}/students/{sid}/remove", Handle: s.removeStudentSubmit, Access: authz.ForClassTeachers},
		{Method: "POST", Pattern: "/classes/{id}/students/{sid}/password", Handle: s.resetPasswordSubmit, Access: authz.ForClassTeachers},
		{Method: "POST", Pattern: "/classes/{id}/settings", Handle: s.classSettings, Access: authz.ForClassTeachers},
		{Method: "POST", Pattern: "/classes/{id}/code", Handle: s.classCodeSubmit, Access: authz.ForClassTeachers},
		{Method: "POST", Pattern: "/classes/{id}/cards", Handle: s.loginCardsSubmit, Access: authz.ForClassTeachers},
		{Method: "POST", Pattern: "/classes/{id}/students/{sid}/card", Handle: s.loginCardSubmit, Access: authz.ForClassTeachers},

		// Roster management: uploads, co-teachers, merges, the year
		// rollover, the school's skills and name setting (roster_manage.go,
		// roster_import.go).
		{Method: "POST", Pattern: "/classes/{id}/students/import", Handle: s.csvImportSubmit, Access: authz.ForClassTeachers},
		{Method: "GET", Pattern: "/schools/{id}/oneroster", Handle: s.oneRosterForm, Access: authz.ForStaff},
		{Method: "POST", Pattern: "/schools/{id}/oneroster", Handle: s.oneRosterSubmit, Access: authz.ForStaff},
		{Method: "POST", Pattern: "/classes/{id}/teachers", Handle: s.addTeacherSubmit, Access: authz.ForClassTeachers},
		{Method: "POST", Pattern: "/classes/{id}/teachers/{uid}/remove", Handle: s.removeTeacherSubmit, Access: authz.ForClassTeachers},
		{Method: "POST", Pattern: "/classes/{id}/merge", Handle: s.mergeSubmit, Access: authz.ForClassTeachers},
		{Method: "POST", Pattern: "/classes/{id}/rollover", Handle: s.rolloverSubmit, Access: authz.ForClassTeachers},
		{Method: "GET", Pattern: "/schools/{id}/skills", Handle: s.schoolSkills, Access: authz.ForLeaders},
		{Method: "POST", Pattern: "/schools/{id}/skills", Handle: s.schoolSkillSubmit, Access: authz.ForLeaders},
		{Method: "POST", Pattern: "/schools/{id}/skills/{sid}/archive", Handle: s.schoolSkillArchive, Access: authz.ForLeaders},
		{Method: "POST", Pattern: "/schools/{id}/initials", Handle: s.schoolInitialsSubmit, Access: authz.ForLeaders},

		// Families: connecting to a child, switching into their view, the
		// live updates of the family page (family.go).
		{Method: "POST", Pattern: "/children/connect", Handle: s.connectSubmit, Access: authz.ForSelf},
		{Method: "POST", Pattern: "/children/{id}/switch", Handle: s.switchToChild, Access: authz.ForFamily},
		// Switching back is authorised by the parent's kept session
		// cookie, not by the (student's) current one.
		{Method: "POST", Pattern: "/children/back", Handle: s.switchBack, Public: true, Access: authz.ForAnyone},
		{Method: "GET", Pattern: "/events", Handle: s.events, Access: authz.ForSelf},

		// Reports and attendance history, HTML or ?format=csv (report.go,
		// class_attendance_history.go).
		{Method: "GET", Pattern: "/students/{id}/report", Handle: s.studentReport, Access: authz.ForFamily},
		{Method: "GET", Pattern: "/classes/{id}/report", Handle: s.classReport, Access: authz.ForClassTeachers},
		{Method: "GET", Pattern: "/schools/{id}/report", Handle: s.schoolReport, Access: authz.ForLeaders},
		{Method: "GET", Pattern: "/students/{id}/attendance", Handle: s.studentAttendance, Access: authz.ForFamily},
		{Method: "GET", Pattern: "/classes/{id}/attendance/history", Handle: s.classAttendanceHistory, Access: authz.ForClassTeachers},

		// The privacy notice, its versions and the record of processing:
		// public, and readable before two-factor login is set up
		// (privacy_transparency*.go, privacy_record.go, privacy_notices.go).
		{Method: "GET", Pattern: "/transparency", Handle: s.transparency, Public: true, TwoFactorExempt: true, Access: authz.ForAnyone},
		{Method: "GET", Pattern: "/transparency.json", Handle: s.transparencyJSON, Public: true, TwoFactorExempt: true, Access: authz.ForAnyone},
		{Method: "GET", Pattern: "/transparency/versions", Handle: s.noticeVersions, Public: true, TwoFactorExempt: true, Access: authz.ForAnyone},
		{Method: "GET", Pattern: "/transparency/versions/{version}", Handle: s.noticeVersion, Public: true, TwoFactorExempt: true, Access: authz.ForAnyone},
		{Method: "GET", Pattern: "/transparency/record", Handle: s.record, Public: true, TwoFactorExempt: true, Access: authz.ForAnyone},
		{Method: "GET", Pattern: "/transparency/record.json", Handle: s.recordJSON, Public: true, TwoFactorExempt: true, Access: authz.ForAnyone},
		{Method: "GET", Pattern: "/transparency/record.csv", Handle: s.recordCSV, Public: true, TwoFactorExempt: true, Access: authz.ForAnyone},
		{Method: "POST", Pattern: "/transparency/acknowledge", Handle: s.acknowledgeNotice, TwoFactorExempt: true, Access: authz.ForSelf},

		// Data rights: export, the access log, corrections, restriction of
		// processing, one-click unsubscribe (privacy_export.go,
		// privacy_corrections.go, privacy_restriction.go, privacy_account.go).
		{Method: "POST", Pattern: "/privacy/export", Handle: s.exportRequest, Access: authz.ForSelf},
		{Method: "GET", Pattern: "/privacy/export/{id}", Handle: s.exportStatus, Access: authz.ForSelf},
		{Method: "GET", Pattern: "/privacy/export/{id}/download", Handle: s.exportDownload, Access: authz.ForSelf},
		{Method: "GET", Pattern: "/privacy/access", Handle: s.accessLog, Access: authz.ForSelf},
		{Method: "GET", Pattern: "/privacy/corrections", Handle: s.corrections, Access: authz.ForSelf},
		{Method: "GET", Pattern: "/privacy/corrections/new", Handle: s.correctionForm, Access: authz.ForSelf},
		{Method: "POST", Pattern: "/privacy/corrections", Handle: s.correctionSubmit, Access: authz.ForSelf},
		{Method: "POST", Pattern: "/privacy/corrections/{id}/decide", Handle: s.correctionDecide, Access: authz.ForLeaders},
		{Method: "GET", Pattern: "/privacy/restrictions", Handle: s.restrictions, Access: authz.ForSelf},
		{Method: "POST", Pattern: "/privacy/restrictions", Handle: s.restrictionAsk, Access: authz.ForSelf},
		{Method: "POST", Pattern: "/privacy/restrictions/set", Handle: s.restrictionSet, Access: authz.ForSelf},
		{Method: "POST", Pattern: "/privacy/restrictions/{id}/decide", Handle: s.restrictionDecide, Access: authz.ForLeaders},
		{Method: "POST", Pattern: "/privacy/restrictions/{id}/lift", Handle: s.restrictionLift, Access: authz.ForLeaders},
		{Method: "GET", Pattern: "/unsubscribe", Handle: s.unsubscribeForm, Public: true, Access: authz.ForAnyone},
		{Method: "POST", Pattern: "/unsubscribe", Handle: s.unsubscribeSubmit, Public: true, Access: authz.ForAnyone},

		// The school's privacy settings, erasure and retention
		// (privacy_school.go).
		{Method: "GET", Pattern: "/privacy/school", Handle: s.schoolPrivacy, Access: authz.ForLeaders},
		{Method: "POST", Pattern: "/privacy/school/{school}/retention", Handle: s.retentionSubmit, Access: authz.ForLeaders},
		{Method: "GET", Pattern: "/privacy/school/students/{id}/erase", Handle: s.eraseStudentForm, Access: authz.ForLeaders},
		{Method: "POST", Pattern: "/privacy/school/students/{id}/erase", Handle: s.eraseStudentSubmit, Access: authz.ForLeaders},
		{Method: "POST", Pattern: "/privacy/school/students/{id}/keep", Handle: s.keepStudentSubmit, Access: authz.ForLeaders},

		// The School Directory, joining or creating a school, invitations
		// (school_directory.go, school_join.go, school_invite.go).
		{Method: "GET", Pattern: "/school", Handle: s.mySchool, Access: authz.ForStaff},
		{Method: "GET", Pattern: "/schools/{id}/directory", Handle: s.directory, Access: authz.ForStaff},
		{Method: "POST", Pattern: "/schools/{id}/members/{uid}/{action}", Handle: s.memberAction, Access: authz.ForLeaders},
		{Method: "POST", Pattern: "/schools/{id}/access", Handle: s.accessSubmit, Access: authz.ForLeaders},
		{Method: "POST", Pattern: "/schools/{id}/confirm", Handle: s.confirmSchoolSubmit, Access: authz.ForLeaders},
		{Method: "POST", Pattern: "/schools/{id}/invite", Handle: s.inviteTeacherSubmit, Access: authz.ForStaff},
		{Method: "GET", Pattern: "/schools/join", Handle: s.joinPage, Access: authz.ForSelf},
		{Method: "POST", Pattern: "/schools/join", Handle: s.joinSubmit, Access: authz.ForSelf},
		{Method: "POST", Pattern: "/schools/join/{id}/withdraw", Handle: s.withdrawSubmit, Access: authz.ForSelf},
		{Method: "GET", Pattern: "/schools/new", Handle: s.newSchoolForm, Access: authz.ForSelf},
		{Method: "POST", Pattern: "/schools/new", Handle: s.newSchoolSubmit, Access: authz.ForSelf},
		{Method: "POST", Pattern: "/classes/{id}/invite", Handle: s.inviteParentSubmit, Access: authz.ForClassTeachers},
		// An invitation link opens for anyone; accepting it needs an
		// account, which the sign-up from it creates.
		{Method: "GET", Pattern: "/invite", Handle: s.invitation, Public: true, Access: authz.ForAnyone},
		{Method: "POST", Pattern: "/invite", Handle: s.acceptSubmit, Access: authz.ForSelf},
		{Method: "GET", Pattern: "/invite/signup", Handle: s.inviteSignupForm, Public: true, Access: authz.ForAnyone},
		{Method: "POST", Pattern: "/invite/signup", Handle: s.inviteSignupSubmit, Public: true, Access: authz.ForAnyone},
		{Method: "GET", Pattern: "/schools/search", Handle: s.schoolSearch, Public: true, Access: authz.ForAnyone},

		// A student's family access: blocks, eligibility, corrections filed
		// for a family (family_custody.go).
		{Method: "GET", Pattern: "/schools/{id}/students/{sid}/family", Handle: s.familyAccess, Access: authz.ForLeaders},
		{Method: "POST", Pattern: "/schools/{id}/students/{sid}/blocks", Handle: s.blockSubmit, Access: authz.ForLeaders},
		{Method: "POST", Pattern: "/schools/{id}/students/{sid}/blocks/{bid}/lift", Handle: s.liftSubmit(false), Access: authz.ForLeaders},
		{Method: "POST", Pattern: "/schools/{id}/students/{sid}/email-blocks", Handle: s.emailBlockSubmit, Access: authz.ForLeaders},
		{Method: "POST", Pattern: "/schools/{id}/students/{sid}/email-blocks/{bid}/lift", Handle: s.liftSubmit(true), Access: authz.ForLeaders},
		{Method: "POST", Pattern: "/schools/{id}/students/{sid}/eligible", Handle: s.eligibleSubmit, Access: authz.ForLeaders},
		{Method: "GET", Pattern: "/schools/{id}/students/{sid}/corrections/new", Handle: s.fileCorrectionForm, Access: authz.ForLeaders},
		{Method: "POST", Pattern: "/schools/{id}/students/{sid}/corrections", Handle: s.fileCorrectionSubmit, Access: authz.ForLeaders},

		// Anything else: the not-found page, for visitors too.
		{Pattern: "/", Handle: s.notFound, Public: true, Access: authz.ForAnyone},
	}
}

// routes mounts the route table on mux, each route behind serve.
func (s *Server) routes(mux *http.ServeMux) {
	for _, rt := range s.webRoutes() {
		mux.Handle(rt.MuxPattern(), s.serve(rt))
	}
}

// serve is what every route shares: app.Admit decides login and
// two-factor before the handler runs, and a returned error becomes its
// error page (fail).
func (s *Server) serve(rt Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := app.Admit(session(r), rt.Public, rt.TwoFactorExempt); err != nil {
			s.fail(w, r, err)
			return
		}
		cleanForm(r)
		if err := rt.Handle(w, r); err != nil {
			s.fail(w, r, err)
		}
	})
}

// cleanForm makes a posted form's values storable text (app.CleanText)
// before any handler reads them. A multipart form is left to its reader,
// which streams files.
func cleanForm(r *http.Request) {
	if r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		return
	}
	if r.ParseForm() != nil {
		// The handler's own ParseForm answers it (413 for a body over the
		// limit): forget the empty form a failed parse leaves, or that call
		// would succeed on it. A MaxBytesReader's error stays on reading.
		r.Form, r.PostForm = nil, nil
		return
	}
	for _, vals := range []url.Values{r.Form, r.PostForm} {
		for k, vs := range vals {
			for i, v := range vs {
				vals[k][i] = app.CleanText(v)
			}
		}
	}
}

// session is the request's logged-in person: never nil in the handler of a
// route that is not Public; nil for a visitor on a public one.
func session(r *http.Request) *app.Session { return app.SessionFrom(r.Context()) }

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) error {
	s.errorPage(w, r, http.StatusNotFound, "error.not_found")
	return nil
}
