package web_test

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"cubby/internal/app"
	"cubby/internal/db"
	"cubby/internal/demo"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

// role is an account type of the authorization matrix, named from the
// point of view of the demo school's class 3 Sunflowers, its student Ava
// and her mother Helen, whose records every path names.
type role string

const (
	visitor      role = "logged out"
	student      role = "student"               // Ava
	parent       role = "parent"                // Helen, Ava's mother
	otherParent  role = "other family's parent" // Sofia's parent, same class
	teacher      role = "class teacher"         // Rosa, teaches the class
	colleague    role = "school teacher"        // Daniel, same school, another class
	teacherOther role = "other school teacher"
	leader       role = "school leader"
	leaderOther  role = "other school leader"
)

func matrixRoles() []role {
	return []role{visitor, student, parent, otherParent, teacher, colleague, teacherOther, leader, leaderOther}
}

// twoSchools is the matrix's fixture: the demo school (the records
// named in paths) and a second school with a leader, a teacher and a
// class of its own, whose staff ask for the first school's records.
type twoSchools struct {
	env     *testenv.Env
	clients map[role]*http.Client
	// ids maps a kind of record ("class", "story", …) to the id the
	// matrix puts in paths; a kind the fixture has no record of is
	// missing, and its paths get an id nobody has.
	ids map[string]string
}

// missingID names no record: every account type must be refused it.
const missingID = "2147480000"

