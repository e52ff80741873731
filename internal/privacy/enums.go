package privacy

import "slices"

// DataType names a row of the public data-transparency page. The page answers
// its questions per data type, not per column, so every personal column says
// which row it belongs to; a non-personal column may name one too (the school
// database is public data, yet the page still has to account for it).
type DataType string

// The data types of seed/data-transparency.txt, in its order, then the ones
// Cubby stores that the seed has no row for.
const (
	TypeName                DataType = "name"
	TypePhoneNumber         DataType = "phone_number"
	TypeEmail               DataType = "email"
	TypeStudentUsername     DataType = "student_username"
	TypePassword            DataType = "password"
	TypeDeviceInformation   DataType = "device_information"
	TypeStudentAge          DataType = "student_age"
	TypeTitle               DataType = "title"
	TypeLanguage            DataType = "language"
	TypeSchoolAffiliation   DataType = "school_affiliation"
	TypeSchoolAddress       DataType = "school_address"
	TypeSchoolDatabase      DataType = "school_database"
	TypePreciseLocation     DataType = "precise_location"
	TypeMessagesStories     DataType = "messages_stories_portfolios"
	TypeAttendance          DataType = "attendance"
	TypeFeedbackPoints      DataType = "feedback_points"
	TypeIPAddress           DataType = "ip_address"
	TypeBrowserInformation  DataType = "browser_information"
	TypeProductUsage        DataType = "product_usage"
	TypeAccount             DataType = "account"
	TypeAvatar              DataType = "avatar"
	TypeSession             DataType = "session"
	TypeParentLink          DataType = "parent_link"
	TypeRememberedResponses DataType = "remembered_responses"
	TypeConsent             DataType = "consent"
	TypeSecondFactor        DataType = "second_factor"
	TypeEmailedLinks        DataType = "emailed_links"
	TypeAccessLog           DataType = "access_log"
	TypeDataRequests        DataType = "data_requests"
)

// DataTypeInfo describes a data type for people.
type DataTypeInfo struct {
	Type  DataType
	Label string // English; the page translates it
	// Seed is true for the rows the seed page has; the page keeps those even
	// when no column uses them yet, so a reader comparing products sees
	// "not collected" rather than a missing row.
	Seed bool
}

// DataTypes is every data type in page order.
var DataTypes = []DataTypeInfo{
	{TypeName, "Names", true},
	{TypePhoneNumber, "Phone numbers", true},
	{TypeEmail, "Email addresses", true},
	{TypeStudentUsername, "Student usernames", true},
	{TypePassword, "Passwords", true},
	{TypeDeviceInformation, "Device information", true},
	{TypeStudentAge, "Student age", true},
	{TypeTitle, "Titles", true},
	{TypeLanguage, "Language", true},
	{TypeSchoolAffiliation, "School affiliation", true},
	{TypeSchoolAddress, "School address", true},
	{TypeSchoolDatabase, "School database", true},
	{TypePreciseLocation, "Precise location", true},
	{TypeMessagesStories, "Messages, Class Story, School Story and portfolios", true},
	{TypeAttendance, "Attendance", true},
	{TypeFeedbackPoints, "Feedback points", true},
	{TypeIPAddress, "IP addresses", true},
	{TypeBrowserInformation, "Browser information", true},
	{TypeProductUsage, "Product usage", true},
	{TypeAccount, "Account type and account dates", false},
	{TypeAvatar, "Avatar characters", false},
	{TypeSession, "Login sessions", false},
	{TypeParentLink, "Parent–child connections", false},
	{TypeRememberedResponses, "Remembered responses for safe retries", false},
	{TypeConsent, "Consent records", false},
	{TypeSecondFactor, "Two-factor login", false},
	{TypeEmailedLinks, "Emailed links (address checks, password resets)", false},
	{TypeAccessLog, "Record of access to students' records", false},
	{TypeDataRequests, "Data requests (exports, deletions, corrections, restrictions)", false},
}

// AccountType is a kind of Cubby account, spelled as users.kind spells it.
type AccountType string

const (
	Teacher AccountType = "teacher"
	Parent  AccountType = "parent"
	Leader  AccountType = "leader"
	Student AccountType = "student"
	// Visitor is anyone using Cubby without logging in: request logs
	// concern them too.
	Visitor AccountType = "visitor"
)

