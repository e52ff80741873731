package api

import (
	"net/http"
	"time"

	"cubby/internal/app"
	"cubby/internal/store"
)

// Reports, blocks, quiet hours and a school's messaging switches.

func (x *API) reportMessage(w http.ResponseWriter, r *http.Request) error {
	mid, err := parseID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		Reason string `json:"reason"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	if err := x.app.ReportMessage(r.Context(), app.SessionFrom(r.Context()), mid, req.Reason); err != nil {
		return err
	}
	w.WriteHeader(http.StatusCreated)
	return nil
}

func (x *API) messageReports(w http.ResponseWriter, r *http.Request) error {
	schoolID, err := parseID(r, "id")
	if err != nil {
		return err
	}
	list, err := x.app.MessageReports(r.Context(), app.SessionFrom(r.Context()), schoolID)
	if err != nil {
		return err
	}
	type report struct {
		ID           string      `json:"id"`
		Reason       string      `json:"reason"`
		CreatedAt    time.Time   `json:"created_at"`
		ReporterName string      `json:"reporter_name"`
		Message      messageJSON `json:"message"`
	}
	out := struct {
		Reports []report `json:"reports"`
	}{Reports: []report{}}
	for _, rp := range list {
		out.Reports = append(out.Reports, report{ID: id(rp.ID), Reason: rp.Reason, CreatedAt: rp.CreatedAt.UTC(), ReporterName: rp.ReporterName,
			Message: messageOf(x.localizer(r), app.MessageView{Message: rp.Message}, true)})
	}
	return writeJSON(w, http.StatusOK, out)
}

func (x *API) resolveMessageReport(w http.ResponseWriter, r *http.Request) error {
	return x.noContent(w, r, func(s *app.Session, id int64) error { return x.app.ResolveMessageReport(r.Context(), s, id) })
}

type messageBlockJSON struct {
	ID          string    `json:"id"`
	SchoolID    string    `json:"school_id"`
	BlockerID   string    `json:"blocker_id"`
	BlockerName string    `json:"blocker_name,omitempty"`
	ParentID    string    `json:"parent_id"`
	ParentName  string    `json:"parent_name,omitempty"`
	Reason      string    `json:"reason"`
	CreatedAt   time.Time `json:"created_at"`
}

func messageBlockOf(b store.MessageBlock) messageBlockJSON {
	return messageBlockJSON{ID: id(b.ID), SchoolID: id(b.SchoolID), BlockerID: id(b.BlockerID), BlockerName: b.BlockerName, ParentID: id(b.ParentID),
		ParentName: b.ParentName, Reason: b.Reason, CreatedAt: b.CreatedAt.UTC()}
}

func (x *API) blockParent(w http.ResponseWriter, r *http.Request) error {
	schoolID, err := parseID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		ParentID string `json:"parent_id"`
		Reason   string `json:"reason"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	b, err := x.app.BlockParent(r.Context(), app.SessionFrom(r.Context()), schoolID, bodyID(req.ParentID), req.Reason)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, messageBlockOf(*b))
}

