package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"cubby/internal/benchdata"
)

// loadUser is one seeded person logged in twice: a bearer token for the
// API and a cookie for the web pages.
type loadUser struct {
	token string
	web   *http.Client
}

// loadPlan is what the load run found out about the district from the
// server itself, as a real client would.
type loadPlan struct {
	base     string
	schoolID string
	leader   loadUser
	teachers []loadTeacher
	parents  []loadUser
	from, to string // a year, for the reports
}

type loadTeacher struct {
	loadUser
	classID  string
	skillID  string
	students []string
}

// loadCase is one use case of the mix: weight requests in every
// sum-of-weights, made by req for the n-th request of a client.
type loadCase struct {
	name   string
	weight int
	want   int
	req    func(p *loadPlan, n int) (*http.Client, *http.Request)
}

func loadCases() []loadCase {
	api := func(u loadUser, method, url, body string) (*http.Client, *http.Request) {
		req, _ := http.NewRequest(method, url, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+u.token)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		return http.DefaultClient, req
	}
	page := func(u loadUser, url string) (*http.Client, *http.Request) {
		req, _ := http.NewRequest("GET", url, nil)
		return u.web, req
	}
	return []loadCase{
		{"award (one student)", 40, http.StatusCreated, func(p *loadPlan, n int) (*http.Client, *http.Request) {
			t := p.teachers[n%len(p.teachers)]
			return api(t.loadUser, "POST", p.base+"/api/v1/classes/"+t.classID+"/points",
				fmt.Sprintf(`{"student_ids":["%s"],"skill_id":"%s"}`, t.students[n%len(t.students)], t.skillID))
		}},
		{"award (whole class)", 5, http.StatusCreated, func(p *loadPlan, n int) (*http.Client, *http.Request) {
			t := p.teachers[n%len(p.teachers)]
			return api(t.loadUser, "POST", p.base+"/api/v1/classes/"+t.classID+"/points",
				fmt.Sprintf(`{"student_ids":["%s"],"skill_id":"%s"}`, strings.Join(t.students, `","`), t.skillID))
		}},
		{"attendance (class)", 5, http.StatusOK, func(p *loadPlan, n int) (*http.Client, *http.Request) {
			t := p.teachers[n%len(p.teachers)]
			var recs []string
			for k, s := range t.students {
				// Late, not absent: an absent student gets no points, and
				// the award cases would fail on them (409).
				status := "present"
				if (k+n)%20 == 0 {
					status = "late"
				}
				recs = append(recs, fmt.Sprintf(`{"student_id":"%s","status":"%s"}`, s, status))
			}
			return api(t.loadUser, "PUT", p.base+"/api/v1/classes/"+t.classID+"/attendance/"+p.to,
				`{"records":[`+strings.Join(recs, ",")+`]}`)
		}},
		{"class page (HTML)", 20, http.StatusOK, func(p *loadPlan, n int) (*http.Client, *http.Request) {
			t := p.teachers[n%len(p.teachers)]
			return page(t.loadUser, p.base+"/classes/"+t.classID)
		}},
		{"parent home (HTML)", 15, http.StatusOK, func(p *loadPlan, n int) (*http.Client, *http.Request) {
			return page(p.parents[n%len(p.parents)], p.base+"/")
		}},
		{"student year report", 8, http.StatusOK, func(p *loadPlan, n int) (*http.Client, *http.Request) {
			t := p.teachers[n%len(p.teachers)]
			return api(t.loadUser, "GET", p.base+"/api/v1/students/"+t.students[n%len(t.students)]+"/report?from="+p.from+"&to="+p.to, "")
		}},
		{"school summary (year)", 1, http.StatusOK, func(p *loadPlan, n int) (*http.Client, *http.Request) {
			return page(p.leader, p.base+"/schools/"+p.schoolID+"/report?from="+p.from+"&to="+p.to)
		}},
		{"school search", 6, http.StatusOK, func(p *loadPlan, n int) (*http.Client, *http.Request) {
			q := []string{"elementary", "lincoln", "high school", "saint mary", "middle"}[n%5]
			req, _ := http.NewRequest("GET", p.base+"/api/v1/schools/search?q="+url.QueryEscape(q), nil)
			return http.DefaultClient, req
		}},
	}
}

