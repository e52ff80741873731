package api

import (
	"cubby/internal/authz"
	"cubby/internal/i18n"
	"errors"
	"net/http"
	"strconv"
	"time"

	"cubby/internal/app"
	"cubby/internal/store"
)

// Portfolios (app/portfolio*.go). A student posts work to their own
// portfolio as multipart/form-data (text, and one of file, drawing or
// voice); teachers review it; families read approved work, like it and
// comment on it.

// portfolioRoutes declares the portfolio endpoints.
func (x *API) portfolioRoutes() {
	x.add(Op{Method: "POST", Path: "/students/{id}/portfolio", ID: "postPortfolio", Tag: "portfolios", Access: authz.ForFamily, Idempotent: true,
		Summary: "The student posts a piece of work to their own portfolio (multipart/form-data: text, activity_id or class_id, and at most one of file — a photo or document —, drawing — a PNG of the strokes, laid over the activity's template — or voice — a recording, at most 10 MB, stored without its metadata). It waits for a teacher unless the class needs no approval. Another student's portfolio answers 403; an activity not set for the student, an empty drawing, a bad file 400; a file over the limit 413.",
		Upload:  "PortfolioForm", Response: "PortfolioItem", Success: http.StatusCreated, Errors: []int{400, 401, 403, 404, 413}, Handle: x.postPortfolio})
	x.add(Op{Method: "GET", Path: "/students/{id}/portfolio", ID: "studentPortfolio", Tag: "portfolios", Access: authz.ForFamily,
		Summary:  "A student's portfolio, newest first: all their work for the student and their teachers, approved work only (by when it was approved) for their parents; 404 for anyone else.",
		Response: "PortfolioPage", Success: http.StatusOK, Errors: []int{400, 401, 403, 404}, Handle: x.studentPortfolio})
	x.add(Op{Method: "GET", Path: "/portfolio-items/{id}", ID: "getPortfolioItem", Tag: "portfolios", Access: authz.ForFamily,
		Summary:  "One piece of work with its comments and, for the student and staff, the teacher's decisions (a return's private comment). 404 for anyone who may not see it — a parent before it is approved.",
		Response: "PortfolioItem", Success: http.StatusOK, Errors: []int{401, 404}, Handle: x.getPortfolioItem})
	x.add(Op{Method: "POST", Path: "/portfolio-items/{id}/revise", ID: "revisePortfolioItem", Tag: "portfolios", Access: authz.ForFamily,
		Summary: "The student sends an improved version of work that waits or was returned (the same form as a new piece); it goes back to the queue. Approved work answers 409.",
		Upload:  "PortfolioForm", Response: "PortfolioItem", Success: http.StatusOK, Errors: []int{400, 401, 403, 404, 409, 413}, Handle: x.revisePortfolio})
	x.add(Op{Method: "DELETE", Path: "/portfolio-items/{id}", ID: "deletePortfolioItem", Tag: "portfolios", Access: authz.ForFamily,
		Summary: "Delete a piece of work with its files, comments and likes: the student, or staff who review it.", Success: http.StatusNoContent,
		Errors: []int{401, 403, 404}, Handle: x.deletePortfolioItem})
	x.add(Op{Method: "POST", Path: "/portfolio-items/{id}/approve", ID: "approvePortfolioItem", Tag: "portfolios", Access: authz.ForClassTeachers,
		Summary: "A teacher of the class (or a leader) shares waiting work with the student's family; 409 when it is not waiting.",
		Success: http.StatusNoContent, Errors: []int{401, 403, 404, 409}, Handle: x.approvePortfolio})
	x.add(Op{Method: "POST", Path: "/portfolio-items/{id}/return", ID: "returnPortfolioItem", Tag: "portfolios", Access: authz.ForClassTeachers,
		Summary: "Return waiting work to the student with a private comment (required) saying what to improve; the family sees nothing of it.",
		Request: "PortfolioReturn", Success: http.StatusNoContent, Errors: []int{400, 401, 403, 404, 409}, Handle: x.returnPortfolio})
	x.add(Op{Method: "POST", Path: "/portfolio-items/{id}/likes", ID: "likePortfolioItem", Tag: "portfolios", Access: authz.ForFamily,
		Summary: "Like approved work (the student's parents and staff); twice answers 409, work not yet approved 409 (or 404 for a parent, who cannot see it).",
		Success: http.StatusCreated, Errors: []int{401, 403, 404, 409}, Handle: x.likePortfolio})
	x.add(Op{Method: "DELETE", Path: "/portfolio-items/{id}/likes", ID: "unlikePortfolioItem", Tag: "portfolios", Access: authz.ForFamily,
		Summary: "Take the caller's like back.", Success: http.StatusNoContent, Errors: []int{401, 404}, Handle: x.unlikePortfolio})
	x.add(Op{Method: "POST", Path: "/portfolio-items/{id}/comments", ID: "commentOnPortfolioItem", Tag: "portfolios", Access: authz.ForFamily, Idempotent: true,
		Summary: "Comment on approved work (the student's parents and staff); 409 when families' comments are off or the work is not approved.",
		Request: "StoryCommentCreate", Response: "PortfolioComment", Success: http.StatusCreated, Errors: []int{400, 401, 403, 404, 409}, Handle: x.commentOnPortfolio})
	x.add(Op{Method: "DELETE", Path: "/portfolio-comments/{id}", ID: "deletePortfolioComment", Tag: "portfolios", Access: authz.ForFamily,
		Summary: "Delete a comment: its writer, or staff who review the work.", Success: http.StatusNoContent, Errors: []int{401, 403, 404}, Handle: x.deletePortfolioComment})
	x.add(Op{Method: "GET", Path: "/portfolio-files/{id}", ID: "portfolioFile", Tag: "portfolios", Access: authz.ForFamily,
		Summary: "A file of a piece of work (?size=thumb for a picture's thumbnail), checked against who may see the work on every request.",
		Success: http.StatusOK, Errors: []int{401, 404}, Handle: x.portfolioFile,
		Query: []Param{{Name: "size", Type: "string", Description: "thumb (pictures); the file without it"}}})
	x.add(Op{Method: "GET", Path: "/classes/{id}/portfolio/queue", ID: "portfolioQueue", Tag: "portfolios", Access: authz.ForClassTeachers,
		Summary:  "A class's work waiting for approval, oldest first, and the work returned to its students (its teachers and the school's leaders).",
		Response: "PortfolioQueue", Success: http.StatusOK, Errors: []int{401, 404}, Handle: x.portfolioQueue})
	x.add(Op{Method: "PUT", Path: "/classes/{id}/portfolio/settings", ID: "setPortfolioSettings", Tag: "portfolios", Access: authz.ForClassTeachers,
		Summary: "A class's switches: families' comments, and approval (off only where the school allows it for the class's grade, else 400).",
		Request: "PortfolioSettings", Response: "PortfolioSettings", Success: http.StatusOK, Errors: []int{400, 401, 403, 404}, Handle: x.setPortfolioSettings})
	x.add(Op{Method: "POST", Path: "/classes/{id}/activities", ID: "createActivity", Tag: "portfolios", Access: authz.ForClassTeachers,
		Summary: "Set an activity for the class or chosen students (its teachers): multipart/form-data with title, instructions, due_on (YYYY-MM-DD, not in the past), student_ids and an optional template file (a picture to draw over, or a worksheet).",
		Upload:  "ActivityForm", Response: "Activity", Success: http.StatusCreated, Errors: []int{400, 401, 403, 404, 409, 413}, Handle: x.createActivity})
	x.add(Op{Method: "GET", Path: "/classes/{id}/activities", ID: "classActivities", Tag: "portfolios", Access: authz.ForCommunity,
		Summary:  "A class's activities, newest first (its teachers and the school's leaders).",
		Response: "ActivityList", Success: http.StatusOK, Errors: []int{401, 404}, Handle: x.classActivities})
	x.add(Op{Method: "GET", Path: "/me/activities", ID: "myActivities", Tag: "portfolios", Access: authz.ForSelf,
		Summary:  "The activities set for the calling student, newest first, with the state of their work for each.",
		Response: "ActivityList", Success: http.StatusOK, Errors: []int{401}, Handle: x.myActivities})
	x.add(Op{Method: "GET", Path: "/me/activity-library", ID: "activityLibrary", Tag: "portfolios", Access: authz.ForSelf,
		Summary:  "The calling teacher's activities of every year, newest first, to copy into a class.",
		Response: "ActivityList", Success: http.StatusOK, Errors: []int{401, 403}, Handle: x.activityLibrary})
	x.add(Op{Method: "POST", Path: "/activities/{id}/copy", ID: "copyActivity", Tag: "portfolios", Access: authz.ForStaff,
		Summary: "Set one of the caller's past activities again in a class they teach, with its template and an optional new due date.",
		Request: "ActivityCopy", Response: "Activity", Success: http.StatusCreated, Errors: []int{400, 401, 403, 404, 409}, Handle: x.copyActivity})
	x.add(Op{Method: "GET", Path: "/activities/{id}/template", ID: "activityTemplate", Tag: "portfolios", Access: authz.ForCommunity,
		Summary: "An activity's template picture or worksheet (?size=thumb for a picture's thumbnail), for its class's staff and the students it is for.",
		Success: http.StatusOK, Errors: []int{401, 404}, Handle: x.activityTemplate,
		Query: []Param{{Name: "size", Type: "string", Description: "thumb (pictures); the file without it"}}})
	x.add(Op{Method: "DELETE", Path: "/activities/{id}", ID: "deleteActivity", Tag: "portfolios", Access: authz.ForClassTeachers,
		Summary: "Remove an activity (its class's teachers); work made for it stays in the students' portfolios.", Success: http.StatusNoContent,
		Errors: []int{401, 403, 404}, Handle: x.deleteActivity})
}

