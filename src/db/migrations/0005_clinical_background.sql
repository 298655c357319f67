-- The clinical background case management works from: conditions (ICD-10-CM),
-- medications, allergies, encounters and coverage. Each row carries a version
-- for optimistic concurrency; clinical rows are never deleted, they are marked
-- entered_in_error.

CREATE TABLE conditions (
  id {{ID}},
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  code TEXT NOT NULL,
  description TEXT,
  status TEXT NOT NULL,
  onset_date TEXT,
  resolved_date TEXT,
  source TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX conditions_patient ON conditions (patient_id, id);
CREATE INDEX conditions_code ON conditions (code);

CREATE TABLE medications (
  id {{ID}},
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  name TEXT NOT NULL,
  dose TEXT,
  route TEXT,
  frequency TEXT,
  prescriber TEXT,
  start_date TEXT,
  stop_date TEXT,
  status TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX medications_patient ON medications (patient_id, id);

CREATE TABLE allergies (
  id {{ID}},
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  substance TEXT NOT NULL,
  reaction TEXT,
  severity TEXT,
  status TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX allergies_patient ON allergies (patient_id, id);

CREATE TABLE encounters (
  id {{ID}},
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  encounter_class TEXT NOT NULL,
  facility TEXT NOT NULL,
  visit_number TEXT,
  admitted_at BIGINT NOT NULL,
  discharged_at BIGINT,
  admission_type TEXT,
  discharge_disposition TEXT,
  diagnoses TEXT,
  status TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX encounters_patient ON encounters (patient_id, admitted_at);
CREATE UNIQUE INDEX encounters_visit ON encounters (facility, visit_number) WHERE visit_number IS NOT NULL;

CREATE TABLE coverages (
  id {{ID}},
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  payer TEXT NOT NULL,
  plan TEXT,
  product_type TEXT NOT NULL,
  member_id TEXT NOT NULL,
  group_number TEXT,
  effective_from TEXT NOT NULL,
  effective_to TEXT,
  priority TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX coverages_patient ON coverages (patient_id, id);