func newTwoSchools(t testing.TB, env *testenv.Env) *twoSchools {
	t.Helper()
	ctx := context.Background()
	f := &twoSchools{env: env, ids: map[string]string{}}
	one := func(kind, query string, args ...any) {
		var v any
		if err := env.DB.R.QueryRowContext(ctx, query, args...).Scan(&v); err != nil {
			if err != sql.ErrNoRows {
				t.Fatalf("fixture %s: %v", kind, err)
			}
			return
		}
		switch v := v.(type) {
		case []byte:
			f.ids[kind] = string(v)
		default:
			f.ids[kind] = fmt.Sprint(v)
		}
	}
	one("school", `SELECT id FROM schools WHERE source = 'demo'`)
	school := f.ids["school"]
	one("class", `SELECT id FROM classes WHERE school_id = $1 AND name = 'Class 3 Sunflowers'`, school)
	class := f.ids["class"]
	one("student", `SELECT s.id FROM students s JOIN users u ON u.id = s.user_id WHERE u.username = $1`, demo.StudentUsername)
	one("parentUser", `SELECT id FROM users WHERE email = $1`, demo.ParentEmail)
	one("teacherUser", `SELECT id FROM users WHERE email = $1`, demo.TeacherEmail)
	one("colleagueUser", `SELECT id FROM users WHERE email = $1`, demo.Teacher2Email)
	one("otherStudent", `SELECT s.id FROM students s JOIN users u ON u.id = s.user_id WHERE u.username = 'sofia.r'`)

	// The second school, built as the demo builds its own.
	hash, err := app.HashPassword(demo.Password, env.App.Password)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	err = env.DB.Tx(ctx, func(tx db.Querier) error {
		other := &store.School{Name: "Riverside Academy", Address: "5 River Rd", City: "Leeds", Country: "GB",
			YearStart: "2026-09-01", YearEnd: "2027-07-20", Source: "test", SourceID: "authz-matrix", Verified: true, CreatedAt: now}
		if err := store.CreateSchool(ctx, tx, other); err != nil {
			return err
		}
		var teacherID int64
		for _, s := range []struct{ email, kind, role string }{
			{"leader@riverside.test", store.KindLeader, store.RoleLeader},
			{"teacher@riverside.test", store.KindTeacher, store.RoleTeacher},
		} {
			u := &store.User{Kind: s.kind, FirstName: "Other", LastName: "Staff", Email: s.email, PasswordHash: hash,
				Language: "en", CreatedAt: now, EmailVerifiedAt: &now}
			if err := store.CreateUser(ctx, tx, u); err != nil {
				return err
			}
			if err := store.AddMembership(ctx, tx, &store.Membership{SchoolID: other.ID, UserID: u.ID, Role: s.role,
				Status: "active", VerifiedAt: &now, CreatedAt: now}); err != nil {
				return err
			}
			teacherID = u.ID
		}
		return store.CreateClass(ctx, tx, &store.Class{SchoolID: other.ID, Name: "Year 4 Otters", CreatedAt: now}, teacherID)
	})
	if err != nil {
		t.Fatal(err)
	}

	f.clients = map[role]*http.Client{visitor: env.Client()}
	for r, who := range map[role]string{student: demo.StudentUsername, parent: demo.ParentEmail, otherParent: "parent.sofia@demo.cubby.test",
		teacher: demo.TeacherEmail, colleague: demo.Teacher2Email, leader: demo.LeaderEmail,
		teacherOther: "teacher@riverside.test", leaderOther: "leader@riverside.test"} {
		f.clients[r] = loginTB(t, env, who)
	}

	// Records the demo does not seed: a conversation between the class
	// teacher and Helen about Ava, with a message each, Helen's report
	// of the teacher's message.
	var started struct {
		Conversation struct {
			ID string `json:"id"`
		} `json:"conversation"`
		Message struct {
			ID string `json:"id"`
		} `json:"message"`
	}
	f.apiSetup(t, teacher, "POST", "/api/v1/conversations", map[string]any{"school_id": school, "student_id": f.ids["student"],
		"to": f.ids["parentUser"], "text": "Ava read beautifully today."}, &started)
	f.ids["conversation"], f.ids["message"] = started.Conversation.ID, started.Message.ID
	f.apiSetup(t, parent, "POST", "/api/v1/conversations/"+started.Conversation.ID+"/messages", map[string]any{"text": "Thank you!"}, nil)
	f.apiSetup(t, parent, "POST", "/api/v1/messages/"+started.Message.ID+"/reports", map[string]any{"reason": "test"}, nil)

	one("otherParentUser", `SELECT id FROM users WHERE email = 'parent.sofia@demo.cubby.test'`)
	f.more(t)

	one("classSkill", `SELECT id FROM skills WHERE class_id = $1 ORDER BY id LIMIT 1`, class)
	one("schoolSkill", `SELECT id FROM skills WHERE school_id = $1 AND class_id IS NULL ORDER BY id LIMIT 1`, school)
	one("story", `SELECT id FROM story_posts WHERE class_id = $1 ORDER BY id LIMIT 1`, class)
	one("storyComment", `SELECT c.id FROM story_comments c JOIN story_posts p ON p.id = c.post_id WHERE p.class_id = $1 ORDER BY c.id LIMIT 1`, class)
	one("storyAttachment", `SELECT a.id FROM story_attachments a JOIN story_posts p ON p.id = a.post_id WHERE p.class_id = $1 ORDER BY a.id LIMIT 1`, class)
	one("storyFile", `SELECT a.public_id FROM story_attachments a JOIN story_posts p ON p.id = a.post_id WHERE p.class_id = $1 ORDER BY a.id LIMIT 1`, class)
	one("storyReport", `SELECT id FROM story_reports WHERE school_id = $1 ORDER BY id LIMIT 1`, school)
	one("portfolioItem", `SELECT id FROM portfolio_items WHERE student_id = $1 ORDER BY id LIMIT 1`, f.ids["student"])
	one("portfolioComment", `SELECT c.id FROM portfolio_comments c JOIN portfolio_items i ON i.id = c.item_id WHERE i.student_id = $1 ORDER BY c.id LIMIT 1`, f.ids["student"])
	one("portfolioFile", `SELECT pf.public_id FROM portfolio_files pf JOIN portfolio_items i ON i.id = pf.item_id WHERE i.student_id = $1 ORDER BY pf.id LIMIT 1`, f.ids["student"])
	one("activity", `SELECT id FROM portfolio_activities WHERE class_id = $1 ORDER BY id LIMIT 1`, class)
	one("point", `SELECT id FROM points WHERE class_id = $1 ORDER BY id DESC LIMIT 1`, class)
	one("notification", `SELECT id FROM notifications WHERE user_id = $1 ORDER BY id LIMIT 1`, f.ids["parentUser"])
	one("consent", `SELECT id FROM consents WHERE grantor_user_id = $1 OR subject_user_id = $2 ORDER BY id LIMIT 1`, f.ids["parentUser"], f.ids["parentUser"])
	one("messageReport", `SELECT id FROM message_reports WHERE school_id = $1 ORDER BY id LIMIT 1`, school)
	one("messageFile", `SELECT public_id FROM message_attachments WHERE school_id = $1 ORDER BY id LIMIT 1`, school)
	one("classJoinRequest", `SELECT id FROM class_join_requests WHERE class_id = $1 ORDER BY id LIMIT 1`, class)
	one("messageBlock", `SELECT id FROM message_blocks WHERE school_id = $1 ORDER BY id LIMIT 1`, school)
	one("restriction", `SELECT id FROM processing_restrictions WHERE school_id = $1 ORDER BY id LIMIT 1`, school)
	one("guardianBlock", `SELECT id FROM guardian_blocks WHERE school_id = $1 ORDER BY id LIMIT 1`, school)
	var missing []string
	for _, k := range []string{"school", "class", "student", "classSkill", "schoolSkill", "story", "storyComment", "storyAttachment", "storyFile",
		"storyReport", "storyUpload", "conversation", "message", "messageFile", "messageReport", "messageBlock", "portfolioItem",
		"portfolioComment", "portfolioFile", "activity", "point", "notification", "export", "consent", "device", "classJoinRequest",
		"schoolJoinRequest", "correction", "restriction", "guardianBlock"} {
		if _, ok := f.ids[k]; !ok {
			missing = append(missing, k)
		}
	}
	t.Logf("records the fixture has none of (their routes are asked with an id nobody has): %q", missing)
	return f
}

