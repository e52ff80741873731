package api_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"cubby/internal/db/dbtest"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

// Saving today's attendance for a whole class over HTTP at 32 concurrent
// clients: every request marks each student of the demo class, one in
// five absent (so absence notices are queued too). Run with:
//
//	go test ./internal/api/ -run '^$' -bench Attendance -benchtime 3000x
//	CUBBY_TEST_DATABASE_URL=postgres://… go test ./internal/api/ -run '^$' -bench Attendance -benchtime 3000x
func BenchmarkAttendance(b *testing.B) {
	for _, d := range dbtest.Engines(b) {
		b.Run(string(d), func(b *testing.B) {
			env := testenv.New(b, d)
			token := benchLogin(b, env)
			roster, _ := store.StudentsOfClass(context.Background(), env.DB.R, 1)
			day := env.App.Today()
			var i atomic.Int64
			mk := func() *http.Request {
				n := int(i.Add(1))
				var recs []string
				for k, st := range roster {
					status := store.Present
					if (k+n)%5 == 0 {
						status = store.Absent
					}
					recs = append(recs, fmt.Sprintf(`{"student_id":"%d","status":"%s"}`, st.ID, status))
				}
				req, _ := http.NewRequest("PUT", env.URL+"/api/v1/classes/1/attendance/"+day,
					bytes.NewBufferString(`{"records":[`+strings.Join(recs, ",")+`]}`))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", "application/json")
				return req
			}
			b.Logf("%d students per save", len(roster))
			loadRun(b, mk, http.StatusOK)
		})
	}
}
