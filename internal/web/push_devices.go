package web

import (
	"net/http"
	"strconv"

	"cubby/internal/app"
	"cubby/internal/i18n"
)

// The person's devices that receive push notifications, in their
// settings: "Android · Chrome, last used …", this device marked, each
// with a remove button; turning notifications on or off for this device
// is the page's script (static/pwa.js), through the API.

type deviceRow struct {
	app.Device
	Name string // "Android · Chrome"
}

type devicesPage struct {
	Devices []deviceRow
	// Enabled: this server sends push (it has a VAPID key).
	Enabled bool
}

func deviceName(l *i18n.Localizer, d app.Device) string {
	platform, browser := d.Platform, d.Browser
	if platform == "" {
		platform = l.T("push.unknown_platform")
	}
	if browser == "" {
		browser = l.T("push.unknown_browser")
	}
	return l.T("push.device_line", "platform", platform, "browser", browser)
}

func (s *Server) devicesPage(w http.ResponseWriter, r *http.Request) error {
	sess := session(r)
	p := s.page(w, r, "push.devices_title")
	devices, err := s.app.Devices(r.Context(), sess)
	if err != nil {
		return err
	}
	d := devicesPage{Enabled: s.app.PushKey() != ""}
	for _, dev := range devices {
		d.Devices = append(d.Devices, deviceRow{Device: dev, Name: deviceName(p.L, dev)})
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "devices", p)
	return nil
}

func (s *Server) removeDeviceSubmit(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return app.ErrNotFound
	}
	if err := s.app.RemoveDevice(r.Context(), session(r), id); err != nil {
		return err
	}
	s.redirect(w, r, "/settings/devices", "push.device_removed")
	return nil
}

// errorReportsSubmit is a school leader's switch for JavaScript error
// reports, on the school's privacy page.
func (s *Server) errorReportsSubmit(w http.ResponseWriter, r *http.Request) error {
	school, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || school <= 0 {
		return app.ErrNotFound
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	if err := s.app.SetErrorReports(r.Context(), session(r), school, r.PostForm.Get("enabled") == "1"); err != nil {
		return err
	}
	s.redirect(w, r, "/privacy/school#error-reports-"+strconv.FormatInt(school, 10), "push.reports_saved")
	return nil
}
