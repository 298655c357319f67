-- Assessments with validated instruments, alerts they raise, notifications,
-- scores computed from the record, and population risk tiers.

-- Every instrument definition an assessment may refer to, by id and version.
-- A definition never changes under the same version.
CREATE TABLE instrument_definitions (
  instrument_id TEXT NOT NULL,
  version TEXT NOT NULL,
  title TEXT NOT NULL,
  definition TEXT NOT NULL,
  first_loaded_at BIGINT NOT NULL,
  PRIMARY KEY (instrument_id, version)
);

CREATE TABLE assessments (
  id {{ID}},
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  case_id BIGINT NOT NULL REFERENCES cases(id),
  instrument_id TEXT NOT NULL,
  instrument_version TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('in_progress', 'completed', 'entered_in_error')),
  answers TEXT NOT NULL,
  result TEXT,
  score DOUBLE PRECISION,
  band TEXT,
  flags TEXT,
  positive_domains TEXT,
  started_by BIGINT NOT NULL REFERENCES users(id),
  started_at BIGINT NOT NULL,
  completed_by BIGINT REFERENCES users(id),
  completed_at BIGINT,
  error_reason TEXT,
  updated_at BIGINT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  FOREIGN KEY (instrument_id, instrument_version)
    REFERENCES instrument_definitions (instrument_id, version)
);
CREATE INDEX assessments_case ON assessments (case_id, id);
CREATE INDEX assessments_patient ON assessments (patient_id, completed_at);

-- Who completed each section and when, stamped by the server.
CREATE TABLE assessment_sections (
  id {{ID}},
  assessment_id BIGINT NOT NULL REFERENCES assessments(id),
  section_id TEXT NOT NULL,
  completed_by BIGINT NOT NULL REFERENCES users(id),
  completed_at BIGINT NOT NULL
);
CREATE INDEX assessment_sections_assessment ON assessment_sections (assessment_id, id);

-- The case manager's conclusion per domain; a later one supersedes, none is edited.
CREATE TABLE assessment_conclusions (
  id {{ID}},
  assessment_id BIGINT NOT NULL REFERENCES assessments(id),
  domain TEXT NOT NULL,
  conclusion TEXT NOT NULL,
  recorded_by BIGINT NOT NULL REFERENCES users(id),
  recorded_at BIGINT NOT NULL
);
CREATE INDEX assessment_conclusions_assessment ON assessment_conclusions (assessment_id, id);

-- A completed assessment's answers and result never change.
-- sqlite-only
CREATE TRIGGER assessments_completed_immutable BEFORE UPDATE ON assessments
WHEN OLD.status <> 'in_progress' AND (NEW.answers <> OLD.answers OR NEW.result IS NOT OLD.result
  OR NEW.score IS NOT OLD.score OR NEW.completed_at IS NOT OLD.completed_at
  OR NEW.completed_by IS NOT OLD.completed_by OR NEW.instrument_version <> OLD.instrument_version)
BEGIN SELECT RAISE(ABORT, 'completed assessments are immutable'); END;
CREATE TRIGGER assessment_sections_immutable BEFORE UPDATE ON assessment_sections
BEGIN SELECT RAISE(ABORT, 'section stamps are immutable'); END;
CREATE TRIGGER assessment_conclusions_immutable BEFORE UPDATE ON assessment_conclusions
BEGIN SELECT RAISE(ABORT, 'conclusions are immutable; record a new one'); END;
-- end
-- postgres-only
CREATE FUNCTION assessments_completed_immutable() RETURNS trigger AS $$
BEGIN
  IF OLD.status <> 'in_progress' AND (NEW.answers <> OLD.answers
      OR NEW.result IS DISTINCT FROM OLD.result OR NEW.score IS DISTINCT FROM OLD.score
      OR NEW.completed_at IS DISTINCT FROM OLD.completed_at
      OR NEW.completed_by IS DISTINCT FROM OLD.completed_by
      OR NEW.instrument_version <> OLD.instrument_version) THEN
    RAISE EXCEPTION 'completed assessments are immutable';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER assessments_completed_immutable BEFORE UPDATE ON assessments
