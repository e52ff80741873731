package app_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"cubby/internal/app"
	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/privacy"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

// custodyEnv is the demo school seen by its leader, a teacher of Ava's
// class, Ava herself and the demo parent, who follows Ava and Elena.
type custodyEnv struct {
	env                     *testenv.Env
	ctx                     context.Context
	leader, teacher, parent *app.Session
	parentToken             string
	ava, elena              *store.Student
}

func newCustodyEnv(t *testing.T, env *testenv.Env) *custodyEnv {
	t.Helper()
	c := &custodyEnv{env: env, ctx: context.Background()}
	c.leader = session(t, env, demo.LeaderEmail)
	c.teacher = session(t, env, demo.TeacherEmail)
	token, _, err := env.App.Login(c.ctx, app.Credentials{Login: demo.ParentEmail, Password: demo.Password})
	must(t, err)
	c.parentToken = token
	c.parent = c.next(t)
	children, err := env.App.Children(c.ctx, c.parent)
	must(t, err)
	for i := range children {
		switch children[i].FirstName {
		case "Ava":
			c.ava = &children[i]
		case "Elena":
			c.elena = &children[i]
		}
	}
	if c.ava == nil || c.elena == nil {
		t.Fatalf("demo parent's children: %+v", children)
	}
	return c
}

// next is the parent's next request on the same login.
func (c *custodyEnv) next(t *testing.T) *app.Session {
	t.Helper()
	s, err := c.env.App.Authenticate(c.ctx, c.parentToken)
	must(t, err)
	return s
}

// follows reports whether the parent, on their next request, acts for the
// student — everywhere the family meets the child.
func (c *custodyEnv) follows(t *testing.T, st *store.Student) bool {
	t.Helper()
	a, s := c.env.App, c.next(t)
	_, inActor := s.Actor.Children[st.ID]
	days, err := a.FamilyView(c.ctx, s)
	must(t, err)
	onHome := false
	for _, d := range days {
		onHome = onHome || d.Student.ID == st.ID
	}
	_, recErr := a.StudentReport(c.ctx, s, st.ID, a.Now().AddDate(0, 0, -7), a.Now())
	_, corrErr := a.ChildRecords(c.ctx, s, st.ID)
	if inActor != onHome || inActor != (recErr == nil) || inActor != (corrErr == nil) {
		t.Errorf("%s: actor %v, home page %v, report %v, correction records %v: every path must agree", st.FirstName, inActor, onHome, recErr, corrErr)
	}
	return inActor
}

func refusedKey(t *testing.T, err error) string {
	t.Helper()
	var re *app.RefusedError
	if !errors.As(err, &re) {
		t.Fatalf("want a refusal, got %v", err)
	}
	return re.Key
}

func fieldKey(t *testing.T, err error, field string) string {
	t.Helper()
	var ve *app.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("want a validation error on %s, got %v", field, err)
	}
	return ve.Fields[field].Key
}

func custodyAudit(t *testing.T, env *testenv.Env) []store.AuditEntry {
	t.Helper()
	var out []store.AuditEntry
	must(t, store.WalkAudit(context.Background(), env.DB.R, func(e store.AuditEntry) error {
		if e.Action == store.AuditCustody {
			out = append(out, e)
		}
		return nil
	}))
	return out
}