// runBenchLoad drives a running Cubby (a seeded district: cubby bench
// seed) with a mix of use cases for a while and prints, per use case,
// requests per second, p50, p99 and errors. Only loopback addresses are
// accepted: it is a benchmark of one's own server, not a load generator.
func runBenchLoad(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("cubby bench load", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	base := fs.String("url", "http://127.0.0.1:8080", "the server, on this machine")
	seed := fs.Uint64("seed", 1, "the seed the district was made with (its logins)")
	duration := fs.Duration("duration", 30*time.Second, "how long to run")
	clients := fs.Int("clients", 16, "concurrent clients")
	teachers := fs.Int("teachers", 8, "teachers to log in as (each with their class)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	u, err := url.Parse(*base)
	if err != nil || (u.Hostname() != "localhost" && !strings.HasPrefix(u.Hostname(), "127.") && u.Hostname() != "::1") {
		return fmt.Errorf("-url %q: only a server on this machine (127.0.0.1, localhost, [::1])", *base)
	}
	p, err := planLoad(ctx, strings.TrimRight(*base, "/"), *seed, *teachers)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "logged in as a leader, %d teachers and %d parents of school %s; running %s with %d clients\n",
		len(p.teachers), len(p.parents), p.schoolID, *duration, *clients)
	res := driveLoad(ctx, p, loadCases(), *clients, *duration)
	printLoad(e.stdout, res, *duration)
	return nil
}

// planLoad logs in and finds each teacher's class, roster and a skill.
func planLoad(ctx context.Context, base string, seed uint64, teachers int) (*loadPlan, error) {
	today := time.Now().UTC()
	p := &loadPlan{base: base, from: today.AddDate(0, 0, -364).Format(time.DateOnly), to: today.Format(time.DateOnly)}
	var err error
	if p.leader, err = loginBoth(ctx, base, benchdata.LeaderEmail(seed, 1)); err != nil {
		return nil, err
	}
	for n := int64(1); len(p.teachers) < teachers && n <= int64(teachers)*2; n++ {
		u, err := loginBoth(ctx, base, benchdata.TeacherEmail(seed, n))
		if err != nil {
			return nil, err
		}
		var classes struct {
			Classes []struct {
				ID       string
				SchoolID string `json:"school_id"`
			}
		}
		if err := getJSON(ctx, base+"/api/v1/classes", u.token, &classes); err != nil || len(classes.Classes) == 0 {
			return nil, fmt.Errorf("teacher %d's classes: %v", n, err)
		}
		c := classes.Classes[0]
		if p.schoolID == "" {
			p.schoolID = c.SchoolID
		}
		if c.SchoolID != p.schoolID {
			break // the first school's teachers only: its leader reads its summary
		}
		t := loadTeacher{loadUser: u}
		var class struct {
			ID       string
			Students []struct{ ID string }
		}
		var skills struct{ Skills []struct{ ID string } }
		if err := getJSON(ctx, base+"/api/v1/classes/"+c.ID, u.token, &class); err != nil {
			return nil, err
		}
		if err := getJSON(ctx, base+"/api/v1/classes/"+c.ID+"/skills", u.token, &skills); err != nil || len(skills.Skills) == 0 {
			return nil, fmt.Errorf("class %s's skills: %v", c.ID, err)
		}
		t.classID, t.skillID = class.ID, skills.Skills[0].ID
		for _, s := range class.Students {
			t.students = append(t.students, s.ID)
		}
		if len(t.students) == 0 {
			continue
		}
		// Everyone present today, so every award of the run is allowed
		// (the seeded day may have absences, and an absent student gets
		// no points: 409).
		var recs []string
		for _, s := range t.students {
			recs = append(recs, `{"student_id":"`+s+`","status":"present"}`)
		}
		req, _ := http.NewRequestWithContext(ctx, "PUT", base+"/api/v1/classes/"+t.classID+"/attendance/"+p.to,
			strings.NewReader(`{"records":[`+strings.Join(recs, ",")+`]}`))
		req.Header.Set("Authorization", "Bearer "+u.token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil, err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("attendance of class %s: %s", t.classID, resp.Status)
		}
		p.teachers = append(p.teachers, t)
	}
	for n := int64(1); n <= 4; n++ {
		u, err := loginBoth(ctx, base, benchdata.ParentEmail(seed, n))
		if err != nil {
			return nil, err
		}
		p.parents = append(p.parents, u)
	}
	if len(p.teachers) == 0 {
		return nil, errors.New("no teacher with a class: seed the district first (cubby bench seed)")
	}
	return p, nil
}

// loginBoth logs in through the API (a token) and the web form (a cookie).
func loginBoth(ctx context.Context, base, email string) (loadUser, error) {
	body, _ := json.Marshal(map[string]string{"email": email, "password": BenchPassword})
	req, _ := http.NewRequestWithContext(ctx, "POST", base+"/api/v1/auth/login", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return loadUser{}, err
	}
	var out struct{ Token string }
	json.NewDecoder(resp.Body).Decode(&out)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || out.Token == "" {
		return loadUser{}, fmt.Errorf("log in as %s: %s", email, resp.Status)
	}
	jar, _ := cookiejar.New(nil)
	web := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	form := url.Values{"login": {email}, "password": {BenchPassword}}
	req, _ = http.NewRequestWithContext(ctx, "POST", base+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err = web.Do(req)
	if err != nil {
		return loadUser{}, err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return loadUser{}, fmt.Errorf("log in to the web as %s: %s", email, resp.Status)
	}
	return loadUser{token: out.Token, web: web}, nil
}

func getJSON(ctx context.Context, url, token string, v any) error {
	req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

// loadResult is one use case's latencies and failures.
type loadResult struct {
	name   string
	lat    []time.Duration
	errors int
	first  string // the first failure, to say what went wrong
}

// driveLoad runs clients goroutines for d, each making the use cases in
// proportion to their weights.
func driveLoad(ctx context.Context, p *loadPlan, cases []loadCase, clients int, d time.Duration) []*loadResult {
	var order []int
	for i, c := range cases {
		for range c.weight {
			order = append(order, i)
		}
	}
	results := make([]*loadResult, len(cases))
	for i, c := range cases {
		results[i] = &loadResult{name: c.name}
	}
	var mu sync.Mutex
	// Each use case once first, so every one is measured (and a smoke
	// run checks every one) however short the run and rare the case.
	for ci := range cases {
		results[ci].record(oneRequest(ctx, p, cases[ci], ci))
	}
	var next atomic.Int64
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				n := int(next.Add(1))
				ci := order[(n*7)%len(order)] // spread the cases through time
				lat, fail := oneRequest(ctx, p, cases[ci], n)
				if ctx.Err() != nil {
					return // cut off by the end of the run: not counted
				}
				mu.Lock()
				results[ci].record(lat, fail)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return results
}

// oneRequest makes the n-th request of a use case and returns its
// latency and, if it failed, why.
func oneRequest(ctx context.Context, p *loadPlan, c loadCase, n int) (time.Duration, string) {
	hc, req := c.req(p, n)
	req = req.WithContext(ctx)
	t0 := time.Now()
	resp, err := hc.Do(req)
	lat := time.Since(t0)
	if err != nil {
		return lat, err.Error()
	}
	io.Copy(io.Discard, resp.Body) // so the connection is reused
	resp.Body.Close()
	if resp.StatusCode != c.want {
		return lat, req.Method + " " + req.URL.Path + ": " + resp.Status
	}
	return lat, ""
}

func (r *loadResult) record(lat time.Duration, fail string) {
	r.lat = append(r.lat, lat)
	if fail != "" {
		r.errors++
		if r.first == "" {
			r.first = fail
		}
	}
}

func printLoad(w io.Writer, results []*loadResult, d time.Duration) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "use case\trequests\treq/s\tp50 ms\tp99 ms\terrors\t")
	var total int
	for _, r := range results {
		slices.Sort(r.lat)
		total += len(r.lat)
		p50, p99 := 0.0, 0.0
		if len(r.lat) > 0 {
			p50 = float64(r.lat[len(r.lat)/2].Microseconds()) / 1000
			p99 = float64(r.lat[len(r.lat)*99/100].Microseconds()) / 1000
		}
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%.1f\t%.1f\t%d\t\n", r.name, len(r.lat), float64(len(r.lat))/d.Seconds(), p50, p99, r.errors)
	}
	fmt.Fprintf(tw, "all\t%d\t%.0f\t\t\t\t\n", total, float64(total)/d.Seconds())
	tw.Flush()
	for _, r := range results {
		if r.first != "" {
			fmt.Fprintf(w, "%s: first failure: %s\n", r.name, r.first)
		}
	}
}
