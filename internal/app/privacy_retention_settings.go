package app

import (
	"context"

	"cubby/internal/authz"
	"cubby/internal/privacy"
	"cubby/internal/store"
)

// A school may keep a kind of data for less time than the inventory says,
// never for longer: the inventory's period is the documented maximum, and
// a longer value is refused with a message saying so.

// RetentionSetting is one data type a school can shorten.
type RetentionSetting struct {
	DataType privacy.DataType
	Max      privacy.Period  // the inventory's period: the most allowed
	School   *privacy.Period // the school's own, if set
	Rules    []privacy.Retention
}

// minRetention is the shortest period a school may set.
var minRetention = privacy.Period{Days: 1}

// RetentionSettings lists what a leader may shorten for a school.
func (a *App) RetentionSettings(ctx context.Context, s *Session, schoolID int64) ([]RetentionSetting, error) {
	if !authz.CanSetRetention(s.Actor, schoolID) {
		return nil, ErrNotFound
	}
	list, err := store.RetentionOverrides(ctx, a.db.R, schoolID)
	if err != nil {
		return nil, err
	}
	own := map[string]privacy.Period{}
	for _, o := range list {
		if p, err := privacy.ParseDuration(o.Duration); err == nil {
			own[o.DataType] = p
		}
	}
	var out []RetentionSetting
	for _, dt := range a.Inventory.ShortenableTypes() {
		max, _ := a.Inventory.MaxRetention(dt)
		st := RetentionSetting{DataType: dt, Max: max, Rules: a.Inventory.SchoolRules(dt)}
		if p, ok := own[string(dt)]; ok {
			st.School = &p
		}
		out = append(out, st)
	}
	return out, nil
}

// SetRetention sets a school's period for a data type (ISO 8601, such as
// P6M), or with "" returns it to the inventory's.
func (a *App) SetRetention(ctx context.Context, s *Session, schoolID int64, dataType, duration string) error {
	if !authz.CanSetRetention(s.Actor, schoolID) {
		return ErrNotFound
	}
	dt := privacy.DataType(dataType)
	max, ok := a.Inventory.MaxRetention(dt)
	if !ok {
		return ErrNotFound
	}
	o := store.RetentionOverride{SchoolID: schoolID, DataType: dataType, SetBy: s.User.ID, SetAt: a.Now()}
	if duration != "" {
		v := &ValidationError{}
		p, err := privacy.ParseDuration(duration)
		switch {
		case err != nil || p.IsZero():
			v.Add("duration", "retention.invalid")
		case p.Approx() < minRetention.Approx():
			v.Add("duration", "retention.too_short")
		case p.Approx() > max.Approx():
			v.Add("duration", "retention.too_long")
		}
		if err := v.Err(); err != nil {
			return err
		}
		o.Duration = p.String()
	}
	return store.SetRetentionOverride(ctx, a.db.W, o)
}
