-- The audit log is append-only. The one change allowed is redaction when a
-- person is erased: their id as the subject of an entry is cleared, and so
-- is the entry's salt, after which the entry keeps its place in the hash
-- chain but its content can no longer be checked. Whole entries are
-- deleted only by the retention job, oldest first.

-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.seq IS DISTINCT FROM OLD.seq
     OR NEW.school_id IS DISTINCT FROM OLD.school_id
     OR NEW.created_at IS DISTINCT FROM OLD.created_at
     OR NEW.actor_user_id IS DISTINCT FROM OLD.actor_user_id
     OR NEW.actor_role IS DISTINCT FROM OLD.actor_role
     OR NEW.action IS DISTINCT FROM OLD.action
     OR NEW.detail IS DISTINCT FROM OLD.detail
     OR NEW.body_hash IS DISTINCT FROM OLD.body_hash
     OR NEW.prev_hash IS DISTINCT FROM OLD.prev_hash
     OR NEW.hash IS DISTINCT FROM OLD.hash
     OR (NEW.subject_user_id IS DISTINCT FROM OLD.subject_user_id AND NEW.subject_user_id IS NOT NULL)
     OR (NEW.salt IS DISTINCT FROM OLD.salt AND NEW.salt <> '') THEN
    RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = '23514';
  END IF;
  RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER audit_log_append_only BEFORE UPDATE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

-- +goose Down
