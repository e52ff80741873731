package store

import (
	"context"
	"database/sql"
	"time"

	"cubby/internal/db"
)

// School is one school record.
type School struct {
	ID         int64
	Name       string
	Address    string
	City       string
	Region     string
	PostalCode string
	Country    string
	Lat, Lon   *float64
	YearStart  string // YYYY-MM-DD, empty if unknown
	YearEnd    string
	Source     string // "manual", or the data provider of an import
	SourceID   string
	Verified   bool
	CreatedAt  time.Time
}

// CreateSchool inserts s and sets its ID.
func CreateSchool(ctx context.Context, q db.Querier, s *School) error {
	err := q.QueryRowContext(ctx, `INSERT INTO schools (name, address, city, region, postal_code, country, lat, lon, year_start, year_end, source, source_id, verified, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
		s.Name, s.Address, s.City, s.Region, s.PostalCode, s.Country, s.Lat, s.Lon,
		nullString(s.YearStart), nullString(s.YearEnd), s.Source, nullString(s.SourceID), s.Verified, s.CreatedAt).Scan(&s.ID)
	return db.MapError(err)
}

// SchoolByID returns a school or ErrNotFound.
func SchoolByID(ctx context.Context, q db.Querier, id int64) (*School, error) {
	return scanSchool(q.QueryRowContext(ctx, `SELECT id, name, address, city, region, postal_code, country, lat, lon, year_start, year_end, source, source_id, verified, created_at
		FROM schools WHERE id = $1`, id))
}

// SchoolBySource finds an imported or seeded school by its source key.
func SchoolBySource(ctx context.Context, q db.Querier, source, sourceID string) (*School, error) {
	return scanSchool(q.QueryRowContext(ctx, `SELECT id, name, address, city, region, postal_code, country, lat, lon, year_start, year_end, source, source_id, verified, created_at
		FROM schools WHERE source = $1 AND source_id = $2`, source, sourceID))
}

func scanSchool(row *sql.Row) (*School, error) {
	var s School
	var ys, ye, sid sql.NullString
	var lat, lon sql.NullFloat64
	err := row.Scan(&s.ID, &s.Name, &s.Address, &s.City, &s.Region, &s.PostalCode, &s.Country, &lat, &lon, &ys, &ye, &s.Source, &sid, &s.Verified, &s.CreatedAt)
	if err != nil {
		return nil, db.MapError(err)
	}
	s.YearStart, s.YearEnd, s.SourceID = ys.String, ye.String, sid.String
	if lat.Valid && lon.Valid {
		s.Lat, s.Lon = &lat.Float64, &lon.Float64
	}
	return &s, nil
}

// Staff roles within a school.
const (
	RoleTeacher = "teacher"
	RoleLeader  = "leader"
)

// Membership is a staff member's place in a school.
type Membership struct {
	SchoolID   int64
	UserID     int64
	Role       string
	Status     string // pending | active
	VerifiedAt *time.Time
	CreatedAt  time.Time
}

// AddMembership records a staff member (or a join request, when pending).
func AddMembership(ctx context.Context, q db.Querier, m *Membership) error {
	_, err := q.ExecContext(ctx, `INSERT INTO school_members (school_id, user_id, role, status, verified_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, m.SchoolID, m.UserID, m.Role, m.Status, nullTime(m.VerifiedAt), m.CreatedAt)
	return db.MapError(err)
}

// MembershipsOfUser lists the schools a user is staff in, pending or not.
func MembershipsOfUser(ctx context.Context, q db.Querier, userID int64) ([]Membership, error) {
	rows, err := q.QueryContext(ctx, `SELECT school_id, user_id, role, status, verified_at, created_at
		FROM school_members WHERE user_id = $1 ORDER BY school_id`, userID)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []Membership
	for rows.Next() {
		var m Membership
		var v sql.NullTime
		if err := rows.Scan(&m.SchoolID, &m.UserID, &m.Role, &m.Status, &v, &m.CreatedAt); err != nil {
			return nil, db.MapError(err)
		}
		m.VerifiedAt = timePtr(v)
		out = append(out, m)
	}
	return out, db.MapError(rows.Err())
}

// StaffCount counts a school's active staff.
func StaffCount(ctx context.Context, q db.Querier, schoolID int64) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM school_members WHERE school_id = $1 AND status = 'active'`, schoolID).Scan(&n)
	return n, db.MapError(err)
}