func TestCustodyBlock(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			c := newCustodyEnv(t, env)
			a, ctx := env.App, c.ctx
			parentID := c.parent.User.ID

			// Only the school's leaders see who may act for a student.
			f, err := a.FamilyAccessOf(ctx, c.leader, c.ava.ID)
			must(t, err)
			if len(f.Guardians) != 1 || f.Guardians[0].UserID != parentID || !f.Guardians[0].HasAccess || len(f.Blocks) != 0 {
				t.Fatalf("family access: %+v", f)
			}
			if _, err := a.FamilyAccessOf(ctx, c.teacher, c.ava.ID); !errors.Is(err, app.ErrForbidden) {
				t.Errorf("teacher: %v, want ErrForbidden", err)
			}
			if _, err := a.FamilyAccessOf(ctx, c.parent, c.ava.ID); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("parent: %v, want ErrNotFound", err)
			}

			// A live page following Ava is told to reconnect.
			events, stop := a.Events.Subscribe([]int64{c.ava.ID})
			defer stop()
			if !c.follows(t, c.ava) {
				t.Fatal("the parent does not follow Ava before the block")
			}
			// An archive the parent built but has not downloaded holds Ava.
			token, err := a.RequestExport(ctx, c.next(t))
			must(t, err)
			for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
				e, err := a.ExportStatus(ctx, c.next(t), token)
				must(t, err)
				if e.Status == store.ExportReady {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("export %s", e.Status)
				}
			}
			b, err := a.BlockGuardian(ctx, c.leader, c.ava.ID, app.BlockInput{GuardianID: parentID, Reason: "court_order", Note: " Order 2026/114, office safe "})
			must(t, err)
			if !b.Active() || b.Reason != "court_order" || b.Note != "Order 2026/114, office safe" || b.CreatedBy != c.leader.User.ID || b.GuardianName == "" {
				t.Errorf("block: %+v", b)
			}
			select {
			case e := <-events:
				if !e.AccessChanged {
					t.Errorf("live event %+v", e)
				}
			case <-time.After(time.Second):
				t.Error("the live stream was not told that access changed")
			}
			// The archive is withdrawn: its link answers as an expired one.
			if e, err := a.ExportStatus(ctx, c.next(t), token); err != nil || e.Status != "expired" || e.FileKey != "" {
				t.Errorf("the archive built before the block: %+v %v", e, err)
			}
			if _, err := a.DownloadExport(ctx, c.next(t), token); !errors.Is(err, app.ErrExportGone) {
				t.Errorf("downloading it: %v", err)
			}
			// The same login loses Ava on its next request, and only Ava.
			if c.follows(t, c.ava) {
				t.Error("the blocked parent still follows Ava")
			}
			if !c.follows(t, c.elena) {
				t.Error("the block on Ava cut the parent off Elena too")
			}
			if ok, _ := store.IsGuardian(ctx, env.DB.R, c.ava.ID, parentID); ok {
				t.Error("the link is still stored")
			}
			// Blocking twice: the parent is no longer connected.
			_, err = a.BlockGuardian(ctx, c.leader, c.ava.ID, app.BlockInput{GuardianID: parentID, Reason: "court_order"})
			if k := fieldKey(t, err, "guardian_id"); k != "custody.not_linked" {
				t.Errorf("second block: %s", k)
			}

			// Ava has a new parent code: the old one, which the blocked
			// person knows, connects no account any more.
			fresh, err := store.StudentByID(ctx, env.DB.R, c.ava.ID)
			must(t, err)
			if fresh.ParentCode == c.ava.ParentCode {
				t.Error("the block kept the parent code the blocked person knows")
			}
			if _, err := a.ConnectChild(ctx, c.next(t), c.ava.ParentCode); err == nil {
				t.Error("the old parent code still connects")
			}
			// The new code is refused with the neutral answer, counted
			// for the leaders.
			_, err = a.ConnectChild(ctx, c.next(t), fresh.ParentCode)
			if k := fieldKey(t, err, "parent_code"); k != "custody.cannot_connect" {
				t.Errorf("reconnect: %s", k)
			}
			if c.follows(t, c.ava) {
				t.Error("the parent code reconnected a blocked parent")
			}
			// An invitation by email is refused to the teacher sending it…
			_, err = a.SendInvitation(ctx, c.teacher, app.Invite{Kind: store.InviteParent, StudentID: c.ava.ID, Email: demo.ParentEmail})
			if k := fieldKey(t, err, "email"); k != "custody.invite_blocked" {
				t.Errorf("invitation to a blocked address: %s", k)
			}
			// …and one that reached them anyway (sent to another address)
			// does not connect them, and stays unused.
			inv := &store.Invitation{SchoolID: c.ava.SchoolID, TokenHash: app.HashToken("custody-invite"), Kind: store.InviteParent, StudentID: c.ava.ID,
				Email: "another@family.example", Language: "en", InvitedBy: c.teacher.User.ID, CreatedAt: a.Now(), ExpiresAt: a.Now().Add(app.InvitationTTL)}
			must(t, store.CreateInvitation(ctx, env.DB.W, inv))
			_, err = a.AcceptInvitation(ctx, c.next(t), "custody-invite")
			if k := refusedKey(t, err); k != "custody.cannot_connect" || !errors.Is(err, app.ErrForbidden) {
				t.Errorf("invitation accepted by a blocked parent: %s %v", k, err)
			}
			if c.follows(t, c.ava) {
				t.Error("an invitation reconnected a blocked parent")
			}
			if info, err := a.OpenInvitation(ctx, "custody-invite"); err != nil || info == nil {
				t.Errorf("the refused invitation was spent: %v", err)
			}
			f, err = a.FamilyAccessOf(ctx, c.leader, c.ava.ID)
			must(t, err)
			if len(f.Guardians) != 0 || len(f.Active()) != 1 || f.Blocks[0].RefusedCount != 2 || f.Blocks[0].LastRefusedAt == nil {
				t.Errorf("after two refused attempts: %+v", f.Blocks)
			}

			// The audit log has the block and every refusal, and none of it
			// names the parent or the child as actor or subject, so it never
			// reaches a family's access log or the parent's export.
			entries := custodyAudit(t, env)
			var details []string
			for _, e := range entries {
				details = append(details, e.Detail)
				if e.SubjectID != 0 || (e.ActorID != 0 && e.ActorID != c.leader.User.ID && e.ActorID != c.teacher.User.ID) {
					t.Errorf("custody entry names a family member: %+v", e)
				}
			}
			joined := strings.Join(details, "\n")
			for _, want := range []string{"made (court_order)", "connection refused (parent code)", "connection refused (invitation)", "invitation refused"} {
				if !strings.Contains(joined, want) {
					t.Errorf("audit log lacks %q:\n%s", want, joined)
				}
			}
			log, err := a.AccessLog(ctx, c.next(t))
			must(t, err)
			for _, e := range log {
				if e.Action == store.AuditCustody || e.Subject == "Ava" {
					t.Errorf("the blocked parent's access log shows %+v", e)
				}
			}
			var ar app.Archive
			must(t, json.Unmarshal(export(t, env, c.next(t))["export.json"], &ar))
			for _, p := range ar.People {
				if strings.HasPrefix(p.Name, "Ava") {
					t.Error("the blocked parent's export holds Ava")
				}
				for _, tab := range p.Tables {
					if tab.Table == "guardian_blocks" {
						t.Error("the blocked parent's export holds the block")
					}
				}
			}

			// Lifting: audited, once; the parent can connect again.
			lifted, err := a.LiftGuardianBlock(ctx, c.leader, c.ava.ID, b.ID)
			must(t, err)
			if lifted.Active() || lifted.LiftedBy != c.leader.User.ID {
				t.Errorf("lifted: %+v", lifted)
			}
			_, err = a.LiftGuardianBlock(ctx, c.leader, c.ava.ID, b.ID)
			if k := refusedKey(t, err); k != "custody.already_lifted" || !errors.Is(err, app.ErrConflict) {
				t.Errorf("lifting twice: %s %v", k, err)
			}
			if _, err := a.LiftGuardianBlock(ctx, c.teacher, c.ava.ID, b.ID); !errors.Is(err, app.ErrForbidden) {
				t.Errorf("a teacher lifts: %v", err)
			}
			if !strings.Contains(custodyAudit(t, env)[len(custodyAudit(t, env))-1].Detail, "lifted") {
				t.Error("the lift is not in the audit log")
			}
			_, err = a.ConnectChild(ctx, c.next(t), fresh.ParentCode)
			must(t, err)
			if !c.follows(t, c.ava) {
				t.Error("the parent cannot follow Ava after the block was lifted")
			}
		})
	}
}

