package app

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"cubby/internal/authz"
	"cubby/internal/db"
	"cubby/internal/notify"
	"cubby/internal/privacy"
	"cubby/internal/store"
)

// Correction requests (GDPR Art. 16, FERPA 34 CFR 99.20): a parent asks to
// correct a record about their child; the child's teacher or a school
// leader accepts or declines with a reason; both see the outcome, and both
// steps are in the audit log. Which records can be questioned comes from
// the inventory, like export: any row leading to the child that has an id
// and fields the parent may see.

// ChildRecord is one record a parent may ask to have corrected.
type ChildRecord struct {
	Table     string
	Key       string
	DataTypes []privacy.DataType
	Fields    []RecordField // what the parent can see of it
}

// RecordField is one column of a record and its value, as text.
type RecordField struct{ Column, Value string }

// Summary is the record as stored with a correction request: its fields
// as JSON, so it can be shown in any language later.
func (r ChildRecord) Summary() string {
	var pairs [][2]string
	for _, f := range r.Fields {
		pairs = append(pairs, [2]string{f.Column, f.Value})
	}
	b, _ := json.Marshal(pairs)
	return string(b)
}

// RecordFields reads a stored summary back; a summary that is not JSON is
// one field of plain text.
func RecordFields(summary string) []RecordField {
	var pairs [][2]string
	if err := json.Unmarshal([]byte(summary), &pairs); err != nil {
		return []RecordField{{Value: summary}}
	}
	out := make([]RecordField, len(pairs))
	for i, p := range pairs {
		out[i] = RecordField{Column: p[0], Value: p[1]}
	}
	return out
}

// maxRecordsPerTable bounds the list; the newest records come first.
const maxRecordsPerTable = 50

// ChildRecords lists the records about a parent's child that can be
// questioned, newest first within each kind.
func (a *App) ChildRecords(ctx context.Context, s *Session, studentID int64) ([]ChildRecord, error) {
	st, err := store.StudentByID(ctx, a.db.R, studentID)
	if err != nil {
		return nil, err
	}
	if !authz.CanRequestCorrection(s.Actor, studentID) {
		return nil, ErrNotFound
	}
	return a.correctableRecords(ctx, st)
}

// correctableRecords lists the records about a student that can be
// questioned, whoever asks (ChildRecords, custody.go's RecordsToFile).
func (a *App) correctableRecords(ctx context.Context, st *store.Student) ([]ChildRecord, error) {
	var out []ChildRecord
	for _, t := range a.Inventory.Linked() {
		fields := correctable(t)
		if len(fields) == 0 {
			continue
		}
		list, err := a.recordsOf(ctx, t, fields, st.UserID, "")
		if err != nil {
			return nil, err
		}
		out = append(out, list...)
	}
	return out, nil
}

// correctable returns the fields a parent sees of a table's rows about a
// student, if the rows can be named (an id column).
func correctable(t *privacy.Table) []*privacy.Field {
	if _, ok := t.Field("id"); !ok {
		return nil
	}
	var out []*privacy.Field
	for i := range t.Fields {
		f := &t.Fields[i]
		if f.Personal && f.DataType != privacy.TypeDataRequests && slices.Contains(f.Subjects, "student") &&
			slices.Contains(f.VisibleTo, privacy.Parent) {
			out = append(out, f)
		}
	}
	return out
}

// recordsOf reads rows of t about the child (key "" for all, else one).
func (a *App) recordsOf(ctx context.Context, t *privacy.Table, fields []*privacy.Field, childUserID int64, key string) ([]ChildRecord, error) {
	var conds []string
	for _, r := range t.Reaches() {
		if !r.Contact {
			conds = append(conds, "("+r.Where()+")")
		}
	}
	if len(conds) == 0 {
		return nil, nil
	}
	cols := []string{`"id"`}
	var types []privacy.DataType
	for _, f := range fields {
		cols = append(cols, privacy.Q(f.Name))
		if !slices.Contains(types, f.DataType) {
			types = append(types, f.DataType)
		}
	}
	query := "SELECT " + strings.Join(cols, ", ") + " FROM " + privacy.Q(t.Name) + " WHERE (" + strings.Join(conds, " OR ") + ")"
	args := []any{childUserID}
	if key != "" {
		query += ` AND CAST("id" AS TEXT) = $2`
		args = append(args, key)
	}
	query += fmt.Sprintf(` ORDER BY "id" DESC LIMIT %d`, maxRecordsPerTable)
	rows, err := store.SelectRows(ctx, a.db.R, query, args...)
	if err != nil {
		return nil, err
	}
	var out []ChildRecord
	for _, r := range rows {
		rec := ChildRecord{Table: t.Name, Key: fmt.Sprint(r["id"]), DataTypes: types}
		for _, f := range fields {
			v := display(r[f.Name])
			if v == "" || v == "—" || a.refersToUser(ctx, t.Name, f.Name) {
				continue
			}
			rec.Fields = append(rec.Fields, RecordField{Column: f.Name, Value: v})
		}
		out = append(out, rec)
	}
	return out, nil
}

