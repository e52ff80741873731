-- The audit log is append-only. The one change allowed is redaction when a
-- person is erased: their id as the subject of an entry is cleared, and so
-- is the entry's salt, after which the entry keeps its place in the hash
-- chain but its content can no longer be checked. Whole entries are
-- deleted only by the retention job, oldest first.

-- +goose Up
-- +goose StatementBegin
CREATE TRIGGER audit_log_append_only BEFORE UPDATE ON audit_log
WHEN NEW.seq IS NOT OLD.seq
  OR NEW.school_id IS NOT OLD.school_id
  OR NEW.created_at IS NOT OLD.created_at
  OR NEW.actor_user_id IS NOT OLD.actor_user_id
  OR NEW.actor_role IS NOT OLD.actor_role
  OR NEW.action IS NOT OLD.action
  OR NEW.detail IS NOT OLD.detail
  OR NEW.body_hash IS NOT OLD.body_hash
  OR NEW.prev_hash IS NOT OLD.prev_hash
  OR NEW.hash IS NOT OLD.hash
  OR (NEW.subject_user_id IS NOT OLD.subject_user_id AND NEW.subject_user_id IS NOT NULL)
  OR (NEW.salt IS NOT OLD.salt AND NEW.salt <> '')
BEGIN
  SELECT RAISE(ABORT, 'the audit log is append-only');
END;
-- +goose StatementEnd

-- +goose Down
