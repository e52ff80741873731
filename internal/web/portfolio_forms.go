package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"cubby/internal/api"
	"cubby/internal/app"
)

// The portfolio forms: each parses, calls the use case, and redirects with
// a confirmation, or shows the page again with what was wrong (a 4xx with
// the message beside the field). Refusals that are not about a field (not
// yours, already approved) answer with the error page the error table
// chooses.

// portfolioDraft reads a piece of work from a multipart form: the text,
// and the file input (photo from the camera or any file), the drawing the
// page's script made, or the voice recording.
func portfolioDraft(fields map[string][]string, files map[string][]app.StoryFile) (app.PortfolioDraft, error) {
	d := app.PortfolioDraft{Text: first(fields, "text")}
	d.ActivityID, _ = strconv.ParseInt(first(fields, "activity_id"), 10, 64)
	d.ClassID, _ = strconv.ParseInt(first(fields, "class_id"), 10, 64)
	d.StudentID, _ = strconv.ParseInt(first(fields, "student_id"), 10, 64)
	uploads := append(append([]app.StoryFile{}, files["photo"]...), files["file"]...)
	n := len(uploads) + len(files["drawing"]) + len(files["voice"])
	if n > 1 {
		v := &app.ValidationError{}
		v.Add("file", "portfolio.one_file")
		return d, v
	}
	if len(uploads) == 1 {
		d.File = &uploads[0]
	}
	if f := files["drawing"]; len(f) == 1 {
		d.Drawing = &f[0]
	}
	if f := files["voice"]; len(f) == 1 {
		d.Voice = &f[0]
	}
	return d, nil
}

// tooLarge turns a body over the limit into the form's own message, and
// says whether the answer should be 413.
func tooLarge(s *Server, err error) (error, bool) {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		ve := &app.ValidationError{}
		ve.Add("file", "portfolio.too_large", "max", storyMaxMB(s))
		return ve, true
	}
	var ve *app.ValidationError
	if errors.As(err, &ve) {
		for _, fe := range ve.Fields {
			if fe.Key == "story.file_too_large" || fe.Key == "portfolio.voice_too_large" || fe.Key == "media.too_large" {
				return err, true
			}
		}
	}
	return err, false
}

// portfolioSubmit posts a piece of work to the student's own portfolio.
func (s *Server) portfolioSubmit(w http.ResponseWriter, r *http.Request) error {
	sess := session(r)
	fields, files, cleanup, err := api.ReadNamedFiles(r)
	defer cleanup()
	var d app.PortfolioDraft
	if err == nil {
		d, err = portfolioDraft(fields, files)
	}
	var id int64
	if err == nil {
		item, perr := s.app.PostPortfolio(r.Context(), sess, d)
		if err = perr; err == nil {
			id = item.ID
		}
	}
	if err != nil {
		return s.portfolioFormError(w, r, sess, d, err, func(p *Page, status int) error {
			// Shown again on the page the form was on, with the activity
			// still chosen.
			if d.ActivityID != 0 {
				q := r.URL.Query()
				q.Set("activity", strconv.FormatInt(d.ActivityID, 10))
				r.URL.RawQuery = q.Encode()
			}
			return s.ownPortfolioWith(w, r, p, sess, d, status)
		})
	}
	s.redirect(w, r, "/portfolio#item-"+strconv.FormatInt(id, 10), "portfolio.posted")
	return nil
}

// portfolioFormError shows the form again for a validation error (400, or
// 413 for a file too large); anything else goes to the error page.
func (s *Server) portfolioFormError(w http.ResponseWriter, r *http.Request, sess *app.Session, d app.PortfolioDraft, err error, again func(p *Page, status int) error) error {
	err, big := tooLarge(s, err)
	p := s.page(w, r, "portfolio.mine")
	status, ok := s.formError(w, p, err)
	if !ok {
		return err
	}
	if big {
		status = http.StatusRequestEntityTooLarge
	}
	return again(p, status)
}

// ownPortfolioWith renders the student's page on p (which carries the
// form's errors).
func (s *Server) ownPortfolioWith(w http.ResponseWriter, r *http.Request, p *Page, sess *app.Session, d app.PortfolioDraft, status int) error {
	page, err := s.app.StudentPortfolio(r.Context(), sess, sess.Actor.StudentID, "", 20)
	if err != nil {
		return err
	}
	acts, err := s.app.MyActivities(r.Context(), sess)
	if err != nil {
		return err
	}
	comp, err := s.portfolioComposer(r, sess, "/portfolio")
	if err != nil {
		return err
	}
	comp.Text = d.Text
	p.Title = p.L.T("portfolio.mine")
	p.Data = &portfolioPage{Heading: p.L.T("portfolio.mine"), Student: page.Student, Items: s.portfolioCards(p.L, sess, "/portfolio", page.Items, false),
		NextURL: nextURL("/portfolio", page.Next), Composer: comp, Activities: acts, Own: true, Empty: p.L.T("portfolio.mine_empty")}
	return s.renderPortfolio(w, r, p, status)
}

