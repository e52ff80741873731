-- The consent ledger is append-only: a consent's facts never change, and
-- withdrawal is recorded once. Links to accounts may still be cleared
-- (ON DELETE SET NULL) when an account is erased, and the retention job
-- deletes whole records once their hold ends.

-- +goose Up
-- +goose StatementBegin
CREATE TRIGGER consents_immutable BEFORE UPDATE ON consents
WHEN NEW.grantor_email IS NOT OLD.grantor_email
  OR NEW.grantor_role IS NOT OLD.grantor_role
  OR NEW.purpose IS NOT OLD.purpose
  OR NEW.notice_version IS NOT OLD.notice_version
  OR NEW.method IS NOT OLD.method
  OR NEW.evidence IS NOT OLD.evidence
  OR NEW.granted_at IS NOT OLD.granted_at
  OR (OLD.withdrawn_at IS NOT NULL AND NEW.withdrawn_at IS NOT OLD.withdrawn_at)
BEGIN
  SELECT RAISE(ABORT, 'consent records are immutable');
END;
-- +goose StatementEnd

-- +goose Down
