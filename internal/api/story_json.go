package api

import (
	"net/http"
	"time"

	"cubby/internal/app"
	"cubby/internal/i18n"
	"cubby/internal/store"
)

// storyJSON is a post as the API shows it to one reader.
type storyJSON struct {
	ID          string           `json:"id"`
	SchoolID    string           `json:"school_id"`
	ClassID     *string          `json:"class_id"`
	Story       string           `json:"story"` // class or school
	AuthorID    *string          `json:"author_id"`
	AuthorName  string           `json:"author_name"`
	Text        string           `json:"text"`
	Status      string           `json:"status"` // processing or published
	Progress    storyProgress    `json:"progress"`
	CreatedAt   time.Time        `json:"created_at"`
	PublishedAt *time.Time       `json:"published_at"`
	Edited      bool             `json:"edited"`
	EditedAt    *time.Time       `json:"edited_at"`
	CommentsOff bool             `json:"comments_off"`
	Likes       int              `json:"likes"`
	Liked       bool             `json:"liked"`
	CommentN    int              `json:"comment_count"`
	Comments    []commentView    `json:"comments"`
	Attachments []attachmentView `json:"attachments"`
	Seen        *seenView        `json:"seen,omitempty"`
	CanLike     bool             `json:"can_like"`
	CanComment  bool             `json:"can_comment"`
	CanEdit     bool             `json:"can_edit"`
	CanModerate bool             `json:"can_moderate"`
}

type storyProgress struct {
	Ready int `json:"ready"`
	Total int `json:"total"`
}

type seenView struct {
	Families int `json:"families"`
	Of       int `json:"of"`
}

type commentView struct {
	ID         string    `json:"id"`
	AuthorName string    `json:"author_name"`
	Text       string    `json:"text"`
	CreatedAt  time.Time `json:"created_at"`
	CanDelete  bool      `json:"can_delete"`
	CanReport  bool      `json:"can_report"`
}

type tagView struct {
	StudentID string `json:"student_id"`
	Name      string `json:"name"`
}

