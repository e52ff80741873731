package app

import (
	"context"
	"slices"
	"unicode/utf8"

	"cubby/internal/authz"
	"cubby/internal/db"
	"cubby/internal/notify"
	"cubby/internal/store"
)

// Reading portfolios: a class's approval queue, a student's portfolio
// (everything for the student and their teachers, approved work newest
// first for their family), one piece of work with its comments, and the
// family's likes and comments.

// portfolioPageMax bounds one page of a portfolio.
const portfolioPageMax = 50

// PortfolioEntry is one piece of work with what a reader may see and do.
type PortfolioEntry struct {
	Item     store.PortfolioItem
	Files    []store.PortfolioFile
	Counts   store.PortfolioCounts
	Comments []store.PortfolioComment
	// Reviews are the teacher's decisions, for the student and staff.
	Reviews []store.PortfolioReview
	// CanDelete lists the comments the reader may delete.
	CanDelete   map[int64]bool
	CanReact    bool
	CanComment  bool
	CanReview   bool
	CanRevise   bool
	CanRemove   bool
	CommentsOff bool // families' comments are off for the class
}

// entries fills the files, counts and comments of items in three queries,
// and the rights of the reader on each.
func (a *App) entries(ctx context.Context, s *Session, items []store.PortfolioItem, refs []authz.PortfolioItem, withComments, withReviews bool) ([]PortfolioEntry, error) {
	ids := make([]int64, len(items))
	for i, it := range items {
		ids[i] = it.ID
	}
	files, err := store.FilesOfItems(ctx, a.db.R, ids)
	if err != nil {
		return nil, err
	}
	counts, err := store.PortfolioCountsOf(ctx, a.db.R, ids, s.User.ID)
	if err != nil {
		return nil, err
	}
	var comments map[int64][]store.PortfolioComment
	if withComments {
		if comments, err = store.CommentsOfItems(ctx, a.db.R, ids); err != nil {
			return nil, err
		}
	}
	out := make([]PortfolioEntry, 0, len(items))
	for i, it := range items {
		ref := refs[i]
		e := PortfolioEntry{Item: it, Files: files[it.ID], Counts: counts[it.ID], Comments: comments[it.ID], CanDelete: map[int64]bool{},
			CanReact: authz.CanReactToPortfolio(s.Actor, ref), CanComment: authz.CanCommentOnPortfolio(s.Actor, ref),
			CanReview: authz.CanReviewPortfolioItem(s.Actor, ref), CanRevise: authz.CanRevisePortfolioItem(s.Actor, ref),
			CanRemove: authz.CanDeletePortfolioItem(s.Actor, ref), CommentsOff: it.CommentsOff}
		for _, c := range e.Comments {
			e.CanDelete[c.ID] = authz.CanDeletePortfolioComment(s.Actor, ref, c.AuthorID)
		}
		if withReviews && authz.CanSeePortfolioReviews(s.Actor, ref) {
			if e.Reviews, err = store.ReviewsOfItem(ctx, a.db.R, it.ID); err != nil {
				return nil, err
			}
		}
		out = append(out, e)
	}
	return out, nil
}

// PortfolioItem is one piece of work with its comments and, for the
// student and staff, the teacher's decisions.
func (a *App) PortfolioItem(ctx context.Context, s *Session, itemID int64) (*PortfolioEntry, error) {
	it, ref, err := a.portfolioItem(ctx, s, itemID)
	if err != nil {
		return nil, err
	}
	list, err := a.entries(ctx, s, []store.PortfolioItem{*it}, []authz.PortfolioItem{ref}, true, true)
	if err != nil {
		return nil, err
	}
	return &list[0], nil
}

// PortfolioQueue is a class's work waiting for approval, and the work
// returned to its students.
type PortfolioQueue struct {
	Class    *store.Class
	Waiting  []PortfolioEntry
	Returned []PortfolioEntry
	Settings store.PortfolioSettings
	// CanSet: the reader may change the class's switches; ApprovalAllowed
	// whether the school lets this class skip approval.
	CanSet          bool
	ApprovalAllowed bool
}