func refused(field, key string, args ...any) error {
	v := &app.ValidationError{}
	v.Add(field, key, args...)
	return v
}

func firstField(fields map[string][]string, k string) string {
	if v := fields[k]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// portfolioDraftFrom reads a piece of work from the form.
func portfolioDraftFrom(r *http.Request) (app.PortfolioDraft, func(), error) {
	fields, files, cleanup, err := ReadNamedFiles(r)
	if err != nil {
		return app.PortfolioDraft{}, cleanup, err
	}
	d := app.PortfolioDraft{Text: firstField(fields, "text")}
	for k, dst := range map[string]*int64{"activity_id": &d.ActivityID, "class_id": &d.ClassID} {
		if v := firstField(fields, k); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				return d, cleanup, refused(k, "portfolio.bad_id")
			}
			*dst = n
		}
	}
	if len(files["file"])+len(files["drawing"])+len(files["voice"]) > 1 || len(files["file"]) > 1 {
		return d, cleanup, refused("file", "portfolio.one_file")
	}
	for k, dst := range map[string]**app.StoryFile{"file": &d.File, "drawing": &d.Drawing, "voice": &d.Voice} {
		if f := files[k]; len(f) == 1 {
			*dst = &f[0]
		}
	}
	return d, cleanup, nil
}

