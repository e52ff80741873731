package benchdata

import (
	"compress/gzip"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"cubby/internal/store"
)

// ReadSchools reads the real schools a district is named after from the
// NCES files in dir (../shared/data/schools/: *.csv.gz with the columns
// ncessch or ppin, name, street, city, state, zip, lat, lon). A missing folder is
// no error: the district's schools are then made up.
func ReadSchools(dir string) ([]store.School, error) {
	files, _ := filepath.Glob(filepath.Join(dir, "*.csv.gz"))
	var out []store.School
	for _, name := range files {
		list, err := readSchoolFile(name)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out = append(out, list...)
	}
	return out, nil
}

func readSchoolFile(name string) ([]store.School, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(zr)
	r.ReuseRecord = true
	head, err := r.Read()
	if err != nil {
		return nil, err
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	if _, ok := col["ncessch"]; !ok { // the private schools' file
		if i, ok := col["ppin"]; ok {
			col["ncessch"] = i
		}
	}
	for _, need := range []string{"ncessch", "name", "city", "state"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("no %s column", need)
		}
	}
	get := func(rec []string, k string) string {
		if i, ok := col[k]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	var out []store.School
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		s := store.School{Name: get(rec, "name"), Address: get(rec, "street"), City: get(rec, "city"), Region: get(rec, "state"),
			PostalCode: get(rec, "zip"), Country: "US", SourceID: get(rec, "ncessch")}
		if s.Name == "" || s.SourceID == "" {
			continue
		}
		lat, e1 := strconv.ParseFloat(get(rec, "lat"), 64)
		lon, e2 := strconv.ParseFloat(get(rec, "lon"), 64)
		if e1 == nil && e2 == nil {
			s.Lat, s.Lon = &lat, &lon
		}
		out = append(out, s)
	}
}
