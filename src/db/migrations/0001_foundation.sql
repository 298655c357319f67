-- Foundation: teams, users, sessions, API tokens, the audit trail, and the
-- minimal patient registry with care-team membership that access control needs.
-- Times are UTC milliseconds (BIGINT); dates are TEXT 'YYYY-MM-DD'.

CREATE TABLE teams (
  id {{ID}},
  name TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL
);

CREATE TABLE users (
  id {{ID}},
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('case_manager', 'supervisor', 'auditor', 'admin', 'integration')),
  team_id BIGINT REFERENCES teams(id),
  password_hash TEXT,
  active INTEGER NOT NULL DEFAULT 1,
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX users_team ON users (team_id);

-- Interactive sign-ins. Only a hash of the token is stored.
CREATE TABLE sessions (
  id {{ID}},
  token_hash TEXT NOT NULL UNIQUE,
  user_id BIGINT NOT NULL REFERENCES users(id),
  created_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  revoked_at BIGINT
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Long-lived tokens for the integration role (EHR and insurer systems).
CREATE TABLE api_tokens (
  id {{ID}},
  token_hash TEXT NOT NULL UNIQUE,
  user_id BIGINT NOT NULL REFERENCES users(id),
  name TEXT NOT NULL,
  created_by BIGINT REFERENCES users(id),
  created_at BIGINT NOT NULL,
  expires_at BIGINT,
  revoked_at BIGINT
);

CREATE TABLE patients (
  id {{ID}},
  given_name TEXT NOT NULL,
  family_name TEXT NOT NULL,
  birth_date TEXT NOT NULL,
  administrative_sex TEXT NOT NULL CHECK (administrative_sex IN ('female', 'male', 'other', 'unknown')),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX patients_name ON patients (family_name, given_name);

-- Who looks after a patient; membership grants a case manager access.
CREATE TABLE care_team_members (
  id {{ID}},
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  user_id BIGINT NOT NULL REFERENCES users(id),
  member_role TEXT NOT NULL,
  added_at BIGINT NOT NULL,
  removed_at BIGINT
);
CREATE INDEX care_team_patient ON care_team_members (patient_id, user_id);
CREATE INDEX care_team_user ON care_team_members (user_id, patient_id);

-- Break-the-glass: time-limited access outside one's care team, with a reason.
CREATE TABLE break_glass_grants (
  id {{ID}},
  user_id BIGINT NOT NULL REFERENCES users(id),
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  reason TEXT NOT NULL,
  granted_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX break_glass_user_patient ON break_glass_grants (user_id, patient_id, expires_at);

-- The append-only, hash-chained audit trail. hash = SHA-256 over the record's
-- fields and prev_hash (see src/audit/trail.h for the exact serialisation).
CREATE TABLE audit_log (
  id BIGINT PRIMARY KEY,
  at BIGINT NOT NULL,
  user_id BIGINT,
  username TEXT NOT NULL,
  role TEXT NOT NULL,
  action TEXT NOT NULL,
  entity_type TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  patient_id BIGINT,
  outcome TEXT NOT NULL,
  request_id TEXT NOT NULL,
  detail TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_patient ON audit_log (patient_id, at);
CREATE INDEX audit_user ON audit_log (user_id, at);

-- The newest record's id and hash, so that deleting records from the end of the
-- chain is detected too.
CREATE TABLE audit_chain_head (
  singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
  last_id BIGINT NOT NULL,
  last_hash TEXT NOT NULL
);
INSERT INTO audit_chain_head (singleton, last_id, last_hash) VALUES (1, 0, '');

-- sqlite-only
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
-- end
-- postgres-only
CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'audit records are append-only'; END; $$ LANGUAGE plpgsql;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
-- end
