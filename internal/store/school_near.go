package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"cubby/internal/db"
)

// Nearest schools: the R*Tree on SQLite, GiST KNN on PostgreSQL, then exact
// great-circle distances computed here.

// nearest returns the n schools nearest to (lat, lon), nearest first.
func nearest(ctx context.Context, q db.Querier, d db.Dialect, lat, lon float64, n int) ([]*candidate, error) {
	ids, err := nearestIDs(ctx, q, d, lat, lon, n)
	if err != nil {
		return nil, err
	}
	cands, err := schoolsByID(ctx, q, d, ids)
	if err != nil {
		return nil, err
	}
	for _, c := range cands {
		c.setDistance(lat, lon)
	}
	slices.SortStableFunc(cands, func(a, b *candidate) int {
		if c := cmpFloat(a.dist, b.dist); c != 0 {
			return c
		}
		return cmpInt(a.ID, b.ID)
	})
	return cands[:min(n, len(cands))], nil
}

// nearestIDs returns the ids of about the n schools nearest to (lat, lon),
// with a margin: the order is the index's, close to the real one, which
// the caller computes.
func nearestIDs(ctx context.Context, q db.Querier, d db.Dialect, lat, lon float64, n int) ([]int64, error) {
	switch d {
	case db.SQLite:
		return nearestSQLite(ctx, q, lat, lon, n)
	case db.Postgres:
		return nearestPostgres(ctx, q, lat, lon, n)
	}
	return nil, fmt.Errorf("school search: unknown dialect %q", d)
}