// portfolioQueueMax bounds the queue shown at once: a class of 30 with a
// few pieces each.
const portfolioQueueMax = 200

// ClassPortfolioQueue lists a class's waiting work, oldest first, for its
// teachers and the school's leaders. Students whose processing is
// restricted are left out for teachers.
func (a *App) ClassPortfolioQueue(ctx context.Context, s *Session, classID int64) (*PortfolioQueue, error) {
	c, err := a.viewClass(ctx, s, classID)
	if err != nil {
		return nil, err
	}
	cref := authz.ClassRef{ID: c.ID, SchoolID: c.SchoolID}
	if !authz.CanSeePortfolioQueue(s.Actor, cref) {
		return nil, ErrNotFound
	}
	q := &PortfolioQueue{Class: c, CanSet: authz.CanSetPortfolioClass(s.Actor, cref)}
	if q.Settings, err = store.ClassPortfolioSettings(ctx, a.db.R, c.ID); err != nil {
		return nil, err
	}
	q.ApprovalAllowed = authz.ApprovalAllowedOff(q.Settings.SchoolGrade, q.Settings.ClassGrade)
	restricted := map[int64]bool{}
	if s.Actor.Kind == authz.Teacher {
		if restricted, err = a.restrictedIn(ctx, c.SchoolID); err != nil {
			return nil, err
		}
	}
	build := func(items []store.PortfolioItem) ([]PortfolioEntry, error) {
		items = slices.DeleteFunc(items, func(it store.PortfolioItem) bool { return restricted[it.StudentID] })
		refs := make([]authz.PortfolioItem, len(items))
		for i, it := range items {
			// The queue is the class's own: its teachers review what was
			// posted in it.
			refs[i] = authz.PortfolioItem{SchoolID: it.SchoolID, StudentID: it.StudentID, ClassID: it.ClassID, Status: it.Status, CommentsOff: it.CommentsOff}
		}
		return a.entries(ctx, s, items, refs, false, false)
	}
	waiting, err := store.PortfolioQueue(ctx, a.db.R, c.ID, portfolioQueueMax)
	if err != nil {
		return nil, err
	}
	if q.Waiting, err = build(waiting); err != nil {
		return nil, err
	}
	returned, err := store.ReturnedInClass(ctx, a.db.R, c.ID, portfolioQueueMax)
	if err != nil {
		return nil, err
	}
	if q.Returned, err = build(returned); err != nil {
		return nil, err
	}
	return q, nil
}

// PortfolioPage is one page of a student's portfolio.
type PortfolioPage struct {
	Student *store.Student
	Items   []PortfolioEntry
	Next    string
	// Family: the reader is a parent, who sees approved work only.
	Family bool
}

// StudentPortfolio is a student's portfolio, newest first: everything for
// the student and their teachers, approved work only (by when it was
// approved) for their parents. A teacher's or leader's look is written to
// the family's access log.
func (a *App) StudentPortfolio(ctx context.Context, s *Session, studentID int64, cursor string, limit int) (*PortfolioPage, error) {
	if limit <= 0 || limit > portfolioPageMax {
		limit = portfolioPageMax
	}
	st, err := store.StudentByID(ctx, a.db.R, studentID)
	if err != nil {
		return nil, err
	}
	ref := authz.StudentRef{ID: st.ID, SchoolID: st.SchoolID}
	staff := s.Actor.Kind == authz.Teacher || s.Actor.Kind == authz.Leader
	if staff {
		if ref.Classes, err = store.CurrentClassIDs(ctx, a.db.R, st.ID); err != nil {
			return nil, err
		}
	}
	if !authz.CanSeePortfolioOf(s.Actor, ref) {
		return nil, ErrNotFound
	}
	if err := a.checkRestrictedRead(ctx, s, ref); err != nil {
		return nil, err
	}
	before, err := parseTimeCursor(cursor)
	if err != nil {
		return nil, err
	}
	page := &PortfolioPage{Student: st, Family: s.Actor.Kind == authz.Parent}
	var items []store.PortfolioItem
	if page.Family {
		items, err = store.ApprovedOfStudent(ctx, a.db.R, st.ID, before, limit+1)
	} else {
		items, err = store.WorkOfStudent(ctx, a.db.R, st.ID, before, limit+1)
	}
	if err != nil {
		return nil, err
	}
	if len(items) > limit {
		last := items[limit-1]
		at := last.SubmittedAt
		if page.Family && last.ApprovedAt != nil {
			at = *last.ApprovedAt
		}
		page.Next = timeCursor(at, last.ID)
		items = items[:limit]
	}
	refs := make([]authz.PortfolioItem, len(items))
	for i, it := range items {
		refs[i] = authz.PortfolioItem{SchoolID: it.SchoolID, StudentID: it.StudentID, ClassID: it.ClassID, StudentClasses: ref.Classes,
			Status: it.Status, CommentsOff: it.CommentsOff}
	}
	if page.Items, err = a.entries(ctx, s, items, refs, true, false); err != nil {
		return nil, err
	}
	if staff {
		if err := a.AuditStudentRead(ctx, s, st, "portfolio"); err != nil {
			return nil, err
		}
	}
	return page, nil
}

