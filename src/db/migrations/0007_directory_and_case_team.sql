-- The directory of providers, facilities, insurers and agencies a case team
-- draws on, and each case's team: staff, directory entries and the patient's
-- own people, each with a role.
CREATE TABLE directory_entries (
  id {{ID}},
  kind TEXT NOT NULL CHECK (kind IN ('provider', 'facility', 'insurer', 'agency', 'pharmacy', 'other')),
  name TEXT NOT NULL,
  name_key TEXT NOT NULL,
  role TEXT,
  organisation TEXT,
  phone TEXT,
  fax TEXT,
  email TEXT,
  secure_message_address TEXT,
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
-- postgres-only
ALTER TABLE directory_entries ALTER COLUMN name_key TYPE TEXT COLLATE "C";
-- end
CREATE INDEX directory_entries_name ON directory_entries (name_key);

CREATE TABLE case_team_members (
  id {{ID}},
  case_id BIGINT NOT NULL REFERENCES cases(id),
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  directory_entry_id BIGINT REFERENCES directory_entries(id),
  relationship_id BIGINT REFERENCES patient_relationships(id),
  role TEXT NOT NULL,
  added_by BIGINT REFERENCES users(id),
  added_at BIGINT NOT NULL,
  removed_at BIGINT,
  CHECK ((directory_entry_id IS NULL) <> (relationship_id IS NULL))
);
CREATE INDEX case_team_members_case ON case_team_members (case_id, id);
