-- The worklist reads each patient's live authorizations by status; the index
-- carries every column it needs, so no table page is read.
CREATE INDEX prior_authorizations_worklist ON prior_authorizations (patient_id, status,
  decision_due_at, appeal_deadline, approved_to, urgency, case_id, payer);