// A block in force holds even against a link that comes back by a path
// that knows nothing of blocks (here written straight to the table, as a
// merge of two profiles might): the access check reads the block.
func TestCustodyBlockHoldsAgainstAStrayLink(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			c := newCustodyEnv(t, env)
			_, err := env.App.BlockGuardian(c.ctx, c.leader, c.ava.ID, app.BlockInput{GuardianID: c.parent.User.ID, Reason: "safeguarding"})
			must(t, err)
			must(t, store.AddGuardian(c.ctx, env.DB.W, c.ava.SchoolID, c.ava.ID, c.parent.User.ID, env.App.Now()))
			if c.follows(t, c.ava) {
				t.Error("a stray link gave a blocked parent access")
			}
		})
	}
}

func TestCustodyBadInput(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			c := newCustodyEnv(t, env)
			a, ctx := env.App, c.ctx
			for _, tc := range []struct {
				in    app.BlockInput
				field string
				key   string
			}{
				{app.BlockInput{GuardianID: c.parent.User.ID, Reason: "grudge"}, "reason", "custody.reason_invalid"},
				{app.BlockInput{GuardianID: c.parent.User.ID, Reason: "other", Note: strings.Repeat("é", 501)}, "note", "validation.too_long"},
				{app.BlockInput{Reason: "other"}, "guardian_id", "custody.pick_guardian"},
				{app.BlockInput{GuardianID: c.teacher.User.ID, Reason: "other"}, "guardian_id", "custody.not_linked"},
			} {
				_, err := a.BlockGuardian(ctx, c.leader, c.ava.ID, tc.in)
				if k := fieldKey(t, err, tc.field); k != tc.key {
					t.Errorf("%+v: %s=%s, want %s", tc.in, tc.field, k, tc.key)
				}
			}
			// Nothing half-written: the parent still follows Ava, no block exists.
			f, err := a.FamilyAccessOf(ctx, c.leader, c.ava.ID)
			must(t, err)
			if len(f.Blocks) != 0 || !c.follows(t, c.ava) {
				t.Errorf("after refused blocks: %+v", f.Blocks)
			}
			if _, err := a.BlockGuardian(ctx, c.leader, 999999, app.BlockInput{GuardianID: c.parent.User.ID, Reason: "other"}); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("unknown student: %v", err)
			}
			if _, err := a.LiftGuardianBlock(ctx, c.leader, c.ava.ID, 999999); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("unknown block: %v", err)
			}
		})
	}
}