func writeBlocks(w http.ResponseWriter, list []store.MessageBlock) error {
	out := struct {
		Blocks []messageBlockJSON `json:"blocks"`
	}{Blocks: []messageBlockJSON{}}
	for _, b := range list {
		out.Blocks = append(out.Blocks, messageBlockOf(b))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (x *API) schoolMessageBlocks(w http.ResponseWriter, r *http.Request) error {
	schoolID, err := parseID(r, "id")
	if err != nil {
		return err
	}
	list, err := x.app.MessageBlocks(r.Context(), app.SessionFrom(r.Context()), schoolID)
	if err != nil {
		return err
	}
	return writeBlocks(w, list)
}

func (x *API) myMessageBlocks(w http.ResponseWriter, r *http.Request) error {
	list, err := x.app.MyMessageBlocks(r.Context(), app.SessionFrom(r.Context()))
	if err != nil {
		return err
	}
	return writeBlocks(w, list)
}

func (x *API) liftMessageBlock(w http.ResponseWriter, r *http.Request) error {
	return x.noContent(w, r, func(s *app.Session, id int64) error { return x.app.LiftMessageBlock(r.Context(), s, id) })
}

func (x *API) cancelAnnouncement(w http.ResponseWriter, r *http.Request) error {
	return x.noContent(w, r, func(s *app.Session, id int64) error { return x.app.CancelAnnouncement(r.Context(), s, id) })
}

type quietHoursJSON struct {
	Enabled  *bool  `json:"enabled"`
	Starts   string `json:"starts"`
	Ends     string `json:"ends"`
	Weekends *bool  `json:"weekends"`
}

func (x *API) getQuietHours(w http.ResponseWriter, r *http.Request) error {
	h, err := x.app.MyQuietHours(r.Context(), app.SessionFrom(r.Context()))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, quietHoursJSON{Enabled: &h.Enabled, Starts: app.ClockText(h.Starts), Ends: app.ClockText(h.Ends), Weekends: &h.Weekends})
}

func (x *API) setQuietHours(w http.ResponseWriter, r *http.Request) error {
	var req quietHoursJSON
	if err := decode(r, &req); err != nil {
		return err
	}
	ve := &app.ValidationError{}
	if req.Enabled == nil {
		ve.Add("enabled", "validation.required")
	}
	if req.Weekends == nil {
		ve.Add("weekends", "validation.required")
	}
	if err := ve.Err(); err != nil {
		return err
	}
	if err := x.app.SetQuietHours(r.Context(), app.SessionFrom(r.Context()), *req.Enabled, req.Starts, req.Ends, *req.Weekends); err != nil {
		return err
	}
	return x.getQuietHours(w, r)
}

type messageSettingsJSON struct {
	ParentReceipts *bool `json:"parent_receipts"`
	ParentsOffice  *bool `json:"parents_office"`
	// Teacher ↔ student messages; left out of a PUT, they stay as they are.
	StudentsEnabled  *bool `json:"students_enabled,omitempty"`
	StudentsMinGrade *int  `json:"students_min_grade,omitempty"`
}

func (x *API) getMessageSettings(w http.ResponseWriter, r *http.Request) error {
	schoolID, err := parseID(r, "id")
	if err != nil {
		return err
	}
	set, err := x.app.MessageSettings(r.Context(), app.SessionFrom(r.Context()), schoolID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, messageSettingsJSON{ParentReceipts: &set.ParentReceipts, ParentsOffice: &set.ParentsOffice,
		StudentsEnabled: &set.StudentsEnabled, StudentsMinGrade: &set.StudentsMinGrade})
}

func (x *API) setMessageSettings(w http.ResponseWriter, r *http.Request) error {
	schoolID, err := parseID(r, "id")
	if err != nil {
		return err
	}
	var req messageSettingsJSON
	if err := decode(r, &req); err != nil {
		return err
	}
	ve := &app.ValidationError{}
	if req.ParentReceipts == nil {
		ve.Add("parent_receipts", "validation.required")
	}
	if req.ParentsOffice == nil {
		ve.Add("parents_office", "validation.required")
	}
	if err := ve.Err(); err != nil {
		return err
	}
	sess := app.SessionFrom(r.Context())
	set, err := x.app.MessageSettings(r.Context(), sess, schoolID)
	if err != nil {
		return err
	}
	set.ParentReceipts, set.ParentsOffice = *req.ParentReceipts, *req.ParentsOffice
	if req.StudentsEnabled != nil {
		set.StudentsEnabled = *req.StudentsEnabled
	}
	if req.StudentsMinGrade != nil {
		set.StudentsMinGrade = *req.StudentsMinGrade
	}
	if err := x.app.SetMessageSettings(r.Context(), app.SessionFrom(r.Context()), schoolID, set); err != nil {
		return err
	}
	return x.getMessageSettings(w, r)
}