// portfolioReviseSubmit sends an improved version of returned work.
func (s *Server) portfolioReviseSubmit(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := sessionAt(r, "id")
	if err != nil {
		return err
	}
	fields, files, cleanup, err := api.ReadNamedFiles(r)
	defer cleanup()
	var d app.PortfolioDraft
	if err == nil {
		d, err = portfolioDraft(fields, files)
	}
	if err == nil {
		_, err = s.app.RevisePortfolio(r.Context(), sess, id, d)
	}
	if err != nil {
		return s.portfolioFormError(w, r, sess, d, err, func(p *Page, status int) error {
			p.Title = p.L.T("portfolio.item_title")
			return s.renderItem(w, r, p, sess, id, status, d.Text)
		})
	}
	s.redirect(w, r, "/portfolio#item-"+strconv.FormatInt(id, 10), "portfolio.resent")
	return nil
}

// portfolioBack is where an action on a piece of work returns, at the card.
func portfolioBack(r *http.Request, id int64) string {
	back := localPath(r.PostForm.Get("back"))
	if r.PostForm.Get("back") == "" {
		back = "/portfolio-items/" + strconv.FormatInt(id, 10)
	}
	return back + "#item-" + strconv.FormatInt(id, 10)
}

// portfolioAction runs a small action on a piece of work and goes back.
func (s *Server) portfolioAction(do func(r *http.Request, sess *app.Session, id int64) (string, error)) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		sess, id, err := postedTo(r)
		if err != nil {
			return err
		}
		flash, err := do(r, sess, id)
		if err != nil {
			return err
		}
		back := portfolioBack(r, id)
		if flash == "portfolio.deleted" && strings.HasPrefix(back, "/portfolio-items/") {
			back = "/portfolio"
		}
		s.redirect(w, r, back, flash)
		return nil
	}
}

func (s *Server) portfolioApprove(r *http.Request, sess *app.Session, id int64) (string, error) {
	return "portfolio.approved", s.app.ApprovePortfolio(r.Context(), sess, id)
}

func (s *Server) portfolioDelete(r *http.Request, sess *app.Session, id int64) (string, error) {
	return "portfolio.deleted", s.app.DeletePortfolioItem(r.Context(), sess, id)
}

func (s *Server) portfolioLike(r *http.Request, sess *app.Session, id int64) (string, error) {
	err := s.app.LikePortfolio(r.Context(), sess, id)
	if errors.Is(err, app.ErrConflict) {
		err = nil // liked already: the page shows it liked
	}
	return "", err
}

func (s *Server) portfolioUnlike(r *http.Request, sess *app.Session, id int64) (string, error) {
	return "", s.app.UnlikePortfolio(r.Context(), sess, id)
}

// portfolioReturnSubmit returns work to its student with a private comment.
func (s *Server) portfolioReturnSubmit(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := postedTo(r)
	if err != nil {
		return err
	}
	err = s.app.ReturnPortfolio(r.Context(), sess, id, r.PostForm.Get("comment"))
	if err != nil {
		return s.itemFormFailed(w, r, sess, id, err)
	}
	s.redirect(w, r, portfolioBack(r, id), "portfolio.returned")
	return nil
}

// portfolioCommentSubmit comments on approved work.
func (s *Server) portfolioCommentSubmit(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := postedTo(r)
	if err != nil {
		return err
	}
	_, err = s.app.CommentOnPortfolio(r.Context(), sess, id, r.PostForm.Get("comment"))
	if err != nil {
		return s.itemFormFailed(w, r, sess, id, err)
	}
	s.redirect(w, r, portfolioBack(r, id), "portfolio.commented")
	return nil
}

// portfolioCommentDelete removes a comment.
func (s *Server) portfolioCommentDelete(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := postedTo(r)
	if err != nil {
		return err
	}
	itemID, err := s.app.DeletePortfolioComment(r.Context(), sess, id)
	if err != nil {
		return err
	}
	s.redirect(w, r, portfolioBack(r, itemID), "portfolio.comment_deleted")
	return nil
}

