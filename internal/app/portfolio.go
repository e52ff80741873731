package app

import (
	"context"
	"errors"
	"slices"
	"unicode/utf8"

	"cubby/internal/authz"
	"cubby/internal/db"
	"cubby/internal/notify"
	"cubby/internal/store"
)

// Portfolios (issue 13). A student posts work to their own portfolio from
// their student login — text, a photo, a drawing, a voice recording or a
// file — in answer to an activity of their class or as a free journal
// entry. It waits for a teacher of the class, who approves it (the family
// then sees it), returns it with a private comment (the student improves
// it and sends it again) or deletes it. Where the school allows it for
// the class's grade, a teacher may let work through without approval.
// Families like and comment on approved work. Who sees what is decided in
// authz/portfolio.go; files go through the media pipeline
// (portfolio_media.go).

// Limits of a piece of work.
const (
	PortfolioMaxText    = 5000
	PortfolioMaxComment = 1000
	PortfolioMaxReturn  = 1000
)

// PortfolioDraft is a piece of work as the student sends it: text, and at
// most one of a file (a photo or document), a drawing or a recording.
type PortfolioDraft struct {
	// StudentID is whose portfolio it goes to: the caller's own (0 means
	// the caller's). Anyone else's is refused.
	StudentID  int64
	ActivityID int64 // 0: a journal entry
	// ClassID chooses, for a journal entry of a student in several
	// classes, whose teachers review it (0: their first class).
	ClassID int64
	Text    string
	File    *StoryFile
	Drawing *StoryFile
	Voice   *StoryFile
}

func (d PortfolioDraft) attachments() int {
	n := 0
	for _, f := range []*StoryFile{d.File, d.Drawing, d.Voice} {
		if f != nil {
			n++
		}
	}
	return n
}

// checkPortfolioDraft validates what does not need the database.
func checkPortfolioDraft(d *PortfolioDraft) error {
	d.Text = normText(d.Text)
	v := &ValidationError{}
	if utf8.RuneCountInString(d.Text) > PortfolioMaxText {
		v.Add("text", "validation.too_long", "max", PortfolioMaxText)
	}
	switch n := d.attachments(); {
	case n > 1:
		v.Add("file", "portfolio.one_file")
	case n == 0 && d.Text == "":
		v.Add("text", "portfolio.empty")
	}
	return v.Err()
}

// kindOf is the kind of a piece of work from what it carries.
func kindOf(d PortfolioDraft, pf *portfolioFile) string {
	if pf != nil {
		return pf.kind
	}
	return store.PortfolioText
}

// portfolioTarget is where a new piece of work goes, checked.
type portfolioTarget struct {
	student  *store.Student
	classID  int64
	activity *store.PortfolioActivity
}

// postingTarget checks that the caller posts to their own portfolio, in a
// class they are in, for an activity that is theirs; nothing is stored
// before it passes.
func (a *App) postingTarget(ctx context.Context, s *Session, d PortfolioDraft) (*portfolioTarget, error) {
	if d.StudentID == 0 && s.Actor.Kind == authz.Student {
		d.StudentID = s.Actor.StudentID
	}
	if !authz.CanPostToPortfolio(s.Actor, d.StudentID) {
		return nil, &RefusedError{Key: "portfolio.not_yours", Err: ErrForbidden}
	}
	st, err := store.StudentByID(ctx, a.db.R, d.StudentID)
	if err != nil {
		return nil, err
	}
	if restricted, err := store.StudentRestricted(ctx, a.db.R, st.ID); err != nil {
		return nil, err
	} else if restricted {
		return nil, &RefusedError{Key: "portfolio.restricted", Err: ErrForbidden}
	}
	classes, err := store.CurrentClassIDs(ctx, a.db.R, st.ID)
	if err != nil {
		return nil, err
	}
	t := &portfolioTarget{student: st}
	if d.ActivityID != 0 {
		act, err := store.PortfolioActivityByID(ctx, a.db.R, d.ActivityID)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return nil, err
		}
		ok := false
		if err == nil {
			ok, err = store.ActivityForStudent(ctx, a.db.R, act.ID, st.ID)
			if err != nil {
				return nil, err
			}
		}
		if !ok || act.Archived {
			// Another class's activity, or one not set for this student:
			// said the same way, so nothing is learnt about other classes.
			return nil, refuseField("activity_id", "portfolio.activity_unknown")
		}
		t.activity, t.classID = act, act.ClassID
		return t, nil
	}
	switch {
	case len(classes) == 0:
		return nil, refuseField("class_id", "portfolio.no_class")
	case d.ClassID == 0:
		t.classID = classes[0]
	case slices.Contains(classes, d.ClassID):
		t.classID = d.ClassID
	default:
		return nil, refuseField("class_id", "portfolio.class_unknown")
	}
	return t, nil
}