func display(v any) string {
	switch x := v.(type) {
	case nil:
		return "—"
	case interface{ Format(string) string }:
		return x.Format("2006-01-02 15:04")
	}
	return fmt.Sprint(v)
}

// maxCorrectionText bounds a request or a reason.
const maxCorrectionText = 1000

func checkText(v *ValidationError, field, s string) string {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		v.Add(field, "validation.required")
	case utf8.RuneCountInString(s) > maxCorrectionText:
		v.Add(field, "validation.too_long", "max", maxCorrectionText)
	}
	return s
}

// RequestCorrection files a parent's request about one record of their
// child.
func (a *App) RequestCorrection(ctx context.Context, s *Session, studentID int64, table, key, text string) (*store.Correction, error) {
	v := &ValidationError{}
	text = checkText(v, "request", text)
	if err := v.Err(); err != nil {
		return nil, err
	}
	st, err := store.StudentByID(ctx, a.db.R, studentID)
	if err != nil || !authz.CanRequestCorrection(s.Actor, studentID) {
		return nil, ErrNotFound
	}
	return a.fileCorrection(ctx, s, st, s.User.ID, 0, table, key, text)
}

// fileCorrection records a request by requestedBy about one record of st;
// filedBy is the leader who wrote it down for them, or 0.
func (a *App) fileCorrection(ctx context.Context, s *Session, st *store.Student, requestedBy, filedBy int64, table, key, text string) (*store.Correction, error) {
	t, ok := a.Inventory.Table(table)
	if !ok || t.Identity || len(correctable(t)) == 0 {
		return nil, ErrNotFound
	}
	recs, err := a.recordsOf(ctx, t, correctable(t), st.UserID, key)
	if err != nil {
		return nil, err
	}
	if len(recs) != 1 {
		return nil, ErrNotFound
	}
	c := &store.Correction{SchoolID: st.SchoolID, StudentID: st.ID, RecordTable: t.Name, RecordKey: key, RecordSummary: recs[0].Summary(),
		RequestedBy: requestedBy, Request: text, Status: store.CorrectionPending, CreatedAt: a.Now()}
	detail := "correction of " + t.Name
	if filedBy != 0 {
		detail += " filed on behalf of the " + map[bool]string{true: "student", false: "parent"}[requestedBy == st.UserID]
	}
	err = a.db.Tx(ctx, func(tx db.Querier) error {
		if err := store.AddCorrection(ctx, tx, c); err != nil {
			return err
		}
		if filedBy != 0 {
			if err := store.SetCorrectionFiledBy(ctx, tx, c.ID, filedBy); err != nil {
				return err
			}
		}
		if err := a.audit(ctx, tx, store.AuditEntry{SchoolID: st.SchoolID, ActorID: s.User.ID, ActorRole: roleOf(s), Action: store.AuditRequest,
			SubjectID: st.UserID, Detail: detail}); err != nil {
			return err
		}
		if filedBy != 0 {
			return nil // a leader wrote it down: the school knows
		}
		return a.tellPrivacyRequest(ctx, tx, st, c.ID, s.User.ID)
	})
	return c, err
}

// CorrectionView is a request with the names its readers need.
type CorrectionView struct {
	store.Correction
	StudentName   string
	RequesterName string
	DeciderName   string
	FiledByName   string // the leader who filed it on the requester's behalf
	CanDecide     bool
	DataTypes     []privacy.DataType
	AnswerBy      time.Time // the legal deadline for an answer
}