// portfolioFileErr answers a file over a limit with 413.
func (x *API) portfolioFileErr(w http.ResponseWriter, r *http.Request, err error) error {
	var ve *app.ValidationError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &ve):
		for _, fe := range ve.Fields {
			if fe.Key == "story.file_too_large" || fe.Key == "portfolio.voice_too_large" || fe.Key == "media.too_large" {
				x.problem(w, r, http.StatusRequestEntityTooLarge, "error.too_large", ve)
				return nil
			}
		}
	case errors.As(err, &mbe):
		x.problem(w, r, http.StatusRequestEntityTooLarge, "error.too_large", nil)
		return nil
	}
	return err
}

func (x *API) postPortfolio(w http.ResponseWriter, r *http.Request) error {
	id, err := parseID(r, "id")
	if err != nil {
		return err
	}
	d, cleanup, err := portfolioDraftFrom(r)
	defer cleanup()
	if err != nil {
		return x.portfolioFileErr(w, r, err)
	}
	d.StudentID = id
	s := app.SessionFrom(r.Context())
	it, err := x.app.PostPortfolio(r.Context(), s, d)
	if err != nil {
		return x.portfolioFileErr(w, r, err)
	}
	return x.writePortfolioItem(w, r, http.StatusCreated, it.ID)
}

