package api_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cubby/internal/api"
	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/testenv"
)

// upload posts files as multipart/form-data.
func (c *client) upload(path string, files map[string][]byte, fields map[string]string) (int, map[string]any) {
	c.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	for name, b := range files {
		w, _ := mw.CreateFormFile("file", name)
		w.Write(b)
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
	raw := testenv.ReadAll(c.t, resp.Body)
	if err := json.Unmarshal([]byte(raw), &out); err != nil {
		c.t.Fatalf("%s: not JSON: %q", path, raw)
	}
	return resp.StatusCode, out
}

func oneRoster(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, name := range []string{"orgs.csv", "users.csv", "classes.csv", "enrollments.csv"} {
		if b, err := os.ReadFile(filepath.Join("..", "app", "testdata", "oneroster", dir, name)); err == nil {
			out[name] = b
		}
	}
	return out
}

func zipped(t *testing.T, files map[string][]byte) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, b := range files {
		w, _ := zw.Create(name)
		w.Write(b)
	}
	zw.Close()
	return buf.Bytes()
}

func TestRosterAPI(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			teacher := loginAPI(t, env, "email", demo.TeacherEmail)
			leader := loginAPI(t, env, "email", demo.LeaderEmail)
			parent := loginAPI(t, env, "email", demo.ParentEmail)
			_, list, _ := teacher.do("GET", "/api/v1/classes", "")
			class := list["classes"].([]any)[0].(map[string]any)
			cid, sid := class["id"].(string), class["school_id"].(string)

			// A class's spreadsheet.
			s, out := teacher.upload("/api/v1/classes/"+cid+"/students/import", map[string][]byte{"list.csv": []byte("first_name,last_name\nNoah,Fischer\nAva,Martin\n,Nobody\n")}, nil)
			added, _ := out["added"].([]any)
			skipped, _ := out["skipped"].([]any)
			if s != 200 || len(added) != 2 || added[1].(map[string]any)["existing"] != true || len(skipped) != 1 || skipped[0].(map[string]any)["line"] != 4.0 {
				t.Errorf("CSV import: %d %v", s, out)
			}
			if s, out := teacher.upload("/api/v1/classes/"+cid+"/students/import", map[string][]byte{"x.csv": bytes.Repeat([]byte("x"), 21<<20)}, nil); s != 413 || !strings.Contains(out["detail"].(string), "20 MB") {
				t.Errorf("21 MiB: %d %v", s, out)
			}
			if s, out, _ := teacher.do("POST", "/api/v1/classes/"+cid+"/students/import", `{"file":"x"}`); s != 400 || out["errors"].(map[string]any)["file"] == nil {
				t.Errorf("JSON instead of a file: %d %v", s, out)
			}

			// OneRoster: refused with every problem by file and line; then imported, zipped.
			s, out = teacher.upload("/api/v1/schools/"+sid+"/oneroster", oneRoster(t, "dangling"), nil)
			if errs, _ := out["errors"].(map[string]any); s != 400 || errs["enrollments.csv:4"] == nil || errs["enrollments.csv:5"] == nil {
				t.Errorf("dangling: %d %v", s, out)
			}
			s, out = teacher.upload("/api/v1/schools/"+sid+"/oneroster", oneRoster(t, "missing"), nil)
			if errs, _ := out["errors"].(map[string]any); s != 400 || !strings.Contains(errs["enrollments.csv"].(string), "enrollments.csv") {
				t.Errorf("missing file: %d %v", s, out)
			}
			s, out = teacher.upload("/api/v1/schools/"+sid+"/oneroster", map[string][]byte{"export.zip": zipped(t, oneRoster(t, "valid"))}, nil)
			if s != 200 || out["classes_created"] != 2.0 || out["students_created"] != 5.0 || len(out["classes"].([]any)) != 2 {
				t.Errorf("OneRoster: %d %v", s, out)
			}
			if s, _ := parent.upload("/api/v1/schools/"+sid+"/oneroster", oneRoster(t, "valid"), nil); s != 404 {
				t.Errorf("parent importing: %d", s)
			}

			// Co-teachers.
			if s, out, _ := teacher.do("POST", "/api/v1/classes/"+cid+"/teachers", `{"email":"`+demo.Teacher2Email+`"}`); s != 201 || out["last_name"] != "Park" {
				t.Errorf("add teacher: %d %v", s, out)
			}
			s, out, _ = teacher.do("GET", "/api/v1/classes/"+cid+"/teachers", "")
			teachers := out["teachers"].([]any)
			if s != 200 || len(teachers) != 2 {
				t.Fatalf("teachers: %d %v", s, out)
			}
			park := teachers[1].(map[string]any)["user_id"].(string)
			if s, _, _ := teacher.do("DELETE", "/api/v1/classes/"+cid+"/teachers/"+park, ""); s != 204 {
				t.Errorf("remove teacher: %d", s)
			}
			rosa := teachers[0].(map[string]any)["user_id"].(string)
			if s, out, _ := teacher.do("DELETE", "/api/v1/classes/"+cid+"/teachers/"+rosa, ""); s != 400 || out["errors"] == nil {
				t.Errorf("remove the last teacher: %d %v", s, out)
			}
			if s, _, _ := parent.do("GET", "/api/v1/classes/"+cid+"/teachers", ""); s != 404 {
				t.Errorf("parent listing teachers: %d", s)
			}

			// Merge two profiles of Ava.
			_, roster, _ := teacher.do("GET", "/api/v1/classes/"+cid, "")
			var ava string
			for _, st := range roster["students"].([]any) {
				if m := st.(map[string]any); m["first_name"] == "Ava" {
					ava = m["id"].(string)
				}
			}
			_, dup, _ := teacher.do("POST", "/api/v1/classes/"+cid+"/students", `{"first_name":"Ava","last_name":"Martín"}`)
			if s, out, _ := parent.do("POST", "/api/v1/students/"+ava+"/merge", `{"duplicate_id":"`+dup["id"].(string)+`"}`); s != 404 {
				t.Errorf("parent merging: %d %v", s, out)
			}
			s, out, _ = teacher.do("POST", "/api/v1/students/"+ava+"/merge", `{"duplicate_id":"`+dup["id"].(string)+`"}`, "Idempotency-Key", "merge-1")
			if s != 200 || out["kept"].(map[string]any)["id"] != ava || out["moved"].(map[string]any)["shared_classes"] != 1.0 {
				t.Errorf("merge: %d %v", s, out)
			}
			if s2, again, h := teacher.do("POST", "/api/v1/students/"+ava+"/merge", `{"duplicate_id":"`+dup["id"].(string)+`"}`, "Idempotency-Key", "merge-1"); s2 != 200 || h.Get("Idempotent-Replayed") != "true" || again["kept"] == nil {
				t.Errorf("retried merge: %d %v", s2, again)
			}
			if s, _, _ := teacher.do("POST", "/api/v1/students/"+ava+"/merge", `{"duplicate_id":"`+dup["id"].(string)+`"}`); s != 404 {
				t.Errorf("merging a removed profile again: %d", s)
			}

			// School-wide skills and settings: leaders only.
			if s, _, _ := teacher.do("GET", "/api/v1/schools/"+sid+"/skills", ""); s != 404 {
				t.Errorf("teacher on school skills: %d", s)
			}
			s, sk, _ := leader.do("POST", "/api/v1/schools/"+sid+"/skills", `{"name":"Reading buddy","weight":0}`)
			if s != 201 || sk["scope"] != "school" {
				t.Errorf("add school skill: %d %v", s, sk)
			}
			_, cs, _ := teacher.do("GET", "/api/v1/classes/"+cid+"/skills", "")
			if !strings.Contains(mustJSON(cs), "Reading buddy") {
				t.Error("the class does not show the school skill")
			}
			if s, _, _ := leader.do("DELETE", "/api/v1/schools/"+sid+"/skills/"+sk["id"].(string), ""); s != 204 {
				t.Errorf("archive school skill: %d", s)
			}
			if s, out, _ := leader.do("PATCH", "/api/v1/schools/"+sid+"/settings", `{"show_initials":true}`); s != 200 || out["show_initials"] != true {
				t.Errorf("settings: %d %v", s, out)
			}
			if s, _, _ := teacher.do("PATCH", "/api/v1/schools/"+sid+"/settings", `{"show_initials":false}`); s != 404 {
				t.Errorf("teacher changing settings: %d", s)
			}

			// Rollover, then the old class is read-only (409).
			s, nc, _ := teacher.do("POST", "/api/v1/classes/"+cid+"/rollover", `{"name":"Class 4 Sunflowers","student_ids":["`+ava+`"]}`)
			if s != 201 || nc["student_count"] != 1.0 {
				t.Fatalf("rollover: %d %v", s, nc)
			}
			_, skills, _ := teacher.do("GET", "/api/v1/classes/"+cid+"/skills", "")
			skill := skills["skills"].([]any)[0].(map[string]any)["id"].(string)
			s, out, _ = teacher.do("POST", "/api/v1/classes/"+cid+"/points", `{"student_ids":["`+ava+`"],"skill_id":"`+skill+`"}`)
			if s != 409 || !strings.Contains(out["detail"].(string), "archived") {
				t.Errorf("points on the archived class: %d %v", s, out)
			}
			if _, out, _ := teacher.do("GET", "/api/v1/classes/"+cid, ""); out["archived"] != true {
				t.Errorf("old class: %v", out)
			}
		})
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// The upload operations document their multipart bodies.
func TestUploadsInOpenAPI(t *testing.T) {
	t.Parallel()
	env := testenv.New(t, dbtest.SQLiteOnly(t, "the OpenAPI document is built from the route table, not the database"))
	doc := api.New(env.App, nil, nil).Document()
	paths := doc["paths"].(map[string]any)
	for _, p := range []string{"/api/v1/classes/{id}/students/import", "/api/v1/schools/{id}/oneroster"} {
		body := mustJSON(paths[p].(map[string]any)["post"].(map[string]any)["requestBody"])
		if !strings.Contains(body, "multipart/form-data") || !strings.Contains(body, "Upload") {
			t.Errorf("%s body: %s", p, body)
		}
	}
}
