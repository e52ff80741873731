package privacy

import (
	"bytes"
	"context"
	"encoding/csv"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"cubby/internal/db/dbtest"
)

func TestPolicyOnRealInventory(t *testing.T) {
	t.Parallel()
	inv, _ := loadReal(t)
	for _, err := range inv.Policy() {
		t.Error(err)
	}
}

// The policy catches each forbidden use of student data, including one
// hidden in other_uses, and lets adults' data have consented marketing.
func TestPolicyCatches(t *testing.T) {
	t.Parallel()
	_, tx := loadReal(t)
	cases := []struct {
		name, from, to, want string
	}{
		{"marketing", "data_use: essential.service.operations", "data_use: marketing.communications.email", "gives student data the use marketing.communications.email"},
		{"advertising", "data_use: essential.service.operations", "data_use: marketing.advertising.profiling", "gives student data the use marketing.advertising.profiling"},
		{"sale", "data_use: essential.service.operations", "data_use: sales", "the use sales"},
		{"profiling", "data_use: essential.service.operations", "data_use: personalize.content.profiling", "the use personalize.content.profiling"},
		{"AI training", "data_use: essential.service.operations", "data_use: train_ai_system", "the use train_ai_system"},
		{"sharing", "data_use: essential.service.operations", "data_use: third_party_sharing", "the use third_party_sharing"},
		{"other use", "    erase: delete\n", "    erase: delete\n    other_uses:\n      - {data_use: marketing.communications.email, purpose: News., legal_basis: A6-1-a}\n", "the use marketing.communications.email"},
		{"special category", "category: user.content.private", "category: user.health_and_medical", "special-category data"},
		{"legal sharing is fine", "data_use: essential.service.operations", "data_use: third_party_sharing.legal_obligation", ""},
		{"adults may opt in", "    erase: delete\n", "    erase: delete\n    other_uses:\n      - {data_use: marketing.communications.email, purpose: News., legal_basis: A6-1-a, subjects: [teacher]}\n", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			inv, err := parseInventory(fstest.MapFS{
				"users.yaml": {Data: []byte(synthUsers)},
				"notes.yaml": {Data: []byte(mustReplace(t, synthNotes, [2]string{tc.from, tc.to}))},
			})
			if err != nil {
				t.Fatal(err)
			}
			errs := inv.Policy()
			if tc.want == "" {
				if len(errs) > 0 {
					t.Errorf("unexpected: %v", errs)
				}
				if v := inv.Validate(tx); len(v) > 0 && !strings.Contains(tc.name, "special") {
					t.Errorf("validate: %v", v)
				}
				return
			}
			if len(errs) != 1 || !strings.Contains(errs[0].Error(), tc.want) {
				t.Errorf("got %v, want one error containing %q", errs, tc.want)
			}
		})
	}
}

func findStep(steps []EraseStep, table, link string) *EraseStep {
	for i := range steps {
		if steps[i].Reach.Table.Name == table && steps[i].Reach.Link == link {
			return &steps[i]
		}
	}
	return nil
}

// Erasure follows each field's declaration: holds stay, links to other
// people are left alone, and rows go only when everything in them goes.
func TestErasePlan(t *testing.T) {
	t.Parallel()
	inv, _ := loadReal(t)
	student := inv.ErasePlan(Student)
	if s := findStep(student, "sessions", "user_id"); s == nil || !s.Delete {
		t.Errorf("a student's sessions: %v", s)
	}
	c := findStep(student, "consents", "subject_user_id")
	if c == nil || c.Delete || !slices.Contains(c.Hold, "purpose") || !c.StampHeld {
		t.Errorf("consents about an erased student must be held and stamped: %v", c)
	}
	a := findStep(student, "audit_log", "subject_user_id")
	if a == nil || a.Delete || !slices.Contains(a.Clear, "subject_user_id") || !slices.Contains(a.Clear, "salt") || !slices.Contains(a.Hold, "action") {
		t.Errorf("audit entries about an erased student: %v", a)
	}
	teacher := inv.ErasePlan(Teacher)
	a = findStep(teacher, "audit_log", "actor_user_id")
	if a == nil || !slices.Contains(a.Hold, "actor_user_id") || slices.Contains(a.Clear, "subject_user_id") {
		t.Errorf("audit entries by an erased teacher keep the actor and leave the subject alone: %v", a)
	}
	d := findStep(teacher, "corrections", "decided_by")
	if d == nil || d.Delete || !slices.Equal(d.Clear, []string{"decided_by"}) {
		t.Errorf("a teacher's erasure clears their name from the answers they gave, nothing else: %v", d)
	}
	if s := findStep(inv.ErasePlan(Parent), "student_registrations", "parent_email"); s == nil || !s.Delete {
		t.Errorf("a parent's pending consent requests, found by address: %v", s)
	}
	if s := findStep(student, "student_registrations", "parent_email"); s != nil {
		t.Errorf("a parent's address cannot lead to a student: %v", s)
	}
}

