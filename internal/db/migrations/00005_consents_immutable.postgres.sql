-- The consent ledger is append-only: a consent's facts never change, and
-- withdrawal is recorded once. Links to accounts may still be cleared
-- (ON DELETE SET NULL) when an account is erased, and the retention job
-- deletes whole records once their hold ends.

-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION consents_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.grantor_email IS DISTINCT FROM OLD.grantor_email
     OR NEW.grantor_role IS DISTINCT FROM OLD.grantor_role
     OR NEW.purpose IS DISTINCT FROM OLD.purpose
     OR NEW.notice_version IS DISTINCT FROM OLD.notice_version
     OR NEW.method IS DISTINCT FROM OLD.method
     OR NEW.evidence IS DISTINCT FROM OLD.evidence
     OR NEW.granted_at IS DISTINCT FROM OLD.granted_at
     OR (OLD.withdrawn_at IS NOT NULL AND NEW.withdrawn_at IS DISTINCT FROM OLD.withdrawn_at) THEN
    RAISE EXCEPTION 'consent records are immutable' USING ERRCODE = '23514';
  END IF;
  RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER consents_immutable BEFORE UPDATE ON consents
  FOR EACH ROW EXECUTE FUNCTION consents_immutable();

-- +goose Down
