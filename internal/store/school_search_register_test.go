package store_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
)

// foreignRegister writes, as CSV, a school register shaped like another
// country's (England's and Wales's here): no street, postcodes of letters
// and digits ("LE17 5JL", schools of a town sharing the outward code),
// accents (Welsh and Irish names and towns) and apostrophes written three
// ways ("St Mary's", "St Mary’s", "St Marys"), and the same few dozen
// names in many towns, as saints' and villages' schools are. It is made
// from a fixed seed, so every run and both engines see the same schools;
// about n of them.
func foreignRegister(n int) []byte {
	rng := rand.New(rand.NewPCG(17, 25))
	pick := func(list []string) string { return list[rng.IntN(len(list))] }
	type town struct {
		name, county, outward string
		lat, lon              float64
	}
	seenTown := map[string]bool{}
	seenOutward := map[string]bool{}
	var towns []town
	addTown := func(name string) {
		if seenTown[name] {
			return
		}
		seenTown[name] = true
		t := town{name: name, county: pick(registerCounties), lat: 50.4 + rng.Float64()*5.2, lon: -5.2 + rng.Float64()*6.8}
		for t.outward == "" || seenOutward[t.outward] {
			t.outward = pick(registerAreas) + strconv.Itoa(1+rng.IntN(29))
			if rng.IntN(8) == 0 {
				t.outward += string(rune('A' + rng.IntN(8)))
			}
		}
		seenOutward[t.outward] = true
		towns = append(towns, t)
	}
	for _, name := range registerWelshTowns {
		addTown(name)
	}
	for len(towns) < n/40 {
		addTown(pick(registerTownStarts) + pick(registerTownEnds))
	}
	apostrophe := func(s string) string {
		switch r := rng.IntN(10); {
		case r < 2:
			return strings.ReplaceAll(s, "'", "’")
		case r < 3:
			return strings.ReplaceAll(s, "'", "")
		}
		return s
	}
	name := func(t town) string {
		switch r := rng.IntN(100); {
		case r < 25:
			return t.name + " " + pick(registerKinds)
		case r < 55:
			saint := apostrophe(pick(registerSaints))
			if d := pick(registerDenominations); d != "" {
				saint += " " + d
			}
			return saint + " " + pick(registerKinds)
		case r < 78:
			return pick(registerFeatures) + " " + pick(registerKinds)
		case r < 85:
			return apostrophe(pick(registerFounders)) + " " + pick(registerKinds)
		case r < 96:
			return pick([]string{"Ysgol Gynradd", "Ysgol Gymraeg", "Ysgol"}) + " " + pick(registerWelsh)
		}
		return pick([]string{"Bunscoil", "Gaelscoil", "Scoil"}) + " " + pick(registerIrish)
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write([]string{"URN", "EstablishmentName", "Town", "County", "Postcode", "Latitude", "Longitude"})
	seenUnit := map[string]bool{}
	const units = "ABDEFGHJLNPQRSTUWXYZ"
	for i := 0; i < n; i++ {
		t := towns[i%len(towns)]
		var pc string
		for pc == "" || seenUnit[pc] {
			pc = fmt.Sprintf("%s %d%c%c", t.outward, rng.IntN(10), units[rng.IntN(len(units))], units[rng.IntN(len(units))])
		}
		seenUnit[pc] = true
		// Within about 4 km of the town's centre.
		r, a := 4000*math.Sqrt(rng.Float64()), rng.Float64()*2*math.Pi
		lat := t.lat + r*math.Sin(a)/111_195
		lon := t.lon + r*math.Cos(a)/(111_195*math.Cos(t.lat*math.Pi/180))
		w.Write([]string{strconv.Itoa(100000 + i), name(t), t.name, t.county, pc,
			strconv.FormatFloat(lat, 'f', 6, 64), strconv.FormatFloat(lon, 'f', 6, 64)})
	}
	w.Flush()
	return buf.Bytes()
}

// foreignMapping maps foreignRegister's columns, as an operator would.
const foreignMapping = "URN=source_id,EstablishmentName=name,Town=city,County=region,Postcode=postal_code,Latitude=lat,Longitude=lon"

var (
	registerTownStarts = []string{"Ash", "Brad", "Bram", "Chel", "Dun", "Elm", "Fair", "Glen", "Hart", "Kings", "Lang", "Mar",
		"North", "Oak", "Pen", "Queens", "Ros", "South", "Thorn", "Up", "West", "Whit", "Wood", "Bex", "Cal", "Dor", "Ever",
		"Gil", "Hol", "Ick", "Lutter", "Market ", "Nether", "Old", "Ponte", "Ravens", "Sher", "Tad", "Wal", "Bryn", "Llan", "Aber"}
	registerTownEnds = []string{"ford", "ton", "by", "worth", "ham", "field", "ley", "bury", "wick", "stead", "mouth",
		"bridge", "dale", "cester", "minster", "fawr"}
	registerWelshTowns = []string{"Cwmbrân", "Tŷ Croes", "Penarlâg", "Llanfair Caereinion", "Yr Wyddgrug", "Ynys Môn",
		"Pen-y-bont ar Ogwr", "Dinbych-y-pysgod", "Glyn Ebwy", "Pontardawe", "Ystradgynlais", "Machynlleth", "Porthaethwy",
		"Caerffili", "Llanelwedd", "Rhosllannerchrugog", "Bryncoch", "Aberdâr", "Llanbedr Pont Steffan", "Castell-nedd"}
	registerCounties = []string{"Leicestershire", "Northamptonshire", "Gwynedd", "Powys", "Ceredigion", "Cumbria", "Devon",
		"Kent", "Norfolk", "Suffolk", "Lancashire", "North Yorkshire", "Shropshire", "Cornwall", "Dorset", "Essex",
		"Hertfordshire", "Lincolnshire", "Somerset", "Wiltshire", "Conwy", "Sir Gâr", "Rhondda Cynon Taf", "County Durham"}
	registerAreas = []string{"AB", "AL", "B", "BA", "BB", "BD", "BH", "BL", "BN", "BR", "BS", "CA", "CB", "CF", "CH", "CM",
		"CO", "CT", "CV", "CW", "DA", "DE", "DH", "DL", "DN", "DT", "DY", "EN", "EX", "FY", "GL", "GU", "HD", "HG", "HP", "HR",
		"HU", "IP", "KT", "LA", "LD", "LE", "LL", "LN", "LS", "LU", "ME", "MK", "NE", "NG", "NN", "NP", "NR", "OL", "OX",
		"PE", "PL", "PO", "PR", "RG", "RH", "SA", "SG", "SK", "SL", "SN", "SO", "SP", "SR", "SS", "ST", "SY", "TA", "TF",
		"TN", "TQ", "TR", "TS", "WA", "WF", "WN", "WR", "WS", "WV", "YO"}
	registerKinds = []string{"Primary School", "Primary School", "Primary School", "Infant School", "Junior School",
		"Academy", "Primary Academy", "High School", "School", "Church of England Primary School", "C of E Primary School",
		"Nursery School", "Community Primary School", "Junior and Infant School", "Catholic Primary School"}
	registerSaints = []string{"St Mary's", "St Mary's", "St John's", "St Peter's", "St Joseph's", "St Michael's",
		"St Andrew's", "St George's", "St Paul's", "St Anne's", "St Patrick's", "St Bede's", "Our Lady's", "All Saints'",
		"Holy Trinity", "Christ Church", "St Thérèse's", "St Bridget's", "St Margaret's", "St Edmund's", "St Chad's"}
	registerDenominations = []string{"", "", "", "Catholic", "Church of England", "CofE", "RC", "C of E"}
	registerFeatures      = []string{"Hill View", "Meadow Brook", "Oakfield", "Elmwood", "Beechwood", "Brookside",
		"Riverside", "Greenfields", "Parkside", "Fairfield", "Woodlands", "Highfield", "Westfield", "Northfield",
		"Sandringham", "Kingsmead", "Manor", "Abbey", "Castle", "Priory", "Chapel End", "Mill Lane", "Orchard",
		"Willowbrook", "Ashgrove", "Holmfirth", "Lime Tree", "Cedars", "Thornhill", "Broadoak"}
	registerFounders = []string{"Bishop Stopford's", "Sir John Moore", "Lady Margaret", "Dame Alice Owen's",
		"Archbishop Tenison's", "Cardinal Newman", "Sir Thomas Boughey", "Bishop Challoner", "Queen Elizabeth's",
		"King Edward's", "Sir William Borlase's", "Lady Lumley's"}
	registerWelsh = []string{"Glan-y-Môr", "Pen-y-Bryn", "Bro Dinefwr", "Tŷ Ddewi", "Llanfair", "Maes-y-Coed",
		"Cwm Rhymni", "Gwaun Cae Gurwen", "Bryn Tawe", "Y Garreg Lwyd", "Pont Siôn Norton", "Gŵyr", "Bro Myrddin",
		"Dyffryn Aman", "Cae'r Nant", "Tŷ'n y Wern", "Brynhyfryd", "Penrhyn Dewi"}
	registerIrish = []string{"Phádraig", "Bhríde", "na Móna", "Éanna", "Ó Doirnín", "an Iúir", "Naomh Colmcille",
		"Mhuire", "Ghleann Darach"}
)