func TestEligibleStudent(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		for _, policy := range []string{privacy.EligibleParentAccessEnd, privacy.EligibleParentAccessKeep} {
			t.Run(string(d)+"/"+policy, func(t *testing.T) {
				env := testenv.New(t, d, testenv.WithDeployment(func(dep *privacy.Deployment) { dep.EligibleParentAccess = policy }))
				c := newCustodyEnv(t, env)
				a, ctx := env.App, c.ctx
				keep := policy == privacy.EligibleParentAccessKeep
				student := session(t, env, demo.StudentUsername)
				records, err := a.RecordsToFile(ctx, c.leader, c.ava.ID)
				must(t, err)
				var point app.ChildRecord
				for _, r := range records {
					if r.Table == "points" {
						point = r
					}
				}
				if point.Key == "" {
					t.Fatalf("no point among Ava's records: %+v", records)
				}
				if _, err := a.ChildRecords(ctx, student, c.ava.ID); !errors.Is(err, app.ErrNotFound) {
					t.Errorf("a student not yet eligible asks for corrections: %v", err)
				}
				if _, err := a.SetEligible(ctx, c.teacher, c.ava.ID, true); !errors.Is(err, app.ErrForbidden) {
					t.Errorf("a teacher marks a student eligible: %v", err)
				}
				events, stop := a.Events.Subscribe([]int64{c.ava.ID})
				defer stop()
				since, err := a.SetEligible(ctx, c.leader, c.ava.ID, true)
				must(t, err)
				if since == nil || a.Now().Sub(*since) > time.Minute {
					t.Errorf("eligible since %v", since)
				}
				select {
				case e := <-events:
					if !e.AccessChanged {
						t.Errorf("live event %+v", e)
					}
				case <-time.After(time.Second):
					t.Error("the live stream was not told that access changed")
				}
				// Asking again changes nothing, and is not logged twice.
				again, err := a.SetEligible(ctx, c.leader, c.ava.ID, true)
				must(t, err)
				if !again.Equal(*since) {
					t.Errorf("second call moved the date to %v", again)
				}

				// The parent keeps or loses Ava at once, as the deployment says.
				if got := c.follows(t, c.ava); got != keep {
					t.Errorf("parent follows Ava: %v, want %v", got, keep)
				}
				if !c.follows(t, c.elena) {
					t.Error("Elena's parent lost Elena")
				}
				_, err = a.RequestCorrection(ctx, c.next(t), c.ava.ID, point.Table, point.Key, "Not Ava's, surely.")
				if keep != !errors.Is(err, app.ErrNotFound) {
					t.Errorf("parent's correction request: %v", err)
				}
				var ar app.Archive
				must(t, json.Unmarshal(export(t, env, c.next(t))["export.json"], &ar))
				exported := false
				for _, p := range ar.People {
					exported = exported || strings.HasPrefix(p.Name, "Ava")
				}
				if exported != keep {
					t.Errorf("Ava in the parent's export: %v, want %v", exported, keep)
				}
				log, err := a.AccessLog(ctx, c.next(t))
				must(t, err)
				sawAva := false
				for _, e := range log {
					sawAva = sawAva || e.Subject == "Ava"
				}
				if sawAva != keep {
					t.Errorf("Ava in the parent's access log: %v, want %v", sawAva, keep)
				}
				_, err = a.ConnectChild(ctx, c.next(t), c.ava.ParentCode)
				if keep {
					if k := fieldKey(t, err, "parent_code"); k != "connect.already" {
						t.Errorf("reconnect with keep: %s", k)
					}
				} else if k := fieldKey(t, err, "parent_code"); k != "custody.cannot_connect" {
					t.Errorf("a cut-off parent reconnects: %s", k)
				}
				_, err = a.SendInvitation(ctx, c.teacher, app.Invite{Kind: store.InviteParent, StudentID: c.ava.ID, Email: "new.parent@family.example"})
				if keep {
					must(t, err)
				} else if k := fieldKey(t, err, "student_id"); k != "custody.invite_eligible" {
					t.Errorf("inviting a parent of an eligible student: %s", k)
				}

				// Ava herself now asks for corrections of her own records, and
				// sees her requests; not of another student's.
				student = session(t, env, demo.StudentUsername)
				if !student.Actor.StudentEligible {
					t.Fatal("Ava's actor is not eligible")
				}
				if own, err := a.ChildRecords(ctx, student, c.ava.ID); err != nil || len(own) != len(records) {
					t.Errorf("Ava's own records: %d, %v (the leader sees %d)", len(own), err, len(records))
				}
				own, err := a.RequestCorrection(ctx, student, c.ava.ID, point.Table, point.Key, "I was absent that day.")
				must(t, err)
				if own.RequestedBy != student.User.ID {
					t.Errorf("requested by %d", own.RequestedBy)
				}
				if _, err := a.RequestCorrection(ctx, student, c.elena.ID, point.Table, point.Key, "x"); !errors.Is(err, app.ErrNotFound) {
					t.Errorf("about another student: %v", err)
				}
				list, err := a.Corrections(ctx, student)
				must(t, err)
				if len(list) == 0 || list[0].ID != own.ID {
					t.Errorf("Ava's requests: %+v", list)
				}
				subjects, err := a.CorrectionSubjects(ctx, student)
				must(t, err)
				if len(subjects) != 1 || subjects[0].ID != c.ava.ID {
					t.Errorf("Ava may ask about %+v", subjects)
				}

				// A leader files a request the parent made at the office:
				// theirs while they keep their rights, refused once they lost
				// them; Ava's own always.
				_, err = a.FileCorrectionFor(ctx, c.leader, c.ava.ID, c.parent.User.ID, point.Table, point.Key, "The parent called: wrong child.")
				if keep {
					must(t, err)
					list, err := a.Corrections(ctx, c.next(t))
					must(t, err)
					if len(list) == 0 || list[0].FiledByName == "" || list[0].RequesterName == "" || list[0].RequestedBy != c.parent.User.ID {
						t.Errorf("the parent's view of a request filed for them: %+v", list)
					}
				} else if k := fieldKey(t, err, "requested_by"); k != "custody.requester_no_right" {
					t.Errorf("filing for a cut-off parent: %s", k)
				}
				filed, err := a.FileCorrectionFor(ctx, c.leader, c.ava.ID, student.User.ID, point.Table, point.Key, "Ava asked at the office.")
				must(t, err)
				var by int64
				must(t, env.DB.R.QueryRow(`SELECT filed_by FROM corrections WHERE id = $1`, filed.ID).Scan(&by))
				if filed.RequestedBy != student.User.ID || by != c.leader.User.ID {
					t.Errorf("filed request: requested by %d, filed by %d", filed.RequestedBy, by)
				}
				if _, err := a.FileCorrectionFor(ctx, c.teacher, c.ava.ID, student.User.ID, point.Table, point.Key, "x"); !errors.Is(err, app.ErrForbidden) {
					t.Errorf("a teacher files on someone's behalf: %v", err)
				}

				// Undoing a mistaken record gives the parents back what they had.
				_, err = a.SetEligible(ctx, c.leader, c.ava.ID, false)
				must(t, err)
				if !c.follows(t, c.ava) {
					t.Error("the parent does not follow Ava after the record was undone")
				}
				if s := session(t, env, demo.StudentUsername); s.Actor.StudentEligible {
					t.Error("Ava is still eligible")
				}
				rights := 0
				must(t, store.WalkAudit(ctx, env.DB.R, func(e store.AuditEntry) error {
					if e.Action == store.AuditRights {
						rights++
						if e.SubjectID != student.User.ID || e.ActorID != c.leader.User.ID {
							t.Errorf("rights entry %+v", e)
						}
					}
					return nil
				}))
				if rights != 2 {
					t.Errorf("%d rights entries, want 2 (the transfer and its undoing; the repeated call changed nothing)", rights)
				}
			})
		}
	}
}

