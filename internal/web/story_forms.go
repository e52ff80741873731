package web

import (
	"errors"
	"net/http"
	"strconv"

	"cubby/internal/api"
	"cubby/internal/app"
	"cubby/internal/store"
)

// The story pages' forms: each parses, calls the use case, and redirects
// back with a confirmation, or shows the page again with what was wrong.

// classStorySubmit posts to a class's Class Story: the text, the files and
// the children tagged in them, in one multipart form.
func (s *Server) classStorySubmit(w http.ResponseWriter, r *http.Request) error {
	return s.storySubmit(w, r, true)
}

// schoolStorySubmit posts to a school's School Story.
func (s *Server) schoolStorySubmit(w http.ResponseWriter, r *http.Request) error {
	return s.storySubmit(w, r, false)
}

func (s *Server) storySubmit(w http.ResponseWriter, r *http.Request, class bool) error {
	sess, id, err := sessionAt(r, "id")
	if err != nil {
		return err
	}
	fields, files, cleanup, err := api.ReadStoryForm(r)
	defer cleanup()
	var d app.StoryDraft
	if err == nil {
		d.Files = files
		d.Text = first(fields, "text")
		d.CommentsOff = first(fields, "comments_off") == "1"
		d.Uploads = fields["upload_id"]
		for _, v := range fields["student_id"] {
			n, perr := strconv.ParseInt(v, 10, 64)
			if perr != nil {
				continue
			}
			d.TagAll = append(d.TagAll, n)
		}
	}
	var post *store.StoryPost
	if err == nil {
		if class {
			post, err = s.app.PostClassStory(r.Context(), sess, id, d)
		} else {
			post, err = s.app.PostSchoolStory(r.Context(), sess, id, d)
		}
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		ve := &app.ValidationError{}
		ve.Add("files", "story.body_too_large", "max", storyMaxMB(s))
		err = ve
	}
	if err != nil {
		return s.storyFormError(w, r, sess, id, class, d, err)
	}
	path := "/schools/" + strconv.FormatInt(id, 10) + "/story"
	if class {
		path = "/classes/" + strconv.FormatInt(id, 10) + "/story"
	}
	flash := "story.posted"
	if post.PublishedAt == nil {
		flash = "story.posted_processing"
	}
	s.redirect(w, r, path+"#post-"+strconv.FormatInt(post.ID, 10), flash)
	return nil
}

func storyMaxMB(s *Server) int64 {
	if n := s.app.Stories.MaxFileSize; n > 0 {
		return n >> 20
	}
	return app.DefaultStoryMaxFile >> 20
}

func first(fields map[string][]string, k string) string {
	if v := fields[k]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// storyFormError shows the story page again with the composer's problems
// (a file refused, children without consent named) and what was typed.
func (s *Server) storyFormError(w http.ResponseWriter, r *http.Request, sess *app.Session, id int64, class bool, d app.StoryDraft, err error) error {
	p := s.page(w, r, "story.class_title")
	status, ok := s.formError(w, p, err)
	if !ok {
		return err
	}
	var ve *app.ValidationError
	if errors.As(err, &ve) && ve.Fields["files"].Key == "story.file_too_large" {
		status = http.StatusRequestEntityTooLarge
	}
	var data *storyPage
	if class {
		data, err = s.classStoryData(r, sess, id)
	} else {
		data, err = s.schoolStoryData(r, sess, id)
	}
	if err != nil {
		return err
	}
	if data.Composer != nil {
		data.Composer.Text, data.Composer.CommentsOff = d.Text, d.CommentsOff
		for _, sid := range d.TagAll {
			data.Composer.Tagged[sid] = true
		}
	}
	p.Title = data.Heading
	p.Data = data
	s.render(w, r, status, "story_feed", p)
	return nil
}

// storyAction runs a small action on a post (like, comments off) and goes
// back where the form came from.
func (s *Server) storyAction(do func(r *http.Request, sess *app.Session, id int64) (string, error)) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		sess, id, err := postedTo(r)
		if err != nil {
			return err
		}
		flash, err := do(r, sess, id)
		back := storyBack(r, id)
		var re *app.RefusedError
		if errors.As(err, &re) {
			s.redirect(w, r, back, re.Key)
			return nil
		}
		if err != nil {
			return err
		}
		s.redirect(w, r, back, flash)
		return nil
	}
}

