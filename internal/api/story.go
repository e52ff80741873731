package api

import (
	"cubby/internal/authz"
	"errors"
	"io"
	"mime"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"cubby/internal/app"
	"cubby/internal/store"
)

// Class Story and School Story (app/story*.go). Posts are created with a
// JSON body naming earlier uploads (POST …/story/uploads, one file each,
// for progress on large files) or as multipart/form-data with the files
// themselves; both take an Idempotency-Key.

// storyRoutes declares the story endpoints.
func (x *API) storyRoutes() {
	postErrs := []int{400, 401, 403, 404, 409, 413}
	x.add(Op{Method: "POST", Path: "/classes/{id}/story", ID: "postClassStory", Tag: "stories", Access: authz.ForClassTeachers, Idempotent: true,
		Summary: "Post to a class's Class Story (its teachers): text and up to 10 attachments, as JSON naming earlier uploads (upload_ids) or as multipart/form-data with the files (text, file…, student_ids, comments_off). Photos are re-encoded without metadata in the background; the post reaches families (status published) once they are ready. Tagging a child without media consent is refused (400) with the children named.",
		Request: "StoryCreate", Upload: "StoryForm", Response: "StoryPost", Success: http.StatusCreated, Errors: postErrs, Handle: x.postClassStory})
	x.add(Op{Method: "POST", Path: "/schools/{id}/story", ID: "postSchoolStory", Tag: "stories", Access: authz.ForStaff, Idempotent: true,
		Summary: "Post to a school's School Story (its leaders and verified staff), as for a Class Story; children tagged need media consent for the whole school.",
		Request: "StoryCreate", Upload: "StoryForm", Response: "StoryPost", Success: http.StatusCreated, Errors: postErrs, Handle: x.postSchoolStory})
	x.add(Op{Method: "POST", Path: "/classes/{id}/story/uploads", ID: "uploadClassStoryFile", Tag: "stories", Access: authz.ForClassTeachers,
		Summary: "Upload one file (multipart/form-data, part \"file\") ahead of a Class Story post, with the client's upload progress; its type is decided from its content and it is refused (400, or 413 over the size limit) when it cannot be shared. Unposted uploads are deleted after a day.",
		Upload:  "StoryUploadForm", Response: "StoryUpload", Success: http.StatusCreated, Errors: []int{400, 401, 403, 404, 409, 413}, Handle: x.uploadClassStoryFile})
	x.add(Op{Method: "POST", Path: "/schools/{id}/story/uploads", ID: "uploadSchoolStoryFile", Tag: "stories", Access: authz.ForStaff,
		Summary: "Upload one file ahead of a School Story post.", Upload: "StoryUploadForm", Response: "StoryUpload",
		Success: http.StatusCreated, Errors: []int{400, 401, 403, 404, 413}, Handle: x.uploadSchoolStoryFile})
	x.add(Op{Method: "DELETE", Path: "/story-uploads/{id}", ID: "discardStoryUpload", Tag: "stories", Access: authz.ForSelf,
		Summary: "Discard one of the caller's uploads they will not post.", Success: http.StatusNoContent, Errors: []int{401, 404}, Handle: x.discardStoryUpload})
	x.add(Op{Method: "GET", Path: "/feed", ID: "feed", Tag: "stories", Access: authz.ForSelf,
		Summary:  "The caller's story feed, newest first: a parent's children's classes and schools (a child who left stops bringing new posts), a teacher's classes and School Story, every story of a leader's school. New posts are announced on the web page's event stream.",
		Response: "StoryPostList", Success: http.StatusOK, Errors: []int{400, 401}, Handle: x.feed})
	x.add(Op{Method: "GET", Path: "/classes/{id}/story", ID: "classStory", Tag: "stories", Access: authz.ForCommunity,
		Summary:  "One class's Class Story, newest first, for whoever may follow it.",
		Response: "StoryPostList", Success: http.StatusOK, Errors: []int{400, 401, 404}, Handle: x.classStory})
	x.add(Op{Method: "GET", Path: "/schools/{id}/story", ID: "schoolStory", Tag: "stories", Access: authz.ForCommunity,
		Summary:  "One school's School Story, newest first.",
		Response: "StoryPostList", Success: http.StatusOK, Errors: []int{400, 401, 404}, Handle: x.schoolStory})
	x.add(Op{Method: "GET", Path: "/stories/{id}", ID: "getStory", Tag: "stories", Access: authz.ForCommunity,
		Summary:  "A post with its comments, for whoever may see it (404 for anyone else). Its author, the class's teachers and the school's leaders also get seen (\"seen by 18 of 25 families\").",
		Response: "StoryPost", Success: http.StatusOK, Errors: []int{401, 404}, Handle: x.getStory})
	x.add(Op{Method: "PATCH", Path: "/stories/{id}", ID: "updateStory", Tag: "stories", Access: authz.ForClassTeachers,
		Summary: "Change a post's text (its author; the post shows as edited) or switch its comments (its author or a leader).",
		Request: "StoryUpdate", Response: "StoryPost", Success: http.StatusOK, Errors: []int{400, 401, 403, 404}, Handle: x.updateStory})
	x.add(Op{Method: "DELETE", Path: "/stories/{id}", ID: "deleteStory", Tag: "stories", Access: authz.ForClassTeachers,
		Summary: "Delete a post with its files, likes and comments: its author or a leader of the school.", Success: http.StatusNoContent,
		Errors: []int{401, 403, 404}, Handle: x.deleteStory})
	x.add(Op{Method: "POST", Path: "/stories/{id}/likes", ID: "likeStory", Tag: "stories", Access: authz.ForCommunity,
		Summary: "Like a post (parents and staff who see it); liking twice answers 409.", Success: http.StatusCreated,
		Errors: []int{401, 403, 404, 409}, Handle: x.likeStory})
	x.add(Op{Method: "DELETE", Path: "/stories/{id}/likes", ID: "unlikeStory", Tag: "stories", Access: authz.ForCommunity,
		Summary: "Take the caller's like back.", Success: http.StatusNoContent, Errors: []int{401, 404}, Handle: x.unlikeStory})
	x.add(Op{Method: "POST", Path: "/stories/{id}/comments", ID: "commentOnStory", Tag: "stories", Access: authz.ForCommunity, Idempotent: true,
		Summary: "Comment on a post (parents and staff who see it); 409 when comments are off for the post, its class or its school.",
		Request: "StoryCommentCreate", Response: "StoryComment", Success: http.StatusCreated, Errors: []int{400, 401, 403, 404, 409}, Handle: x.commentOnStory})
	x.add(Op{Method: "DELETE", Path: "/story-comments/{id}", ID: "deleteStoryComment", Tag: "stories", Access: authz.ForCommunity,
		Summary: "Delete a comment: its writer, the post's author or a leader.", Success: http.StatusNoContent, Errors: []int{401, 403, 404}, Handle: x.deleteStoryComment})
	x.add(Op{Method: "POST", Path: "/story-comments/{id}/reports", ID: "reportStoryComment", Tag: "stories", Access: authz.ForCommunity,
		Summary: "A parent reports someone else's comment to the school's leaders; twice answers 409.", Request: "StoryReportCreate",
		Success: http.StatusCreated, Errors: []int{400, 401, 403, 404, 409}, Handle: x.reportStoryComment})
	x.add(Op{Method: "GET", Path: "/schools/{id}/story/reports", ID: "storyReports", Tag: "stories", Access: authz.ForLeaders,
		Summary: "The school's reported comments no leader has dealt with, oldest first (its leaders).", Response: "StoryReportList",
		Success: http.StatusOK, Errors: []int{401, 404}, Handle: x.storyReports})
	x.add(Op{Method: "POST", Path: "/story-reports/{id}/resolve", ID: "resolveStoryReport", Tag: "stories", Access: authz.ForStaff,
		Summary: "A leader removes the reported comment, or keeps it and dismisses its reports.", Request: "StoryReportResolve",
		Success: http.StatusNoContent, Errors: []int{400, 401, 404}, Handle: x.resolveStoryReport})
	x.add(Op{Method: "GET", Path: "/story-attachments/{id}/file", ID: "storyFile", Tag: "stories", Access: authz.ForCommunity,
		Summary: "An attachment's file (?size=thumb or display for a photo's smaller sizes), checked against who may see the post on every request; always sent as a download or an image, never as a page.",
		Success: http.StatusOK, Errors: []int{401, 404}, Handle: x.storyFile,
		Query: []Param{{Name: "size", Type: "string", Description: "thumb or display (photos); the full file without it"}}})
	x.add(Op{Method: "DELETE", Path: "/story-attachments/{id}", ID: "removeStoryAttachment", Tag: "stories", Access: authz.ForClassTeachers,
		Summary: "Take a photo or file out of a post (its author or a leader).", Success: http.StatusNoContent, Errors: []int{400, 401, 403, 404}, Handle: x.removeStoryAttachment})
	x.add(Op{Method: "DELETE", Path: "/story-attachments/{id}/tags/{student_id}", ID: "untagStory", Tag: "stories", Access: authz.ForClassTeachers,
		Summary: "Untag a child from a photo (the post's author or a leader).", Success: http.StatusNoContent, Errors: []int{401, 403, 404}, Handle: x.untagStory})
	x.add(Op{Method: "GET", Path: "/classes/{id}/story/children", ID: "classStoryChildren", Tag: "stories", Access: authz.ForClassTeachers,
		Summary: "The children the class's teachers may tag, with whether each has media consent for the class's families.", Response: "StoryChildList",
		Success: http.StatusOK, Errors: []int{401, 403, 404}, Handle: x.classStoryChildren})
	x.add(Op{Method: "GET", Path: "/students/{id}/media-consent", ID: "getMediaConsent", Tag: "stories", Access: authz.ForFamily,
		Summary: "A child's media consent (a parent of the child, or the student holding their own rights).", Response: "MediaConsent",
		Success: http.StatusOK, Errors: []int{401, 404}, Handle: x.getMediaConsent})
	x.add(Op{Method: "PUT", Path: "/students/{id}/media-consent", ID: "setMediaConsent", Tag: "stories", Access: authz.ForFamily,
		Summary: "Say whether photos of the child may be shared with the families of the child's classes (class) and with the whole school (school); each answer is kept in the consent ledger.",
		Request: "MediaConsentUpdate", Response: "MediaConsent", Success: http.StatusOK, Errors: []int{400, 401, 404}, Handle: x.setMediaConsent})
	x.add(Op{Method: "PUT", Path: "/classes/{id}/story/settings", ID: "setClassStorySettings", Tag: "stories", Access: authz.ForClassTeachers,
		Summary: "Whether the class's students see its Class Story (off by default) and whether it takes comments (its teachers and the school's leaders).",
		Request: "StorySettings", Response: "StorySettings", Success: http.StatusOK, Errors: []int{400, 401, 403, 404}, Handle: x.setClassStorySettings})
	x.add(Op{Method: "PUT", Path: "/schools/{id}/story/settings", ID: "setSchoolStorySettings", Tag: "stories", Access: authz.ForLeaders,
		Summary: "Whether the school's stories take comments, and whether a departed member of staff's posts are removed with their account or kept under the school's name (its leaders).",
		Request: "StorySettings", Response: "StorySettings", Success: http.StatusOK, Errors: []int{400, 401, 403, 404}, Handle: x.setSchoolStorySettings})
}

