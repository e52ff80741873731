package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"cubby/internal/authz"
	"cubby/internal/db"
	"cubby/internal/i18n"
	"cubby/internal/store"
)

// The audit log records who read, exported, corrected or erased whose
// records, and every disclosure outside the school's staff. Entries are
// hash-chained (store.AppendAudit): VerifyAudit, and `cubby privacy
// verify-audit`, detect an entry removed, inserted or changed.

// audit appends an entry inside the caller's transaction, so it exists if
// and only if the action it records commits.
func (a *App) audit(ctx context.Context, q db.Querier, e store.AuditEntry) error {
	e.CreatedAt = a.Now()
	return store.AppendAudit(ctx, q, &e)
}

func roleOf(s *Session) string {
	if s == nil {
		return "system"
	}
	return s.User.Kind
}

// AuditStudentRead records that a member of staff looked at a student's
// records of one kind (points, attendance, a report). Families reading
// their own child's records and students reading their own are not logged:
// the log exists to show families who else looked. Reads are logged once a
// day per reader, student and kind, so the log stays readable.
func (a *App) AuditStudentRead(ctx context.Context, s *Session, st *store.Student, what string) error {
	if s == nil || st == nil || (s.Actor.Kind != authz.Teacher && s.Actor.Kind != authz.Leader) {
		return nil
	}
	now := a.Now()
	day := now.Truncate(24 * time.Hour)
	done, err := store.AuditedSince(ctx, a.db.R, s.User.ID, st.UserID, store.AuditRead, what, day)
	if err != nil || done {
		return err
	}
	return a.db.Tx(ctx, func(tx db.Querier) error {
		return a.audit(ctx, tx, store.AuditEntry{SchoolID: st.SchoolID, ActorID: s.User.ID, ActorRole: roleOf(s),
			Action: store.AuditRead, SubjectID: st.UserID, Detail: what})
	})
}

// AuditResult is what verifying the chain found.
type AuditResult struct {
	Entries  int
	Redacted int // entries whose person was erased: in the chain, content no longer checkable
	First    int64
	Last     int64
	Problems []string
}

// OK reports an intact chain.
func (r AuditResult) OK() bool { return len(r.Problems) == 0 }

// VerifyAudit walks the chain: consecutive numbers, each entry linked to the
// one before, each content hash matching (unless the entry was redacted by
// an erasure), and the head naming the last entry. The oldest remaining
// entry is the anchor, since retention removes entries from the start.
func (a *App) VerifyAudit(ctx context.Context) (AuditResult, error) {
	var r AuditResult
	var prev *store.AuditEntry
	err := store.WalkAudit(ctx, a.db.R, func(e store.AuditEntry) error {
		r.Entries++
		if prev == nil {
			r.First = e.Seq
			if e.Seq == 1 && e.PrevHash != store.GenesisHash {
				r.Problems = append(r.Problems, "entry 1 does not start from the genesis hash")
			}
		} else {
			if e.Seq != prev.Seq+1 {
				r.Problems = append(r.Problems, fmt.Sprintf("entries %d to %d are missing", prev.Seq+1, e.Seq-1))
			}
			if e.PrevHash != prev.Hash {
				r.Problems = append(r.Problems, fmt.Sprintf("entry %d does not link to entry %d", e.Seq, prev.Seq))
			}
		}
		if e.Salt == "" {
			r.Redacted++
		} else if got := HashToken(e.Body()); got != e.BodyHash {
			r.Problems = append(r.Problems, fmt.Sprintf("entry %d was changed after it was written", e.Seq))
		}
		if store.ChainHash(e.PrevHash, e.Seq, e.BodyHash) != e.Hash {
			r.Problems = append(r.Problems, fmt.Sprintf("entry %d's hash is wrong", e.Seq))
		}
		r.Last = e.Seq
		prev = &e
		return nil
	})
	if err != nil {
		return r, err
	}
	seq, hash, err := store.AuditHead(ctx, a.db.R)
	if err != nil {
		return r, err
	}
	switch {
	case prev == nil && seq != 0 && r.Entries == 0:
		// Retention may have removed every entry; the head still counts.
	case prev != nil && (seq != prev.Seq || hash != prev.Hash):
		r.Problems = append(r.Problems, fmt.Sprintf("the newest entries after %d are missing (the head says %d)", prev.Seq, seq))
	}
	return r, nil
}