// storyBack is the page a story form returns to, at the post.
func storyBack(r *http.Request, postID int64) string {
	back := localPath(r.PostForm.Get("back"))
	if r.PostForm.Get("back") == "" {
		back = "/stories/" + strconv.FormatInt(postID, 10)
	}
	return back + "#post-" + strconv.FormatInt(postID, 10)
}

func (s *Server) storyLike(r *http.Request, sess *app.Session, id int64) (string, error) {
	return "", s.app.LikeStory(r.Context(), sess, id)
}

func (s *Server) storyUnlike(r *http.Request, sess *app.Session, id int64) (string, error) {
	err := s.app.UnlikeStory(r.Context(), sess, id)
	if errors.Is(err, app.ErrNotFound) {
		if _, serr := s.app.StoryPost(r.Context(), sess, id); serr == nil {
			return "", nil // not liked: nothing to take back
		}
	}
	return "", err
}

func (s *Server) storyCommentsOff(r *http.Request, sess *app.Session, id int64) (string, error) {
	off := r.PostForm.Get("off") == "1"
	key := "story.comments_turned_on"
	if off {
		key = "story.comments_turned_off"
	}
	return key, s.app.SetStoryCommentsOff(r.Context(), sess, id, off)
}

// storyCommentSubmit adds a comment; a problem shows the post's page again
// with the text kept.
func (s *Server) storyCommentSubmit(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := postedTo(r)
	if err != nil {
		return err
	}
	_, err = s.app.CommentOnStory(r.Context(), sess, id, r.PostForm.Get("comment"))
	var re *app.RefusedError
	switch {
	case errors.As(err, &re):
		s.redirect(w, r, storyBack(r, id), re.Key)
		return nil
	case err != nil:
		var ve *app.ValidationError
		if !errors.As(err, &ve) {
			return err
		}
		it, perr := s.app.StoryPost(r.Context(), sess, id)
		if perr != nil {
			return perr
		}
		p := s.page(w, r, "story.post_title")
		status, _ := s.formError(w, p, err)
		p.Form.Set("comment", r.PostForm.Get("comment"))
		p.Form.Set("text", it.Post.Body)
		card := s.cards(p.L, "/stories/"+strconv.FormatInt(id, 10), []app.StoryItem{*it}, true)[0]
		p.Title, p.Data = card.Where, card
		s.render(w, r, status, "story_post", p)
		return nil
	}
	s.redirect(w, r, storyBack(r, id), "story.commented")
	return nil
}

// storyEditSubmit changes a post's text, for its author.
func (s *Server) storyEditSubmit(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := postedTo(r)
	if err != nil {
		return err
	}
	if _, err := s.app.EditStory(r.Context(), sess, id, r.PostForm.Get("text")); err != nil {
		var ve *app.ValidationError
		if !errors.As(err, &ve) {
			return err
		}
		it, perr := s.app.StoryPost(r.Context(), sess, id)
		if perr != nil {
			return perr
		}
		p := s.page(w, r, "story.post_title")
		status, _ := s.formError(w, p, err)
		p.Form.Set("text", r.PostForm.Get("text"))
		card := s.cards(p.L, "/stories/"+strconv.FormatInt(id, 10), []app.StoryItem{*it}, true)[0]
		p.Title, p.Data = card.Where, card
		s.render(w, r, status, "story_post", p)
		return nil
	}
	s.redirect(w, r, "/stories/"+strconv.FormatInt(id, 10), "story.edited_saved")
	return nil
}

// storyDeleteSubmit deletes a post, for its author or a leader.
func (s *Server) storyDeleteSubmit(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := postedTo(r)
	if err != nil {
		return err
	}
	it, err := s.app.StoryPost(r.Context(), sess, id)
	if err != nil {
		return err
	}
	if err := s.app.DeleteStory(r.Context(), sess, id); err != nil {
		return err
	}
	to := "/stories"
	if it.Post.ClassID != 0 {
		to = "/classes/" + strconv.FormatInt(it.Post.ClassID, 10) + "/story"
	} else if sess.User.Kind != store.KindParent {
		to = "/schools/" + strconv.FormatInt(it.Post.SchoolID, 10) + "/story"
	}
	s.redirect(w, r, to, "story.deleted")
	return nil
}

func (s *Server) storyCommentDelete(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := postedTo(r)
	if err != nil {
		return err
	}
	postID, err := s.app.StoryCommentPost(r.Context(), sess, id)
	if err != nil {
		return err
	}
	if err := s.app.DeleteStoryComment(r.Context(), sess, id); err != nil {
		return err
	}
	s.redirect(w, r, storyBack(r, postID), "story.comment_deleted")
	return nil
}