// prepareDraftFile runs the draft's one file through the pipeline.
func (a *App) prepareDraftFile(ctx context.Context, d PortfolioDraft, act *store.PortfolioActivity) (*portfolioFile, error) {
	switch {
	case d.File != nil:
		return a.preparePortfolioUpload(ctx, "file", *d.File)
	case d.Drawing != nil:
		template := ""
		if act != nil && act.TemplateKind == store.AttachPhoto {
			template = act.TemplateKey
		}
		return a.preparePortfolioDrawing(ctx, *d.Drawing, template)
	case d.Voice != nil:
		return a.preparePortfolioVoice(ctx, *d.Voice)
	}
	return nil, nil
}

// needsApproval reads whether the class's work waits for a teacher.
func (a *App) needsApproval(ctx context.Context, classID int64) (bool, error) {
	set, err := store.ClassPortfolioSettings(ctx, a.db.R, classID)
	if err != nil {
		return true, err
	}
	return authz.PortfolioNeedsApproval(set.SchoolGrade, set.ClassGrade, set.ApprovalOff), nil
}

// PostPortfolio posts a piece of work to the caller's own portfolio.
func (a *App) PostPortfolio(ctx context.Context, s *Session, d PortfolioDraft) (*store.PortfolioItem, error) {
	t, err := a.postingTarget(ctx, s, d)
	if err != nil {
		return nil, err
	}
	if err := checkPortfolioDraft(&d); err != nil {
		return nil, err
	}
	wait, err := a.needsApproval(ctx, t.classID)
	if err != nil {
		return nil, err
	}
	pf, err := a.prepareDraftFile(ctx, d, t.activity)
	if err != nil {
		return nil, err
	}
	now := a.Now()
	it := &store.PortfolioItem{SchoolID: t.student.SchoolID, StudentID: t.student.ID, ClassID: t.classID, Kind: kindOf(d, pf), Body: d.Text,
		Status: authz.PortfolioPending, CreatedAt: now, SubmittedAt: now}
	if t.activity != nil {
		it.ActivityID = t.activity.ID
	}
	if !wait {
		it.Status, it.ApprovedAt = authz.PortfolioApproved, &now
	}
	var told []int64
	err = a.db.Tx(ctx, func(tx db.Querier) error {
		if err := store.CreatePortfolioItem(ctx, tx, it); err != nil {
			return err
		}
		if pf != nil {
			if err := store.CreatePortfolioFile(ctx, tx, pf.row(it.SchoolID, it.ID, now)); err != nil {
				return err
			}
		}
		if wait {
			return nil
		}
		var err error
		told, err = a.notifyPortfolio(ctx, tx, notify.KindPortfolioApproved, it, s.User.ID, now)
		return err
	})
	if err != nil {
		a.dropPortfolioFiles([]*portfolioFile{pf})
		return nil, err
	}
	a.notified(told...)
	return store.PortfolioItemByID(ctx, a.db.R, it.ID)
}

