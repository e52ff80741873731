package privacy

import "testing"

func TestConsentAges(t *testing.T) {
	t.Parallel()
	if err := ValidateConsentAges(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		country string
		age     int
		joint   bool
	}{{"DE", 16, false}, {"FR", 15, true}, {"BE", 13, false}, {"ES", 14, false}, {"GB", 13, false}, {"US", 13, false}, {"ZZ", 16, false}} {
		r := ConsentAgeFor(c.country)
		if r.Age != c.age || r.Joint != c.joint {
			t.Errorf("%s: got %d joint=%v, want %d joint=%v", c.country, r.Age, r.Joint, c.age, c.joint)
		}
	}
}
