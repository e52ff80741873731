package app

import (
	"archive/zip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"cubby/internal/privacy"
	"cubby/internal/store"
)

// Archive is the machine-readable export (Art. 20): every exported field
// of every row that leads to each person, table by table, and what the
// law requires a person be told about it (Art. 15(1)).
type Archive struct {
	Format      string          `json:"format"`
	GeneratedAt time.Time       `json:"generated_at"`
	Language    string          `json:"language"`
	RequestedBy string          `json:"requested_by"` // user id
	People      []ArchivePerson `json:"people"`
	Media       []ArchiveMedia  `json:"media"`
	// AccessLog is who looked at, exported or asked about these records
	// (ACL-4/ACL-5), as the access log page shows it — including views of
	// a whole class or school the child was in, which name no one.
	AccessLog []ArchiveAccess `json:"access_log"`
	About     ArchiveAbout    `json:"about"`
}

// ArchiveAccess is one access log entry.
type ArchiveAccess struct {
	At        time.Time `json:"at"`
	Actor     string    `json:"actor"` // "" once their account is gone
	ActorRole string    `json:"actor_role"`
	Action    string    `json:"action"`
	Record    string    `json:"record"`
	About     string    `json:"about"`
	Place     string    `json:"place,omitempty"` // the class or school of a view of many
	What      string    `json:"what"`            // the same in words, in the archive's language
}

// ArchivePerson is everything about one person.
type ArchivePerson struct {
	UserID   string         `json:"user_id"`
	Type     string         `json:"type"`
	Relation string         `json:"relation"` // self or child
	Name     string         `json:"name"`
	Tables   []ArchiveTable `json:"tables"`
}

// ArchiveTable is a table's rows about the person.
type ArchiveTable struct {
	Table       string             `json:"table"`
	Description string             `json:"description"`
	DataTypes   []privacy.DataType `json:"data_types"`
	Columns     []string           `json:"columns"`
	Rows        []map[string]any   `json:"rows"`
	Fields      []*privacy.Field   `json:"-"`
	Redacted    int                `json:"redacted"`
}

// ArchiveMedia is a file copied into the archive.
type ArchiveMedia struct {
	Path   string `json:"path"`
	Table  string `json:"table"`
	Column string `json:"column"`
}

// ArchiveAbout is the Art. 15(1) information: per field, why it is kept,
// on what basis, for how long, who else holds it and where it came from.
type ArchiveAbout struct {
	Controller privacy.Party       `json:"controller"`
	DPOEmail   string              `json:"dpo_email"`
	Complaints string              `json:"supervisory_authority"`
	Fields     []ArchiveField      `json:"fields"`
	Processors []privacy.Processor `json:"processors"`
}

// ArchiveField explains one exported column.
type ArchiveField struct {
	Field      string             `json:"field"`
	DataType   privacy.DataType   `json:"data_type"`
	Category   string             `json:"category"`
	Purpose    string             `json:"purpose"`
	LegalBasis privacy.LegalBasis `json:"legal_basis"`
	Retention  string             `json:"retention"`
	Recipients []string           `json:"recipients"`
	Source     []string           `json:"source"`
}

// redacted replaces a value that points at someone else (Art. 15(4)).
const redacted = "[another person: withheld]"

// buildArchive walks the inventory and writes the zip to the file store;
// people are whom it holds.
func (a *App) buildArchive(ctx context.Context, exportID int64) (key string, size int64, people []*store.User, err error) {
	e, err := store.ExportByID(ctx, a.db.R, exportID)
	if err != nil {
		return "", 0, nil, err
	}
	owner, err := store.UserByID(ctx, a.db.R, e.UserID)
	if err != nil {
		return "", 0, nil, err
	}
	actor, err := a.loadActor(ctx, owner)
	if err != nil {
		return "", 0, nil, err
	}
	people, err = a.subjectsOf(ctx, &Session{User: owner, Actor: actor})
	if err != nil {
		return "", 0, nil, err
	}
	ar := &Archive{Format: "cubby-export/1", GeneratedAt: a.Now(), Language: owner.Language, RequestedBy: strconv.FormatInt(owner.ID, 10)}
	var allowed []int64
	for _, p := range people {
		allowed = append(allowed, p.ID)
	}
	progress := 0
	for i, p := range people {
		person, err := a.collectPerson(ctx, p, allowed, func() {
			if i == 0 {
				progress++
				store.SetExportProgress(ctx, a.db.W, exportID, progress)
			}
		})
		if err != nil {
			return "", 0, nil, err
		}
		person.Relation = "child"
		if p.ID == owner.ID {
			person.Relation = "self"
		}
		ar.People = append(ar.People, *person)
	}
	log, err := a.AccessLog(ctx, &Session{User: owner, Actor: actor})
	if err != nil {
		return "", 0, nil, err
	}
	ar.AccessLog = make([]ArchiveAccess, 0, len(log))
	for _, e := range log {
		x := ArchiveAccess{At: e.At, Actor: e.ActorName, ActorRole: e.ActorRole, Action: e.Action,
			Record: e.Detail, About: e.Subject, Place: e.Scope, What: e.Action}
		if a.I18n != nil {
			x.What = e.What(a.I18n.Localizer(owner.Language))
		}
		ar.AccessLog = append(ar.AccessLog, x)
	}
	ar.About = a.archiveAbout()
	key = "exports/" + NewToken() + ".zip"
	size, err = a.writeArchive(ctx, key, ar)
	if err != nil {
		a.Privacy.Files.Remove(key)
		return "", 0, nil, err
	}
	return key, size, people, nil
}

