package media

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
)

// CheckDocument confirms a file that Sniff called a document by reading
// the whole of it, and returns its exact MIME type. A PDF must end like
// one; an Office Open XML or OpenDocument file must be a readable zip whose
// declared content is a text, spreadsheet or presentation. Files carrying
// macros or ActiveX controls are refused (ErrMacros).
//
// Documents are otherwise kept as they came: see the package README for
// the metadata they can still carry.
func CheckDocument(r io.ReaderAt, size int64, mime string) (string, error) {
	if size <= 0 {
		return "", ErrEmpty
	}
	switch mime {
	case MimePDF:
		return checkPDF(r, size)
	case MimeDOCX, MimeXLSX, MimePPTX, MimeOOXML:
		return checkOOXML(r, size)
	case MimeODT, MimeODS, MimeODP:
		return checkODF(r, size, mime)
	}
	return "", refuse(ErrWrongKind, errors.New("not a document type: "+mime))
}

// checkPDF looks for the end-of-file marker near the end, which a
// truncated upload lacks.
func checkPDF(r io.ReaderAt, size int64) (string, error) {
	n := min(size, 2048)
	tail := make([]byte, n)
	if _, err := r.ReadAt(tail, size-n); err != nil && err != io.EOF {
		return "", refuse(ErrCorrupt, err)
	}
	if !bytes.Contains(tail, []byte("%%EOF")) {
		return "", refuse(ErrCorrupt, errors.New("pdf: no %%EOF at the end"))
	}
	return MimePDF, nil
}

// maxContentTypes bounds how much of [Content_Types].xml is read: real
// ones are a few kilobytes.
const maxContentTypes = 1 << 20

// The main parts' content types of the documents Cubby takes.
var ooxmlMain = map[string]string{
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml":     MimeDOCX,
	"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml":     MimeDOCX,
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml":           MimeXLSX,
	"application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml":        MimeXLSX,
	"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml":   MimePPTX,
	"application/vnd.openxmlformats-officedocument.presentationml.slideshow.main+xml":      MimePPTX,
	"application/vnd.openxmlformats-officedocument.presentationml.template.main+xml":       MimePPTX,
	"application/vnd.ms-word.document.macroEnabled.main+xml":                               "",
	"application/vnd.ms-word.template.macroEnabledTemplate.main+xml":                       "",
	"application/vnd.ms-excel.sheet.macroEnabled.main+xml":                                 "",
	"application/vnd.ms-excel.template.macroEnabled.main+xml":                              "",
	"application/vnd.ms-excel.sheet.binary.macroEnabled.main":                              "",
	"application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml":                     "",
	"application/vnd.ms-powerpoint.slideshow.macroEnabled.main+xml":                        "",
	"application/vnd.ms-powerpoint.template.macroEnabled.main+xml":                         "",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document.glossary+xml": "-", // a part, not a main type
}

func checkOOXML(r io.ReaderAt, size int64) (string, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return "", refuse(ErrCorrupt, err)
	}
	var types *zip.File
	for _, f := range zr.File {
		name := strings.ToLower(f.Name)
		if strings.HasSuffix(name, "vbaproject.bin") || strings.HasPrefix(name, "word/activex/") ||
			strings.HasPrefix(name, "xl/activex/") || strings.HasPrefix(name, "ppt/activex/") {
			return "", ErrMacros
		}
		if f.Name == "[Content_Types].xml" {
			types = f
		}
	}
	if types == nil {
		return "", refuse(ErrUnknown, errors.New("ooxml: no [Content_Types].xml"))
	}
	rc, err := types.Open()
	if err != nil {
		return "", refuse(ErrCorrupt, err)
	}
	defer rc.Close()
	var doc struct {
		Overrides []struct {
			ContentType string `xml:"ContentType,attr"`
		} `xml:"Override"`
		Defaults []struct {
			ContentType string `xml:"ContentType,attr"`
		} `xml:"Default"`
	}
	if err := xml.NewDecoder(io.LimitReader(rc, maxContentTypes)).Decode(&doc); err != nil {
		return "", refuse(ErrCorrupt, err)
	}
	found := ""
	for _, d := range doc.Defaults {
		if strings.HasPrefix(d.ContentType, "application/vnd.ms-office.vbaProject") || strings.HasPrefix(d.ContentType, "application/vnd.ms-office.activeX") {
			return "", ErrMacros
		}
	}
	for _, o := range doc.Overrides {
		ct := o.ContentType
		if strings.HasPrefix(ct, "application/vnd.ms-office.vbaProject") || strings.HasPrefix(ct, "application/vnd.ms-office.activeX") {
			return "", ErrMacros
		}
		mime, ok := ooxmlMain[ct]
		switch {
		case !ok || mime == "-":
		case mime == "":
			return "", ErrMacros
		case found == "":
			found = mime
		}
	}
	if found == "" {
		return "", refuse(ErrUnknown, errors.New("ooxml: no main document part"))
	}
	return found, nil
}

// checkODF confirms the zip's mimetype entry and refuses documents with
// Basic macros or scripts.
func checkODF(r io.ReaderAt, size int64, mime string) (string, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return "", refuse(ErrCorrupt, err)
	}
	if len(zr.File) == 0 || zr.File[0].Name != "mimetype" {
		return "", refuse(ErrCorrupt, errors.New("odf: mimetype is not the first entry"))
	}
	rc, err := zr.File[0].Open()
	if err != nil {
		return "", refuse(ErrCorrupt, err)
	}
	got, err := io.ReadAll(io.LimitReader(rc, 256))
	rc.Close()
	if err != nil || string(got) != mime {
		return "", refuse(ErrCorrupt, errors.New("odf: mimetype does not match"))
	}
	for _, f := range zr.File {
		if strings.HasPrefix(f.Name, "Basic/") || strings.HasPrefix(f.Name, "Scripts/") {
			return "", ErrMacros
		}
	}
	return mime, nil
}