func TestRetentionRules(t *testing.T) {
	t.Parallel()
	inv, _ := loadReal(t)
	rules := inv.RetentionRules()
	find := func(table string, action Action, dur string) *RetentionRule {
		for i := range rules {
			if rules[i].Table.Name == table && rules[i].Action == action && rules[i].Duration.String() == dur {
				return &rules[i]
			}
		}
		return nil
	}
	if r := find("request_log", Delete, "P30D"); r == nil || !r.Delete || r.Clock != "created_at" {
		t.Errorf("request logs: %+v", r)
	}
	if r := find("student_registrations", Delete, "P7D"); r == nil || !r.Delete {
		t.Errorf("pending consent requests: %+v", r)
	}
	if r := find("students", Anonymize, "P1D"); r == nil || r.Delete || !slices.Contains(r.Fields, "parent_code") || r.Clock != "left_at" {
		t.Errorf("a leaver's parent code: %+v", r)
	}
	if r := find("class_students", Delete, "P1Y"); r == nil || !strings.Contains(r.Where(), `"student_id" IN (SELECT "id" FROM "students" WHERE "left_at"`) {
		t.Errorf("a leaver's rosters follow the student's left_at: %+v", r)
	}
	if r := find("consents", Delete, "P3Y"); r == nil || !r.Held || !strings.Contains(r.Where(), "NOT (") {
		t.Errorf("held consents go after the hold, once no account links them: %+v", r)
	}
	if _, ok := inv.Table("points"); ok {
		if r := find("points", Delete, "P12M"); r == nil || !r.Delete || r.Clock != "awarded_at" {
			t.Errorf("points: %+v", r)
		}
	}
	for _, r := range rules {
		if r.Trigger == FromAccountDeleted && !r.Held {
			t.Errorf("%s: account_deleted rules belong to erasure, not the daily job", r.Table.Name)
		}
	}
}

// Every field erasure or retention may clear in a kept row can be cleared
// by the database, on both engines.
func TestErasableOnLiveSchema(t *testing.T) {
	t.Parallel()
	inv, _ := loadReal(t)
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			s, err := ReadSchema(context.Background(), dbtest.Open(t, d))
			if err != nil {
				t.Fatal(err)
			}
			for _, err := range inv.CheckErasable(s) {
				t.Error(err)
			}
			if c, _ := s.Column("users", "email"); c.NotNull || !c.Text() {
				t.Errorf("users.email read as %+v", c)
			}
		})
	}
}

func TestDeploymentChecks(t *testing.T) {
	t.Parallel()
	inv, tx := loadReal(t)
	zero := &Deployment{ServerLocation: "US", DeletionGrace: DefaultDeletionGrace}
	if problems, notes := Audit(inv, tx, zero); len(problems) > 0 || len(notes) == 0 {
		t.Errorf("zero configuration: problems %v, notes %v", problems, notes)
	}
	if max, ok := inv.ErasureDeadline(); !ok || max.String() != "P30D" {
		t.Errorf("erasure deadline %v", max)
	}
	long := &Deployment{DeletionGrace: Period{Days: 45}, Processors: []Processor{{ID: "fax", Name: "Fax Co", Country: "US", DPAURL: "https://x.example"}, {ID: SMTP, Name: "Mail Co"}}}
	problems, _ := long.Check(inv)
	for _, want := range []string{"CUBBY_DELETION_GRACE P45D is longer", `processor "fax" is configured but no inventory recipient`, "Mail Co (smtp) has no data processing agreement", "Mail Co (smtp) has no country"} {
		if !slices.ContainsFunc(problems, func(e error) bool { return strings.Contains(e.Error(), want) }) {
			t.Errorf("no problem %q in %v", want, problems)
		}
	}
}