// loginTB is login for a test or a fuzz target.
func loginTB(t testing.TB, env *testenv.Env, who string) *http.Client {
	t.Helper()
	c := env.Client()
	resp, err := c.PostForm(env.URL+"/login", url.Values{"login": {who}, "password": {demo.Password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login %s: status %d", who, resp.StatusCode)
	}
	return c
}

// apiSetup makes a record the fixture needs through the API, as the
// person who would.
func (f *twoSchools) apiSetup(t testing.TB, r role, method, path string, body any, out any) {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, f.env.URL+path, strings.NewReader(string(b)))
	req.Header.Set("Content-Type", "application/json")
	resp, err := f.clients[r].Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		t.Fatalf("fixture %s %s as %s: %d %s", method, path, r, resp.StatusCode, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("fixture %s %s: %v", method, path, err)
		}
	}
}

// more makes the records the demo does not seed and a refusal of them is
// worth asking about: files of a Class Story post, of a message and of
// Ava's portfolio, a school skill, Helen's export, her restriction of
// Ava's processing, a message block of the other parent, a report of a
// story comment. Each is made through the API as the person who would; one
// that cannot be made is logged, and its routes are asked with an id
// nobody has.
func (f *twoSchools) more(t testing.TB) {
	t.Helper()
	ids := f.ids
	photo := func(fields url.Values) shape { return f.multipart(fields, "file") }
	f.try(t, teacher, "POST", "/api/v1/classes/"+ids["class"]+"/story", photo(url.Values{"text": {"Our garden today."}}))
	f.try(t, teacher, "POST", "/api/v1/conversations/"+ids["conversation"]+"/messages", photo(url.Values{"text": {"A photo of the garden."}}))
	f.try(t, student, "POST", "/api/v1/students/"+ids["student"]+"/portfolio", photo(url.Values{"text": {"My sunflower."}}))
	if out := f.try(t, leader, "POST", "/api/v1/schools/"+ids["school"]+"/skills", jsonShape(map[string]any{"name": "Kindness", "weight": 1})); out["id"] != nil {
		ids["schoolSkill"] = fmt.Sprint(out["id"])
	}
	if out := f.try(t, parent, "POST", "/api/v1/me/export", jsonShape(map[string]any{})); out["export_id"] != nil {
		ids["export"] = fmt.Sprint(out["export_id"])
	}
	f.try(t, parent, "POST", "/api/v1/students/"+ids["student"]+"/restrictions", jsonShape(map[string]any{"ground": "accuracy", "request": "Her last name is spelled wrongly."}))
	f.try(t, leader, "POST", "/api/v1/schools/"+ids["school"]+"/message-blocks", jsonShape(map[string]any{"parent_id": ids["otherParentUser"], "reason": "test"}))
	var story string
	f.env.DB.R.QueryRow(`SELECT id FROM story_posts WHERE class_id = $1 ORDER BY id LIMIT 1`, ids["class"]).Scan(&story)
	f.try(t, otherParent, "POST", "/api/v1/stories/"+story+"/comments", jsonShape(map[string]any{"text": "Lovely!"}))
	var comment string
	f.env.DB.R.QueryRow(`SELECT c.id FROM story_comments c JOIN story_posts p ON p.id = c.post_id JOIN users u ON u.id = c.author_id
		WHERE p.class_id = $1 AND u.email <> $2 ORDER BY c.id LIMIT 1`, ids["class"], demo.ParentEmail).Scan(&comment)
	if comment != "" {
		f.try(t, parent, "POST", "/api/v1/story-comments/"+comment+"/reports", jsonShape(map[string]any{"reason": "test"}))
	}
	f.env.App.WaitJobs() // the export's archive
}

func jsonShape(v map[string]any) shape {
	b, _ := json.Marshal(v)
	return shape{body: b, ctype: "application/json"}
}

