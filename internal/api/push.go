package api

import (
	"cubby/internal/authz"
	"net/http"
	"time"

	"cubby/internal/app"
)

// Web push and device information (issue 14): the key browsers subscribe
// with, subscribing and unsubscribing a browser, the person's devices,
// and JavaScript error reports. The installed app's own script
// (static/pwa.js) uses these with the login cookie.

// pushRoutes declares them.
func (x *API) pushRoutes() {
	x.add(Op{Method: "GET", Path: "/push/key", ID: "pushKey", Tag: "push", Access: authz.ForSelf,
		Summary:  "The server's VAPID public key (base64url), the applicationServerKey to subscribe with; enabled is false when this server sends no push.",
		Response: "PushKey", Success: http.StatusOK, Errors: []int{401}, Handle: x.pushKey})
	x.add(Op{Method: "POST", Path: "/push/subscriptions", ID: "subscribePush", Tag: "push", Access: authz.ForSelf,
		Summary: "Turn push notifications on for this browser: the body is its PushSubscription.toJSON(). A browser that subscribes again keeps one device. Refused with 400 and nothing stored: an endpoint that is not https or that resolves to a private, loopback or link-local address, or malformed keys; with 409 a person's eleventh device (remove one first). Pushes carry only a notification's kind and id.",
		Request: "PushSubscribe", Response: "Device", Success: http.StatusCreated, Errors: []int{400, 401, 409, 413}, Handle: x.subscribePush})
	x.add(Op{Method: "POST", Path: "/push/unsubscribe", ID: "unsubscribePush", Tag: "push", Access: authz.ForSelf,
		Summary: "Turn push notifications off for the browser with this endpoint (the caller's own; an unknown one is fine).",
		Request: "PushEndpoint", Success: http.StatusNoContent, Errors: []int{400, 401}, Handle: x.unsubscribePush})
	x.add(Op{Method: "POST", Path: "/push/touch", ID: "touchPush", Tag: "push", Access: authz.ForSelf,
		Summary: "Record that the person opened Cubby on this device (last used, at most once a day; a device unused for 60 days is deleted). known is false when Cubby no longer has the subscription, and the browser subscribes again.",
		Request: "PushEndpoint", Response: "PushTouch", Success: http.StatusOK, Errors: []int{400, 401}, Handle: x.touchPush})
	x.add(Op{Method: "GET", Path: "/me/devices", ID: "listDevices", Tag: "push", Access: authz.ForSelf,
		Summary:  "The caller's devices that receive push notifications: platform and browser family, Cubby's version, when turned on and last used, and whether it is this login's.",
		Response: "DeviceList", Success: http.StatusOK, Errors: []int{401}, Handle: x.listDevices})
	x.add(Op{Method: "DELETE", Path: "/me/devices/{id}", ID: "removeDevice", Tag: "push", Access: authz.ForSelf,
		Summary: "Remove one of the caller's devices: it receives no more notifications. Another person's device is 404.",
		Success: http.StatusNoContent, Errors: []int{401, 404}, Handle: x.removeDevice})
	x.add(Op{Method: "POST", Path: "/client-errors", ID: "reportClientError", Tag: "push", Access: authz.ForSelf,
		Summary: "Report a JavaScript error of Cubby's pages, to diagnose bugs: its message and stack only (query strings and email addresses are removed, the message is cut to 500 characters, the stack to 4,000), kept 30 days with Cubby's version and the browser's family, never the account. stored is false, and nothing is kept, where a school of the caller's turned reports off; the page then stops sending.",
		Request: "ClientError", Response: "ClientErrorStored", Success: http.StatusOK, Errors: []int{400, 401, 413, 429}, Handle: x.reportClientError})
	x.add(Op{Method: "GET", Path: "/schools/{id}/error-reports", ID: "getErrorReports", Tag: "push", Access: authz.ForStaff,
		Summary:  "Whether the school's members report JavaScript errors (on by default).",
		Response: "ErrorReportsSetting", Success: http.StatusOK, Errors: []int{401, 404}, Handle: x.getErrorReports})
	x.add(Op{Method: "PUT", Path: "/schools/{id}/error-reports", ID: "setErrorReports", Tag: "push", Access: authz.ForLeaders,
		Summary: "Turn the school's JavaScript error reports on or off (its leaders). Off, nothing is reported from anyone who belongs to the school.",
		Request: "ErrorReportsSetting", Response: "ErrorReportsSetting", Success: http.StatusOK, Errors: []int{400, 401, 403, 404}, Handle: x.setErrorReports})
}

func init() {
	ts := map[string]any{"type": "string", "format": "date-time"}
	schemas["PushKey"] = obj(map[string]any{"public_key": str(), "enabled": map[string]any{"type": "boolean"}}, "public_key", "enabled")
	schemas["PushSubscribe"] = obj(map[string]any{
		"endpoint":       map[string]any{"type": "string", "maxLength": 1024, "description": "https, on a public address"},
		"expirationTime": map[string]any{"type": []string{"number", "null"}, "description": "as the browser gives it; ignored"},
		"keys":           obj(map[string]any{"p256dh": str(), "auth": str()}, "p256dh", "auth"),
	}, "endpoint", "keys")
	schemas["PushEndpoint"] = obj(map[string]any{"endpoint": str()}, "endpoint")
	schemas["PushTouch"] = obj(map[string]any{"known": map[string]any{"type": "boolean"}}, "known")
	schemas["Device"] = obj(map[string]any{
		"id": str(), "platform": map[string]any{"type": "string", "description": "Android, iOS, Windows, macOS, Linux, ChromeOS, or empty"},
		"browser": str(), "app_version": str(), "created_at": ts, "last_used_at": ts, "current": map[string]any{"type": "boolean"},
	}, "id", "platform", "browser", "created_at", "last_used_at", "current")
	schemas["DeviceList"] = obj(map[string]any{"devices": map[string]any{"type": "array", "items": ref("Device")}}, "devices")
	schemas["ClientError"] = obj(map[string]any{"message": str(), "stack": str()}, "message")
	schemas["ClientErrorStored"] = obj(map[string]any{"stored": map[string]any{"type": "boolean"}}, "stored")
	schemas["ErrorReportsSetting"] = obj(map[string]any{"enabled": map[string]any{"type": "boolean"}}, "enabled")
}