func (x *API) revisePortfolio(w http.ResponseWriter, r *http.Request) error {
	id, err := parseID(r, "id")
	if err != nil {
		return err
	}
	d, cleanup, err := portfolioDraftFrom(r)
	defer cleanup()
	if err != nil {
		return x.portfolioFileErr(w, r, err)
	}
	if _, err := x.app.RevisePortfolio(r.Context(), app.SessionFrom(r.Context()), id, d); err != nil {
		return x.portfolioFileErr(w, r, err)
	}
	return x.writePortfolioItem(w, r, http.StatusOK, id)
}

func (x *API) writePortfolioItem(w http.ResponseWriter, r *http.Request, status int, id int64) error {
	e, err := x.app.PortfolioItem(r.Context(), app.SessionFrom(r.Context()), id)
	if err != nil {
		return err
	}
	return writeJSON(w, status, portfolioJSON(x.localizer(r), *e))
}

func (x *API) getPortfolioItem(w http.ResponseWriter, r *http.Request) error {
	id, err := parseID(r, "id")
	if err != nil {
		return err
	}
	return x.writePortfolioItem(w, r, http.StatusOK, id)
}

func (x *API) studentPortfolio(w http.ResponseWriter, r *http.Request) error {
	id, err := parseID(r, "id")
	if err != nil {
		return err
	}
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	page, err := x.app.StudentPortfolio(r.Context(), app.SessionFrom(r.Context()), id, r.URL.Query().Get("cursor"), limit)
	if err != nil {
		return err
	}
	out := portfolioPageJSON{Student: studentRefJSON{ID: strconv.FormatInt(page.Student.ID, 10), FirstName: page.Student.FirstName},
		Items: make([]portfolioItemJSON, 0, len(page.Items)), Next: page.Next}
	for _, e := range page.Items {
		out.Items = append(out.Items, portfolioJSON(x.localizer(r), e))
	}
	return writeJSON(w, http.StatusOK, out)
}

// itemAction runs an action on a piece of work and answers 204 (or code).
func (x *API) itemAction(code int, do func(r *http.Request, s *app.Session, id int64) error) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := parseID(r, "id")
		if err != nil {
			return err
		}
		if err := do(r, app.SessionFrom(r.Context()), id); err != nil {
			return err
		}
		w.WriteHeader(code)
		return nil
	}
}

func (x *API) deletePortfolioItem(w http.ResponseWriter, r *http.Request) error {
	return x.itemAction(http.StatusNoContent, func(r *http.Request, s *app.Session, id int64) error {
		return x.app.DeletePortfolioItem(r.Context(), s, id)
	})(w, r)
}

func (x *API) approvePortfolio(w http.ResponseWriter, r *http.Request) error {
	return x.itemAction(http.StatusNoContent, func(r *http.Request, s *app.Session, id int64) error {
		return x.app.ApprovePortfolio(r.Context(), s, id)
	})(w, r)
}

func (x *API) returnPortfolio(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Comment string `json:"comment"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	return x.itemAction(http.StatusNoContent, func(r *http.Request, s *app.Session, id int64) error {
		return x.app.ReturnPortfolio(r.Context(), s, id, req.Comment)
	})(w, r)
}

func (x *API) likePortfolio(w http.ResponseWriter, r *http.Request) error {
	return x.itemAction(http.StatusCreated, func(r *http.Request, s *app.Session, id int64) error {
		return x.app.LikePortfolio(r.Context(), s, id)
	})(w, r)
}

func (x *API) unlikePortfolio(w http.ResponseWriter, r *http.Request) error {
	return x.itemAction(http.StatusNoContent, func(r *http.Request, s *app.Session, id int64) error {
		return x.app.UnlikePortfolio(r.Context(), s, id)
	})(w, r)
}

func (x *API) commentOnPortfolio(w http.ResponseWriter, r *http.Request) error {
	id, err := parseID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		Text string `json:"text"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	c, err := x.app.CommentOnPortfolio(r.Context(), app.SessionFrom(r.Context()), id, req.Text)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, commentJSONOf(x.localizer(r), *c, true))
}

func (x *API) deletePortfolioComment(w http.ResponseWriter, r *http.Request) error {
	return x.itemAction(http.StatusNoContent, func(r *http.Request, s *app.Session, id int64) error {
		_, err := x.app.DeletePortfolioComment(r.Context(), s, id)
		return err
	})(w, r)
}