// Merging two profiles of one child carries the block and the transfer of
// rights: the parent blocked from one profile, who connected to the other
// (a duplicate the school had not noticed), loses the merged child.
func TestCustodyFollowsAMerge(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			c := newCustodyEnv(t, env)
			a, ctx := env.App, c.ctx
			class := classNamed(t, env, "Class 3 Sunflowers")
			added, err := a.AddStudents(ctx, c.teacher, class.ID, []app.NewStudent{{FirstName: "Ava", LastName: "Martín"}})
			must(t, err)
			dup := added[0].Student
			_, err = a.BlockGuardian(ctx, c.leader, c.ava.ID, app.BlockInput{GuardianID: c.parent.User.ID, Reason: "court_order"})
			must(t, err)
			_, err = a.ConnectChild(ctx, c.next(t), dup.ParentCode)
			must(t, err)
			_, err = a.SetEligible(ctx, c.leader, dup.ID, true)
			must(t, err)
			if _, err := a.MergeStudents(ctx, c.leader, c.ava.ID, dup.ID); err != nil {
				t.Fatal(err)
			}
			if c.follows(t, c.ava) {
				t.Error("the blocked parent follows the merged child")
			}
			if ok, _ := store.IsGuardian(ctx, env.DB.R, c.ava.ID, c.parent.User.ID); ok {
				t.Error("the duplicate's link was moved onto the child the parent is blocked from")
			}
			f, err := a.FamilyAccessOf(ctx, c.leader, c.ava.ID)
			must(t, err)
			if len(f.Active()) != 1 || f.EligibleSince == nil {
				t.Errorf("after the merge: blocks %+v, eligible since %v", f.Blocks, f.EligibleSince)
			}
		})
	}
}