// classPortfolioSettings saves a class's approval and comments switches.
func (s *Server) classPortfolioSettings(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := postedTo(r)
	if err != nil {
		return err
	}
	err = s.app.SetClassPortfolio(r.Context(), sess, id, r.PostForm.Get("approval_off") == "1", r.PostForm.Get("comments_off") == "1")
	if err != nil {
		p := s.page(w, r, "portfolio.queue_title")
		status, ok := s.formError(w, p, err)
		if !ok {
			return err
		}
		return s.renderClassPortfolio(w, r, p, sess, id, status, app.ActivityDraft{})
	}
	s.redirect(w, r, "/classes/"+strconv.FormatInt(id, 10)+"/portfolio#portfolio-settings", "portfolio.settings_saved")
	return nil
}

// activitySubmit sets a new activity for a class.
func (s *Server) activitySubmit(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := sessionAt(r, "id")
	if err != nil {
		return err
	}
	fields, files, cleanup, err := api.ReadNamedFiles(r)
	defer cleanup()
	d := app.ActivityDraft{Title: first(fields, "title"), Instructions: first(fields, "instructions"), DueOn: first(fields, "due_on")}
	for _, v := range fields["student_id"] {
		if n, perr := strconv.ParseInt(v, 10, 64); perr == nil {
			d.StudentIDs = append(d.StudentIDs, n)
		}
	}
	if f := files["template"]; len(f) > 0 {
		d.Template = &f[0]
	}
	if err == nil {
		_, err = s.app.CreateActivity(r.Context(), sess, id, d)
	}
	if err != nil {
		err, big := tooLarge(s, err)
		p := s.page(w, r, "portfolio.queue_title")
		status, ok := s.formError(w, p, err)
		if !ok {
			return err
		}
		if big {
			status = http.StatusRequestEntityTooLarge
		}
		return s.renderClassPortfolio(w, r, p, sess, id, status, d)
	}
	s.redirect(w, r, "/classes/"+strconv.FormatInt(id, 10)+"/portfolio#activities", "portfolio.activity_set")
	return nil
}

// activityDelete removes an activity.
func (s *Server) activityDelete(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := postedTo(r)
	if err != nil {
		return err
	}
	v, err := s.app.Activity(r.Context(), sess, id)
	if err != nil {
		return err
	}
	if err := s.app.DeleteActivity(r.Context(), sess, id); err != nil {
		return err
	}
	s.redirect(w, r, "/classes/"+strconv.FormatInt(v.Activity.ClassID, 10)+"/portfolio#activities", "portfolio.activity_deleted")
	return nil
}

// activityCopy sets one of the teacher's past activities in a class.
func (s *Server) activityCopy(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := postedTo(r)
	if err != nil {
		return err
	}
	classID, _ := strconv.ParseInt(r.PostForm.Get("class_id"), 10, 64)
	act, err := s.app.CopyActivity(r.Context(), sess, id, classID, r.PostForm.Get("due_on"))
	if err != nil {
		p := s.page(w, r, "portfolio.library_title")
		status, ok := s.formError(w, p, err)
		if !ok {
			return err
		}
		p.Form = r.PostForm
		return s.activityLibrary(w, r, p, status, id)
	}
	s.redirect(w, r, "/classes/"+strconv.FormatInt(act.ClassID, 10)+"/portfolio#activities", "portfolio.activity_copied")
	return nil
}

// schoolPortfolioSubmit sets the grade from which teachers may turn
// approval off ("" for never).
func (s *Server) schoolPortfolioSubmit(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := postedTo(r)
	if err != nil {
		return err
	}
	var grade *int
	if v := r.PostForm.Get("grade"); v != "" {
		n, perr := strconv.Atoi(v)
		if perr != nil {
			n = -1 // refused below, with the range
		}
		grade = &n
	}
	if err := s.app.SetSchoolPortfolioGrade(r.Context(), sess, id, grade); err != nil {
		p := s.page(w, r, "portfolio.title")
		status, ok := s.formError(w, p, err)
		if !ok {
			return err
		}
		return s.portfolioClasses(w, r, sess, p, status, id)
	}
	s.redirect(w, r, "/portfolio", "portfolio.settings_saved")
	return nil
}

// itemFormFailed shows a form on a piece of work again with what was
// wrong (a review or a comment), or returns err when it is not about the
// input.
func (s *Server) itemFormFailed(w http.ResponseWriter, r *http.Request, sess *app.Session, id int64, err error) error {
	p := s.page(w, r, "portfolio.item_title")
	status, ok := s.formError(w, p, err)
	if !ok {
		return err
	}
	p.Form = r.PostForm
	return s.renderItem(w, r, p, sess, id, status, "")
}