FOR EACH ROW EXECUTE FUNCTION assessments_completed_immutable();
CREATE FUNCTION assessment_parts_immutable() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'assessment section stamps and conclusions are immutable';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER assessment_sections_immutable BEFORE UPDATE ON assessment_sections
FOR EACH ROW EXECUTE FUNCTION assessment_parts_immutable();
CREATE TRIGGER assessment_conclusions_immutable BEFORE UPDATE ON assessment_conclusions
FOR EACH ROW EXECUTE FUNCTION assessment_parts_immutable();
-- end

-- Alerts raised by assessments (and later by other modules): open until a
-- clinician acknowledges and resolves them.
CREATE TABLE alerts (
  id {{ID}},
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  case_id BIGINT REFERENCES cases(id),
  assessment_id BIGINT REFERENCES assessments(id),
  kind TEXT NOT NULL,
  severity TEXT NOT NULL CHECK (severity IN ('crisis', 'high', 'routine')),
  reason TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open', 'acknowledged', 'resolved')),
  raised_at BIGINT NOT NULL,
  acknowledged_by BIGINT REFERENCES users(id),
  acknowledged_at BIGINT,
  resolved_by BIGINT REFERENCES users(id),
  resolved_at BIGINT,
  resolution TEXT,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX alerts_patient ON alerts (patient_id, status);
CREATE INDEX alerts_status ON alerts (status, severity, raised_at);

-- Messages to a user (a supervisor told of a crisis alert). No patient data in
-- the message itself; the patient is referenced by id.
CREATE TABLE notifications (
  id {{ID}},
  user_id BIGINT NOT NULL REFERENCES users(id),
  kind TEXT NOT NULL,
  message TEXT NOT NULL,
  patient_id BIGINT REFERENCES patients(id),
  alert_id BIGINT REFERENCES alerts(id),
  created_at BIGINT NOT NULL,
  read_at BIGINT
);
CREATE INDEX notifications_user ON notifications (user_id, id);

-- Charlson, LACE and HOSPITAL computed from the record, with inputs and components.
CREATE TABLE risk_scores (
  id {{ID}},
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  kind TEXT NOT NULL CHECK (kind IN ('charlson', 'lace', 'hospital')),
  encounter_id BIGINT REFERENCES encounters(id),
  score INTEGER NOT NULL,
  band TEXT,
  inputs TEXT NOT NULL,
  components TEXT NOT NULL,
  computed_by BIGINT REFERENCES users(id),
  computed_at BIGINT NOT NULL
);
CREATE INDEX risk_scores_patient ON risk_scores (patient_id, kind, computed_at);

-- Each patient's current risk tier (1 highest … 4) from the last stratification.
-- On SQLite the key is the rowid (INTEGER PRIMARY KEY is 64-bit there), which
-- spares stratification a second b-tree per row.
CREATE TABLE patient_risk (
-- sqlite-only
  patient_id INTEGER PRIMARY KEY REFERENCES patients(id),
-- end
-- postgres-only
  patient_id BIGINT PRIMARY KEY REFERENCES patients(id),
-- end
  tier INTEGER NOT NULL CHECK (tier BETWEEN 1 AND 4),
  reasons TEXT NOT NULL,
  scores TEXT NOT NULL,
  computed_at BIGINT NOT NULL,
  tier_since BIGINT NOT NULL,
  previous_tier INTEGER,
  rules_version TEXT NOT NULL
);

CREATE TABLE stratification_runs (
  id {{ID}},
  trigger_kind TEXT NOT NULL,
  rules_version TEXT NOT NULL,
  started_at BIGINT NOT NULL,
  finished_at BIGINT,
  patients BIGINT,
  changed BIGINT,
  tier_counts TEXT
);