// The page is generated from the inventory and the settings: every data
// type a column has is on it, and a processor in the settings appears where
// its data goes, with the EEA answer computed from the countries.
func TestTransparencyFollowsInventoryAndSettings(t *testing.T) {
	t.Parallel()
	inv, _ := loadReal(t)
	d := &Deployment{ServerLocation: "DE"}
	page := inv.Transparency(d)
	rows := map[DataType]DataTypeRow{}
	for _, r := range page.Rows {
		rows[r.Type] = r
	}
	for _, f := range inv.PersonalFields() {
		if r, ok := rows[f.DataType]; !ok || !r.Collected || !slices.Contains(r.Fields, f.ID()) {
			t.Errorf("%s (%s) is not on the page", f.ID(), f.DataType)
		}
	}
	for _, info := range DataTypes {
		if _, ok := rows[info.Type]; info.Seed && !ok {
			t.Errorf("seed row %s missing", info.Type)
		}
	}
	// Phone numbers are stored for two things only: an invitation sent by
	// text message, and an answer to someone who asked for help without
	// logging in (so the row names visitors).
	if r := rows[TypePhoneNumber]; !r.Collected || !slices.Equal(r.Fields, []string{"help_requests.phone", "invitations.phone"}) ||
		!slices.Contains(r.AccountTypes, Visitor) {
		t.Errorf("phone numbers: %+v", r)
	}
	if r := rows[TypeEmail]; !slices.Contains(r.Fields, "help_requests.email") || !slices.Contains(r.AccountTypes, Visitor) {
		t.Errorf("email addresses of people who ask for help: %+v", r)
	}
	if r := rows[TypeEmail]; len(r.OutsideEEA) != 0 || len(r.Processors) != 0 {
		t.Errorf("without processors, email stays in Germany: %+v", r)
	}
	before := page.Version
	d.Processors = []Processor{{ID: SMTP, Name: "Mail Co", Country: "US", DPAURL: "https://mail.example/dpa", Integral: true}}
	page = inv.Transparency(d)
	for _, r := range page.Rows {
		if r.Type == TypeEmail && (!slices.Equal(r.OutsideEEA, []string{"US"}) || len(r.Processors) != 1) {
			t.Errorf("email with a US mail processor: %+v", r)
		}
		if r.Type == TypeStudentUsername && len(r.OutsideEEA) != 0 {
			t.Errorf("usernames are never emailed, yet leave the EEA: %+v", r)
		}
	}
	if len(page.Processors) != 1 || !slices.Contains(page.Processors[0].DataTypes, TypeEmail) || page.Version == before {
		t.Errorf("processor list: %+v (version %s → %s)", page.Processors, before, page.Version)
	}
}

func TestRecordOfProcessing(t *testing.T) {
	t.Parallel()
	inv, _ := loadReal(t)
	rec := inv.Record(&Deployment{Operator: Party{Name: "Maple Grove"}, ServerLocation: "US"})
	if len(rec.Rows) == 0 {
		t.Fatal("empty record")
	}
	seen := map[string]bool{}
	for _, r := range rec.Rows {
		if r.Purpose == "" || r.LegalBasis == "" || r.Subject == "" || len(r.Categories) == 0 || len(r.Recipients) == 0 || len(r.Retention) == 0 || len(r.Security) == 0 {
			t.Errorf("row with an empty mandatory column: %+v", r)
		}
		seen[r.Purpose+"/"+r.Subject] = true
	}
	if !seen["marketing.communications.email/teacher"] || seen["marketing.communications.email/student"] {
		t.Error("product news must be a processing activity for adults only")
	}
	records, err := csv.NewReader(bytes.NewReader(rec.CSV())).ReadAll()
	if err != nil || len(records) != len(rec.Rows)+1 || records[1][0] != "Maple Grove" {
		t.Errorf("csv: %v %v", err, records[:min(2, len(records))])
	}
}

func TestAnswerBy(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"2026-01-31", "2026-02-28"}, {"2028-01-31", "2028-02-29"}, {"2026-03-31", "2026-04-30"},
		{"2026-01-15", "2026-02-15"}, {"2026-12-31", "2027-01-31"}, {"2026-02-28", "2026-03-28"},
	} {
		in, _ := time.Parse(time.DateOnly, tc.in)
		if got := AnswerBy(in).Format(time.DateOnly); got != tc.want {
			t.Errorf("AnswerBy(%s) = %s, want %s", tc.in, got, tc.want)
		}
	}
}