// StoryFormLimit is the body limit of a post sent with its files (the web
// server raises its default for these routes).
func StoryFormLimit(perFile int64) int64 { return int64(app.StoryMaxFiles)*perFile + 1<<20 }

// ReadStoryForm reads a multipart post: its fields, and each file spooled
// to a temporary file as it streams in (never whole in memory), in the
// order sent. cleanup removes the spooled files; call it when the post is
// done.
func ReadStoryForm(r *http.Request) (fields map[string][]string, files []app.StoryFile, cleanup func(), err error) {
	fields, parts, cleanup, err := readMultipart(r, "files")
	for _, p := range parts {
		files = append(files, p.file)
	}
	return fields, files, cleanup, err
}

// ReadNamedFiles is ReadStoryForm with the files by the form name each
// came under (a portfolio's work and its template, say).
func ReadNamedFiles(r *http.Request) (fields map[string][]string, files map[string][]app.StoryFile, cleanup func(), err error) {
	fields, parts, cleanup, err := readMultipart(r, "text")
	files = map[string][]app.StoryFile{}
	for _, p := range parts {
		files[p.name] = append(files[p.name], p.file)
	}
	return fields, files, cleanup, err
}

type namedFile struct {
	name string
	file app.StoryFile
}

// readMultipart streams a multipart body: fields up to 64 KiB each, files
// spooled to temporary files (empty file inputs skipped). A body that is
// not multipart is a 400 on noFormField.
func readMultipart(r *http.Request, noFormField string) (fields map[string][]string, files []namedFile, cleanup func(), err error) {
	var tmps []*os.File
	cleanup = func() {
		for _, f := range tmps {
			f.Close()
			os.Remove(f.Name())
		}
	}
	mr, err := r.MultipartReader()
	if err != nil {
		v := &app.ValidationError{}
		v.Add(noFormField, "story.no_form")
		return nil, nil, cleanup, v
	}
	fields = map[string][]string{}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, cleanup, formErr(err)
		}
		if part.FileName() == "" {
			b, err := io.ReadAll(io.LimitReader(part, 64<<10))
			if err != nil {
				return nil, nil, cleanup, formErr(err)
			}
			fields[part.FormName()] = append(fields[part.FormName()], app.CleanText(string(b)))
			continue
		}
		tmp, err := os.CreateTemp("", "cubby-form-*")
		if err != nil {
			return nil, nil, cleanup, err
		}
		tmps = append(tmps, tmp)
		n, err := io.Copy(tmp, part)
		if err != nil {
			return nil, nil, cleanup, formErr(err)
		}
		if n == 0 {
			continue // an empty file input
		}
		if _, err := tmp.Seek(0, io.SeekStart); err != nil {
			return nil, nil, cleanup, err
		}
		files = append(files, namedFile{name: part.FormName(), file: app.StoryFile{Name: part.FileName(), Body: tmp}})
	}
	return fields, files, cleanup, nil
}