// Corrections lists the requests the actor may see: a parent's own
// children's; for staff, those they may answer.
func (a *App) Corrections(ctx context.Context, s *Session) ([]CorrectionView, error) {
	var list []store.Correction
	var err error
	requester := s.Actor.Kind == authz.Parent || authz.IsEligibleStudent(s.Actor)
	switch s.Actor.Kind {
	case authz.Parent:
		var ids []int64
		for id := range s.Actor.Children {
			ids = append(ids, id)
		}
		list, err = store.CorrectionsOfStudents(ctx, a.db.R, ids)
	case authz.Student:
		if requester {
			list, err = store.CorrectionsOfStudents(ctx, a.db.R, []int64{s.Actor.StudentID})
		}
	case authz.Leader, authz.Teacher:
		seen := map[int64]bool{}
		for _, school := range s.Actor.SchoolIDs() {
			more, err := store.CorrectionsOfSchool(ctx, a.db.R, school)
			if err != nil {
				return nil, err
			}
			for _, c := range more {
				if !seen[c.ID] {
					seen[c.ID] = true
					list = append(list, c)
				}
			}
		}
	}
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	name := func(id int64) string {
		if n, ok := names[id]; ok || id == 0 {
			return n
		}
		if u, err := store.UserByID(ctx, a.db.R, id); err == nil {
			names[id] = u.DisplayName()
		}
		return names[id]
	}
	ids := make([]int64, len(list))
	for i, c := range list {
		ids[i] = c.ID
	}
	filers, err := store.CorrectionsFiledBy(ctx, a.db.R, ids)
	if err != nil {
		return nil, err
	}
	var out []CorrectionView
	for _, c := range list {
		st, ref, err := a.studentRef(ctx, c.StudentID)
		if err != nil {
			continue
		}
		canDecide := authz.CanDecideCorrection(s.Actor, ref)
		if !requester && !canDecide {
			continue
		}
		v := CorrectionView{Correction: c, StudentName: st.FirstName, RequesterName: name(c.RequestedBy), DeciderName: name(c.DecidedBy),
			FiledByName: name(filers[c.ID]), CanDecide: canDecide && c.Status == store.CorrectionPending, AnswerBy: privacy.AnswerBy(c.CreatedAt)}
		if t, ok := a.Inventory.Table(c.RecordTable); ok {
			for _, f := range correctable(t) {
				if !slices.Contains(v.DataTypes, f.DataType) {
					v.DataTypes = append(v.DataTypes, f.DataType)
				}
			}
		}
		out = append(out, v)
	}
	return out, nil
}

// DecideCorrection answers a request. Accepting with remove deletes the
// record, where the inventory allows deleting all of it; otherwise the
// teacher corrects it where it is kept. The parent is emailed the outcome.
func (a *App) DecideCorrection(ctx context.Context, s *Session, id int64, accept, remove bool, reason string) error {
	v := &ValidationError{}
	reason = checkText(v, "reason", reason)
	if err := v.Err(); err != nil {
		return err
	}
	c, err := store.CorrectionByID(ctx, a.db.R, id)
	if err != nil {
		return err
	}
	st, ref, err := a.studentRef(ctx, c.StudentID)
	if err != nil || !authz.CanDecideCorrection(s.Actor, ref) {
		return ErrNotFound
	}
	status := store.CorrectionDeclined
	if accept {
		status = store.CorrectionAccepted
	}
	now := a.Now()
	return a.db.Tx(ctx, func(tx db.Querier) error {
		ok, err := store.DecideCorrection(ctx, tx, c.ID, status, s.User.ID, reason, now)
		if err != nil {
			return err
		}
		if !ok {
			return ErrConflict // answered meanwhile
		}
		detail := "correction " + status + ": " + c.RecordTable
		if accept && remove {
			if err := a.removeRecord(ctx, tx, c, st.UserID); err != nil {
				return err
			}
			detail += ", record removed"
		}
		if err := a.audit(ctx, tx, store.AuditEntry{SchoolID: st.SchoolID, ActorID: s.User.ID, ActorRole: roleOf(s), Action: store.AuditCorrect,
			SubjectID: st.UserID, Detail: detail}); err != nil {
			return err
		}
		parent, err := store.UserByID(ctx, tx, c.RequestedBy)
		if err != nil || parent.Email == "" {
			return nil // the parent's account is gone; the outcome stays on record
		}
		// A parent since blocked from the child, or cut off when the child
		// became an eligible student, is not told about the child.
		if ok, err := a.actsFor(ctx, parent.ID, st.ID); err != nil || !ok {
			return err
		}
		return a.mail(ctx, tx, notify.Email{To: parent.Email, Lang: parent.Language, Template: "correction_decided", SchoolID: st.SchoolID,
			Data: map[string]any{"ChildName": st.FirstName, "Outcome": status, "Link": a.BaseURL + "/privacy/corrections"}}, now)
	})
}

// removeRecord deletes the questioned row when every personal value in it
// may be deleted (the inventory says erase: delete for all of them).
func (a *App) removeRecord(ctx context.Context, q db.Querier, c *store.Correction, childUserID int64) error {
	t, ok := a.Inventory.Table(c.RecordTable)
	if !ok {
		return ErrNotFound
	}
	for _, f := range t.Fields {
		if f.Personal && f.Erase != privacy.Delete {
			v := &ValidationError{}
			v.Add("remove", "correction.cannot_remove")
			return v
		}
	}
	var conds []string
	for _, r := range t.Reaches() {
		if !r.Contact {
			conds = append(conds, "("+r.Where()+")")
		}
	}
	_, err := store.Exec(ctx, q, "DELETE FROM "+privacy.Q(t.Name)+` WHERE CAST("id" AS TEXT) = $2 AND (`+strings.Join(conds, " OR ")+")", childUserID, c.RecordKey)
	return err
}