// AccountTypes in the order the transparency page lists them.
var AccountTypes = []AccountType{Teacher, Parent, Leader, Student, Visitor}

// Self in visible_to means the person the value is about. Without it
// "visible to teachers" could not say whether teachers see each other's
// value or only their own.
const Self AccountType = "self"

// subjectOf maps each account type to the data subject (taxonomy key) it
// makes a person, so account_types and subjects can be checked against each
// other.
var subjectOf = map[AccountType]string{
	Teacher: "teacher",
	Parent:  "guardian",
	Leader:  "school_leader",
	Student: "student",
	Visitor: "anonymous_user",
}

// SubjectOf returns the data subject key (taxonomy) of an account type.
func SubjectOf(a AccountType) string { return subjectOf[a] }

// CollectionMethod says where a value comes from (GDPR Art. 13/14 need the
// source; the page's "how collected" row shows it).
type CollectionMethod string

const (
	ProvidedByUser    CollectionMethod = "provided_by_user"
	ProvidedByTeacher CollectionMethod = "provided_by_teacher"
	ProvidedBySchool  CollectionMethod = "provided_by_school"
	Automatic         CollectionMethod = "automatic"
	Derived           CollectionMethod = "derived"
	Imported          CollectionMethod = "imported"
)

var collectionMethods = []CollectionMethod{ProvidedByUser, ProvidedByTeacher, ProvidedBySchool, Automatic, Derived, Imported}

// LegalBasis is a GDPR Art. 6(1) basis, coded as the W3C Data Privacy
// Vocabulary codes it (eu-gdpr:A6-1-a …), so the record can link to DPV.
type LegalBasis string

const (
	Consent            LegalBasis = "A6-1-a"
	Contract           LegalBasis = "A6-1-b"
	LegalObligation    LegalBasis = "A6-1-c"
	VitalInterest      LegalBasis = "A6-1-d"
	PublicTask         LegalBasis = "A6-1-e"
	LegitimateInterest LegalBasis = "A6-1-f"
)

var legalBases = []LegalBasis{Consent, Contract, LegalObligation, VitalInterest, PublicTask, LegitimateInterest}

// Trigger is the event a retention period counts from (RET-1).
type Trigger string

const (
	FromCreated          Trigger = "created_at"
	FromLastUsed         Trigger = "last_used"
	FromAccountDeleted   Trigger = "account_deleted"
	FromInactiveSince    Trigger = "inactive_since"
	FromSchoolYearEnd    Trigger = "school_year_end"
	FromStudentLeft      Trigger = "student_left_school"
	FromConsentWithdrawn Trigger = "consent_withdrawn"
	FromSessionEnded     Trigger = "session_ended"
	// FromClosed: a request is closed (declined, answered or ended); an
	// open one is never due.
	FromClosed Trigger = "closed"
)

var triggers = []Trigger{FromCreated, FromLastUsed, FromAccountDeleted, FromInactiveSince,
	FromSchoolYearEnd, FromStudentLeft, FromConsentWithdrawn, FromSessionEnded, FromClosed}

// Action is what happens to a value when its retention ends or its subject's
// erasure runs (DSR-7). Pseudonymisation is deliberately absent: it is not
// erasure, and offering it here would invite treating it as such.
type Action string

const (
	Delete    Action = "delete"
	Anonymize Action = "anonymize"
	Hold      Action = "hold"
)

var actions = []Action{Delete, Anonymize, Hold}

// Recipient is a processor (or store) that holds a copy of a value. The ids
// are resolved to vendors, locations and contracts by the deployment
// settings, never in the inventory: one inventory serves every deployment.
type Recipient string

const (
	PrimaryDB Recipient = "primary_db"
	Backups   Recipient = "backups"
	SMTP      Recipient = "smtp"
	SMS       Recipient = "sms"
	// ObjectStore is the object store files are kept in when CUBBY_FILES_URL
	// names one (package files); files on the server's own disk are
	// primary_db's.
	ObjectStore Recipient = "files"
)

var recipients = []Recipient{PrimaryDB, Backups, SMTP, SMS, ObjectStore}

func knownDataType(t DataType) bool {
	return slices.ContainsFunc(DataTypes, func(i DataTypeInfo) bool { return i.Type == t })
}
