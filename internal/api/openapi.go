package api

import (
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// schemas are the JSON Schemas of request and response bodies, referenced
// by name from Ops.
var schemas = map[string]any{
	"Problem": obj(map[string]any{
		"type": str(), "title": str(), "status": integer(), "detail": str(),
		"errors": map[string]any{"type": "object", "additionalProperties": str(), "description": "field → message, on validation failures"},
	}, "type", "title", "status", "detail"),
	"LoginRequest": obj(map[string]any{
		"email": str(), "username": str(), "password": str(), "otp": map[string]any{"type": "string", "description": "two-factor or recovery code, when the account has two-factor login"},
	}, "password"),
	"SignupRequest": obj(map[string]any{
		"type": enum("teacher", "parent", "leader"), "email": str(), "password": str(), "title": enum("", "Mr.", "Mrs.", "Ms.", "Mx.", "Dr.", "Prof."),
		"first_name": str(), "last_name": str(), "language": str(),
	}, "type", "email", "password", "first_name", "last_name"),
	"StudentSignupRequest": obj(map[string]any{
		"first_name": str(), "birth_year": integer(), "birth_month": integer(), "language": str(),
		"username":     map[string]any{"type": "string", "description": "at or over the consent age"},
		"password":     map[string]any{"type": "string", "description": "at or over the consent age"},
		"parent_email": map[string]any{"type": "string", "description": "under the consent age"}, "parent_language": str(),
	}, "first_name", "birth_year", "birth_month"),
	"TokenRequest":          obj(map[string]any{"token": str(), "password": str()}, "token"),
	"VerifyResponse":        obj(map[string]any{"email": str(), "verified": map[string]any{"type": "boolean"}}, "email", "verified"),
	"EmailRequest":          obj(map[string]any{"email": str()}, "email"),
	"ProfileRequest":        obj(map[string]any{"title": str(), "first_name": str(), "last_name": str(), "language": str()}),
	"PasswordChangeRequest": obj(map[string]any{"current_password": str(), "new_password": str()}, "current_password", "new_password"),
	"EmailChangeRequest":    obj(map[string]any{"email": str(), "password": str()}, "email", "password"),
	"DeleteMeRequest":       obj(map[string]any{"password": map[string]any{"type": "string", "description": "the account's password; an account without one sends no body within 15 minutes of logging in"}}),
	"SessionList": obj(map[string]any{"sessions": map[string]any{"type": "array", "items": obj(map[string]any{
		"id": str(), "kind": enum("web", "api"), "browser": str(), "created_at": str(), "last_seen_at": str(), "current": map[string]any{"type": "boolean"},
	}, "id", "kind", "created_at", "last_seen_at", "current")}}, "sessions"),
	"EndedSessions": obj(map[string]any{"ended": integer()}, "ended"),
	"ConsentList": obj(map[string]any{"consents": map[string]any{"type": "array", "items": obj(map[string]any{
		"id": str(), "purpose": str(), "granted_by": enum("self", "parent", "school_official"), "notice_version": str(), "method": str(),
		"granted_at": str(), "withdrawn_at": map[string]any{"type": []string{"string", "null"}},
	}, "id", "purpose", "granted_by", "granted_at")}}, "consents"),
	"LoginResponse": obj(map[string]any{"token": str(), "user": ref("User")}, "token", "user"),

	"DeletionScheduled": obj(map[string]any{"status": enum("scheduled"), "erase_at": map[string]any{"type": "string", "format": "date-time", "description": "when the erasure runs unless the person logs in and cancels it"}}, "status", "erase_at"),
	"ExportStarted":     obj(map[string]any{"export_id": str(), "status": enum("queued")}, "export_id", "status"),
	"ExportProgress": obj(map[string]any{"export_id": str(), "status": enum("queued", "running"), "progress": integer(), "total": integer(),
		"archive": map[string]any{"description": "with 200 the body is the zip (application/zip), not JSON"}}, "export_id", "status"),
	"User": obj(map[string]any{
		"id": str(), "type": enum("teacher", "parent", "leader", "student"), "title": str(),
		"first_name": str(), "last_name": str(), "email": str(), "username": str(), "language": str(),
		"school_ids": map[string]any{"type": "array", "items": str()},
	}, "id", "type", "first_name", "language", "school_ids"),
	"Class": obj(map[string]any{
		"id": str(), "name": str(), "school_id": str(), "student_count": integer(), "archived": map[string]any{"type": "boolean"},
	}, "id", "name", "school_id"),
	"ClassCreate":   obj(map[string]any{"name": str(), "school_id": str()}, "name", "school_id"),
	"StudentCreate": obj(map[string]any{"first_name": str(), "last_name": str()}, "first_name"),
	"Student": obj(map[string]any{"id": str(), "first_name": str(), "last_name": str(), "username": str(),
		"parent_code": str()}, "id", "first_name", "last_name"),
	"ClassRoster": obj(map[string]any{"id": str(), "name": str(), "school_id": str(), "student_count": integer(),
		"archived": map[string]any{"type": "boolean"}, "students": map[string]any{"type": "array", "items": ref("Student")}}, "id", "name", "students"),
	"Skill":       obj(map[string]any{"id": str(), "name": str(), "weight": map[string]any{"type": "integer", "minimum": -5, "maximum": 5}, "scope": enum("class", "school")}, "id", "name", "weight"),
	"SkillList":   obj(map[string]any{"skills": map[string]any{"type": "array", "items": ref("Skill")}}, "skills"),
	"SkillCreate": obj(map[string]any{"name": str(), "weight": map[string]any{"type": "integer", "minimum": -5, "maximum": 5}}, "name", "weight"),
	"AwardRequest": obj(map[string]any{"student_ids": map[string]any{"type": "array", "items": str()}, "whole_class": map[string]any{"type": "boolean"},
		"skill_id": str(), "note": map[string]any{"type": "string", "maxLength": 280}}, "skill_id"),
	"Award": obj(map[string]any{"id": str(), "student_id": str(), "skill_id": str(), "skill_name": str(), "weight": integer(),
		"note": str(), "awarded_at": map[string]any{"type": "string", "format": "date-time"}}, "id", "student_id", "skill_id", "weight", "awarded_at"),
	"AwardList": obj(map[string]any{"awards": map[string]any{"type": "array", "items": ref("Award")}}, "awards"),
	"AttendanceRequest": obj(map[string]any{"records": map[string]any{"type": "array", "items": obj(map[string]any{
		"student_id": str(), "status": enum("present", "absent", "late", "left_early")}, "student_id", "status")}}, "records"),
	"AttendanceRecord": obj(map[string]any{"student_id": str(), "class_id": str(), "date": map[string]any{"type": "string", "format": "date"},
		"status": enum("present", "absent", "late", "left_early")}, "date", "status"),
	"AttendanceDay":     obj(map[string]any{"date": str(), "records": map[string]any{"type": "array", "items": ref("AttendanceRecord")}}, "date", "records"),
	"StudentAttendance": obj(map[string]any{"records": map[string]any{"type": "array", "items": ref("AttendanceRecord")}}, "records"),
	"StudentPoints": obj(map[string]any{"total": integer(), "positive": integer(), "needs_work": integer(),
		"awards": map[string]any{"type": "array", "items": ref("Award")}}, "total", "positive", "needs_work", "awards"),
	"ConnectRequest": obj(map[string]any{"parent_code": str()}, "parent_code"),
	"Connection":     obj(map[string]any{"student": obj(map[string]any{"id": str(), "first_name": str(), "last_name": str()}, "id", "first_name")}, "student"),
	"ClassList": obj(map[string]any{
		"classes": map[string]any{"type": "array", "items": ref("Class")},
		"next":    map[string]any{"type": []string{"string", "null"}, "description": "pass as ?cursor= for the next page; null on the last page"},
	}, "classes", "next"),
	"SchoolSearchResults": obj(map[string]any{"schools": map[string]any{"type": "array", "items": ref("SchoolHit"), "description": "best first; nearer first among good matches when a position was given"}, "next": map[string]any{"type": []string{"string", "null"}, "description": "pass as ?cursor= for the next page; null on the last page"}, "many": map[string]any{"type": "boolean", "description": "more schools have every word than a page holds: the town, a postal code or a position would narrow them"}}, "schools", "next", "many"),
	"SchoolHit":           obj(map[string]any{"id": str(), "name": str(), "city": str(), "region": str(), "postal_code": str(), "country": str(), "distance_m": map[string]any{"type": []string{"integer", "null"}, "description": "metres from the position searched from; null without one"}}, "id", "name", "city", "region", "postal_code", "country", "distance_m"),
}

func obj(props map[string]any, required ...string) map[string]any {
	return map[string]any{"type": "object", "properties": props, "required": required}
}
func str() map[string]any             { return map[string]any{"type": "string"} }
func integer() map[string]any         { return map[string]any{"type": "integer"} }
func enum(v ...string) map[string]any { return map[string]any{"type": "string", "enum": v} }
func ref(name string) map[string]any  { return map[string]any{"$ref": "#/components/schemas/" + name} }
func jsonBody(schema string) map[string]any {
	return map[string]any{"content": map[string]any{"application/json": map[string]any{"schema": ref(schema)}}}
}

// Document builds the OpenAPI 3.1 document from the declared ops.
func (x *API) Document() map[string]any {
	paths := map[string]any{}
	for _, op := range x.ops {
		item, _ := paths["/api/v1"+op.Path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths["/api/v1"+op.Path] = item
		}
		o := map[string]any{"operationId": op.ID, "summary": op.Summary, "tags": []string{op.Tag}}
		if op.Public {
			o["security"] = []any{}
		}
		var params []any
		for _, seg := range strings.Split(op.Path, "/") {
			if strings.HasPrefix(seg, "{") {
				params = append(params, map[string]any{"name": strings.Trim(seg, "{}"), "in": "path", "required": true, "schema": str()})
			}
		}
		for _, q := range op.Query {
			schema := map[string]any{"type": q.Type}
			if q.Format != "" {
				schema["format"] = q.Format
			}
			params = append(params, map[string]any{"name": q.Name, "in": "query", "schema": schema, "description": q.Description})
		}
		if op.Method == "GET" && strings.HasSuffix(op.Response, "List") {
			params = append(params,
				map[string]any{"name": "limit", "in": "query", "schema": map[string]any{"type": "integer", "minimum": 1, "maximum": maxLimit, "default": defaultLimit}},
				map[string]any{"name": "cursor", "in": "query", "schema": str(), "description": "the next value of the previous page"})
		}
		if op.Idempotent {
			params = append(params, map[string]any{"name": "Idempotency-Key", "in": "header", "schema": str(),
				"description": "a repeat with the same key returns the first result and writes nothing new"})
		}
		if params != nil {
			o["parameters"] = params
		}
		if op.Request != "" {
			body := jsonBody(op.Request)
			body["required"] = true
			o["requestBody"] = body
		}
		if op.Upload != "" {
			content := map[string]any{"multipart/form-data": map[string]any{"schema": ref(op.Upload)}}
			if op.Request != "" { // either body (stories: JSON naming uploads, or the files themselves)
				content["application/json"] = map[string]any{"schema": ref(op.Request)}
			}
			o["requestBody"] = map[string]any{"required": true, "content": content}
		}
		responses := map[string]any{}
		success := map[string]any{"description": http.StatusText(op.Success)}
		if op.Response != "" {
			success = jsonBody(op.Response)
			success["description"] = http.StatusText(op.Success)
		}
		responses[strconv.Itoa(op.Success)] = success
		for _, code := range op.Errors {
			responses[strconv.Itoa(code)] = map[string]any{
				"description": http.StatusText(code),
				"content":     map[string]any{"application/problem+json": map[string]any{"schema": ref("Problem")}},
			}
		}
		o["responses"] = responses
		item[strings.ToLower(op.Method)] = o
	}
	tags := map[string]bool{}
	for _, op := range x.ops {
		tags[op.Tag] = true
	}
	var tagList []any
	for _, t := range sortedKeys(tags) {
		tagList = append(tagList, map[string]any{"name": t})
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":       "Cubby API",
			"version":     "1",
			"description": "The JSON API of Cubby, a self-hosted school community platform. Authenticate with `Authorization: Bearer <token>` from POST /api/v1/auth/login. Errors are application/problem+json (RFC 9457).",
		},
		"servers":  []any{map[string]any{"url": "/"}},
		"tags":     tagList,
		"security": []any{map[string]any{"bearer": []any{}}},
		"paths":    paths,
		"components": map[string]any{
			"schemas":         schemas,
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}},
		},
	}
}

func (x *API) openAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-cache")
	writeJSON(w, http.StatusOK, x.Document())
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