type attachmentView struct {
	ID          string    `json:"id"`
	Kind        string    `json:"kind"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	Width       int       `json:"width,omitempty"`
	Height      int       `json:"height,omitempty"`
	Status      string    `json:"status"`
	Error       string    `json:"error,omitempty"`
	URL         string    `json:"url,omitempty"`
	ThumbURL    string    `json:"thumb_url,omitempty"`
	DisplayURL  string    `json:"display_url,omitempty"`
	Tags        []tagView `json:"tags"`
	Withheld    bool      `json:"withheld,omitempty"`
}

func commentJSON(l *i18n.Localizer, c store.StoryComment, canDelete, canReport bool) commentView {
	return commentView{ID: id(c.ID), AuthorName: l.PersonName(c.AuthorTitle, c.AuthorFirst, c.AuthorLast), Text: c.Body, CreatedAt: c.CreatedAt.UTC(), CanDelete: canDelete, CanReport: canReport}
}

// StoryFileURL is where an attachment's file is served (the API; the web
// pages have their own handler with the same check).
func StoryFileURL(publicID, size string) string {
	u := "/api/v1/story-attachments/" + publicID + "/file"
	if size != "" {
		u += "?size=" + size
	}
	return u
}

func (x *API) storyJSON(r *http.Request, it *app.StoryItem) storyJSON {
	p := it.Post
	out := storyJSON{ID: id(p.ID), SchoolID: id(p.SchoolID), Story: "school", Text: p.Body, Status: "processing",
		Progress: storyProgress{Ready: it.Ready, Total: it.Total}, CreatedAt: p.CreatedAt.UTC(), PublishedAt: p.PublishedAt,
		Edited: p.EditedAt != nil, EditedAt: p.EditedAt, CommentsOff: p.CommentsClosed(), Likes: it.Counts.Likes, Liked: it.Counts.Liked,
		CommentN: it.Counts.Comments, Comments: []commentView{}, Attachments: []attachmentView{},
		CanLike: it.CanReact, CanComment: it.CanComment, CanEdit: it.CanEdit, CanModerate: it.CanModerate}
	if p.ClassID != 0 {
		c := id(p.ClassID)
		out.ClassID, out.Story = &c, "class"
	}
	if p.PublishedAt != nil {
		out.Status = "published"
	}
	if p.AuthorID != 0 {
		a := id(p.AuthorID)
		out.AuthorID, out.AuthorName = &a, x.localizer(r).PersonName(p.AuthorTitle, p.AuthorFirst, p.AuthorLast)
	} else {
		out.AuthorName = p.SchoolName
	}
	for _, c := range it.Comments {
		out.Comments = append(out.Comments, commentJSON(x.localizer(r), c, it.CanDelete[c.ID], it.CanReport[c.ID]))
	}
	l := x.localizer(r)
	for _, a := range it.Attachments {
		v := attachmentView{ID: a.PublicID, Kind: a.Kind, Name: a.Name, ContentType: a.ContentType, Size: a.Size, Width: a.Width,
			Height: a.Height, Status: a.Status, Tags: []tagView{}, Withheld: a.Withheld}
		if a.Error != "" {
			v.Error = l.T(a.Error, "name", a.Name)
		}
		if a.Status == store.AttachReady {
			v.URL = StoryFileURL(a.PublicID, "")
			if a.Kind == store.AttachPhoto {
				v.ThumbURL, v.DisplayURL = StoryFileURL(a.PublicID, "thumb"), StoryFileURL(a.PublicID, "display")
			}
		}
		for _, t := range a.Tags {
			name := t.FirstName
			if t.LastName != "" {
				name += " " + t.LastName
			}
			v.Tags = append(v.Tags, tagView{StudentID: id(t.StudentID), Name: name})
		}
		out.Attachments = append(out.Attachments, v)
	}
	if it.Seen != nil {
		out.Seen = &seenView{Families: it.Seen.Families, Of: it.Seen.Of}
	}
	return out
}

func init() {
	date := map[string]any{"type": "string", "format": "date-time"}
	nullable := func(t string) map[string]any { return map[string]any{"type": []string{t, "null"}} }
	boolean := map[string]any{"type": "boolean"}
	for name, s := range map[string]any{
		"StoryCreate": obj(map[string]any{
			"text": map[string]any{"type": "string", "maxLength": app.StoryMaxText}, "comments_off": boolean,
			"attachments": map[string]any{"type": "array", "maxItems": app.StoryMaxFiles, "items": obj(map[string]any{
				"upload_id":   map[string]any{"type": "string", "description": "the id of an earlier upload (…/story/uploads)"},
				"student_ids": map[string]any{"type": "array", "items": str(), "description": "children tagged in this photo; each needs media consent"},
			}, "upload_id")},
		}),
		"StoryForm": obj(map[string]any{
			"text": str(), "comments_off": enum("true", "false"),
			"file":        map[string]any{"type": "array", "maxItems": app.StoryMaxFiles, "items": map[string]any{"type": "string", "format": "binary"}},
			"upload_ids":  map[string]any{"type": "string", "description": "earlier uploads, comma-separated or repeated"},
			"student_ids": map[string]any{"type": "string", "description": "children tagged in every photo and video, comma-separated or repeated"},
		}),
		"StoryUploadForm": obj(map[string]any{"file": map[string]any{"type": "string", "format": "binary"}}, "file"),
		"StoryUpload": obj(map[string]any{"id": str(), "kind": enum("photo", "video", "file"), "name": str(), "content_type": str(),
			"size": integer(), "width": integer(), "height": integer()}, "id", "kind", "name", "content_type", "size"),
		"StoryUpdate": obj(map[string]any{"text": str(), "comments_off": boolean}),
		"StoryComment": obj(map[string]any{"id": str(), "author_name": str(), "text": str(), "created_at": date,
			"can_delete": boolean, "can_report": boolean}, "id", "author_name", "text", "created_at"),
		"StoryAttachment": obj(map[string]any{"id": str(), "kind": enum("photo", "video", "file"), "name": str(), "content_type": str(),
			"size": integer(), "width": integer(), "height": integer(), "status": enum("processing", "ready", "failed"),
			"error": map[string]any{"type": "string", "description": "why the file could not be read (its author sees it)"},
			"url":   str(), "thumb_url": str(), "display_url": str(), "withheld": boolean,
			"tags": map[string]any{"type": "array", "description": "staff see every child tagged; families only their own", "items": obj(map[string]any{
				"student_id": str(), "name": str()}, "student_id", "name")},
		}, "id", "kind", "name", "status", "tags"),
		"StoryPost": obj(map[string]any{
			"id": str(), "school_id": str(), "class_id": nullable("string"), "story": enum("class", "school"),
			"author_id": nullable("string"), "author_name": map[string]any{"type": "string", "description": "the author's title and name as they chose them, or the school's name for a post kept under it"},
			"text": str(), "status": enum("processing", "published"),
			"progress":   obj(map[string]any{"ready": integer(), "total": integer()}, "ready", "total"),
			"created_at": date, "published_at": nullable("string"), "edited": boolean, "edited_at": nullable("string"),
			"comments_off": boolean, "likes": integer(), "liked": boolean, "comment_count": integer(),
			"comments":    map[string]any{"type": "array", "items": ref("StoryComment")},
			"attachments": map[string]any{"type": "array", "items": ref("StoryAttachment")},
			"seen":        obj(map[string]any{"families": integer(), "of": integer()}, "families", "of"),
			"can_like":    boolean, "can_comment": boolean, "can_edit": boolean, "can_moderate": boolean,
		}, "id", "school_id", "story", "author_name", "text", "status", "created_at", "comments", "attachments"),
		"StoryPostList": obj(map[string]any{
			"posts": map[string]any{"type": "array", "items": ref("StoryPost")},
			"next":  map[string]any{"type": []string{"string", "null"}, "description": "pass as ?cursor= for the next page; null on the last page"},
		}, "posts", "next"),
		"StoryCommentCreate": obj(map[string]any{"text": map[string]any{"type": "string", "maxLength": app.StoryMaxComment}}, "text"),
		"StoryReportCreate":  obj(map[string]any{"reason": map[string]any{"type": "string", "maxLength": app.StoryMaxReason}}),
		"StoryReportResolve": obj(map[string]any{"action": enum("remove", "dismiss")}, "action"),
		"StoryReportList": obj(map[string]any{"reports": map[string]any{"type": "array", "items": obj(map[string]any{
			"id": str(), "reason": str(), "created_at": date, "comment": ref("StoryComment"), "post_id": str()}, "id", "comment", "post_id")}}, "reports"),
		"StoryChildList": obj(map[string]any{"children": map[string]any{"type": "array", "items": obj(map[string]any{
			"student_id": str(), "name": str(), "media_consent": boolean, "restricted": boolean}, "student_id", "name", "media_consent")}}, "children"),
		"MediaConsent":       obj(map[string]any{"student_id": str(), "class": boolean, "school": boolean}, "student_id", "class", "school"),
		"MediaConsentUpdate": obj(map[string]any{"class": boolean, "school": boolean}, "class", "school"),
		"StorySettings": obj(map[string]any{"students_see": boolean, "comments_off": boolean,
			"departed_staff_posts": enum("remove", "keep")}),
	} {
		schemas[name] = s
	}
}