// collectPerson reads every exported field of every row leading to p.
func (a *App) collectPerson(ctx context.Context, p *store.User, allowed []int64, step func()) (*ArchivePerson, error) {
	inv := a.Inventory
	at := privacy.AccountType(p.Kind)
	person := &ArchivePerson{UserID: strconv.FormatInt(p.ID, 10), Type: p.Kind, Name: p.FullName()}
	id := inv.Identity()
	tables := append([]*privacy.Table{id}, inv.Linked()...)
	slices.SortStableFunc(tables[1:], func(x, y *privacy.Table) int { return strings.Compare(x.Name, y.Name) })
	for _, t := range tables {
		step()
		fields := t.ExportFields()
		if len(fields) == 0 {
			continue
		}
		// The person's id and address each get a placeholder only if a
		// condition uses it: PostgreSQL refuses a parameter it cannot type.
		var conds []string
		var args []any
		ph := map[bool]string{}
		param := func(contact bool) string {
			if p, ok := ph[contact]; ok {
				return p
			}
			args = append(args, map[bool]any{false: p.ID, true: p.Email}[contact])
			ph[contact] = "$" + strconv.Itoa(len(args))
			return ph[contact]
		}
		if t.Identity {
			conds = append(conds, `"id" = `+param(false))
		}
		for _, r := range t.Reaches() {
			if link, ok := t.Field(r.Link); ok && link.Personal && !slices.Contains(link.Subjects, privacy.SubjectOf(at)) {
				continue
			}
			if r.Contact && p.Email == "" {
				continue
			}
			if r.Contact {
				conds = append(conds, "("+r.WhereWith("", param(true))+")")
			} else {
				conds = append(conds, "("+r.WhereWith(param(false), "")+")")
			}
		}
		if len(conds) == 0 {
			continue
		}
		var cols []string
		for _, f := range fields {
			cols = append(cols, privacy.Q(f.Name))
		}
		query := "SELECT " + strings.Join(cols, ", ") + " FROM " + privacy.Q(t.Name) + " WHERE " + strings.Join(conds, " OR ")
		rows, err := store.SelectRows(ctx, a.db.R, query, args...)
		if err != nil {
			return nil, fmt.Errorf("export %s: %w", t.Name, err)
		}
		if len(rows) == 0 {
			continue
		}
		tab := ArchiveTable{Table: t.Name, Description: t.Description, Fields: fields}
		for _, f := range fields {
			tab.Columns = append(tab.Columns, f.Name)
			if !slices.Contains(tab.DataTypes, f.DataType) {
				tab.DataTypes = append(tab.DataTypes, f.DataType)
			}
		}
		if err := a.redact(ctx, t, rows, allowed, &tab); err != nil {
			return nil, err
		}
		for _, r := range rows {
			tab.Rows = append(tab.Rows, map[string]any(r))
		}
		person.Tables = append(person.Tables, tab)
	}
	return person, nil
}

