package app

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"cubby/internal/authz"
	"cubby/internal/db"
	"cubby/internal/store"
)

// Picture passwords (issue 15). With a class code any child could tap a
// classmate's name; a class's teachers can therefore ask that, after
// their name, a student taps their two pictures of nine, in order. Order
// counts: 72 pairs instead of 36 as a set, and "first the cat, then the
// boat" is as easy for a five-year-old to remember as the two alone. The
// pair is drawn at random (children would all pick the cat), printed on
// the student's login card, and replaced by the teacher when a card is
// lost or a classmate learns it. Guessing goes through the same throttle
// as passwords: ten wrong pairs for a student, or a hundred from one
// address, wait a quarter of an hour. A student in several classes taps
// their pictures whenever any of their classes asks for them, so another
// class's code is no way round a teacher's choice. A login card's QR
// code needs no pictures: the card carries them anyway.

// LoginPictures are the nine pictures, by the names they are stored and
// translated under (picture.<name>); the web draws them.
var LoginPictures = []string{"cat", "sun", "tree", "fish", "star", "house", "apple", "boat", "flower"}

// PicturesPerLogin is how many pictures a student taps.
const PicturesPerLogin = 2

// newPictures draws PicturesPerLogin different pictures at random.
func newPictures() (string, error) {
	pool := slices.Clone(LoginPictures)
	var out []string
	for range PicturesPerLogin {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(pool))))
		if err != nil {
			return "", err
		}
		i := int(n.Int64())
		out = append(out, pool[i])
		pool = slices.Delete(pool, i, i+1)
	}
	return strings.Join(out, " "), nil
}

// SplitPictures reads stored pictures into their names, in order.
func SplitPictures(stored string) []string { return strings.Fields(stored) }

// ClassLogin is a student logging in with their class's code: the name
// they tapped and, where their class asks, their pictures in order.
type ClassLogin struct {
	Code      string
	StudentID int64
	Pictures  []string
	IP        string // the client's address, used only in memory to throttle guessing
	Browser   string
}

// LoginWithClassCode logs a student in who picked their name after
// entering their class's code. Where pictures are asked for and none were
// given, the answer is a validation error at "pictures" with
// picturelogin.needed, for the edge to ask for them.
func (a *App) LoginWithClassCode(ctx context.Context, code string, studentID int64, ip, browser string) (string, error) {
	return a.ClassCodeLogin(ctx, ClassLogin{Code: code, StudentID: studentID, IP: ip, Browser: browser})
}

// ClassCodeLogin logs a student in with the class code, their name and,
// where a class of theirs asks, their two pictures: wrong ones are a
// validation error at "pictures" (picturelogin.wrong), too many a
// *RateLimitError; a student no class code of theirs lists is ErrNotFound.
func (a *App) ClassCodeLogin(ctx context.Context, in ClassLogin) (string, error) {
	_, roster, err := a.ClassByCode(ctx, in.Code, in.IP)
	if err != nil {
		return "", err
	}
	i := slices.IndexFunc(roster, func(st store.Student) bool { return st.ID == in.StudentID })
	if i < 0 {
		return "", ErrNotFound
	}
	if err := a.checkPictures(ctx, roster[i].ID, in.Pictures, in.IP); err != nil {
		return "", err
	}
	return a.studentSession(ctx, roster[i].UserID, in.Browser)
}

// checkPictures lets a student past when no class of theirs asks for
// pictures, or when the ones given are theirs, in order.
func (a *App) checkPictures(ctx context.Context, studentID int64, given []string, ip string) error {
	stored, required, err := store.StudentPictures(ctx, a.db.R, studentID)
	if err != nil || !required {
		return err
	}
	v := &ValidationError{}
	if stored == "" { // asked for, but the teacher has not handed out a card yet
		v.Add("pictures", "picturelogin.no_pictures")
		return v
	}
	now := a.Now()
	acctKey, ipKey := "pictures:"+strconv.FormatInt(studentID, 10), "ip:"+ip
	if wait := max(a.loginFailures.check(acctKey, now), a.ipFailures.check(ipKey, now)); wait > 0 {
		return &RateLimitError{RetryAfter: wait}
	}
	if len(given) == 0 {
		v.Add("pictures", "picturelogin.needed")
		return v
	}
	if subtle.ConstantTimeCompare([]byte(strings.Join(given, " ")), []byte(stored)) != 1 {
		a.loginFailures.add(acctKey, now)
		a.ipFailures.add(ipKey, now)
		v.Add("pictures", "picturelogin.wrong")
		return v
	}
	a.loginFailures.reset(acctKey)
	return nil
}