// try sends a request of the fixture's and returns its JSON answer; a
// refusal is logged, not fatal.
func (f *twoSchools) try(t testing.TB, r role, method, path string, s shape) map[string]any {
	t.Helper()
	req, _ := http.NewRequest(method, f.env.URL+path, bytes.NewReader(s.body))
	req.Header.Set("Content-Type", s.ctype)
	resp, err := f.clients[r].Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		t.Logf("fixture %s %s as %s: %d %s", method, path, r, resp.StatusCode, data)
		return nil
	}
	var out map[string]any
	json.Unmarshal(data, &out)
	return out
}

// kindOf names the record a path's wildcard stands for, from the segment
// before it (and, for skills, the one before that).
func kindOf(segs []string, i int, api bool) string {
	w := segs[i]
	prev := ""
	if i > 0 {
		prev = segs[i-1]
	}
	first := segs[1]
	switch w {
	case "{$}":
		return "{$}"
	case "{school}":
		return "school"
	case "{date}":
		return "date"
	case "{action}":
		return "action"
	case "{version}":
		return "version"
	case "{token}":
		return "token"
	case "{class_id}":
		return "class"
	case "{student_id}":
		return "student"
	case "{export_id}":
		return "export"
	case "{skill_id}":
		return "schoolSkill"
	case "{block_id}", "{bid}":
		return "guardianBlock"
	case "{uid}", "{user_id}":
		return "teacherUser"
	}
	switch prev {
	case "classes", "class-grades":
		return "class"
	case "schools":
		return "school"
	case "students", "children", "tags":
		return "student"
	case "skills":
		if first == "schools" {
			return "schoolSkill"
		}
		return "classSkill"
	case "stories":
		return "story"
	case "story-comments":
		return "storyComment"
	case "story-attachments":
		return "storyAttachment"
	case "story-files":
		return "storyFile"
	case "story-reports":
		return "storyReport"
	case "story-uploads":
		return "storyUpload"
	case "messages":
		if api {
			return "message"
		}
		return "conversation"
	case "conversations":
		return "conversation"
	case "message-items":
		return "message"
	case "message-files", "message-attachments":
		return "messageFile"
	case "message-reports":
		return "messageReport"
	case "message-blocks":
		return "messageBlock"
	case "portfolio-items":
		return "portfolioItem"
	case "portfolio-comments":
		return "portfolioComment"
	case "portfolio-files":
		return "portfolioFile"
	case "activities":
		return "activity"
	case "class-join-requests":
		return "classJoinRequest"
	case "points":
		return "point"
	case "notifications":
		return "notification"
	case "export":
		return "export"
	case "consents":
		return "consent"
	case "devices":
		return "device"
	case "join":
		return "schoolJoinRequest"
	case "corrections":
		return "correction"
	case "restrictions":
		return "restriction"
	case "versions":
		return "version"
	case "invitations":
		return "token"
	}
	return "unknown:" + prev + "/" + w
}

// ownRecord tells the kinds of record that belong to one person, and whose:
// a Self route naming one is for its owner only.
func ownRecord(kind string) []role {
	switch kind {
	case "notification", "export", "device":
		return []role{parent}
	case "consent":
		// Helen's consent for Ava: the parent who gave it and the child
		// it is about may each withdraw it.
		return []role{parent, student}
	case "schoolJoinRequest":
		return []role{teacherOther}
	case "storyUpload":
		return []role{teacher}
	}
	return nil
}

// fill puts the fixture's records into a route's pattern; kinds lists
// what it named.
func (f *twoSchools) fill(pattern string, api bool) (path string, kinds []string) {
	segs := strings.Split(pattern, "/")
	for i, s := range segs {
		if !strings.HasPrefix(s, "{") {
			continue
		}
		kind := kindOf(segs, i, api)
		kinds = append(kinds, kind)
		switch kind {
		case "{$}":
			segs[i] = ""
		case "date":
			segs[i] = time.Now().In(f.env.App.Location).Format(time.DateOnly)
		case "action":
			segs[i] = "remove"
		case "version":
			segs[i] = "1"
		default:
			if id, ok := f.ids[kind]; ok {
				segs[i] = id
			} else {
				segs[i] = missingID
			}
		}
	}
	return strings.Join(segs, "/"), kinds
}

