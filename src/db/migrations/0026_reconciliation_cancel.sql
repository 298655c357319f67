-- A medication reconciliation in progress can be cancelled (started on the
-- wrong stay, or from a list that turned out wrong), with who, when and why;
-- nothing it compared is deleted (docs/transitions.md).
ALTER TABLE medication_reconciliations ADD COLUMN cancelled_at BIGINT;
ALTER TABLE medication_reconciliations ADD COLUMN cancelled_by BIGINT REFERENCES users(id);
ALTER TABLE medication_reconciliations ADD COLUMN cancel_reason TEXT;
