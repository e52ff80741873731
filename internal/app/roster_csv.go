package app

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"cubby/internal/db"
)

// MaxImportRows bounds one class's CSV: far above any real class, low
// enough that a wrong file (a whole district's export) is caught.
const MaxImportRows = 500

// csvRow is one record of a CSV file with the line it starts on.
type csvRow struct {
	Line   int
	Fields []string
}

// decodeText turns an uploaded file into UTF-8 text: spreadsheets save CSV
// as UTF-8 (with or without a byte-order mark), UTF-16 ("Unicode text"),
// or the Windows code page, and teachers cannot be asked which.
func decodeText(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		if out, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder().Bytes(data); err == nil {
			return string(out)
		}
	}
	if utf8.Valid(data) {
		return string(data)
	}
	out, err := charmap.Windows1252.NewDecoder().Bytes(data)
	if err != nil {
		return strings.ToValidUTF8(string(data), "\uFFFD")
	}
	return string(out)
}

// sniffComma picks the separator of the header line: comma, semicolon
// (spreadsheets in much of Europe) or tab.
func sniffComma(text string) rune {
	line, _, _ := strings.Cut(text, "\n")
	best, comma := 0, ','
	for _, c := range []rune{',', ';', '\t'} {
		if n := strings.Count(line, string(c)); n > best {
			best, comma = n, c
		}
	}
	return comma
}

// readCSV reads a whole CSV file: its header, then its records with line
// numbers. Broken quoting stops the read with a problem naming the line.
func readCSV(file string, text string, comma rune) ([]string, []csvRow, []ImportNote) {
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = comma
	r.FieldsPerRecord = -1
	var header []string
	var rows []csvRow
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) && (errors.Is(pe.Err, csv.ErrQuote) || errors.Is(pe.Err, csv.ErrBareQuote)) {
				return nil, nil, []ImportNote{{File: file, Line: pe.StartLine, Key: "import.bad_quoting", Args: []any{"line", pe.StartLine}}}
			}
			return nil, nil, []ImportNote{{File: file, Key: "import.unreadable"}}
		}
		line, _ := r.FieldPos(0)
		if header == nil {
			header = rec
			continue
		}
		blank := true
		for _, f := range rec {
			blank = blank && strings.TrimSpace(f) == ""
		}
		if !blank {
			rows = append(rows, csvRow{Line: line, Fields: rec})
		}
	}
	if header == nil {
		return nil, nil, []ImportNote{{File: file, Key: "import.empty_file"}}
	}
	return header, rows, nil
}

// field returns a record's trimmed field i, or "" when the row is short.
func (r csvRow) field(i int) string {
	if i < 0 || i >= len(r.Fields) {
		return ""
	}
	return strings.TrimSpace(r.Fields[i])
}

var headerFold = strings.NewReplacer("á", "a", "à", "a", "â", "a", "ä", "a", "é", "e", "è", "e", "ê", "e", "ë", "e",
	"í", "i", "î", "i", "ï", "i", "ó", "o", "ô", "o", "ö", "o", "ú", "u", "ù", "u", "û", "u", "ü", "u", "ñ", "n", "ç", "c", "ß", "ss")

