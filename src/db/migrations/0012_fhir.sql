-- FHIR R4 import and export: the clinical data EHRs and health plans send
-- (observations such as labs and vitals, procedures, the care plans and goals
-- other systems keep), code systems beside the codes, and which FHIR resource
-- each row came from so a re-import updates instead of duplicating.

-- Conditions coded in SNOMED CT when no ICD-10-CM code is known; the SNOMED CT
-- code is kept beside a mapped ICD-10-CM code.
ALTER TABLE conditions ADD COLUMN code_system TEXT NOT NULL DEFAULT 'icd10cm';
ALTER TABLE conditions ADD COLUMN snomed_code TEXT;
ALTER TABLE conditions ADD COLUMN encounter_id BIGINT REFERENCES encounters(id);
-- RxNorm.
ALTER TABLE medications ADD COLUMN code TEXT;

CREATE TABLE observations (
  id {{ID}},
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  encounter_id BIGINT REFERENCES encounters(id),
  category TEXT,
  code_system TEXT NOT NULL,
  code TEXT NOT NULL,
  display TEXT,
  status TEXT NOT NULL,
  effective_at BIGINT,
  value_number DOUBLE PRECISION,
  value_unit TEXT,
  value_code TEXT,
  value_text TEXT,
  -- JSON array of {code, display, value, unit} (blood pressure's systolic and diastolic).
  components TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX observations_patient ON observations (patient_id, code, effective_at);
CREATE INDEX observations_encounter ON observations (encounter_id);

CREATE TABLE procedures (
  id {{ID}},
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  encounter_id BIGINT REFERENCES encounters(id),
  code_system TEXT NOT NULL,
  code TEXT NOT NULL,
  display TEXT,
  status TEXT NOT NULL,
  performed_start BIGINT,
  performed_end BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX procedures_patient ON procedures (patient_id, performed_start);

-- Care plans and goals kept by other systems (an EHR's problem-oriented
-- plans): background for the case manager, distinct from casekeeper's own.
CREATE TABLE external_care_plans (
  id {{ID}},
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  encounter_id BIGINT REFERENCES encounters(id),
  status TEXT NOT NULL,
  intent TEXT NOT NULL,
  title TEXT,
  category_code TEXT,
  period_start TEXT,
  period_end TEXT,
  -- JSON arrays: [{code, display, status}] and the condition ids addressed.
  activities TEXT,
  addresses TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX external_care_plans_patient ON external_care_plans (patient_id, id);

CREATE TABLE external_goals (
  id {{ID}},
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  lifecycle_status TEXT NOT NULL,
  achievement_status TEXT,
  description TEXT NOT NULL,
  start_date TEXT,
  target_measure TEXT,
  target_value TEXT,
  target_due_date TEXT,
  -- JSON array of the condition ids addressed.
  addresses TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX external_goals_patient ON external_goals (patient_id, id);

-- The FHIR logical id a row was imported under (so a re-import finds it), and
-- a hash of the resource as last imported (an unchanged resource is skipped).
CREATE TABLE fhir_resources (
  resource_type TEXT NOT NULL,
  fhir_id TEXT NOT NULL,
  local_id BIGINT NOT NULL,
  content_hash TEXT NOT NULL,
  imported_at BIGINT NOT NULL,
  PRIMARY KEY (resource_type, fhir_id)
);
CREATE INDEX fhir_resources_local ON fhir_resources (resource_type, local_id);

-- Business identifiers of imported resources other than patients (theirs are
-- in patient_identifiers): what conditional references such as
-- Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|9999999999 resolve by.
CREATE TABLE fhir_identifiers (
  resource_type TEXT NOT NULL,
  system TEXT NOT NULL,
  value TEXT NOT NULL,
  local_id BIGINT NOT NULL,
  PRIMARY KEY (resource_type, system, value)
);
CREATE INDEX fhir_identifiers_local ON fhir_identifiers (resource_type, local_id);

-- Settings that belong to this database, such as the id its FHIR exports are
-- stamped with (meta.source).
CREATE TABLE installation_settings (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
