package web

import "cubby/internal/authz"

// pushRoutes lists the installable app's routes (pwa.go) and the
// person's devices (push_devices.go). The manifest, the service worker
// and the offline page are public and open before two-factor set-up:
// browsers fetch them without asking anyone to log in, and they hold
// nothing about the person.
func (s *Server) pushRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/manifest.webmanifest", Handle: s.webManifest, Public: true, TwoFactorExempt: true, Access: authz.ForAnyone},
		{Method: "GET", Pattern: "/sw.js", Handle: s.serviceWorker, Public: true, TwoFactorExempt: true, Access: authz.ForAnyone},
		{Method: "GET", Pattern: "/offline", Handle: s.offline, Public: true, TwoFactorExempt: true, Access: authz.ForAnyone},
		{Method: "GET", Pattern: "/settings/devices", Handle: s.devicesPage, TwoFactorExempt: true, Access: authz.ForSelf},
		{Method: "POST", Pattern: "/settings/devices/{id}/remove", Handle: s.removeDeviceSubmit, TwoFactorExempt: true, Access: authz.ForSelf},
		{Method: "POST", Pattern: "/schools/{id}/error-reports", Handle: s.errorReportsSubmit, Access: authz.ForLeaders},
	}
}
