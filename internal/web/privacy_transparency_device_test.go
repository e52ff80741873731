package web_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"cubby/internal/db"
	"cubby/internal/testenv"
)

// The transparency page's rows are generated from the inventory: Device
// information is collected now (push subscriptions, error reports), with
// its columns, and a data type Cubby does not collect shows no collection
// details at all (the Device information row once said "Imported from
// public records" beside "not collected").
func TestTransparencyDeviceInformationAndUncollectedRows(t *testing.T) {
	t.Parallel()
	env := testenv.New(t, db.SQLite)
	status, body, _ := get(t, env.Client(), env.URL+"/transparency.json")
	if status != 200 {
		t.Fatalf("transparency.json: %d", status)
	}
	var v struct {
		DataTypes []struct {
			Key          string   `json:"key"`
			Collected    bool     `json:"collected"`
			AccountTypes string   `json:"account_types"`
			Collection   string   `json:"how_collected"`
			Used         string   `json:"how_used"`
			Stored       string   `json:"where_stored"`
			Basis        string   `json:"legal_basis"`
			Retention    []string `json:"retention"`
			Fields       []string `json:"fields"`
		} `json:"data_types"`
	}
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatal(err)
	}
	uncollected := 0
	for _, r := range v.DataTypes {
		if r.Key == "device_information" {
			if !r.Collected || !slices.Contains(r.Fields, "push_subscriptions.platform") || !slices.Contains(r.Fields, "client_errors.stack") ||
				!strings.Contains(r.Collection, "utomatic") {
				t.Errorf("device information row: %+v", r)
			}
		}
		if r.Collected {
			continue
		}
		uncollected++
		if r.AccountTypes != "" || r.Collection != "" || r.Used != "" || r.Stored != "" || r.Basis != "" || len(r.Retention) > 0 || len(r.Fields) > 0 {
			t.Errorf("%s is not collected yet shows collection details: %+v", r.Key, r)
		}
	}
	if uncollected == 0 {
		t.Error("no uncollected row to check (precise_location should be one)")
	}
	_, page, _ := get(t, env.Client(), env.URL+"/transparency")
	i := strings.Index(page, `id="dt-precise_location"`)
	if i < 0 {
		t.Fatal("no precise_location row")
	}
	row := page[i : i+strings.Index(page[i:], "</details>")]
	if strings.Contains(row, "public records") || strings.Contains(row, `class="answers"`) {
		t.Errorf("an uncollected row shows answers:\n%s", row)
	}
}