// ClassPictures is what a class's roster page shows of picture login.
type ClassPictures struct {
	On       bool
	Students map[int64][]string // each student's pictures, in order
}

// ClassPicturesFor loads whether a class asks for pictures and its
// students' pictures, for the class's teachers.
func (a *App) ClassPicturesFor(ctx context.Context, s *Session, classID int64) (*ClassPictures, error) {
	c, err := a.teachClass(ctx, s, classID)
	if err != nil {
		return nil, err
	}
	if !authz.CanSetPictureLogin(s.Actor, authz.ClassRef{ID: c.ID, SchoolID: c.SchoolID}) {
		return nil, ErrNotFound
	}
	on, err := store.PictureLogin(ctx, a.db.R, c.ID)
	if err != nil {
		return nil, err
	}
	stored, err := store.PicturesOfClass(ctx, a.db.R, c.ID)
	if err != nil {
		return nil, err
	}
	out := &ClassPictures{On: on, Students: map[int64][]string{}}
	for id, p := range stored {
		out.Students[id] = SplitPictures(p)
	}
	return out, nil
}

// SetPictureLogin turns picture login on or off for a class. Turning it
// on gives every student of the class who has no pictures yet a pair, so
// the cards printed next carry them.
func (a *App) SetPictureLogin(ctx context.Context, s *Session, classID int64, on bool) error {
	c, err := a.teachClass(ctx, s, classID)
	if err != nil {
		return err
	}
	if !authz.CanSetPictureLogin(s.Actor, authz.ClassRef{ID: c.ID, SchoolID: c.SchoolID}) {
		return ErrForbidden
	}
	if c.ArchivedAt != nil {
		return ErrArchived
	}
	return a.db.Tx(ctx, func(tx db.Querier) error {
		if err := store.SetPictureLogin(ctx, tx, c.ID, on); err != nil {
			return err
		}
		if on {
			return a.givePictures(ctx, tx, c.ID)
		}
		return nil
	})
}

// givePictures draws a pair for every student of the class without one.
func (a *App) givePictures(ctx context.Context, tx db.Querier, classID int64) error {
	roster, err := store.StudentsOfClass(ctx, tx, classID)
	if err != nil {
		return err
	}
	have, err := store.PicturesOfClass(ctx, tx, classID)
	if err != nil {
		return err
	}
	for _, st := range roster {
		if have[st.ID] != "" {
			continue
		}
		p, err := newPictures()
		if err != nil {
			return err
		}
		if err := store.SetStudentPictures(ctx, tx, st.ID, p); err != nil {
			return err
		}
	}
	return nil
}

// ResetPictures gives a student of the class a new random pair (the old
// one stops working) and a new login card to print with it.
func (a *App) ResetPictures(ctx context.Context, s *Session, classID, studentID int64) (*LoginCard, error) {
	c, err := a.teachClass(ctx, s, classID)
	if err != nil {
		return nil, err
	}
	if !authz.CanSetPictureLogin(s.Actor, authz.ClassRef{ID: c.ID, SchoolID: c.SchoolID}) {
		return nil, ErrNotFound
	}
	on, _, err := store.StudentToday(ctx, a.db.R, c.ID, studentID, a.Today())
	if err != nil {
		return nil, err
	}
	if !on {
		return nil, ErrNotFound
	}
	p, err := newPictures()
	if err != nil {
		return nil, err
	}
	if err := store.SetStudentPictures(ctx, a.db.W, studentID, p); err != nil {
		return nil, err
	}
	return a.PrintLoginCard(ctx, s, classID, studentID)
}

// cardPictures puts on each card the pictures its student taps at login,
// when a class of theirs asks for them; a class that asks gives a pair
// first to any of its students still without one.
func (a *App) cardPictures(ctx context.Context, classID int64, cards []LoginCard) error {
	on, err := store.PictureLogin(ctx, a.db.R, classID)
	if err != nil {
		return err
	}
	if on {
		if err := a.db.Tx(ctx, func(tx db.Querier) error { return a.givePictures(ctx, tx, classID) }); err != nil {
			return err
		}
	}
	for i := range cards {
		p, required, err := store.StudentPictures(ctx, a.db.R, cards[i].Student.ID)
		if err != nil {
			return err
		}
		if required {
			cards[i].Pictures = SplitPictures(p)
		}
	}
	return nil
}