func (x *API) portfolioFile(w http.ResponseWriter, r *http.Request) error {
	f, err := x.app.OpenPortfolioFile(r.Context(), app.SessionFrom(r.Context()), r.PathValue("id"), r.URL.Query().Get("size"))
	if err != nil {
		return err
	}
	defer f.Close()
	ServeStoryFile(w, f)
	return nil
}

func (x *API) portfolioQueue(w http.ResponseWriter, r *http.Request) error {
	id, err := parseID(r, "id")
	if err != nil {
		return err
	}
	q, err := x.app.ClassPortfolioQueue(r.Context(), app.SessionFrom(r.Context()), id)
	if err != nil {
		return err
	}
	out := portfolioQueueJSON{Waiting: []portfolioItemJSON{}, Returned: []portfolioItemJSON{}, Settings: settingsJSON(q.Settings, q.ApprovalAllowed)}
	for _, e := range q.Waiting {
		out.Waiting = append(out.Waiting, portfolioJSON(x.localizer(r), e))
	}
	for _, e := range q.Returned {
		out.Returned = append(out.Returned, portfolioJSON(x.localizer(r), e))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (x *API) setPortfolioSettings(w http.ResponseWriter, r *http.Request) error {
	id, err := parseID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		ApprovalOff bool `json:"approval_off"`
		CommentsOff bool `json:"comments_off"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	s := app.SessionFrom(r.Context())
	if err := x.app.SetClassPortfolio(r.Context(), s, id, req.ApprovalOff, req.CommentsOff); err != nil {
		return err
	}
	q, err := x.app.ClassPortfolioQueue(r.Context(), s, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, settingsJSON(q.Settings, q.ApprovalAllowed))
}

func (x *API) createActivity(w http.ResponseWriter, r *http.Request) error {
	id, err := parseID(r, "id")
	if err != nil {
		return err
	}
	fields, files, cleanup, err := ReadNamedFiles(r)
	defer cleanup()
	if err != nil {
		return x.portfolioFileErr(w, r, err)
	}
	d := app.ActivityDraft{Title: firstField(fields, "title"), Instructions: firstField(fields, "instructions"), DueOn: firstField(fields, "due_on")}
	ids, err := parseIDs(splitList(fields["student_ids"]))
	if err != nil {
		return refused("student_ids", "portfolio.student_not_in_class")
	}
	d.StudentIDs = ids
	if f := files["template"]; len(f) > 0 {
		d.Template = &f[0]
	}
	act, err := x.app.CreateActivity(r.Context(), app.SessionFrom(r.Context()), id, d)
	if err != nil {
		return x.portfolioFileErr(w, r, err)
	}
	return writeJSON(w, http.StatusCreated, activityJSONOf(*act, nil))
}

func (x *API) classActivities(w http.ResponseWriter, r *http.Request) error {
	id, err := parseID(r, "id")
	if err != nil {
		return err
	}
	list, err := x.app.ClassActivities(r.Context(), app.SessionFrom(r.Context()), id)
	if err != nil {
		return err
	}
	out := activityListJSON{Activities: []activityJSON{}}
	for _, a := range list {
		out.Activities = append(out.Activities, activityJSONOf(a, nil))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (x *API) myActivities(w http.ResponseWriter, r *http.Request) error {
	list, err := x.app.MyActivities(r.Context(), app.SessionFrom(r.Context()))
	if err != nil {
		return err
	}
	out := activityListJSON{Activities: []activityJSON{}}
	for _, a := range list {
		out.Activities = append(out.Activities, activityJSONOf(a.PortfolioActivity, a.Item))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (x *API) activityLibrary(w http.ResponseWriter, r *http.Request) error {
	list, err := x.app.ActivityLibrary(r.Context(), app.SessionFrom(r.Context()))
	if err != nil {
		return err
	}
	out := activityListJSON{Activities: []activityJSON{}}
	for _, a := range list {
		out.Activities = append(out.Activities, activityJSONOf(a, nil))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (x *API) copyActivity(w http.ResponseWriter, r *http.Request) error {
	id, err := parseID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		ClassID string `json:"class_id"`
		DueOn   string `json:"due_on"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	classID, err := strconv.ParseInt(req.ClassID, 10, 64)
	if err != nil {
		return refused("class_id", "portfolio.bad_id")
	}
	act, err := x.app.CopyActivity(r.Context(), app.SessionFrom(r.Context()), id, classID, req.DueOn)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, activityJSONOf(*act, nil))
}

func (x *API) activityTemplate(w http.ResponseWriter, r *http.Request) error {
	id, err := parseID(r, "id")
	if err != nil {
		return err
	}
	f, err := x.app.OpenActivityTemplate(r.Context(), app.SessionFrom(r.Context()), id, r.URL.Query().Get("size"))
	if err != nil {
		return err
	}
	defer f.Close()
	ServeStoryFile(w, f)
	return nil
}

func (x *API) deleteActivity(w http.ResponseWriter, r *http.Request) error {
	return x.itemAction(http.StatusNoContent, func(r *http.Request, s *app.Session, id int64) error {
		return x.app.DeleteActivity(r.Context(), s, id)
	})(w, r)
}

// JSON shapes.

type studentRefJSON struct {
	ID        string `json:"id"`
	FirstName string `json:"first_name"`
}

type portfolioFileJSON struct {
	ID          string `json:"id"`
	Kind        string `json:"kind"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	Width       int    `json:"width,omitempty"`
	Height      int    `json:"height,omitempty"`
	URL         string `json:"url"`
	ThumbURL    string `json:"thumb_url,omitempty"`
}

type portfolioReviewJSON struct {
	Action       string    `json:"action"`
	Comment      string    `json:"comment"`
	ReviewerName string    `json:"reviewer_name"`
	CreatedAt    time.Time `json:"created_at"`
}

type portfolioItemJSON struct {
	ID          string                `json:"id"`
	Student     studentRefJSON        `json:"student"`
	ClassID     *string               `json:"class_id"`
	ActivityID  *string               `json:"activity_id"`
	Activity    string                `json:"activity_title"`
	Kind        string                `json:"kind"`
	Text        string                `json:"text"`
	Status      string                `json:"status"`
	SubmittedAt time.Time             `json:"submitted_at"`
	ApprovedAt  *time.Time            `json:"approved_at"`
	Files       []portfolioFileJSON   `json:"files"`
	Likes       int                   `json:"likes"`
	Liked       bool                  `json:"liked"`
	CommentN    int                   `json:"comment_count"`
	Comments    []commentView         `json:"comments"`
	Reviews     []portfolioReviewJSON `json:"reviews"`
	CanLike     bool                  `json:"can_like"`
	CanComment  bool                  `json:"can_comment"`
	CanReview   bool                  `json:"can_review"`
	CanRevise   bool                  `json:"can_revise"`
	CanDelete   bool                  `json:"can_delete"`
}

func pOptID(id int64) *string {
	if id == 0 {
		return nil
	}
	s := strconv.FormatInt(id, 10)
	return &s
}

func commentJSONOf(l *i18n.Localizer, c store.PortfolioComment, canDelete bool) commentView {
	return commentView{ID: strconv.FormatInt(c.ID, 10), AuthorName: l.PersonName(c.AuthorTitle, c.AuthorFirst, c.AuthorLast), Text: c.Body, CreatedAt: c.CreatedAt, CanDelete: canDelete}
}

func portfolioJSON(l *i18n.Localizer, e app.PortfolioEntry) portfolioItemJSON {
	it := e.Item
	out := portfolioItemJSON{ID: strconv.FormatInt(it.ID, 10), Student: studentRefJSON{ID: strconv.FormatInt(it.StudentID, 10), FirstName: it.StudentFirst},
		ClassID: pOptID(it.ClassID), ActivityID: pOptID(it.ActivityID), Activity: it.ActivityTitle, Kind: it.Kind, Text: it.Body, Status: it.Status,
		SubmittedAt: it.SubmittedAt, ApprovedAt: it.ApprovedAt, Files: []portfolioFileJSON{}, Likes: e.Counts.Likes, Liked: e.Counts.Liked,
		CommentN: e.Counts.Comments, Comments: []commentView{}, Reviews: []portfolioReviewJSON{}, CanLike: e.CanReact, CanComment: e.CanComment,
		CanReview: e.CanReview, CanRevise: e.CanRevise, CanDelete: e.CanRemove}
	for _, f := range e.Files {
		fj := portfolioFileJSON{ID: f.PublicID, Kind: f.Kind, Name: f.Name, ContentType: f.ContentType, Size: f.Size, Width: f.Width, Height: f.Height,
			URL: "/api/v1/portfolio-files/" + f.PublicID}
		if f.Kind == store.PortfolioPhoto || f.Kind == store.PortfolioDrawing {
			fj.ThumbURL = fj.URL + "?size=thumb"
		}
		out.Files = append(out.Files, fj)
	}
	for _, c := range e.Comments {
		out.Comments = append(out.Comments, commentJSONOf(l, c, e.CanDelete[c.ID]))
	}
	for _, rv := range e.Reviews {
		out.Reviews = append(out.Reviews, portfolioReviewJSON{Action: rv.Action, Comment: rv.Comment, ReviewerName: reviewerName(l, rv), CreatedAt: rv.CreatedAt})
	}
	return out
}

// reviewerName is the teacher who reviewed a piece of work, as the
// reader's language addresses them; "" once their account is erased.
func reviewerName(l *i18n.Localizer, rv store.PortfolioReview) string {
	if rv.ReviewerID == 0 {
		return ""
	}
	return l.PersonName(rv.ReviewerTitle, rv.ReviewerFirst, rv.ReviewerLast)
}

type portfolioPageJSON struct {
	Student studentRefJSON      `json:"student"`
	Items   []portfolioItemJSON `json:"items"`
	Next    string              `json:"next,omitempty"`
}

type portfolioSettingsJSON struct {
	ApprovalOff     bool `json:"approval_off"`
	CommentsOff     bool `json:"comments_off"`
	ApprovalAllowed bool `json:"approval_may_be_off"`
}

func settingsJSON(s store.PortfolioSettings, allowed bool) portfolioSettingsJSON {
	return portfolioSettingsJSON{ApprovalOff: s.ApprovalOff && allowed, CommentsOff: s.CommentsOff, ApprovalAllowed: allowed}
}

type portfolioQueueJSON struct {
	Waiting  []portfolioItemJSON   `json:"waiting"`
	Returned []portfolioItemJSON   `json:"returned"`
	Settings portfolioSettingsJSON `json:"settings"`
}

type activityJSON struct {
	ID           string    `json:"id"`
	ClassID      string    `json:"class_id"`
	ClassName    string    `json:"class_name"`
	Title        string    `json:"title"`
	Instructions string    `json:"instructions"`
	DueOn        *string   `json:"due_on"`
	ForAll       bool      `json:"for_all"`
	Template     *string   `json:"template_url"`
	CreatedAt    time.Time `json:"created_at"`
	MyStatus     *string   `json:"my_status,omitempty"`
	MyItemID     *string   `json:"my_item_id,omitempty"`
}

type activityListJSON struct {
	Activities []activityJSON `json:"activities"`
}

func activityJSONOf(a store.PortfolioActivity, mine *store.PortfolioItem) activityJSON {
	out := activityJSON{ID: strconv.FormatInt(a.ID, 10), ClassID: strconv.FormatInt(a.ClassID, 10), ClassName: a.ClassName, Title: a.Title,
		Instructions: a.Instructions, ForAll: a.ForAll, CreatedAt: a.CreatedAt}
	if a.DueOn != "" {
		out.DueOn = &a.DueOn
	}
	if a.TemplateKey != "" {
		u := "/api/v1/activities/" + out.ID + "/template"
		out.Template = &u
	}
	if mine != nil {
		out.MyStatus, out.MyItemID = &mine.Status, pOptID(mine.ID)
	}
	return out
}

func init() {
	date := map[string]any{"type": "string", "format": "date-time"}
	boolean := map[string]any{"type": "boolean"}
	nullable := func(t string) map[string]any { return map[string]any{"type": []string{t, "null"}} }
	binary := map[string]any{"type": "string", "format": "binary"}
	for name, s := range map[string]any{
		"PortfolioForm": obj(map[string]any{
			"text":        map[string]any{"type": "string", "maxLength": app.PortfolioMaxText},
			"activity_id": map[string]any{"type": "string", "description": "the activity it answers; left out for a journal entry"},
			"class_id":    map[string]any{"type": "string", "description": "for a journal entry of a student in several classes: whose teachers review it"},
			"file":        binary, "drawing": map[string]any{"type": "string", "format": "binary", "description": "a PNG of the strokes, clear where nothing was drawn"},
			"voice": map[string]any{"type": "string", "format": "binary", "description": "a recording (WebM/Ogg Opus, M4A, MP3), at most 10 MB"},
		}),
		"PortfolioFile": obj(map[string]any{"id": str(), "kind": enum("photo", "drawing", "voice", "file"), "name": str(), "content_type": str(),
			"size": integer(), "width": integer(), "height": integer(), "url": str(), "thumb_url": str()}, "id", "kind", "name", "content_type", "size", "url"),
		"PortfolioReview": obj(map[string]any{"action": enum("approved", "returned"), "comment": str(), "reviewer_name": str(), "created_at": date},
			"action", "comment", "created_at"),
		"PortfolioComment": ref("StoryComment"),
		"PortfolioItem": obj(map[string]any{
			"id": str(), "student": obj(map[string]any{"id": str(), "first_name": str()}, "id", "first_name"),
			"class_id": nullable("string"), "activity_id": nullable("string"), "activity_title": str(),
			"kind": enum("text", "photo", "drawing", "voice", "file"), "text": str(), "status": enum("pending", "returned", "approved"),
			"submitted_at": date, "approved_at": map[string]any{"type": []string{"string", "null"}, "format": "date-time"},
			"files": map[string]any{"type": "array", "items": ref("PortfolioFile")}, "likes": integer(), "liked": boolean, "comment_count": integer(),
			"comments": map[string]any{"type": "array", "items": ref("StoryComment")},
			"reviews":  map[string]any{"type": "array", "items": ref("PortfolioReview"), "description": "the teacher's decisions, for the student and staff only"},
			"can_like": boolean, "can_comment": boolean, "can_review": boolean, "can_revise": boolean, "can_delete": boolean,
		}, "id", "student", "kind", "text", "status", "submitted_at", "files", "comments", "reviews"),
		"PortfolioPage": obj(map[string]any{"student": obj(map[string]any{"id": str(), "first_name": str()}, "id", "first_name"),
			"items": map[string]any{"type": "array", "items": ref("PortfolioItem")}, "next": str()}, "student", "items"),
		"PortfolioReturn":   obj(map[string]any{"comment": map[string]any{"type": "string", "maxLength": app.PortfolioMaxReturn}}, "comment"),
		"PortfolioSettings": obj(map[string]any{"approval_off": boolean, "comments_off": boolean, "approval_may_be_off": boolean}),
		"PortfolioQueue": obj(map[string]any{"waiting": map[string]any{"type": "array", "items": ref("PortfolioItem")},
			"returned": map[string]any{"type": "array", "items": ref("PortfolioItem")}, "settings": ref("PortfolioSettings")}, "waiting", "returned", "settings"),
		"ActivityForm": obj(map[string]any{"title": map[string]any{"type": "string", "maxLength": app.ActivityMaxTitle},
			"instructions": map[string]any{"type": "string", "maxLength": app.ActivityMaxInstructions},
			"due_on":       map[string]any{"type": "string", "format": "date"},
			"student_ids":  map[string]any{"type": "string", "description": "students it is for, comma-separated or repeated; left out for the whole class"},
			"template":     binary}, "title"),
		"Activity": obj(map[string]any{"id": str(), "class_id": str(), "class_name": str(), "title": str(), "instructions": str(),
			"due_on": map[string]any{"type": []string{"string", "null"}, "format": "date"}, "for_all": boolean, "template_url": nullable("string"),
			"created_at": date, "my_status": enum("pending", "returned", "approved"), "my_item_id": str()},
			"id", "class_id", "title", "instructions", "for_all", "created_at"),
		"ActivityList": obj(map[string]any{"activities": map[string]any{"type": "array", "items": ref("Activity")}}, "activities"),
		"ActivityCopy": obj(map[string]any{"class_id": str(), "due_on": map[string]any{"type": "string", "format": "date"}}, "class_id"),
	} {
		schemas[name] = s
	}
}