// idorQuery and idorForm carry the first school's ids in the query string
// and the body, under the names the forms and the API use.
func (f *twoSchools) idorQuery() url.Values {
	v := url.Values{}
	for _, k := range []string{"class", "class_id", "student", "student_id", "school", "school_id", "to", "child"} {
		switch {
		case strings.HasPrefix(k, "class"):
			v.Set(k, f.ids["class"])
		case strings.HasPrefix(k, "school"):
			v.Set(k, f.ids["school"])
		case k == "to":
			v.Set(k, f.ids["parentUser"])
		default:
			v.Set(k, f.ids["student"])
		}
	}
	return v
}

// tableSums is what the matrix compares before and after the refused
// requests of a route: each table's row count and an order-free sum of
// its rows' hashes. Tables that record a request rather than change
// anything (sessions' last use, the request log, usage counters) are left
// out.
func tableSums(t *testing.T, d *db.DB, tables []string) map[string][2]uint64 {
	t.Helper()
	sums := map[string][2]uint64{}
	for _, tb := range tables {
		rows, err := d.R.Query(`SELECT * FROM ` + tb)
		if err != nil {
			t.Fatalf("%s: %v", tb, err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		var n, sum uint64
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			h := sha256.New()
			for _, v := range vals {
				if b, ok := v.([]byte); ok {
					v = string(b)
				}
				fmt.Fprintf(h, "%v\x00", v)
			}
			n++
			sum += binary.LittleEndian.Uint64(h.Sum(nil))
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		sums[tb] = [2]uint64{n, sum}
	}
	return sums
}

// notWrites are tables a refused request may touch: they record the
// request, not a change of anything.
func notWrite(table string) bool {
	switch table {
	case "sessions", "request_log", "usage_counts", "goose_db_version", "schema_migrations":
		return true
	}
	return false
}

func matrixTables(t *testing.T, d *db.DB) []string {
	t.Helper()
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	if d.Dialect == db.Postgres {
		q = `SELECT tablename FROM pg_tables WHERE schemaname = current_schema()`
	}
	rows, err := d.R.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		if !notWrite(n) {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

func changedTables(before, after map[string][2]uint64) []string {
	var out []string
	for tb, s := range after {
		if before[tb] != s {
			out = append(out, tb+" ("+strconv.FormatUint(before[tb][0], 10)+"→"+strconv.FormatUint(s[0], 10)+" rows)")
		}
	}
	slices.Sort(out)
	return out
}

// example builds a valid body for an API op from its OpenAPI schema, with
// the first school's records wherever it names one: refused as the wrong
// person, it would be a write that succeeds as the right one.
func (f *twoSchools) example(schemas map[string]any, s map[string]any, name string, depth int) any {
	if r, ok := s["$ref"].(string); ok {
		s, _ = schemas[strings.TrimPrefix(r, "#/components/schemas/")].(map[string]any)
	}
	if s == nil || depth > 6 {
		return nil
	}
	if e, ok := s["enum"].([]string); ok && len(e) > 0 {
		return e[0]
	}
	typ, _ := s["type"].(string)
	if ts, ok := s["type"].([]string); ok {
		for _, t := range ts {
			if t != "null" {
				typ = t
				break
			}
		}
	}
	switch typ {
	case "object":
		out := map[string]any{}
		props, _ := s["properties"].(map[string]any)
		for k, p := range props {
			if ps, ok := p.(map[string]any); ok {
				out[k] = f.example(schemas, ps, k, depth+1)
			}
		}
		return out
	case "array":
		items, _ := s["items"].(map[string]any)
		return []any{f.example(schemas, items, strings.TrimSuffix(name, "s"), depth+1)}
	case "integer", "number":
		if m, ok := s["minimum"].(int); ok && m > 0 {
			return m
		}
		return 1
	case "boolean":
		return false
	}
	switch format, _ := s["format"].(string); {
	case format == "date" || name == "date":
		return time.Now().In(f.env.App.Location).Format(time.DateOnly)
	case format == "date-time":
		return time.Now().UTC().Add(time.Hour).Format(time.RFC3339)
	}
	kind := map[string]string{"school_id": "school", "class_id": "class", "student_id": "student", "skill_id": "classSkill",
		"to": "parentUser", "user_id": "teacherUser", "activity_id": "activity", "conversation_id": "conversation",
		"upload_id": "storyUpload", "school_ids": "school", "student_ids": "student", "guardian_id": "parentUser",
		"requested_by": "parentUser", "duplicate_id": "otherStudent", "classes_to": "colleagueUser"}[name]
	switch {
	case kind != "":
		return cmp.Or(f.ids[kind], missingID)
	case strings.Contains(name, "email"):
		return "someone@example.test"
	case name == "language" || strings.HasSuffix(name, "_language"):
		return "en"
	}
	return "x"
}
