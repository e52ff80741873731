package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

// Awarding points over HTTP at 32 concurrent clients, against a bare
// handler that only inserts the same row (the limit the database sets),
// measured in the same run. Run with:
//
//	go test ./internal/api/ -run '^$' -bench Award -benchtime 10000x
//	CUBBY_TEST_DATABASE_URL=postgres://… go test ./internal/api/ -run '^$' -bench Award -benchtime 10000x
func BenchmarkAwardPoints(b *testing.B) {
	for _, d := range dbtest.Engines(b) {
		b.Run(string(d), func(b *testing.B) {
			env := testenv.New(b, d)
			token := benchLogin(b, env)
			roster, _ := store.StudentsOfClass(context.Background(), env.DB.R, 1)
			skills, _ := store.SkillsForClass(context.Background(), env.DB.R, 1, 1)
			var i atomic.Int64
			full := func() *http.Request {
				n := i.Add(1)
				body := fmt.Sprintf(`{"student_ids":["%d"],"skill_id":"%d"}`, roster[int(n)%len(roster)].ID, skills[0].ID)
				req, _ := http.NewRequest("POST", env.URL+"/api/v1/classes/1/points", bytes.NewBufferString(body))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", "application/json")
				return req
			}
			bare := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				var p store.Point
				json.NewDecoder(r.Body).Decode(&p)
				p = store.Point{SchoolID: 1, ClassID: 1, StudentID: roster[0].ID, SkillID: skills[0].ID, SkillName: skills[0].Name,
					Weight: skills[0].Weight, AwardedBy: 2, AwardedAt: time.Now().UTC()}
				if err := store.AddPoint(r.Context(), env.DB.W, &p); err != nil {
					http.Error(w, err.Error(), 500)
					return
				}
				w.WriteHeader(http.StatusCreated)
				json.NewEncoder(w).Encode(map[string]any{"awards": []any{map[string]any{"id": p.ID}}})
			}))
			defer bare.Close()
			bareReq := func() *http.Request {
				req, _ := http.NewRequest("POST", bare.URL, bytes.NewBufferString(`{"student_ids":["1"],"skill_id":"1"}`))
				return req
			}
			b.Run("cubby", func(b *testing.B) { loadRun(b, full, http.StatusCreated) })
			b.Run("bare-insert", func(b *testing.B) { loadRun(b, bareReq, http.StatusCreated) })
		})
	}
}

func benchLogin(b *testing.B, env *testenv.Env) string {
	resp, err := http.Post(env.URL+"/api/v1/auth/login", "application/json",
		bytes.NewBufferString(`{"email":"`+demo.TeacherEmail+`","password":"`+demo.Password+`"}`))
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ Token string }
	json.NewDecoder(resp.Body).Decode(&out)
	return out.Token
}

// loadRun sends b.N requests from 32 concurrent clients and reports
// requests per second and the p50 and p99 latency.
func loadRun(b *testing.B, mk func() *http.Request, want int) {
	const clients = 32
	tr := &http.Transport{MaxIdleConns: clients, MaxIdleConnsPerHost: clients}
	hc := &http.Client{Transport: tr}
	defer tr.CloseIdleConnections()
	var mu sync.Mutex
	lat := make([]time.Duration, 0, b.N)
	var next atomic.Int64
	var failed atomic.Int64
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(b.N) {
				t0 := time.Now()
				resp, err := hc.Do(mk())
				d := time.Since(t0)
				if err != nil || resp.StatusCode != want {
					failed.Add(1)
				}
				if err == nil {
					io.Copy(io.Discard, resp.Body) // so the connection is reused
					resp.Body.Close()
				}
				mu.Lock()
				lat = append(lat, d)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if f := failed.Load(); f > 0 {
		b.Fatalf("%d of %d requests failed", f, b.N)
	}
	slices.Sort(lat)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}
