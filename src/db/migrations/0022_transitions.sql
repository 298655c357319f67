-- Transitions of care (docs/transitions.md): discharge plans with their
-- checklists, medication reconciliation for a stay, adherence checks after it,
-- hand-recorded HEDIS TRC evidence, the planned flag of an admission, and the
-- acute inpatient stays with their 30-day readmission flags.

-- Acute inpatient stays, derived from encounters and recomputed for the patient
-- in every transaction that changes one of their encounters: a transfer
-- (discharge "transferred", next admission the same or the next local day)
-- merges two encounters into one stay; a stay admitted 0 to 30 local days
-- after the previous stay's discharge is a readmission of it. Keyed by the
-- stay's first encounter.
CREATE TABLE acute_stays (
  first_encounter_id BIGINT PRIMARY KEY REFERENCES encounters(id),
  last_encounter_id BIGINT NOT NULL REFERENCES encounters(id),
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  encounter_count INTEGER NOT NULL,
  facility TEXT NOT NULL,
  admitted_at BIGINT NOT NULL,
  admission_date TEXT NOT NULL,
  discharged_at BIGINT,
  discharge_date TEXT,
  discharge_disposition TEXT,
  -- Discharged alive: the discharge opens a 30-day window (a denominator row).
  index_discharge INTEGER NOT NULL,
  -- This stay follows the earlier stay's discharge within 30 days.
  readmission_of BIGINT REFERENCES encounters(id),
  days_after_discharge INTEGER,
  planned INTEGER NOT NULL DEFAULT 0,
  planned_basis TEXT CHECK (planned_basis IN ('flagged', 'elective')),
  -- A readmission that counts: not planned.
  counted INTEGER NOT NULL DEFAULT 0,
  -- The stay that counted as this stay's readmission (on the index stay).
  readmitted_by BIGINT REFERENCES encounters(id),
  computed_at BIGINT NOT NULL
);
CREATE INDEX acute_stays_patient ON acute_stays (patient_id, admitted_at);
CREATE INDEX acute_stays_discharge ON acute_stays (discharge_date);
CREATE INDEX acute_stays_last ON acute_stays (last_encounter_id);

-- A person's word on whether an admission was planned (overrides the default:
-- elective admissions are planned), with the reason.
CREATE TABLE admission_planning (
  encounter_id BIGINT PRIMARY KEY REFERENCES encounters(id),
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  planned INTEGER NOT NULL,
  reason TEXT NOT NULL,
  set_by BIGINT REFERENCES users(id),
  set_at BIGINT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE discharge_plans (
  id {{ID}},
  encounter_id BIGINT NOT NULL UNIQUE REFERENCES encounters(id),
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  case_id BIGINT REFERENCES cases(id),
  expected_discharge_date TEXT,
  disposition TEXT NOT NULL CHECK (disposition IN ('home', 'home_health', 'skilled_nursing',
    'inpatient_rehab', 'hospice', 'long_term_care_hospital', 'other')),
  note TEXT,
  created_by BIGINT REFERENCES users(id),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX discharge_plans_patient ON discharge_plans (patient_id, id);
CREATE INDEX discharge_plans_expected ON discharge_plans (expected_discharge_date);

-- The checklist: one row per item. `defaulted` items were set by casekeeper
-- from the disposition (and follow it when it changes); a person's change
-- clears it.
CREATE TABLE discharge_plan_items (
  id {{ID}},
  plan_id BIGINT NOT NULL REFERENCES discharge_plans(id),
  item TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'in_progress', 'done', 'not_applicable')),
  not_applicable_reason TEXT,
  defaulted INTEGER NOT NULL DEFAULT 0,
  responsible_user_id BIGINT REFERENCES users(id),
  responsible_name TEXT,
  responsible_role TEXT,
  note TEXT,
  completed_at BIGINT,
  completed_by BIGINT REFERENCES users(id),
  updated_at BIGINT NOT NULL,
  UNIQUE (plan_id, item)
);

CREATE TABLE discharge_plan_events (
  id {{ID}},
  plan_id BIGINT NOT NULL REFERENCES discharge_plans(id),
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  item TEXT,
  kind TEXT NOT NULL,
  detail TEXT,
  by_user_id BIGINT REFERENCES users(id),
  at BIGINT NOT NULL
);
CREATE INDEX discharge_plan_events_plan ON discharge_plan_events (plan_id, id);

