-- The patient registry: demographics for care and equity reporting, contact
-- details, identifiers from other systems, phones, the people around the
-- patient, search keys, merges and optimistic concurrency.

ALTER TABLE patients ADD COLUMN middle_name TEXT;
ALTER TABLE patients ADD COLUMN name_suffix TEXT;
ALTER TABLE patients ADD COLUMN preferred_name TEXT;
ALTER TABLE patients ADD COLUMN gender_identity TEXT;
ALTER TABLE patients ADD COLUMN preferred_language TEXT;
ALTER TABLE patients ADD COLUMN interpreter_needed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE patients ADD COLUMN ethnicity TEXT;
ALTER TABLE patients ADD COLUMN address_line1 TEXT;
ALTER TABLE patients ADD COLUMN address_line2 TEXT;
ALTER TABLE patients ADD COLUMN address_city TEXT;
ALTER TABLE patients ADD COLUMN address_state TEXT;
ALTER TABLE patients ADD COLUMN address_postal_code TEXT;
ALTER TABLE patients ADD COLUMN address_country TEXT;
ALTER TABLE patients ADD COLUMN email TEXT;
ALTER TABLE patients ADD COLUMN preferred_contact_method TEXT;
ALTER TABLE patients ADD COLUMN preferred_contact_times TEXT;
-- Lower-case ASCII letters and digits of the names (patients/validation.h SearchKey).
ALTER TABLE patients ADD COLUMN family_key TEXT NOT NULL DEFAULT '';
ALTER TABLE patients ADD COLUMN given_key TEXT NOT NULL DEFAULT '';
ALTER TABLE patients ADD COLUMN merged_into_id BIGINT REFERENCES patients(id);
ALTER TABLE patients ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

-- Rows from before this migration: ASCII names fold the same way in SQL.
UPDATE patients SET family_key = lower(replace(replace(replace(family_name, ' ', ''), '-', ''), '''', '')),
                    given_key = lower(replace(replace(replace(given_name, ' ', ''), '-', ''), '''', ''));

-- postgres-only
-- Byte order, as SQLite compares: prefix ranges on the keys then mean the same on both.
ALTER TABLE patients ALTER COLUMN family_key TYPE TEXT COLLATE "C";
ALTER TABLE patients ALTER COLUMN given_key TYPE TEXT COLLATE "C";
-- end
CREATE INDEX patients_family_key ON patients (family_key, given_key);
CREATE INDEX patients_given_key ON patients (given_key);
CREATE INDEX patients_birth_date ON patients (birth_date);

CREATE TABLE patient_races (
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  race TEXT NOT NULL,
  PRIMARY KEY (patient_id, race)
);

CREATE TABLE patient_identifiers (
  id {{ID}},
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  system TEXT NOT NULL,
  value TEXT NOT NULL,
  kind TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  UNIQUE (system, value)
);
CREATE INDEX patient_identifiers_patient ON patient_identifiers (patient_id);
CREATE INDEX patient_identifiers_value ON patient_identifiers (value);

CREATE TABLE patient_phones (
  id {{ID}},
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  number TEXT NOT NULL,
  phone_use TEXT NOT NULL,
  preferred INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX patient_phones_number ON patient_phones (number);
CREATE INDEX patient_phones_patient ON patient_phones (patient_id);

CREATE TABLE patient_relationships (
  id {{ID}},
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  name TEXT NOT NULL,
  relationship TEXT NOT NULL,
  phone TEXT,
  email TEXT,
  may_receive_information INTEGER NOT NULL DEFAULT 0,
  emergency_contact INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX patient_relationships_patient ON patient_relationships (patient_id);