// redact withholds values that point at people outside the archive: an
// exported column that starts a subject path leads to a person, and unless
// that person is the requester or one of their children, the value is
// replaced (Art. 15(4): other children's data stays out).
func (a *App) redact(ctx context.Context, t *privacy.Table, rows []store.Row, allowed []int64, tab *ArchiveTable) error {
	for _, r := range t.Reaches() {
		if r.Contact {
			continue
		}
		if _, exported := rows[0][r.Link]; !exported {
			continue
		}
		fine := map[string]bool{}
		if len(r.Hops) == 1 {
			for _, id := range allowed {
				fine[strconv.FormatInt(id, 10)] = true
			}
		} else {
			ph := make([]string, len(allowed))
			args := make([]any, len(allowed))
			for i, id := range allowed {
				ph[i], args[i] = "$"+strconv.Itoa(i+1), id
			}
			h := r.Hops[0]
			ok, err := store.SelectRows(ctx, a.db.R, "SELECT "+privacy.Q(h.ToColumn)+" AS v FROM "+privacy.Q(h.ToTable)+
				" WHERE "+privacy.ReachSQL(r.Hops[1:], privacy.Q(r.Hops[len(r.Hops)-1].ToColumn)+" IN ("+strings.Join(ph, ", ")+")"), args...)
			if err != nil {
				return err
			}
			for _, v := range ok {
				fine[fmt.Sprint(v["v"])] = true
			}
		}
		for _, row := range rows {
			if v := row[r.Link]; v != nil && !fine[fmt.Sprint(v)] {
				row[r.Link] = redacted
				tab.Redacted++
			}
		}
	}
	return nil
}

func (a *App) archiveAbout() ArchiveAbout {
	d := a.Deployment()
	about := ArchiveAbout{Controller: d.Operator, DPOEmail: d.DPOEmail, Complaints: d.SupervisoryAuthority, Processors: d.Processors}
	for _, f := range a.Inventory.PersonalFields() {
		if !f.Export {
			continue
		}
		af := ArchiveField{Field: f.ID(), DataType: f.DataType, Category: f.Category, Purpose: f.Purpose, LegalBasis: f.LegalBasis,
			Retention: f.Retention.Duration + " from " + string(f.Retention.Trigger) + ", then " + string(f.Retention.Action)}
		for _, r := range f.Recipients {
			af.Recipients = append(af.Recipients, string(r))
		}
		for _, p := range d.Holders(f.Recipients) {
			af.Recipients = append(af.Recipients, p.Name+" ("+p.Country+")")
		}
		for _, c := range f.Collection {
			af.Source = append(af.Source, string(c.Method)+": "+c.By)
		}
		about.Fields = append(about.Fields, af)
	}
	return about
}

// writeArchive writes export.json, export.html, the media and the
// portfolios into one zip.
func (a *App) writeArchive(ctx context.Context, key string, ar *Archive) (int64, error) {
	w, err := a.Privacy.Files.Create(key)
	if err != nil {
		return 0, err
	}
	cw := &countingWriter{w: w}
	zw := zip.NewWriter(cw)
	if err := a.copyMedia(zw, ar); err != nil {
		w.Close()
		return 0, err
	}
	// A student's portfolio as files with its own readable index
	// (portfolio_export.go).
	if err := a.writePortfolios(ctx, zw, ar); err != nil {
		w.Close()
		return 0, err
	}
	jw, err := createDated(zw, "export.json", ar.GeneratedAt)
	if err == nil {
		enc := json.NewEncoder(jw)
		enc.SetIndent("", "  ")
		err = enc.Encode(ar)
	}
	if err == nil {
		var hw io.Writer
		if hw, err = createDated(zw, "export.html", ar.GeneratedAt); err == nil {
			err = a.renderArchiveHTML(hw, ar)
		}
	}
	if err == nil {
		err = zw.Close()
	}
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	return cw.n, err
}

// createDated adds a compressed file to the archive, dated when the
// export was made: zip.Writer.Create leaves the date empty, which unzip
// tools and file managers show as 1980-00-00.
func createDated(zw *zip.Writer, name string, at time.Time) (io.Writer, error) {
	return zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: at})
}

// copyMedia puts every file named by an exported file field into media/.
func (a *App) copyMedia(zw *zip.Writer, ar *Archive) error {
	for _, p := range ar.People {
		for _, t := range p.Tables {
			for _, f := range t.Fields {
				if !f.File {
					continue
				}
				for _, row := range t.Rows {
					k, _ := row[f.Name].(string)
					if k == "" {
						continue
					}
					r, err := a.Privacy.Files.Open(k)
					if err != nil {
						continue // a missing file is noted by its absence from media
					}
					name := "media/" + t.Table + "/" + path.Base(k)
					fw, err := createDated(zw, name, ar.GeneratedAt)
					if err == nil {
						_, err = io.Copy(fw, r)
					}
					r.Close()
					if err != nil {
						return err
					}
					row[f.Name] = name
					ar.Media = append(ar.Media, ArchiveMedia{Path: name, Table: t.Table, Column: f.Name})
				}
			}
		}
	}
	return nil
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