CREATE TABLE medication_reconciliations (
  id {{ID}},
  encounter_id BIGINT NOT NULL REFERENCES encounters(id),
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  status TEXT NOT NULL CHECK (status IN ('in_progress', 'completed', 'cancelled')),
  source TEXT NOT NULL CHECK (source IN ('discharge_summary', 'discharge_instructions',
    'patient_report', 'pharmacy', 'other')),
  note TEXT,
  medication_list_updated INTEGER NOT NULL DEFAULT 0,
  created_by BIGINT REFERENCES users(id),
  created_at BIGINT NOT NULL,
  completed_at BIGINT,
  completed_by BIGINT REFERENCES users(id),
  updated_at BIGINT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX medication_reconciliations_patient ON medication_reconciliations (patient_id, id);
CREATE INDEX medication_reconciliations_encounter ON medication_reconciliations (encounter_id);

-- The two lists compared: "before" (the patient's medications active at
-- admission, copied when the reconciliation starts) and "discharge".
CREATE TABLE reconciliation_medications (
  id {{ID}},
  reconciliation_id BIGINT NOT NULL REFERENCES medication_reconciliations(id),
  list TEXT NOT NULL CHECK (list IN ('before', 'discharge')),
  position INTEGER NOT NULL,
  medication_id BIGINT REFERENCES medications(id),
  name TEXT NOT NULL,
  dose TEXT,
  route TEXT,
  frequency TEXT,
  code TEXT
);
CREATE INDEX reconciliation_medications_rec ON reconciliation_medications (reconciliation_id, list, position);

CREATE TABLE reconciliation_discrepancies (
  id {{ID}},
  reconciliation_id BIGINT NOT NULL REFERENCES medication_reconciliations(id),
  kind TEXT NOT NULL CHECK (kind IN ('new', 'stopped', 'dose_changed', 'frequency_changed',
    'route_changed', 'product_changed', 'duplicate_therapy')),
  before_position INTEGER,
  discharge_position INTEGER,
  other_position INTEGER,
  medication TEXT NOT NULL,
  detail TEXT NOT NULL,
  resolution TEXT CHECK (resolution IN ('kept', 'changed', 'stopped',
    'clarified_with_prescriber', 'not_a_discrepancy')),
  resolved_with TEXT,
  resolution_note TEXT,
  resolved_by BIGINT REFERENCES users(id),
  resolved_at BIGINT
);
CREATE INDEX reconciliation_discrepancies_rec ON reconciliation_discrepancies (reconciliation_id, id);

CREATE TABLE adherence_checks (
  id {{ID}},
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  reconciliation_id BIGINT REFERENCES medication_reconciliations(id),
  method TEXT NOT NULL CHECK (method IN ('patient_reported', 'missed_refills', 'pill_count')),
  checked_on TEXT NOT NULL,
  result TEXT NOT NULL CHECK (result IN ('adherent', 'partially_adherent', 'non_adherent')),
  medication TEXT,
  note TEXT,
  recorded_by BIGINT REFERENCES users(id),
  recorded_at BIGINT NOT NULL
);
CREATE INDEX adherence_checks_patient ON adherence_checks (patient_id, checked_on);

-- Transitions-of-care evidence recorded by hand (what casekeeper cannot see
-- itself: a phone call from the hospital, a discharge summary by fax, a visit
-- at the PCP's office), against the stay's encounter.
CREATE TABLE trc_documentation (
  id {{ID}},
  encounter_id BIGINT NOT NULL REFERENCES encounters(id),
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  component TEXT NOT NULL CHECK (component IN ('admission_notification',
    'discharge_information', 'patient_engagement', 'medication_reconciliation')),
  occurred_at BIGINT NOT NULL,
  performed_by TEXT,
  note TEXT,
  status TEXT NOT NULL CHECK (status IN ('active', 'retracted')),
  retracted_reason TEXT,
  recorded_by BIGINT REFERENCES users(id),
  recorded_at BIGINT NOT NULL
);
CREATE INDEX trc_documentation_patient ON trc_documentation (patient_id, occurred_at);