// An archive that finishes after a block was made while it was being
// built is withdrawn by the job itself: its recheck finds the parent no
// longer acts for the child it holds (and still acts for the other one).
func TestExportRecheckAfterABlock(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			c := newCustodyEnv(t, env)
			a, ctx := env.App, c.ctx
			_, err := a.RequestExport(ctx, c.next(t))
			must(t, err)
			e, err := store.LatestExport(ctx, env.DB.R, c.parent.User.ID)
			must(t, err)
			parentUser, ava, elena := c.parent.User.ID, c.ava.UserID, c.elena.UserID
			if ok, err := app.StillActsForAll(ctx, a, e.ID, parentUser, ava, elena); err != nil || !ok {
				t.Fatalf("before the block: %v %v", ok, err)
			}
			_, err = a.BlockGuardian(ctx, c.leader, c.ava.ID, app.BlockInput{GuardianID: parentUser, Reason: "court_order"})
			must(t, err)
			if ok, err := app.StillActsForAll(ctx, a, e.ID, parentUser, ava, elena); err != nil || ok {
				t.Errorf("an archive holding Ava after the block passes the recheck: %v %v", ok, err)
			}
			if ok, err := app.StillActsForAll(ctx, a, e.ID, parentUser, elena); err != nil || !ok {
				t.Errorf("an archive of the parent and Elena fails the recheck: %v %v", ok, err)
			}
			// Let the job finish before the test's database goes away.
			for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
				e, err := store.ExportByID(ctx, env.DB.R, e.ID)
				must(t, err)
				if e.Status != store.ExportQueued && e.Status != store.ExportRunning {
					break
				}
			}
		})
	}
}