func formErr(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return err
	}
	v := &app.ValidationError{}
	v.Add("files", "import.unreadable")
	return v
}

// storyDraftFromForm reads a multipart post's fields.
func storyDraftFromForm(fields map[string][]string, files []app.StoryFile) (app.StoryDraft, error) {
	d := app.StoryDraft{Files: files}
	first := func(k string) string {
		if v := fields[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	d.Text = first("text")
	d.CommentsOff = first("comments_off") == "true" || first("comments_off") == "1"
	d.Uploads = splitList(fields["upload_ids"])
	ids, err := parseIDs(splitList(fields["student_ids"]))
	d.TagAll = ids
	return d, err
}

// splitList reads repeated or comma-separated values.
func splitList(vals []string) []string {
	var out []string
	for _, v := range vals {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

func parseIDs(list []string) ([]int64, error) {
	out := make([]int64, 0, len(list))
	for _, s := range list {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			v := &app.ValidationError{}
			v.Add("tags", "story.tag_not_here")
			return nil, v
		}
		out = append(out, n)
	}
	return out, nil
}

func isMultipart(r *http.Request) bool {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return mt == "multipart/form-data"
}

// readStoryDraft reads a post from JSON or a multipart form.
func readStoryDraft(r *http.Request) (app.StoryDraft, func(), error) {
	if isMultipart(r) {
		fields, files, cleanup, err := ReadStoryForm(r)
		if err != nil {
			return app.StoryDraft{}, cleanup, err
		}
		d, err := storyDraftFromForm(fields, files)
		return d, cleanup, err
	}
	var req struct {
		Text        string `json:"text"`
		CommentsOff bool   `json:"comments_off"`
		Attachments []struct {
			UploadID   string   `json:"upload_id"`
			StudentIDs []string `json:"student_ids"`
		} `json:"attachments"`
	}
	if err := decode(r, &req); err != nil {
		return app.StoryDraft{}, func() {}, err
	}
	d := app.StoryDraft{Text: req.Text, CommentsOff: req.CommentsOff}
	for _, a := range req.Attachments {
		ids, err := parseIDs(a.StudentIDs)
		if err != nil {
			return d, func() {}, err
		}
		d.Uploads = append(d.Uploads, a.UploadID)
		d.Tags = append(d.Tags, ids)
	}
	return d, func() {}, nil
}

func (x *API) postClassStory(w http.ResponseWriter, r *http.Request) error {
	return x.postStory(w, r, func(s *app.Session, id int64, d app.StoryDraft) (*store.StoryPost, error) {
		return x.app.PostClassStory(r.Context(), s, id, d)
	})
}

func (x *API) postSchoolStory(w http.ResponseWriter, r *http.Request) error {
	return x.postStory(w, r, func(s *app.Session, id int64, d app.StoryDraft) (*store.StoryPost, error) {
		return x.app.PostSchoolStory(r.Context(), s, id, d)
	})
}

func (x *API) postStory(w http.ResponseWriter, r *http.Request, post func(*app.Session, int64, app.StoryDraft) (*store.StoryPost, error)) error {
	id, err := parseID(r, "id")
	if err != nil {
		return err
	}
	d, cleanup, err := readStoryDraft(r)
	defer cleanup()
	if err != nil {
		return x.storyFileErr(w, r, err)
	}
	s := app.SessionFrom(r.Context())
	p, err := post(s, id, d)
	if err != nil {
		return x.storyFileErr(w, r, err)
	}
	it, err := x.app.StoryPost(r.Context(), s, p.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, x.storyJSON(r, it))
}

// storyFileErr answers a file over the size limit with 413, as API.md
// says, with the message naming the file and the limit.
func (x *API) storyFileErr(w http.ResponseWriter, r *http.Request, err error) error {
	var ve *app.ValidationError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &ve) && ve.Fields["files"].Key == "story.file_too_large":
		x.problem(w, r, http.StatusRequestEntityTooLarge, "story.file_too_large_title", ve)
		return nil
	case errors.As(err, &mbe):
		ve := &app.ValidationError{}
		ve.Add("files", "story.body_too_large", "max", x.app.Stories.MaxFileSize>>20)
		x.problem(w, r, http.StatusRequestEntityTooLarge, "story.file_too_large_title", ve)
		return nil
	}
	return err
}

func (x *API) uploadClassStoryFile(w http.ResponseWriter, r *http.Request) error {
	return x.uploadStoryFile(w, r, true)
}

func (x *API) uploadSchoolStoryFile(w http.ResponseWriter, r *http.Request) error {
	return x.uploadStoryFile(w, r, false)
}

func (x *API) uploadStoryFile(w http.ResponseWriter, r *http.Request, class bool) error {
	id, err := parseID(r, "id")
	if err != nil {
		return err
	}
	_, files, cleanup, err := ReadStoryForm(r)
	defer cleanup()
	if err == nil && len(files) != 1 {
		v := &app.ValidationError{}
		v.Add("files", "story.one_file")
		err = v
	}
	if err != nil {
		return x.storyFileErr(w, r, err)
	}
	var schoolID, classID int64 = id, 0
	if class {
		schoolID, classID = 0, id
	}
	u, err := x.app.UploadStoryFile(r.Context(), app.SessionFrom(r.Context()), schoolID, classID, files[0])
	if err != nil {
		return x.storyFileErr(w, r, err)
	}
	return writeJSON(w, http.StatusCreated, map[string]any{"id": u.PublicID, "kind": u.Kind, "name": u.Name, "content_type": u.ContentType,
		"size": u.Size, "width": u.Width, "height": u.Height})
}

func (x *API) discardStoryUpload(w http.ResponseWriter, r *http.Request) error {
	if err := x.app.DiscardStoryUpload(r.Context(), app.SessionFrom(r.Context()), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (x *API) feed(w http.ResponseWriter, r *http.Request) error {
	return x.storyList(w, r, app.StoryFeedOf{})
}

func (x *API) classStory(w http.ResponseWriter, r *http.Request) error {
	id, err := parseID(r, "id")
	if err != nil {
		return err
	}
	return x.storyList(w, r, app.StoryFeedOf{ClassID: id})
}

func (x *API) schoolStory(w http.ResponseWriter, r *http.Request) error {
	id, err := parseID(r, "id")
	if err != nil {
		return err
	}
	return x.storyList(w, r, app.StoryFeedOf{SchoolID: id})
}

func (x *API) storyList(w http.ResponseWriter, r *http.Request, of app.StoryFeedOf) error {
	limit := 20
	if s := r.URL.Query().Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 50 {
			ve := &app.ValidationError{}
			ve.Add("limit", "validation.invalid_limit", "max", 50)
			return ve
		}
		limit = n
	}
	cursor := r.URL.Query().Get("cursor")
	if cursor == "" {
		cursor = r.URL.Query().Get("next")
	}
	page, err := x.app.Feed(r.Context(), app.SessionFrom(r.Context()), of, cursor, limit)
	if err != nil {
		return err
	}
	out := struct {
		Posts []storyJSON `json:"posts"`
		Next  *string     `json:"next"`
	}{Posts: []storyJSON{}}
	for i := range page.Items {
		out.Posts = append(out.Posts, x.storyJSON(r, &page.Items[i]))
	}
	if page.Next != "" {
		out.Next = &page.Next
	}
	return writeJSON(w, http.StatusOK, out)
}

func (x *API) getStory(w http.ResponseWriter, r *http.Request) error {
	id, err := parseID(r, "id")
	if err != nil {
		return err
	}
	it, err := x.app.StoryPost(r.Context(), app.SessionFrom(r.Context()), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, x.storyJSON(r, it))
}

func (x *API) updateStory(w http.ResponseWriter, r *http.Request) error {
	id, err := parseID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		Text        *string `json:"text"`
		CommentsOff *bool   `json:"comments_off"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	s := app.SessionFrom(r.Context())
	if req.Text != nil {
		if _, err := x.app.EditStory(r.Context(), s, id, *req.Text); err != nil {
			return err
		}
	}
	if req.CommentsOff != nil {
		if err := x.app.SetStoryCommentsOff(r.Context(), s, id, *req.CommentsOff); err != nil {
			return err
		}
	}
	return x.getStory(w, r)
}

func (x *API) deleteStory(w http.ResponseWriter, r *http.Request) error {
	return x.noContent(w, r, func(s *app.Session, id int64) error { return x.app.DeleteStory(r.Context(), s, id) })
}

func (x *API) likeStory(w http.ResponseWriter, r *http.Request) error {
	id, err := parseID(r, "id")
	if err != nil {
		return err
	}
	if err := x.app.LikeStory(r.Context(), app.SessionFrom(r.Context()), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusCreated)
	return nil
}

func (x *API) unlikeStory(w http.ResponseWriter, r *http.Request) error {
	return x.noContent(w, r, func(s *app.Session, id int64) error { return x.app.UnlikeStory(r.Context(), s, id) })
}

// noContent runs an action on the path's id and answers 204.
func (x *API) noContent(w http.ResponseWriter, r *http.Request, do func(*app.Session, int64) error) error {
	id, err := parseID(r, "id")
	if err != nil {
		return err
	}
	if err := do(app.SessionFrom(r.Context()), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (x *API) commentOnStory(w http.ResponseWriter, r *http.Request) error {
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
	s := app.SessionFrom(r.Context())
	c, err := x.app.CommentOnStory(r.Context(), s, id, req.Text)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, commentJSON(x.localizer(r), *c, true, false))
}

func (x *API) deleteStoryComment(w http.ResponseWriter, r *http.Request) error {
	return x.noContent(w, r, func(s *app.Session, id int64) error { return x.app.DeleteStoryComment(r.Context(), s, id) })
}

func (x *API) reportStoryComment(w http.ResponseWriter, r *http.Request) error {
	id, err := parseID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		Reason string `json:"reason"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	if err := x.app.ReportStoryComment(r.Context(), app.SessionFrom(r.Context()), id, req.Reason); err != nil {
		return err
	}
	w.WriteHeader(http.StatusCreated)
	return nil
}

func (x *API) storyReports(w http.ResponseWriter, r *http.Request) error {
	schoolID, err := parseID(r, "id")
	if err != nil {
		return err
	}
	list, err := x.app.StoryReports(r.Context(), app.SessionFrom(r.Context()), schoolID)
	if err != nil {
		return err
	}
	type report struct {
		ID        string      `json:"id"`
		Reason    string      `json:"reason"`
		CreatedAt time.Time   `json:"created_at"`
		Comment   commentView `json:"comment"`
		PostID    string      `json:"post_id"`
	}
	out := struct {
		Reports []report `json:"reports"`
	}{Reports: []report{}}
	for _, rp := range list {
		out.Reports = append(out.Reports, report{ID: id(rp.ID), Reason: rp.Reason, CreatedAt: rp.CreatedAt.UTC(),
			Comment: commentJSON(x.localizer(r), rp.Comment, true, false), PostID: id(rp.Comment.PostID)})
	}
	return writeJSON(w, http.StatusOK, out)
}

func (x *API) resolveStoryReport(w http.ResponseWriter, r *http.Request) error {
	rid, err := parseID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		Action string `json:"action"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	if req.Action != "remove" && req.Action != "dismiss" {
		ve := &app.ValidationError{}
		ve.Add("action", "story.bad_action")
		return ve
	}
	if err := x.app.ResolveStoryReport(r.Context(), app.SessionFrom(r.Context()), rid, req.Action == "remove"); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (x *API) storyFile(w http.ResponseWriter, r *http.Request) error {
	f, err := x.app.OpenStoryFile(r.Context(), app.SessionFrom(r.Context()), r.PathValue("id"), r.URL.Query().Get("size"))
	if err != nil {
		return err
	}
	defer f.Close()
	ServeStoryFile(w, f)
	return nil
}

// ServeStoryFile sends an attachment safely: photos and videos as what
// they are (their type decided from content, so never HTML or SVG),
// everything else as a download; nosniff always, so a browser never
// guesses a page out of a file. The web pages use it too.
func ServeStoryFile(w http.ResponseWriter, f *app.StoryFileRead) {
	h := w.Header()
	ct := f.ContentType
	disposition := "attachment"
	switch {
	case f.Kind == store.AttachPhoto && strings.HasPrefix(ct, "image/") && ct != "image/svg+xml":
		disposition = "inline"
	case f.Kind == store.AttachVideo && strings.HasPrefix(ct, "video/"):
		disposition = "inline"
	default:
		if ct == "" || strings.Contains(ct, "html") || strings.Contains(ct, "svg") || strings.Contains(ct, "xml") {
			ct = "application/octet-stream"
		}
	}
	h.Set("Content-Type", ct)
	h.Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": f.Name}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, no-store")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	w.WriteHeader(http.StatusOK)
	io.Copy(w, f)
}

func (x *API) removeStoryAttachment(w http.ResponseWriter, r *http.Request) error {
	if err := x.app.RemoveStoryAttachment(r.Context(), app.SessionFrom(r.Context()), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (x *API) untagStory(w http.ResponseWriter, r *http.Request) error {
	sid, err := parseID(r, "student_id")
	if err != nil {
		return err
	}
	if err := x.app.UntagStory(r.Context(), app.SessionFrom(r.Context()), r.PathValue("id"), sid); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (x *API) classStoryChildren(w http.ResponseWriter, r *http.Request) error {
	cid, err := parseID(r, "id")
	if err != nil {
		return err
	}
	list, err := x.app.StoryTaggables(r.Context(), app.SessionFrom(r.Context()), 0, cid)
	if err != nil {
		return err
	}
	type child struct {
		StudentID    string `json:"student_id"`
		Name         string `json:"name"`
		MediaConsent bool   `json:"media_consent"`
		Restricted   bool   `json:"restricted"`
	}
	out := struct {
		Children []child `json:"children"`
	}{Children: []child{}}
	for _, t := range list {
		out.Children = append(out.Children, child{StudentID: id(t.StudentID), Name: t.Name, MediaConsent: t.Consent, Restricted: t.Restricted})
	}
	return writeJSON(w, http.StatusOK, out)
}

func (x *API) mediaConsentOf(w http.ResponseWriter, r *http.Request, studentID int64) error {
	list, err := x.app.MediaConsents(r.Context(), app.SessionFrom(r.Context()))
	if err != nil {
		return err
	}
	for _, c := range list {
		if c.Student.ID == studentID {
			return writeJSON(w, http.StatusOK, map[string]any{"student_id": id(studentID), "class": c.Class, "school": c.School})
		}
	}
	return app.ErrNotFound
}

func (x *API) getMediaConsent(w http.ResponseWriter, r *http.Request) error {
	sid, err := parseID(r, "id")
	if err != nil {
		return err
	}
	return x.mediaConsentOf(w, r, sid)
}

func (x *API) setMediaConsent(w http.ResponseWriter, r *http.Request) error {
	sid, err := parseID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		Class  *bool `json:"class"`
		School *bool `json:"school"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	if req.Class == nil || req.School == nil {
		ve := &app.ValidationError{}
		if req.Class == nil {
			ve.Add("class", "validation.required")
		}
		if req.School == nil {
			ve.Add("school", "validation.required")
		}
		return ve
	}
	if err := x.app.SetMediaConsent(r.Context(), app.SessionFrom(r.Context()), sid, *req.Class, *req.School, "api"); err != nil {
		return err
	}
	return x.mediaConsentOf(w, r, sid)
}

type storySettingsJSON struct {
	StudentsSee *bool   `json:"students_see,omitempty"`
	CommentsOff bool    `json:"comments_off"`
	Departed    *string `json:"departed_staff_posts,omitempty"`
}

func (x *API) setClassStorySettings(w http.ResponseWriter, r *http.Request) error {
	cid, err := parseID(r, "id")
	if err != nil {
		return err
	}
	var req storySettingsJSON
	if err := decode(r, &req); err != nil {
		return err
	}
	in := store.StorySettings{CommentsOff: req.CommentsOff, StudentsSee: req.StudentsSee != nil && *req.StudentsSee}
	s := app.SessionFrom(r.Context())
	if err := x.app.SetClassStorySettings(r.Context(), s, cid, in); err != nil {
		return err
	}
	got, err := x.app.ClassStorySettings(r.Context(), s, cid)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, storySettingsJSON{StudentsSee: &got.StudentsSee, CommentsOff: got.CommentsOff})
}

func (x *API) setSchoolStorySettings(w http.ResponseWriter, r *http.Request) error {
	sid, err := parseID(r, "id")
	if err != nil {
		return err
	}
	var req storySettingsJSON
	if err := decode(r, &req); err != nil {
		return err
	}
	in := store.StorySettings{CommentsOff: req.CommentsOff, Departed: "remove"}
	if req.Departed != nil {
		in.Departed = *req.Departed
	}
	s := app.SessionFrom(r.Context())
	if err := x.app.SetSchoolStorySettings(r.Context(), s, sid, in); err != nil {
		return err
	}
	got, err := x.app.SchoolStorySettings(r.Context(), s, sid)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, storySettingsJSON{CommentsOff: got.CommentsOff, Departed: &got.Departed})
}
