package privacy

import (
	"fmt"
	"slices"
	"strings"
)

// Policy as code (SEC-6, in the spirit of fides evaluate): rules every
// inventory must satisfy whatever a developer writes in it.

// forbiddenForStudents are the data uses no value about a student may have:
// marketing and advertising of any kind, sale, sharing with third parties
// (other than where the law requires it), profiling, and training AI.
var forbiddenForStudents = []string{
	"marketing", "sales", "third_party_sharing",
	"personalize.content.profiling", "personalize.content.profiled",
	"train_ai_system",
}

// allowedForStudents are exceptions inside a forbidden branch.
var allowedForStudents = []string{"third_party_sharing.legal_obligation"}

// specialCategories are GDPR Art. 9 data. The inventory has no way to
// declare an Art. 9 basis, so declaring such data at all is refused until
// one is added deliberately.
var specialCategories = []string{
	"user.biometric", "user.authorization.biometric", "user.health_and_medical", "user.genetic",
	"user.demographic.race_ethnicity", "user.demographic.religious_belief",
	"user.demographic.political_opinion", "user.demographic.sexual_orientation",
	"user.criminal_history", "user.political_opinion", "user.sexual_orientation",
}

func under(key string, branches []string) bool {
	for _, b := range branches {
		if key == b || strings.HasPrefix(key, b+".") {
			return true
		}
	}
	return false
}

// Policy returns every violation, naming the file and column.
func (inv *Inventory) Policy() []error {
	var errs []error
	for _, t := range inv.Tables() {
		for _, f := range t.Fields {
			if !f.Personal {
				continue
			}
			where := fmt.Sprintf("%s/%s: %s", inventoryDir, t.File, f.ID())
			uses := append([]Use{{DataUse: f.DataUse, Subjects: f.Subjects}}, f.OtherUses...)
			for _, u := range uses {
				subjects := u.Subjects
				if len(subjects) == 0 {
					subjects = f.Subjects
				}
				if slices.Contains(subjects, "student") && under(u.DataUse, forbiddenForStudents) && !under(u.DataUse, allowedForStudents) {
					errs = append(errs, fmt.Errorf("%s: gives student data the use %s; marketing, advertising, sale, third-party sharing, profiling and AI training are forbidden for student data (SEC-6)", where, u.DataUse))
				}
			}
			if under(f.Category, specialCategories) {
				errs = append(errs, fmt.Errorf("%s: category %s is special-category data (GDPR Art. 9), which needs an Art. 9 basis the inventory cannot declare", where, f.Category))
			}
		}
	}
	return errs
}

// Audit is `cubby privacy audit`: the inventory's own checks (INV-1..3,
// RET-1, DSR-7/8), the policy (SEC-6), and the deployment's contradictions.
// Problems fail the audit; notes are settings the operator has yet to give,
// which the page shows as "not set by the operator".
func Audit(inv *Inventory, tx *Taxonomy, d *Deployment) (problems, notes []error) {
	problems = append(problems, inv.Validate(tx)...)
	problems = append(problems, inv.Policy()...)
	if d != nil {
		p, n := d.Check(inv)
		problems = append(problems, p...)
		notes = n
	}
	return problems, notes
}
