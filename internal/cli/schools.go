package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"cubby/internal/config"
	"cubby/internal/schoolimport"
)

const schoolsUsage = "cubby schools import FILE.csv[.gz] --map column=field,… [--source NAME] [--set field=value]"

func runSchools(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] != "import" {
		fmt.Fprintln(e.stderr, "usage: "+schoolsUsage)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
			return flag.ErrHelp
		}
		return errors.New(`the only schools command is "import"`)
	}
	return runSchoolsImport(ctx, e, args[1:])
}

// listFlag collects a flag given several times.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, " ") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func runSchoolsImport(ctx context.Context, e *env, args []string) error {
	cfg := config.Default()
	fs := flag.NewFlagSet("cubby schools import", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	cfg.Flags(fs)
	var maps, sets listFlag
	var source string
	var batch int
	fs.Var(&maps, "map", "column=field pairs, comma-separated (repeatable); fields: source_id, name, address, city, region, postal_code, country, lat, lon, year_start, year_end")
	fs.Var(&sets, "set", "field=value for every row, e.g. country=US (repeatable)")
	fs.StringVar(&source, "source", "", "name of the data set, e.g. nces-ccd; with each row's id it identifies a school across re-imports (default: the file name)")
	fs.IntVar(&batch, "batch", 5000, "rows per transaction")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: %s\n\n", schoolsUsage)
		fs.PrintDefaults()
	}
	// The file may come before, between or after the flags.
	var files []string
	for {
		if err := fs.Parse(args); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(files) != 1 {
		fs.Usage()
		return errors.New("give exactly one CSV file")
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	mapping, err := schoolimport.ParseMapping(maps)
	if err != nil {
		return err
	}
	set, err := schoolimport.ParseSet(sets)
	if err != nil {
		return err
	}
	if source == "" {
		source = strings.SplitN(filepath.Base(files[0]), ".", 2)[0]
	}
	database, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer database.Close()
	opts := schoolimport.Options{
		Source: source, Mapping: mapping, Set: set, Country: cfg.Country, BatchRows: batch,
		Progress: &schoolimport.Progress{W: e.stderr, Terminal: isTerminal(e.stderr)},
	}
	fmt.Fprintf(e.stderr, "importing %s as source %q into %s\n", files[0], source, database.Dialect)
	res, err := schoolimport.ImportFile(ctx, database, files[0], opts)
	if err == nil || res.Rows > 0 {
		res.Summary(e.stdout)
	}
	if err != nil {
		return fmt.Errorf("%w\n%s rows were committed (through line %d)", err, thousandsInt(res.Committed), res.CommittedLine)
	}
	return nil
}

// isTerminal reports whether w is an interactive terminal, where a
// progress bar may redraw itself; logs and pipes get plain lines.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func thousandsInt(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
