package db

import (
	"database/sql/driver"
	"strings"

	"golang.org/x/text/unicode/norm"
	"modernc.org/sqlite"
)

// fold_case(text) compares people's names regardless of case and of how
// an accent was typed: "élodie", "Élodie" and "E\u0301lodie" fold alike.
// SQLite's lower() folds only ASCII, so the SQLite function is Go's; the
// PostgreSQL one is created by a migration (00025_fold_case). Store code
// calls fold_case in SQL text shared by both engines.
func init() {
	if err := sqlite.RegisterDeterministicScalarFunction("fold_case", 1, foldCaseSQL); err != nil {
		panic(err)
	}
}

func foldCaseSQL(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	switch v := args[0].(type) {
	case nil:
		return nil, nil
	case string:
		return FoldCase(v), nil
	case []byte:
		return FoldCase(string(v)), nil
	default:
		return v, nil
	}
}

// FoldCase is the Go side of fold_case: composed (NFC), then lower case.
func FoldCase(s string) string { return strings.ToLower(norm.NFC.String(s)) }
