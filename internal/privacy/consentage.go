package privacy

import "fmt"

// ConsentAgesVersion identifies the table below; a consent record made
// under it can say which rules applied. Bump it with every change.
const ConsentAgesVersion = "2026-11-28"

// ConsentAge is a country's digital age of consent for information society
// services offered to children (GDPR Art. 8), or COPPA's 13 in the US.
type ConsentAge struct {
	Country string
	Age     int
	// Joint means both the child and a parent must consent below Age
	// (France, under 15).
	Joint  bool
	Source string
}

// consentAges is data, not logic: countries set these ages by law and
// change them. Sources: the European Commission's 2020 GDPR evaluation
// (SWD(2020) 115), national acts as noted, and 16 CFR 312 for the US.
var consentAges = map[string]ConsentAge{}

func init() {
	eu := "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:52020SC0115"
	for _, r := range []ConsentAge{
		{"BE", 13, false, eu}, {"DK", 13, false, eu}, {"EE", 13, false, eu}, {"FI", 13, false, eu},
		{"LV", 13, false, eu}, {"MT", 13, false, eu}, {"PT", 13, false, eu}, {"SE", 13, false, eu},
		{"AT", 14, false, eu}, {"BG", 14, false, eu}, {"CY", 14, false, eu}, {"IT", 14, false, eu},
		{"LT", 14, false, eu}, {"ES", 14, false, eu},
		{"CZ", 15, false, eu}, {"FR", 15, true, "https://www.legifrance.gouv.fr/jorf/id/JORFTEXT000037085952"},
		{"GR", 15, false, eu}, {"SI", 15, false, "https://pisrs.si/pregledPredpisa?id=ZAKO7959"},
		{"HR", 16, false, eu}, {"DE", 16, false, eu}, {"HU", 16, false, eu}, {"IE", 16, false, eu},
		{"LU", 16, false, eu}, {"NL", 16, false, eu}, {"PL", 16, false, eu}, {"RO", 16, false, eu},
		{"SK", 16, false, eu},
		{"NO", 13, false, "https://lovdata.no/dokument/NL/lov/2018-06-15-38"},
		{"IS", 13, false, "https://www.government.is/library/01-Ministries/Ministry-of-Justice/Act%20No%2090%202018.pdf"},
		{"LI", 16, false, eu},
		{"GB", 13, false, "https://www.legislation.gov.uk/ukpga/2018/12/section/9"},
		{"US", 13, false, "https://www.ecfr.gov/current/title-16/chapter-I/subchapter-C/part-312"},
	} {
		consentAges[r.Country] = r
	}
}

// DefaultConsentAge applies where the table has no row: 16, the GDPR's
// default and the strictest of the common limits, so an unlisted country
// errs towards asking a parent.
const DefaultConsentAge = 16

// ConsentAgeFor returns the rule for a country.
func ConsentAgeFor(country string) ConsentAge {
	if r, ok := consentAges[country]; ok {
		return r
	}
	return ConsentAge{Country: country, Age: DefaultConsentAge, Source: "GDPR Art. 8(1) default"}
}

// ValidateConsentAges checks the table's own sanity: EU/EEA ages must lie
// between 13 and 16 (Art. 8(1) allows no other).
func ValidateConsentAges() error {
	for c, r := range consentAges {
		if r.Age < 13 || r.Age > 16 {
			return fmt.Errorf("consent age for %s is %d; Art. 8 allows 13 to 16", c, r.Age)
		}
		if r.Source == "" {
			return fmt.Errorf("consent age for %s has no source", c)
		}
	}
	return nil
}