// nearestPostgres orders by the GiST index's KNN distance, which is close
// to the real one (see the migration), fetching a margin for the exact
// re-sort.
func nearestPostgres(ctx context.Context, q db.Querier, lat, lon float64, n int) ([]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT id FROM schools_rtree
		ORDER BY point(min_lon * cosd(min_lat), min_lat) <-> point($1, $2) LIMIT $3`,
		lon*math.Cos(lat*math.Pi/180), lat, n+n/4+10)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, db.MapError(err)
		}
		ids = append(ids, id)
	}
	return ids, db.MapError(rows.Err())
}

// nearestSQLite asks the R*Tree for a box around the point, doubling its
// size until the circle inside it holds n schools (or the box covers the
// world). Everything within the circle is then known, so the nearest n are
// exact. It reads only the index's own coordinates (32-bit floats, good to
// a metre), and only once the box holds n points at all.
func nearestSQLite(ctx context.Context, q db.Querier, lat, lon float64, n int) ([]int64, error) {
	const metresPerDegree = 111_195.0
	type point struct {
		id   int64
		dist float64
	}
	var pts []point
	for r := 2_000.0; ; r *= 2 {
		dLat := r / metresPerDegree
		world := r >= 20_100_000
		minLat, maxLat := max(lat-dLat, -90), min(lat+dLat, 90)
		boxes := [][2]float64{{-180, 180}}
		if cos := math.Cos(lat * math.Pi / 180); !world && cos > 1e-6 && dLat/cos < 180 {
			dLon := dLat / cos
			switch lo, hi := lon-dLon, lon+dLon; {
			case lo < -180:
				boxes = [][2]float64{{lo + 360, 180}, {-180, hi}}
			case hi > 180:
				boxes = [][2]float64{{lo, 180}, {-180, hi - 360}}
			default:
				boxes = [][2]float64{{lo, hi}}
			}
		}
		if !world {
			// Counting in the index is cheap; read the points only once
			// the box can hold enough (a circle fills π/4 of its box).
			total := 0
			for _, b := range boxes {
				var c int
				if err := q.QueryRowContext(ctx, `SELECT count(*) FROM schools_rtree
					WHERE max_lat >= $1 AND min_lat <= $2 AND max_lon >= $3 AND min_lon <= $4`, minLat, maxLat, b[0], b[1]).Scan(&c); err != nil {
					return nil, db.MapError(err)
				}
				total += c
			}
			if total < n {
				continue
			}
		}
		pts = pts[:0]
		inside := 0
		for _, b := range boxes {
			rows, err := q.QueryContext(ctx, `SELECT id, min_lat, min_lon FROM schools_rtree
				WHERE max_lat >= $1 AND min_lat <= $2 AND max_lon >= $3 AND min_lon <= $4`, minLat, maxLat, b[0], b[1])
			if err != nil {
				return nil, db.MapError(err)
			}
			for rows.Next() {
				var p point
				var plat, plon float64
				if err := rows.Scan(&p.id, &plat, &plon); err != nil {
					rows.Close()
					return nil, db.MapError(err)
				}
				if p.dist = haversine(lat, lon, plat, plon); p.dist <= r {
					inside++
				}
				pts = append(pts, p)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return nil, db.MapError(err)
			}
		}
		if inside >= n || world {
			break
		}
	}
	slices.SortFunc(pts, func(a, b point) int { return cmp.Compare(a.dist, b.dist) })
	// A margin for the index's rounding.
	pts = pts[:min(len(pts), n+n/8+4)]
	ids := make([]int64, len(pts))
	for i, p := range pts {
		ids[i] = p.id
	}
	return ids, nil
}

// schoolsByID reads the schools with the given ids.
func schoolsByID(ctx context.Context, q db.Querier, d db.Dialect, ids []int64) ([]*candidate, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var query string
	var args []any
	switch d {
	case db.SQLite:
		query = `SELECT ` + candidateColumns + ` FROM schools s WHERE s.id IN (SELECT value FROM json_each($1))`
		args = append(args, idList(ids, "[", "]"))
	case db.Postgres:
		query = `SELECT ` + candidateColumns + ` FROM schools s WHERE s.id = ANY(CAST($1 AS bigint[]))`
		args = append(args, idList(ids, "{", "}"))
	default:
		return nil, fmt.Errorf("school search: unknown dialect %q", d)
	}
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, db.MapError(err)
	}
	return scanCandidates(rows)
}

// nearestOf returns the n of ids nearest to from; schools without a
// position come last.
func nearestOf(ctx context.Context, q db.Querier, d db.Dialect, ids []int64, from [2]float64, n int) ([]int64, error) {
	query, list := `SELECT id, lat, lon FROM schools WHERE id IN (SELECT value FROM json_each($1))`, idList(ids, "[", "]")
	if d == db.Postgres {
		query, list = `SELECT id, lat, lon FROM schools WHERE id = ANY(CAST($1 AS bigint[]))`, idList(ids, "{", "}")
	}
	rows, err := q.QueryContext(ctx, query, list)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	type point struct {
		id   int64
		dist float64
	}
	pts := make([]point, 0, len(ids))
	for rows.Next() {
		var p point
		var lat, lon sql.NullFloat64
		if err := rows.Scan(&p.id, &lat, &lon); err != nil {
			return nil, db.MapError(err)
		}
		p.dist = math.Inf(1)
		if lat.Valid && lon.Valid {
			p.dist = haversine(from[0], from[1], lat.Float64, lon.Float64)
		}
		pts = append(pts, p)
	}
	if err := rows.Err(); err != nil {
		return nil, db.MapError(err)
	}
	slices.SortFunc(pts, func(a, b point) int { return cmpFloat(a.dist, b.dist) })
	out := make([]int64, 0, n)
	for _, p := range pts[:min(n, len(pts))] {
		out = append(out, p.id)
	}
	return out, nil
}

// idList writes ids as a JSON array ("[1,2]") or a PostgreSQL array
// literal ("{1,2}"): one parameter however many there are.
func idList(ids []int64, open, close string) string {
	list := make([]string, len(ids))
	for i, id := range ids {
		list[i] = strconv.FormatInt(id, 10)
	}
	return open + strings.Join(list, ",") + close
}

// haversine is the great-circle distance in metres.
func haversine(lat1, lon1, lat2, lon2 float64) float64 {
	const earthRadius = 6_371_008.8
	rad := math.Pi / 180
	dLat, dLon := (lat2-lat1)*rad, (lon2-lon1)*rad
	a := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * earthRadius * math.Asin(math.Min(1, math.Sqrt(a)))
}
