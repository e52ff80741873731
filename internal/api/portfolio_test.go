package api_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"strconv"
	"testing"

	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

// postWork sends a portfolio form over the API.
func (c *client) postWork(path string, fields map[string]string) (int, map[string]any) {
	c.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", c.env.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	var out map[string]any
	json.Unmarshal([]byte(testenv.ReadAll(c.t, resp.Body)), &out)
	return resp.StatusCode, out
}

// Portfolios over the API on both engines: a student posts to their own
// portfolio only (403 for another's), the parent gets 404 until a teacher
// approves from the class's queue, then likes and comments; a return needs
// a comment; another student never reads the work.
func TestPortfolioOverAPI(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			student := loginAPI(t, env, "username", demo.StudentUsername)
			mateo := loginAPI(t, env, "username", "mateo.g")
			teacher := loginAPI(t, env, "email", demo.TeacherEmail)
			parent := loginAPI(t, env, "email", demo.ParentEmail)
			u, _ := store.UserByUsername(t.Context(), env.DB.R, demo.StudentUsername)
			ava, _ := store.StudentByUserID(t.Context(), env.DB.R, u.ID)
			me := "/api/v1/students/" + strconv.FormatInt(ava.ID, 10) + "/portfolio"

			if status, out := mateo.postWork(me, map[string]string{"text": "not mine"}); status != 403 || out["detail"] == "" {
				t.Errorf("another student's portfolio: %d %v", status, out)
			}
			if status, _ := student.postWork(me, map[string]string{"text": "hi", "activity_id": "999999"}); status != 400 {
				t.Errorf("an unknown activity: %d", status)
			}
			status, item := student.postWork(me, map[string]string{"text": "My owl poem"})
			if status != 201 || item["status"] != "pending" {
				t.Fatalf("posting: %d %v", status, item)
			}
			id := item["id"].(string)
			if status, _, _ := parent.do("GET", "/api/v1/portfolio-items/"+id, ""); status != 404 {
				t.Errorf("the parent reads pending work: %d", status)
			}
			if status, _, _ := parent.do("POST", "/api/v1/portfolio-items/"+id+"/comments", `{"text":"Nice"}`); status != 404 {
				t.Errorf("the parent comments on pending work: %d", status)
			}
			_, q, _ := teacher.do("GET", "/api/v1/classes/1/portfolio/queue", "")
			if waiting, _ := q["waiting"].([]any); len(waiting) == 0 {
				t.Fatalf("the queue: %v", q)
			}
			if status, _, _ := teacher.do("POST", "/api/v1/portfolio-items/"+id+"/return", `{"comment":""}`); status != 400 {
				t.Errorf("a return without a comment: %d", status)
			}
			if status, _, _ := teacher.do("POST", "/api/v1/portfolio-items/"+id+"/approve", ""); status != 204 {
				t.Fatalf("approving: %d", status)
			}
			if status, _, _ := parent.do("POST", "/api/v1/portfolio-items/"+id+"/likes", ""); status != 201 {
				t.Errorf("liking: %d", status)
			}
			if status, _, _ := parent.do("POST", "/api/v1/portfolio-items/"+id+"/comments", `{"text":"Lovely poem"}`); status != 201 {
				t.Errorf("commenting: %d", status)
			}
			_, page, _ := parent.do("GET", me, "")
			items, _ := page["items"].([]any)
			if len(items) == 0 || items[0].(map[string]any)["id"] != id {
				t.Errorf("the family's portfolio: %v", page)
			}
			if status, _, _ := mateo.do("GET", "/api/v1/portfolio-items/"+id, ""); status != 404 {
				t.Errorf("another student reads the work: %d", status)
			}
			if status, _, _ := teacher.do("POST", "/api/v1/classes/1/activities", ""); status != 400 {
				t.Errorf("an activity without a form: %d", status)
			}
		})
	}
}