// portfolioItem loads a piece of work the actor may see, with the facts
// authz needs.
func (a *App) portfolioItem(ctx context.Context, s *Session, itemID int64) (*store.PortfolioItem, authz.PortfolioItem, error) {
	it, err := store.PortfolioItemByID(ctx, a.db.R, itemID)
	if err != nil {
		return nil, authz.PortfolioItem{}, err
	}
	ref, err := a.portfolioRef(ctx, s, it)
	if err != nil {
		return nil, ref, err
	}
	if !authz.CanSeePortfolioItem(s.Actor, ref) {
		return nil, ref, ErrNotFound
	}
	return it, ref, nil
}

// portfolioRef says what authz needs about a piece of work. The student's
// classes and a restriction matter only to staff, so families and the
// student cost no query.
func (a *App) portfolioRef(ctx context.Context, s *Session, it *store.PortfolioItem) (authz.PortfolioItem, error) {
	ref := authz.PortfolioItem{SchoolID: it.SchoolID, StudentID: it.StudentID, ClassID: it.ClassID, Status: it.Status, CommentsOff: it.CommentsOff}
	if s.Actor.Kind != authz.Teacher && s.Actor.Kind != authz.Leader {
		return ref, nil
	}
	var err error
	if ref.StudentClasses, err = store.CurrentClassIDs(ctx, a.db.R, it.StudentID); err != nil {
		return ref, err
	}
	if s.Actor.Kind == authz.Teacher {
		ref.Restricted, err = store.StudentRestricted(ctx, a.db.R, it.StudentID)
	}
	return ref, err
}

// RevisePortfolio replaces the student's work with an improved version
// (after a return, or while it waits) and sends it to the queue again.
// Text is kept when the new version brings none; a new file replaces the
// old one.
func (a *App) RevisePortfolio(ctx context.Context, s *Session, itemID int64, d PortfolioDraft) (*store.PortfolioItem, error) {
	it, ref, err := a.portfolioItem(ctx, s, itemID)
	if err != nil {
		return nil, err
	}
	if !authz.CanRevisePortfolioItem(s.Actor, ref) {
		if s.Actor.Kind == authz.Student && it.Status == authz.PortfolioApproved {
			return nil, &RefusedError{Key: "portfolio.already_approved", Err: ErrConflict}
		}
		return nil, &RefusedError{Key: "portfolio.not_yours", Err: ErrForbidden}
	}
	if restricted, err := store.StudentRestricted(ctx, a.db.R, it.StudentID); err != nil {
		return nil, err
	} else if restricted {
		return nil, &RefusedError{Key: "portfolio.restricted", Err: ErrForbidden}
	}
	d.Text = normText(d.Text)
	if d.attachments() == 0 && d.Text == "" {
		return nil, refuseField("text", "portfolio.empty")
	}
	if err := checkPortfolioDraft(&d); err != nil {
		return nil, err
	}
	var act *store.PortfolioActivity
	if it.ActivityID != 0 {
		if act, err = store.PortfolioActivityByID(ctx, a.db.R, it.ActivityID); err != nil && !errors.Is(err, ErrNotFound) {
			return nil, err
		}
	}
	wait := true
	if it.ClassID != 0 {
		if wait, err = a.needsApproval(ctx, it.ClassID); err != nil {
			return nil, err
		}
	}
	pf, err := a.prepareDraftFile(ctx, d, act)
	if err != nil {
		return nil, err
	}
	now := a.Now()
	approved := &now
	if wait {
		approved = nil
	}
	kind := it.Kind
	if pf != nil {
		kind = pf.kind
	}
	var old []string
	err = a.db.Tx(ctx, func(tx db.Querier) error {
		ok, err := store.RevisePortfolioItem(ctx, tx, it.ID, kind, d.Text, now, approved)
		if err != nil {
			return err
		}
		if !ok {
			return &RefusedError{Key: "portfolio.already_approved", Err: ErrConflict}
		}
		if pf == nil {
			return nil
		}
		if old, err = store.DeleteFilesOfItem(ctx, tx, it.ID); err != nil {
			return err
		}
		return store.CreatePortfolioFile(ctx, tx, pf.row(it.SchoolID, it.ID, now))
	})
	if err != nil {
		a.dropPortfolioFiles([]*portfolioFile{pf})
		return nil, err
	}
	a.removeFiles(old)
	return store.PortfolioItemByID(ctx, a.db.R, it.ID)
}