// AccessEntry is an audit entry as a person sees it about themself or a
// child: who (by name while their account exists), in which role, what and
// when.
type AccessEntry struct {
	At        time.Time
	ActorName string // "" once the actor's account is gone
	ActorRole string
	Action    string
	Detail    string // the kind of record; for a view of a class or school, the BulkView
	Subject   string // the child's (or the person's own) first name; several for one view of siblings
	// Scope names the class or school of a bulk view ("" for a single
	// record's entry, or once the class or school is gone).
	Scope string
	Bulk  bool
}

// What says in words what an entry records: a view of a class or school
// names the place, a read names the kind of record, anything else its
// action. The access log page and the export's copy of it both use it.
func (e AccessEntry) What(l *i18n.Localizer) string {
	if e.Bulk {
		if key := "access.bulk." + e.Action + "." + e.Detail; l.Has(key) {
			place := e.Scope
			if place == "" {
				place = l.T("access.bulk_gone")
			}
			return l.T(key, "place", place)
		}
	}
	if key := "access.read." + e.Detail; e.Action == store.AuditRead && l.Has(key) {
		return l.T(key)
	}
	return l.T("access.action." + e.Action)
}

// accessLogSize is how many entries the access log shows.
const accessLogSize = 200

// AccessLog lists who accessed the records of the actor and, for a parent,
// of each connected child, newest first (ACL-4): entries about them, and
// views of a whole class or school they were in at the time.
func (a *App) AccessLog(ctx context.Context, s *Session) ([]AccessEntry, error) {
	people, err := a.subjectsOf(ctx, s)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	var ids []int64
	for _, p := range people {
		ids = append(ids, p.ID)
		names[p.ID] = p.FirstName
	}
	// Entries about a duplicate profile merged into one of these people
	// are theirs too.
	merged, err := store.MergedAccounts(ctx, a.db.R, ids)
	if err != nil {
		return nil, err
	}
	for dropped := range merged {
		kept := dropped
		for {
			next, ok := merged[kept]
			if !ok {
				break
			}
			kept = next
		}
		ids = append(ids, dropped)
		names[dropped] = names[kept]
	}
	entries, err := store.AuditAbout(ctx, a.db.R, ids, accessLogSize)
	if err != nil {
		return nil, err
	}
	bulk, err := a.bulkEntriesAbout(ctx, ids, accessLogSize)
	if err != nil {
		return nil, err
	}
	actors := map[int64]string{}
	actorName := func(id int64) string {
		name, ok := actors[id]
		if !ok && id != 0 {
			if u, err := store.UserByID(ctx, a.db.R, id); err == nil {
				name = u.DisplayName()
			}
			actors[id] = name
		}
		return name
	}
	scopes := map[string]string{}
	var out []AccessEntry
	// Both lists are newest first; merge them by chain position.
	for len(out) < accessLogSize && (len(entries) > 0 || len(bulk) > 0) {
		if len(bulk) == 0 || (len(entries) > 0 && entries[0].Seq > bulk[0].Seq) {
			e := entries[0]
			entries = entries[1:]
			out = append(out, AccessEntry{At: e.CreatedAt, ActorName: actorName(e.ActorID), ActorRole: e.ActorRole, Action: e.Action, Detail: e.Detail, Subject: names[e.SubjectID]})
			continue
		}
		h := bulk[0]
		bulk = bulk[1:]
		var who []string
		for _, id := range h.Subjects {
			who = append(who, names[id])
		}
		out = append(out, AccessEntry{At: h.CreatedAt, ActorName: actorName(h.ActorID), ActorRole: h.ActorRole, Action: h.Action,
			Detail: string(h.View), Subject: strings.Join(who, ", "), Scope: a.scopeName(ctx, h.View, h.ScopeID, scopes), Bulk: true})
	}
	return out, nil
}