// A court order received before the person ever connects: the leader
// restricts an address. An account made with it later is refused the
// parent code (counted, neutral words), an invitation to it is refused, a
// connected account with it is cut off, and lifting lets it connect.
func TestCustodyBlockOnAnAddress(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			c := newCustodyEnv(t, env)
			a, ctx := env.App, c.ctx

			_, err := a.BlockEmail(ctx, c.leader, c.ava.ID, app.EmailBlockInput{Email: "not an address", Reason: "court_order"})
			if k := fieldKey(t, err, "email"); k == "" {
				t.Error("a malformed address was accepted")
			}
			_, err = a.BlockEmail(ctx, c.leader, c.ava.ID, app.EmailBlockInput{Email: "x@example.org", Reason: "because"})
			if k := fieldKey(t, err, "reason"); k != "custody.reason_invalid" {
				t.Errorf("bad reason: %s", k)
			}
			if _, err := a.BlockEmail(ctx, c.teacher, c.ava.ID, app.EmailBlockInput{Email: "x@example.org", Reason: "court_order"}); !errors.Is(err, app.ErrForbidden) {
				t.Errorf("a teacher blocks an address: %v", err)
			}
			if n := countRows(t, env, `SELECT count(*) FROM guardian_email_blocks`); n != 0 {
				t.Fatalf("bad input wrote %d blocks", n)
			}

			b, err := a.BlockEmail(ctx, c.leader, c.ava.ID, app.EmailBlockInput{Email: " Stranger@Example.org ", Reason: "court_order", Note: "File 12"})
			must(t, err)
			if !b.ByEmail || b.GuardianEmail != "stranger@example.org" || !b.Active() {
				t.Errorf("block: %+v", b)
			}
			_, err = a.BlockEmail(ctx, c.leader, c.ava.ID, app.EmailBlockInput{Email: "stranger@example.org", Reason: "other"})
			if k := fieldKey(t, err, "email"); k != "custody.email_already_blocked" {
				t.Errorf("the same address twice: %s", k)
			}
			fresh, err := store.StudentByID(ctx, env.DB.R, c.ava.ID)
			must(t, err)
			if fresh.ParentCode == c.ava.ParentCode {
				t.Error("the parent code was not replaced")
			}

			// The person signs up with the address and tries the code.
			token, _, err := a.SignUp(ctx, app.Signup{Kind: "parent", FirstName: "Sam", LastName: "Stranger", Email: "stranger@example.org",
				Password: "lantern river cloud", Language: "en", Session: "web"})
			must(t, err)
			stranger, err := a.Authenticate(ctx, token)
			must(t, err)
			_, err = a.ConnectChild(ctx, stranger, fresh.ParentCode)
			if k := fieldKey(t, err, "parent_code"); k != "custody.cannot_connect" {
				t.Errorf("the restricted address connects: %s", k)
			}
			f, err := a.FamilyAccessOf(ctx, c.leader, c.ava.ID)
			must(t, err)
			if len(f.Blocks) != 1 || f.Blocks[0].RefusedCount != 1 || !f.Blocks[0].ByEmail {
				t.Errorf("the leader's view of the block: %+v", f.Blocks)
			}
			_, err = a.SendInvitation(ctx, c.teacher, app.Invite{Kind: store.InviteParent, StudentID: c.ava.ID, Email: "STRANGER@example.org"})
			if k := fieldKey(t, err, "email"); k != "custody.invite_blocked" {
				t.Errorf("an invitation to the restricted address: %s", k)
			}

			// The demo parent's own address, restricted while connected:
			// cut off at once, Elena kept.
			_, err = a.BlockEmail(ctx, c.leader, c.ava.ID, app.EmailBlockInput{Email: demo.ParentEmail, Reason: "safeguarding"})
			must(t, err)
			if c.follows(t, c.ava) || !c.follows(t, c.elena) {
				t.Error("restricting a connected parent's address did not cut Ava off, or cut Elena off too")
			}

			must(t, func() error { _, err := a.LiftEmailBlock(ctx, c.leader, c.ava.ID, b.ID); return err }())
			if _, err := a.LiftEmailBlock(ctx, c.leader, c.ava.ID, b.ID); !errors.Is(err, app.ErrConflict) {
				t.Errorf("lifting twice: %v", err)
			}
			fresh, err = store.StudentByID(ctx, env.DB.R, c.ava.ID) // the second restriction replaced the code again
			must(t, err)
			_, err = a.ConnectChild(ctx, stranger, fresh.ParentCode)
			must(t, err)
		})
	}
}