type pushKeyJSON struct {
	PublicKey string `json:"public_key"`
	Enabled   bool   `json:"enabled"`
}

func (x *API) pushKey(w http.ResponseWriter, r *http.Request) error {
	k := x.app.PushKey()
	return writeJSON(w, http.StatusOK, pushKeyJSON{PublicKey: k, Enabled: k != ""})
}

type pushSubscribeJSON struct {
	Endpoint       string   `json:"endpoint"`
	ExpirationTime *float64 `json:"expirationTime"`
	Keys           struct {
		P256dh string `json:"p256dh"`
		Auth   string `json:"auth"`
	} `json:"keys"`
}

// DeviceJSON is a device as the API shows it.
type DeviceJSON struct {
	ID         string    `json:"id"`
	Platform   string    `json:"platform"`
	Browser    string    `json:"browser"`
	AppVersion string    `json:"app_version"`
	CreatedAt  time.Time `json:"created_at"`
	LastUsedAt time.Time `json:"last_used_at"`
	Current    bool      `json:"current"`
}

func deviceJSON(d app.Device) DeviceJSON {
	return DeviceJSON{ID: id(d.ID), Platform: d.Platform, Browser: d.Browser, AppVersion: d.AppVersion,
		CreatedAt: d.CreatedAt, LastUsedAt: d.LastUsedAt, Current: d.Current}
}

func (x *API) subscribePush(w http.ResponseWriter, r *http.Request) error {
	var req pushSubscribeJSON
	if err := decode(r, &req); err != nil {
		return err
	}
	d, err := x.app.SubscribePush(r.Context(), app.SessionFrom(r.Context()), app.PushInput{Endpoint: req.Endpoint,
		P256dh: req.Keys.P256dh, Auth: req.Keys.Auth, UserAgent: r.UserAgent()})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, deviceJSON(d))
}

type pushEndpointJSON struct {
	Endpoint string `json:"endpoint"`
}

func (x *API) unsubscribePush(w http.ResponseWriter, r *http.Request) error {
	var req pushEndpointJSON
	if err := decode(r, &req); err != nil {
		return err
	}
	if err := x.app.UnsubscribePush(r.Context(), app.SessionFrom(r.Context()), req.Endpoint); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (x *API) touchPush(w http.ResponseWriter, r *http.Request) error {
	var req pushEndpointJSON
	if err := decode(r, &req); err != nil {
		return err
	}
	known, err := x.app.TouchDevice(r.Context(), app.SessionFrom(r.Context()), req.Endpoint)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]bool{"known": known})
}

func (x *API) listDevices(w http.ResponseWriter, r *http.Request) error {
	devices, err := x.app.Devices(r.Context(), app.SessionFrom(r.Context()))
	if err != nil {
		return err
	}
	out := struct {
		Devices []DeviceJSON `json:"devices"`
	}{Devices: []DeviceJSON{}}
	for _, d := range devices {
		out.Devices = append(out.Devices, deviceJSON(d))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (x *API) removeDevice(w http.ResponseWriter, r *http.Request) error {
	n, err := parseID(r, "id")
	if err != nil {
		return err
	}
	if err := x.app.RemoveDevice(r.Context(), app.SessionFrom(r.Context()), n); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type clientErrorJSON struct {
	Message string `json:"message"`
	Stack   string `json:"stack"`
}

func (x *API) reportClientError(w http.ResponseWriter, r *http.Request) error {
	var req clientErrorJSON
	if err := decode(r, &req); err != nil {
		return err
	}
	stored, err := x.app.ReportClientError(r.Context(), app.SessionFrom(r.Context()),
		app.ClientErrorInput{Message: req.Message, Stack: req.Stack, UserAgent: r.UserAgent()})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]bool{"stored": stored})
}

type errorReportsJSON struct {
	Enabled *bool `json:"enabled"`
}

func (x *API) getErrorReports(w http.ResponseWriter, r *http.Request) error {
	school, err := parseID(r, "id")
	if err != nil {
		return err
	}
	on, err := x.app.ErrorReports(r.Context(), app.SessionFrom(r.Context()), school)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, errorReportsJSON{Enabled: &on})
}

func (x *API) setErrorReports(w http.ResponseWriter, r *http.Request) error {
	school, err := parseID(r, "id")
	if err != nil {
		return err
	}
	var req errorReportsJSON
	if err := decode(r, &req); err != nil {
		return err
	}
	if req.Enabled == nil {
		v := &app.ValidationError{}
		v.Add("enabled", "push.enabled_missing")
		return v
	}
	sess := app.SessionFrom(r.Context())
	if err := x.app.SetErrorReports(r.Context(), sess, school, *req.Enabled); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, req)
}