// PortfolioOwners lists whose portfolios the reader opens from the
// portfolio page: a student their own, a parent each child they act for.
func (a *App) PortfolioOwners(ctx context.Context, s *Session) ([]store.Student, error) {
	var out []store.Student
	for _, id := range familyOf(s.Actor) {
		st, err := store.StudentByID(ctx, a.db.R, id)
		if err != nil {
			return nil, err
		}
		out = append(out, *st)
	}
	return out, nil
}

// CommentOnPortfolio adds a comment to approved work (the student's
// parents and staff who see it, while the class takes comments).
func (a *App) CommentOnPortfolio(ctx context.Context, s *Session, itemID int64, text string) (*store.PortfolioComment, error) {
	it, ref, err := a.portfolioItem(ctx, s, itemID)
	if err != nil {
		return nil, err
	}
	if !ref.Approved() {
		return nil, &RefusedError{Key: "portfolio.not_approved", Err: ErrConflict}
	}
	if !authz.CanCommentOnPortfolio(s.Actor, ref) {
		if authz.CanReactToPortfolio(s.Actor, ref) {
			return nil, &RefusedError{Key: "portfolio.comments_off", Err: ErrConflict}
		}
		return nil, ErrForbidden
	}
	text = normText(text)
	v := &ValidationError{}
	switch {
	case text == "":
		v.Add("comment", "validation.required")
	case utf8.RuneCountInString(text) > PortfolioMaxComment:
		v.Add("comment", "validation.too_long", "max", PortfolioMaxComment)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	c := &store.PortfolioComment{SchoolID: it.SchoolID, ItemID: it.ID, AuthorID: s.User.ID, Body: text, CreatedAt: a.Now()}
	var told []int64
	err = a.db.Tx(ctx, func(tx db.Querier) error {
		if err := store.CreatePortfolioComment(ctx, tx, c); err != nil {
			return err
		}
		var err error
		told, err = a.notifyPortfolio(ctx, tx, notify.KindPortfolioComment, it, s.User.ID, c.CreatedAt)
		return err
	})
	if err != nil {
		return nil, err
	}
	a.notified(told...)
	return store.PortfolioCommentByID(ctx, a.db.R, c.ID)
}

// DeletePortfolioComment removes a comment: its writer, or staff who
// review the work.
func (a *App) DeletePortfolioComment(ctx context.Context, s *Session, commentID int64) (int64, error) {
	c, err := store.PortfolioCommentByID(ctx, a.db.R, commentID)
	if err != nil {
		return 0, err
	}
	_, ref, err := a.portfolioItem(ctx, s, c.ItemID)
	if err != nil {
		return 0, err
	}
	if !authz.CanDeletePortfolioComment(s.Actor, ref, c.AuthorID) {
		return 0, ErrForbidden
	}
	return c.ItemID, store.DeletePortfolioComment(ctx, a.db.W, c.ID)
}

// LikePortfolio likes approved work; twice is ErrConflict.
func (a *App) LikePortfolio(ctx context.Context, s *Session, itemID int64) error {
	it, ref, err := a.portfolioItem(ctx, s, itemID)
	if err != nil {
		return err
	}
	if !ref.Approved() {
		return &RefusedError{Key: "portfolio.not_approved", Err: ErrConflict}
	}
	if !authz.CanReactToPortfolio(s.Actor, ref) {
		return ErrForbidden
	}
	return store.AddPortfolioLike(ctx, a.db.W, it.SchoolID, it.ID, s.User.ID, a.Now())
}

// UnlikePortfolio takes the caller's like back.
func (a *App) UnlikePortfolio(ctx context.Context, s *Session, itemID int64) error {
	it, _, err := a.portfolioItem(ctx, s, itemID)
	if err != nil {
		return err
	}
	return store.RemovePortfolioLike(ctx, a.db.W, it.ID, s.User.ID)
}

// SetClassPortfolio changes a class's switches (its teachers and the
// school's leaders). Approval can be turned off only where the school
// allows it for the class's grade.
func (a *App) SetClassPortfolio(ctx context.Context, s *Session, classID int64, approvalOff, commentsOff bool) error {
	c, err := a.viewClass(ctx, s, classID)
	if err != nil {
		return err
	}
	if !authz.CanSetPortfolioClass(s.Actor, authz.ClassRef{ID: c.ID, SchoolID: c.SchoolID}) {
		return ErrForbidden
	}
	set, err := store.ClassPortfolioSettings(ctx, a.db.R, c.ID)
	if err != nil {
		return err
	}
	if approvalOff && !authz.ApprovalAllowedOff(set.SchoolGrade, set.ClassGrade) {
		return refuseField("approval_off", "portfolio.approval_not_allowed")
	}
	return store.SetClassPortfolioSettings(ctx, a.db.W, c.ID, approvalOff, commentsOff)
}

// SchoolPortfolioGrade reads the grade from which a school's teachers may
// turn approval off (its staff).
func (a *App) SchoolPortfolioGrade(ctx context.Context, s *Session, schoolID int64) (*int, error) {
	if !authz.CanViewSchool(s.Actor, schoolID) {
		return nil, ErrNotFound
	}
	return store.SchoolPortfolioGrade(ctx, a.db.R, schoolID)
}

// SetSchoolPortfolioGrade sets that grade (nil: approval always), for the
// school's leaders.
func (a *App) SetSchoolPortfolioGrade(ctx context.Context, s *Session, schoolID int64, grade *int) error {
	if !authz.CanViewSchool(s.Actor, schoolID) {
		return ErrNotFound
	}
	if !authz.CanSetPortfolioSchool(s.Actor, schoolID) {
		return ErrForbidden
	}
	if grade != nil && (*grade < store.MinGrade || *grade > store.MaxGrade) {
		return refuseField("grade", "portfolio.bad_grade", "min", store.MinGrade, "max", store.MaxGrade)
	}
	return store.SetSchoolPortfolioGrade(ctx, a.db.W, schoolID, grade)
}

// StudentClasses lists the calling student's current classes, for the
// choice of whose teachers review a journal entry.
func (a *App) StudentClasses(ctx context.Context, s *Session) ([]store.Class, error) {
	if s.Actor.Kind != authz.Student || s.Actor.StudentID == 0 {
		return nil, nil
	}
	ids, err := store.CurrentClassIDs(ctx, a.db.R, s.Actor.StudentID)
	if err != nil {
		return nil, err
	}
	out := make([]store.Class, 0, len(ids))
	for _, id := range ids {
		c, err := store.ClassByID(ctx, a.db.R, id)
		if err != nil {
			return nil, err
		}
		out = append(out, *c)
	}
	return out, nil
}

// ClassRoster lists a class's students, for its teachers choosing whom an
// activity is for.
func (a *App) ClassRoster(ctx context.Context, s *Session, classID int64) ([]store.Student, error) {
	c, err := a.viewClass(ctx, s, classID)
	if err != nil {
		return nil, err
	}
	if !authz.CanSetActivities(s.Actor, authz.ClassRef{ID: c.ID, SchoolID: c.SchoolID}) {
		return nil, ErrForbidden
	}
	return store.StudentsOfClass(ctx, a.db.R, c.ID)
}
