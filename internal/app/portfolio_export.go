package app

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"

	"cubby/internal/i18n"
	"cubby/internal/store"
)

// The year-end download: a student's export (their own, or their
// parent's) holds, beside the generic export.json and export.html, the
// student's portfolio as files under portfolio/<name>/ with a readable
// index.html — every piece of work, its state, the activity it answered,
// and the comments on it. Files are the processed ones families were
// shown, never an upload as it came.

// portfolioExportItem is one piece of work on the index page.
type portfolioExportItem struct {
	Item     store.PortfolioItem
	Files    []portfolioExportFile
	Comments []store.PortfolioComment
}

type portfolioExportFile struct {
	Path, Name, Kind string
}

// writePortfolios adds each student's portfolio of the archive.
func (a *App) writePortfolios(ctx context.Context, zw *zip.Writer, ar *Archive) error {
	for _, p := range ar.People {
		if p.Type != store.KindStudent {
			continue
		}
		uid, err := strconv.ParseInt(p.UserID, 10, 64)
		if err != nil {
			return err
		}
		st, err := store.StudentByUserID(ctx, a.db.R, uid)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if err := a.writePortfolio(ctx, zw, ar, st); err != nil {
			return err
		}
	}
	return nil
}

func (a *App) writePortfolio(ctx context.Context, zw *zip.Writer, ar *Archive, st *store.Student) error {
	items, err := store.WorkOfStudent(ctx, a.db.R, st.ID, nil, 1_000_000)
	if err != nil || len(items) == 0 {
		return err
	}
	ids := make([]int64, len(items))
	for i, it := range items {
		ids[i] = it.ID
	}
	files, err := store.FilesOfItems(ctx, a.db.R, ids)
	if err != nil {
		return err
	}
	comments, err := store.CommentsOfItems(ctx, a.db.R, ids)
	if err != nil {
		return err
	}
	dir := "portfolio/" + slug(st.FirstName+" "+st.LastName, st.ID) + "/"
	var list []portfolioExportItem
	for n, it := range items {
		e := portfolioExportItem{Item: it, Comments: comments[it.ID]}
		for j, f := range files[it.ID] {
			r, err := a.Privacy.Files.Open(f.FileKey)
			if err != nil {
				continue // a missing file is noted by its absence
			}
			name := fmt.Sprintf("%03d-%s-%d%s", len(items)-n, f.Kind, j+1, extFor(f.ContentType))
			if ext := extFor(f.ContentType); ext == "" {
				name += fileExt(f.Name)
			}
			w, err := createDated(zw, dir+name, ar.GeneratedAt)
			if err == nil {
				_, err = io.Copy(w, r)
			}
			r.Close()
			if err != nil {
				return err
			}
			e.Files = append(e.Files, portfolioExportFile{Path: name, Name: f.Name, Kind: f.Kind})
		}
		list = append(list, e)
	}
	w, err := createDated(zw, dir+"index.html", ar.GeneratedAt)
	if err != nil {
		return err
	}
	return a.renderPortfolioIndex(w, ar.Language, st, list)
}

// slug names a student's folder: their name in letters and digits, and
// their id so two children of one name never share a folder.
func slug(name string, id int64) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-':
			b.WriteByte('-')
		case r > 127:
			b.WriteRune(r)
		}
	}
	return strings.Trim(b.String(), "-") + "-" + strconv.FormatInt(id, 10)
}

func fileExt(name string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 && len(name)-i <= 6 {
		return strings.ToLower(name[i:])
	}
	return ""
}

const portfolioIndexTemplate = `<!doctype html>
<html lang="{{.Lang}}" dir="{{.Dir}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;line-height:1.5}
article{border:1px solid #ccc;border-radius:.5rem;padding:1rem;margin:1rem 0}img{max-width:100%;height:auto}
.meta{color:#555;font-size:.9rem}.comments{border-top:1px solid #eee;margin-top:.5rem;padding-top:.5rem}</style></head>
<body><h1>{{.Title}}</h1><p>{{.Intro}}</p>
{{range .Items}}<article>
<p class="meta">{{.Date}} · {{.Status}}{{with .Activity}} · {{.}}{{end}}</p>
{{with .Text}}<p dir="auto" style="white-space:pre-wrap">{{.}}</p>{{end}}
{{range .Files}}{{if eq .Kind "voice"}}<p><audio controls src="{{.Path}}"></audio> <a href="{{.Path}}">{{.Name}}</a></p>
{{else if or (eq .Kind "photo") (eq .Kind "drawing")}}<p><img src="{{.Path}}" alt="{{.Name}}"></p>
{{else}}<p><a href="{{.Path}}">{{.Name}}</a></p>{{end}}{{end}}
{{if .Comments}}<div class="comments">{{range .Comments}}<p><strong dir="auto">{{.Who}}</strong> <span dir="auto">{{.Text}}</span></p>{{end}}</div>{{end}}
</article>{{else}}<p>{{.Empty}}</p>{{end}}
</body></html>`

type indexComment struct{ Who, Text string }

type indexItem struct {
	Date, Status, Activity, Text string
	Files                        []portfolioExportFile
	Comments                     []indexComment
}

func (a *App) renderPortfolioIndex(w io.Writer, lang string, st *store.Student, list []portfolioExportItem) error {
	var l *i18n.Localizer
	if a.I18n != nil {
		l = a.I18n.Localizer(lang)
	}
	t := func(key string, args ...any) string {
		if l == nil {
			return key
		}
		return l.T(key, args...)
	}
	name := st.FirstName + " " + st.LastName
	data := map[string]any{"Lang": "en", "Dir": "ltr", "Title": t("portfolio.export_title", "name", name),
		"Intro": t("portfolio.export_intro"), "Empty": t("portfolio.empty_portfolio")}
	if l != nil {
		data["Lang"], data["Dir"] = l.Lang(), l.Dir()
	}
	var items []indexItem
	for _, e := range list {
		it := indexItem{Date: e.Item.SubmittedAt.Format("2006-01-02"), Status: t("portfolio.status." + e.Item.Status),
			Activity: e.Item.ActivityTitle, Text: e.Item.Body, Files: e.Files}
		for _, c := range e.Comments {
			it.Comments = append(it.Comments, indexComment{Who: l.PersonName(c.AuthorTitle, c.AuthorFirst, c.AuthorLast), Text: c.Body})
		}
		items = append(items, it)
	}
	data["Items"] = items
	tpl, err := template.New("portfolio").Parse(portfolioIndexTemplate)
	if err != nil {
		return err
	}
	return tpl.Execute(w, data)
}