// ApprovePortfolio shares waiting work with the student's family.
func (a *App) ApprovePortfolio(ctx context.Context, s *Session, itemID int64) error {
	it, ref, err := a.portfolioItem(ctx, s, itemID)
	if err != nil {
		return err
	}
	if !authz.CanReviewPortfolioItem(s.Actor, ref) {
		return ErrForbidden
	}
	if it.Status != authz.PortfolioPending {
		return &RefusedError{Key: "portfolio.not_waiting", Err: ErrConflict}
	}
	now := a.Now()
	var told []int64
	err = a.db.Tx(ctx, func(tx db.Querier) error {
		ok, err := store.ApprovePortfolioItem(ctx, tx, it.ID, s.User.ID, now)
		if err != nil {
			return err
		}
		if !ok {
			return &RefusedError{Key: "portfolio.not_waiting", Err: ErrConflict}
		}
		if err := store.AddPortfolioReview(ctx, tx, &store.PortfolioReview{SchoolID: it.SchoolID, ItemID: it.ID, ReviewerID: s.User.ID,
			Action: authz.PortfolioApproved, CreatedAt: now}); err != nil {
			return err
		}
		it.Status = authz.PortfolioApproved
		told, err = a.notifyPortfolio(ctx, tx, notify.KindPortfolioApproved, it, s.User.ID, now)
		return err
	})
	if err == nil {
		a.notified(told...)
	}
	return err
}

// ReturnPortfolio sends waiting work back to the student with a private
// comment saying what to improve; the family sees nothing of it.
func (a *App) ReturnPortfolio(ctx context.Context, s *Session, itemID int64, comment string) error {
	it, ref, err := a.portfolioItem(ctx, s, itemID)
	if err != nil {
		return err
	}
	if !authz.CanReviewPortfolioItem(s.Actor, ref) {
		return ErrForbidden
	}
	comment = normText(comment)
	v := &ValidationError{}
	switch {
	case comment == "":
		v.Add("comment", "portfolio.return_why")
	case utf8.RuneCountInString(comment) > PortfolioMaxReturn:
		v.Add("comment", "validation.too_long", "max", PortfolioMaxReturn)
	}
	if err := v.Err(); err != nil {
		return err
	}
	if it.Status != authz.PortfolioPending {
		return &RefusedError{Key: "portfolio.not_waiting", Err: ErrConflict}
	}
	now := a.Now()
	return a.db.Tx(ctx, func(tx db.Querier) error {
		ok, err := store.ReturnPortfolioItem(ctx, tx, it.ID)
		if err != nil {
			return err
		}
		if !ok {
			return &RefusedError{Key: "portfolio.not_waiting", Err: ErrConflict}
		}
		return store.AddPortfolioReview(ctx, tx, &store.PortfolioReview{SchoolID: it.SchoolID, ItemID: it.ID, ReviewerID: s.User.ID,
			Action: authz.PortfolioReturned, Comment: comment, CreatedAt: now})
	})
}

// DeletePortfolioItem removes a piece of work with its files, reviews,
// comments and likes: the student (it is theirs), or staff who review it.
func (a *App) DeletePortfolioItem(ctx context.Context, s *Session, itemID int64) error {
	it, ref, err := a.portfolioItem(ctx, s, itemID)
	if err != nil {
		return err
	}
	if !authz.CanDeletePortfolioItem(s.Actor, ref) {
		return ErrForbidden
	}
	var keys []string
	err = a.db.Tx(ctx, func(tx db.Querier) error {
		if keys, err = store.DeleteFilesOfItem(ctx, tx, it.ID); err != nil {
			return err
		}
		return store.DeletePortfolioItem(ctx, tx, it.ID)
	})
	if err != nil {
		return err
	}
	a.removeFiles(keys)
	return nil
}