// headerKey reduces a column title to letters and digits, so "First Name",
// "first_name", "FirstName" and "Prénom" compare as words, not spellings.
// Titles in other scripts keep their letters.
func headerKey(s string) string {
	s = headerFold.Replace(strings.ToLower(strings.TrimSpace(s)))
	var b strings.Builder
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 0x7f && r != 0xA0 && r != 0xFEFF {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// The column titles a roster spreadsheet uses, as headerKey writes them,
// best match first.
var (
	firstNameTitles = []string{"firstname", "givenname", "first", "given", "forename", "forenames", "fname",
		"preferredfirstname", "studentfirstname", "legalfirstname", "childfirstname", "pupilfirstname", "pupilforename",
		"prenom", "nombre", "nombres", "primernombre", "vorname", "الاسمالأول"}
	lastNameTitles = []string{"lastname", "surname", "familyname", "last", "family", "lname", "studentlastname",
		"studentsurname", "legallastname", "childlastname", "pupilsurname", "pupillastname", "nomdefamille", "nom",
		"apellido", "apellidos", "nachname", "familienname", "اسمالعائلة", "الكنية"}
	fullNameTitles = []string{"name", "fullname", "studentname", "student", "pupil", "pupilname", "childname",
		"nomcomplet", "nomeleve", "nomdeleleve", "eleve", "nombrecompleto", "alumno", "alumna", "الاسم", "اسمالطالب"}
)

// findColumn returns the index of the header's best match among titles.
func findColumn(header []string, titles []string) int {
	keys := make([]string, len(header))
	for i, h := range header {
		keys[i] = headerKey(h)
	}
	for _, t := range titles {
		for i, k := range keys {
			if k == t {
				return i
			}
		}
	}
	return -1
}

// NamedRow is a student's name read from line Line of an upload.
type NamedRow struct {
	Line int
	NewStudent
}

// ParseStudentCSV reads a spreadsheet of students: any CSV with a header
// naming first and last name columns (or one full-name column), in any
// common spelling, separated by commas, semicolons or tabs. Rows it
// cannot use are returned as skipped, with the reason; problems with the
// file itself (no name column, broken quoting) are a *ValidationError.
func ParseStudentCSV(data []byte) ([]NamedRow, []ImportNote, error) {
	text := decodeText(data)
	header, rows, problems := readCSV("", text, sniffComma(text))
	if len(problems) > 0 {
		return nil, nil, importError(problems)
	}
	fi, li, ni := findColumn(header, firstNameTitles), findColumn(header, lastNameTitles), findColumn(header, fullNameTitles)
	role := findColumn(header, []string{"role", "rol"})
	if fi < 0 && ni < 0 {
		return nil, nil, importError([]ImportNote{{Line: 1, Key: "import.no_name_columns"}})
	}
	if len(rows) == 0 {
		return nil, nil, importError([]ImportNote{{Key: "import.no_rows"}})
	}
	if len(rows) > MaxImportRows {
		return nil, nil, importError([]ImportNote{{Key: "roster.too_many", Args: []any{"max", MaxImportRows}}})
	}
	var out []NamedRow
	var skipped []ImportNote
	firstLine := map[string]int{}
	for _, row := range rows {
		skip := func(key string, args ...any) {
			skipped = append(skipped, ImportNote{Line: row.Line, Key: key, Args: append([]any{"line", row.Line}, args...)})
		}
		if slices.ContainsFunc(row.Fields[min(len(header), len(row.Fields)):], func(f string) bool { return strings.TrimSpace(f) != "" }) {
			skip("import.too_many_fields") // most likely a name with an unquoted comma
			continue
		}
		if role >= 0 {
			if r := strings.ToLower(row.field(role)); r != "" && r != "student" {
				skip("import.not_a_student", "role", row.field(role))
				continue
			}
		}
		var first, last string
		if fi >= 0 {
			first, last = row.field(fi), row.field(li)
		} else {
			first, last = splitFullName(row.field(ni))
		}
		first, k1 := cleanName(first, true)
		last, k2 := cleanName(last, false)
		switch {
		case first == "":
			skip("import.no_first_name")
			continue
		case k1 != "" || k2 != "":
			skip("import.bad_name")
			continue
		}
		key := strings.ToLower(first + "\x00" + last)
		if l, dup := firstLine[key]; dup {
			skip("import.duplicate_row", "first", l)
			continue
		}
		firstLine[key] = row.Line
		out = append(out, NamedRow{Line: row.Line, NewStudent: NewStudent{FirstName: first, LastName: last}})
	}
	return out, skipped, nil
}

// splitFullName reads "Last, First" or "First Last" as the pasted-names
// box does.
func splitFullName(s string) (string, string) {
	if last, first, ok := strings.Cut(s, ","); ok {
		return strings.TrimSpace(first), strings.TrimSpace(last)
	}
	first, last, _ := strings.Cut(strings.TrimSpace(s), " ")
	return first, last
}

// CSVImport is what a spreadsheet upload did to a class roster.
type CSVImport struct {
	Added   []AddedStudent
	Skipped []ImportNote
}

// ImportStudentsCSV adds the students of a spreadsheet to a class the
// actor teaches, all or nothing: a child the school already has is put on
// the roster rather than duplicated, and unusable rows are reported.
func (a *App) ImportStudentsCSV(ctx context.Context, s *Session, classID int64, data []byte) (*CSVImport, error) {
	c, err := a.teachClass(ctx, s, classID)
	if err != nil {
		return nil, err
	}
	rows, skipped, err := ParseStudentCSV(data)
	if err != nil {
		return nil, err
	}
	out := &CSVImport{Skipped: skipped}
	err = a.db.Tx(ctx, func(tx db.Querier) error {
		out.Added = out.Added[:0]
		for _, row := range rows {
			added, err := a.addStudent(ctx, tx, c, row.FirstName, row.LastName, s.User.Language)
			if err != nil {
				return err
			}
			out.Added = append(out.Added, added)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
