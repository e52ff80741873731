package api_test

import (
	"archive/zip"
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/testenv"
)

// getRaw fetches a path with the client's token and returns the raw body.
func (c *client) getRaw(path string) (int, []byte, http.Header) {
	c.t.Helper()
	req, _ := http.NewRequest("GET", c.env.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b, resp.Header
}

// POST /me/export answers 202 with an export id; GET answers 202 while the
// archive is built, then the zip once, then 410; nobody else can use it.
func TestExportAPI(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			parent := loginAPI(t, env, "email", demo.ParentEmail)
			teacher := loginAPI(t, env, "email", demo.TeacherEmail)
			status, out, _ := parent.do("POST", "/api/v1/me/export", "")
			id, _ := out["export_id"].(string)
			if status != http.StatusAccepted || len(id) < 20 {
				t.Fatalf("request export: %d %v", status, out)
			}
			var zipBody []byte
			deadline := time.Now().Add(20 * time.Second)
			for {
				status, body, h := parent.getRaw("/api/v1/me/export/" + id)
				if status == http.StatusOK {
					if h.Get("Content-Type") != "application/zip" {
						t.Fatalf("content type %q", h.Get("Content-Type"))
					}
					zipBody = body
					break
				}
				if status != http.StatusAccepted || time.Now().After(deadline) {
					t.Fatalf("waiting for the export: %d %s", status, body)
				}
				time.Sleep(50 * time.Millisecond)
			}
			zr, err := zip.NewReader(bytes.NewReader(zipBody), int64(len(zipBody)))
			if err != nil {
				t.Fatal(err)
			}
			names := map[string]bool{}
			for _, f := range zr.File {
				names[f.Name] = true
			}
			if !names["export.json"] || !names["export.html"] {
				t.Errorf("archive: %v", names)
			}
			if status, _, _ := parent.getRaw("/api/v1/me/export/" + id); status != http.StatusGone {
				t.Errorf("second download: %d, want 410", status)
			}
			if status, _, _ := teacher.getRaw("/api/v1/me/export/" + id); status != http.StatusNotFound {
				t.Errorf("someone else's export: %d, want 404", status)
			}
			if strings.Contains(env.Logs.String(), id) {
				t.Error("the export id is in the logs")
			}
		})
	}
}

// DELETE /me answers 202 with when the erasure runs and ends the session.
func TestDeleteMeAPI(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			c := loginAPI(t, env, "email", demo.Teacher2Email)
			// Without the password, or with a wrong one, nothing is scheduled.
			for _, body := range []string{"", `{"password":"not it"}`} {
				if status, _, _ := c.do("DELETE", "/api/v1/me", body); status != http.StatusBadRequest {
					t.Errorf("DELETE /me with %q: %d, want 400", body, status)
				}
			}
			status, out, _ := c.do("DELETE", "/api/v1/me", `{"password":"`+demo.Password+`"}`)
			at, _ := time.Parse(time.RFC3339, out["erase_at"].(string))
			if status != http.StatusAccepted || out["status"] != "scheduled" || at.Sub(time.Now()) < 13*24*time.Hour {
				t.Fatalf("DELETE /me: %d %v", status, out)
			}
			if status, _, _ := c.do("GET", "/api/v1/me", ""); status != http.StatusUnauthorized {
				t.Errorf("the session survived the deletion request: %d", status)
			}
			// Asking again (after logging in) answers the same date.
			c = loginAPI(t, env, "email", demo.Teacher2Email)
			if status, again, _ := c.do("DELETE", "/api/v1/me", `{"password":"`+demo.Password+`"}`); status != http.StatusAccepted || again["erase_at"] != out["erase_at"] {
				t.Errorf("second request: %d %v", status, again)
			}
		})
	}
}
