-- Insurance: eligibility checks on coverages; prior authorizations with their
-- services, regulatory decision clock and history; appeals by level with
-- filing and decision deadlines and the evidence chosen for the packet;
-- claims with CARC/RARC adjustment codes. Deadlines are computed from the
-- payer rules (configuration) and stored with the rule that produced them.
CREATE TABLE eligibility_checks (
  id {{ID}},
  coverage_id BIGINT NOT NULL REFERENCES coverages(id),
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  checked_at BIGINT NOT NULL,
  result TEXT NOT NULL CHECK (result IN ('eligible', 'not_eligible', 'pending', 'error')),
  method TEXT NOT NULL CHECK (method IN ('portal', 'phone', 'x12_270_271', 'other')),
  reference TEXT,
  note TEXT,
  verified_by BIGINT REFERENCES users(id),
  created_at BIGINT NOT NULL
);
CREATE INDEX eligibility_checks_coverage ON eligibility_checks (coverage_id, checked_at);
ALTER TABLE coverages ADD COLUMN renewal_task_id BIGINT REFERENCES tasks(id);

CREATE TABLE prior_authorizations (
  id {{ID}},
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  case_id BIGINT REFERENCES cases(id),
  coverage_id BIGINT NOT NULL REFERENCES coverages(id),
  payer TEXT NOT NULL,
  product_type TEXT NOT NULL,
  urgency TEXT NOT NULL CHECK (urgency IN ('expedited', 'standard')),
  status TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'pended', 'approved',
    'partially_approved', 'denied', 'withdrawn', 'expired')),
  requesting_provider TEXT NOT NULL,
  servicing_provider TEXT,
  diagnosis_codes TEXT NOT NULL,
  clinical_summary TEXT,
  payer_reference TEXT,
  submitted_at BIGINT,
  received_at BIGINT,
  decision_due_at BIGINT,
  decision_due_rule TEXT,
  clock_paused_at BIGINT,
  extended INTEGER NOT NULL DEFAULT 0,
  decided_at BIGINT,
  decided_within_time INTEGER,
  denial_reason TEXT,
  denial_code TEXT,
  approved_from TEXT,
  approved_to TEXT,
  approved_on_appeal INTEGER NOT NULL DEFAULT 0,
  -- After a denial: the first appeal level's filing deadline, for the worklist.
  appeal_deadline BIGINT,
  renewal_task_id BIGINT REFERENCES tasks(id),
  created_by BIGINT REFERENCES users(id),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX prior_authorizations_patient ON prior_authorizations (patient_id, id);
CREATE INDEX prior_authorizations_open ON prior_authorizations (status, decision_due_at);

CREATE TABLE authorization_services (
  id {{ID}},
  authorization_id BIGINT NOT NULL REFERENCES prior_authorizations(id),
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  code_system TEXT NOT NULL CHECK (code_system IN ('cpt', 'hcpcs')),
  code TEXT NOT NULL,
  description TEXT,
  units_requested INTEGER NOT NULL,
  units_approved INTEGER,
  service_from TEXT NOT NULL,
  service_to TEXT NOT NULL
);
CREATE INDEX authorization_services_authorization ON authorization_services (authorization_id, id);

CREATE TABLE authorization_events (
  id {{ID}},
  authorization_id BIGINT NOT NULL REFERENCES prior_authorizations(id),
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  kind TEXT NOT NULL,
  from_status TEXT,
  to_status TEXT,
  detail TEXT,
  by_user_id BIGINT REFERENCES users(id),
  at BIGINT NOT NULL
);
CREATE INDEX authorization_events_authorization ON authorization_events (authorization_id, id);

CREATE TABLE authorization_documents (
  authorization_id BIGINT NOT NULL REFERENCES prior_authorizations(id),
  document_id BIGINT NOT NULL REFERENCES documents(id),
  added_at BIGINT NOT NULL,
  PRIMARY KEY (authorization_id, document_id)
);

CREATE TABLE claims (
  id {{ID}},
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  coverage_id BIGINT REFERENCES coverages(id),
  authorization_id BIGINT REFERENCES prior_authorizations(id),
  payer TEXT NOT NULL,
  claim_number TEXT NOT NULL,
  service_from TEXT NOT NULL,
  service_to TEXT NOT NULL,
  service_code TEXT,
  units INTEGER NOT NULL DEFAULT 0,
  billed_cents BIGINT NOT NULL,
  allowed_cents BIGINT,
  paid_cents BIGINT,
  status TEXT NOT NULL CHECK (status IN ('received', 'pending', 'paid', 'partially_paid',
    'denied', 'adjusted', 'voided')),
  -- Space-separated "CARC:50 RARC:N115" adjustment codes.
  adjustment_codes TEXT NOT NULL DEFAULT '',
  received_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  UNIQUE (payer, claim_number)
);
CREATE INDEX claims_patient ON claims (patient_id, id);
CREATE INDEX claims_authorization ON claims (authorization_id);

CREATE TABLE appeals (
  id {{ID}},
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  authorization_id BIGINT REFERENCES prior_authorizations(id),
  claim_id BIGINT REFERENCES claims(id),
  product_type TEXT NOT NULL,
  level TEXT NOT NULL CHECK (level IN ('peer_to_peer', 'first_level_internal',
    'second_level_internal', 'external_review', 'state_fair_hearing')),
  level_name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('pre_service', 'post_service', 'part_b_drug')),
  urgency TEXT NOT NULL CHECK (urgency IN ('expedited', 'standard')),
  status TEXT NOT NULL CHECK (status IN ('draft', 'filed', 'decided', 'withdrawn')),
  notice_date TEXT NOT NULL,
  notice_received_on TEXT,
  filing_deadline BIGINT,
  filing_deadline_rule TEXT,
  filed_at BIGINT,
  filed_late_reason TEXT,
  decision_due_at BIGINT,
  decision_due_rule TEXT,
  decided_at BIGINT,
  outcome TEXT CHECK (outcome IN ('overturned', 'partially_overturned', 'upheld', 'withdrawn')),
  outcome_note TEXT,
  -- JSON array of {"kind": "condition" | "note" | "assessment" | "document", "id": N}.
  evidence TEXT NOT NULL DEFAULT '[]',
  argument TEXT,
  created_by BIGINT REFERENCES users(id),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  CHECK ((authorization_id IS NOT NULL) OR (claim_id IS NOT NULL))
);
CREATE INDEX appeals_patient ON appeals (patient_id, id);
CREATE INDEX appeals_authorization ON appeals (authorization_id, id);
CREATE INDEX appeals_open ON appeals (status, filing_deadline);

CREATE TABLE appeal_events (
  id {{ID}},
  appeal_id BIGINT NOT NULL REFERENCES appeals(id),
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  kind TEXT NOT NULL,
  detail TEXT,
  by_user_id BIGINT REFERENCES users(id),
  at BIGINT NOT NULL
);
CREATE INDEX appeal_events_appeal ON appeal_events (appeal_id, id);

ALTER TABLE appointments ADD COLUMN authorization_id BIGINT REFERENCES prior_authorizations(id);