func (s *Server) storyCommentReport(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := postedTo(r)
	if err != nil {
		return err
	}
	postID, err := s.app.StoryCommentPost(r.Context(), sess, id)
	if err != nil {
		return err
	}
	err = s.app.ReportStoryComment(r.Context(), sess, id, r.PostForm.Get("reason"))
	var re *app.RefusedError
	if errors.As(err, &re) {
		s.redirect(w, r, storyBack(r, postID), re.Key)
		return nil
	}
	var ve *app.ValidationError
	if errors.As(err, &ve) {
		s.redirect(w, r, storyBack(r, postID), "story.reason_too_long")
		return nil
	}
	if err != nil {
		return err
	}
	s.redirect(w, r, storyBack(r, postID), "story.reported")
	return nil
}

func (s *Server) storyAttachmentRemove(w http.ResponseWriter, r *http.Request) error {
	sess := session(r)
	if err := r.ParseForm(); err != nil {
		return err
	}
	publicID := r.PathValue("id")
	postID, err := s.app.StoryAttachmentPost(r.Context(), sess, publicID)
	if err != nil {
		return err
	}
	if err := s.app.RemoveStoryAttachment(r.Context(), sess, publicID); err != nil {
		var ve *app.ValidationError
		if errors.As(err, &ve) {
			s.redirect(w, r, storyBack(r, postID), "story.remove_last")
			return nil
		}
		return err
	}
	s.redirect(w, r, storyBack(r, postID), "story.attachment_removed")
	return nil
}

func (s *Server) storyReportResolve(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := postedTo(r)
	if err != nil {
		return err
	}
	schoolID, err := s.app.StoryReportSchool(r.Context(), sess, id)
	if err != nil {
		return err
	}
	remove := r.PostForm.Get("action") == "remove"
	if err := s.app.ResolveStoryReport(r.Context(), sess, id, remove); err != nil {
		return err
	}
	flash := "story.report_dismissed"
	if remove {
		flash = "story.comment_deleted"
	}
	s.redirect(w, r, "/schools/"+strconv.FormatInt(schoolID, 10)+"/story/reports", flash)
	return nil
}

func (s *Server) classStorySettings(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := postedTo(r)
	if err != nil {
		return err
	}
	in := store.StorySettings{StudentsSee: r.PostForm.Get("students_see") == "1", CommentsOff: r.PostForm.Get("comments_off") == "1"}
	if err := s.app.SetClassStorySettings(r.Context(), sess, id, in); err != nil {
		return err
	}
	s.redirect(w, r, "/classes/"+strconv.FormatInt(id, 10)+"/story", "story.settings_saved")
	return nil
}

func (s *Server) schoolStorySettings(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := postedTo(r)
	if err != nil {
		return err
	}
	in := store.StorySettings{CommentsOff: r.PostForm.Get("comments_off") == "1", Departed: r.PostForm.Get("departed")}
	if err := s.app.SetSchoolStorySettings(r.Context(), sess, id, in); err != nil {
		var ve *app.ValidationError
		if !errors.As(err, &ve) {
			return err
		}
		s.redirect(w, r, "/schools/"+strconv.FormatInt(id, 10)+"/story", "story.bad_departed")
		return nil
	}
	s.redirect(w, r, "/schools/"+strconv.FormatInt(id, 10)+"/story", "story.settings_saved")
	return nil
}

// mediaConsentSubmit saves each child's answers.
func (s *Server) mediaConsentSubmit(w http.ResponseWriter, r *http.Request) error {
	sess := session(r)
	if err := r.ParseForm(); err != nil {
		return err
	}
	method := "settings_form"
	if r.PostForm.Get("new") != "" {
		method = "connection_form"
	}
	for _, v := range r.PostForm["child"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return app.ErrNotFound
		}
		if err := s.app.SetMediaConsent(r.Context(), sess, id, r.PostForm.Get("class_"+v) == "1", r.PostForm.Get("school_"+v) == "1", method); err != nil {
			return err
		}
	}
	to := "/settings/media"
	if r.PostForm.Get("new") != "" {
		to = "/" // asked on connecting: on to the child's day
	}
	s.redirect(w, r, to, "story.media_saved")
	return nil
}
