-- Supervision (docs/supervision.md): temporary coverage of a case manager's
-- caseload by a colleague during leave. Nothing moves: while a coverage is in
-- force the covering colleague reaches the absent person's patients (access
-- "coverage") and works their worklist; when it ends, access ends with it.
CREATE TABLE caseload_coverages (
  id {{ID}},
  team_id BIGINT NOT NULL REFERENCES teams(id),
  absent_user_id BIGINT NOT NULL REFERENCES users(id),
  covering_user_id BIGINT NOT NULL REFERENCES users(id),
  starts_at BIGINT NOT NULL,
  ends_at BIGINT NOT NULL,
  reason TEXT NOT NULL,
  created_by BIGINT NOT NULL REFERENCES users(id),
  created_at BIGINT NOT NULL,
  -- Ended before ends_at (the person came back early, or the plan changed).
  ended_at BIGINT,
  ended_by BIGINT REFERENCES users(id),
  end_reason TEXT,
  CHECK (ends_at > starts_at),
  CHECK (absent_user_id <> covering_user_id)
);
CREATE INDEX coverages_covering ON caseload_coverages (covering_user_id, ends_at);
CREATE INDEX coverages_absent ON caseload_coverages (absent_user_id, ends_at);
CREATE INDEX coverages_team ON caseload_coverages (team_id, ends_at);

-- The documentation checklist reads each case manager's contacts by date.
CREATE INDEX case_contacts_recorder ON case_contacts (recorded_by, contact_at);

-- Reports check a payer filter against the payers on record, and list them.
CREATE INDEX coverages_payer ON coverages (payer);
