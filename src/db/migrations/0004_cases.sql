-- Cases (episodes of care) with their lifecycle, referral intake, assignment
-- history, notes (signed notes are immutable; corrections are addenda) and the
-- contact log.

CREATE TABLE programs (
  id {{ID}},
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1
);
INSERT INTO programs (code, name) VALUES ('complex_care', 'Complex care');
INSERT INTO programs (code, name) VALUES ('heart_failure_transitions', 'Heart failure transitions');
INSERT INTO programs (code, name) VALUES ('diabetes_behavioral_health', 'Diabetes with behavioral health');
INSERT INTO programs (code, name) VALUES ('copd_transitions', 'COPD transitions');
INSERT INTO programs (code, name) VALUES ('maternal_health', 'Maternal health');

CREATE TABLE cases (
  id {{ID}},
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  program_id BIGINT NOT NULL REFERENCES programs(id),
  status TEXT NOT NULL CHECK (status IN ('referred', 'screening', 'assessment', 'planning', 'active', 'transition', 'closed')),
  referral_source TEXT NOT NULL,
  referral_reason TEXT NOT NULL,
  urgency TEXT NOT NULL CHECK (urgency IN ('routine', 'urgent', 'emergent')),
  referred_at BIGINT NOT NULL,
  triage_due_at BIGINT NOT NULL,
  acuity TEXT,
  assigned_user_id BIGINT REFERENCES users(id),
  closure_reason TEXT,
  closed_at BIGINT,
  created_by BIGINT REFERENCES users(id),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX cases_patient ON cases (patient_id, id);
CREATE INDEX cases_assigned ON cases (assigned_user_id, status);

CREATE TABLE case_status_changes (
  id {{ID}},
  case_id BIGINT NOT NULL REFERENCES cases(id),
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  from_status TEXT,
  to_status TEXT NOT NULL,
  reason TEXT,
  changed_by BIGINT REFERENCES users(id),
  changed_at BIGINT NOT NULL
);
CREATE INDEX case_status_changes_case ON case_status_changes (case_id, id);
CREATE INDEX case_status_changes_patient ON case_status_changes (patient_id, changed_at);

CREATE TABLE case_assignments (
  id {{ID}},
  case_id BIGINT NOT NULL REFERENCES cases(id),
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  user_id BIGINT NOT NULL REFERENCES users(id),
  assigned_by BIGINT REFERENCES users(id),
  assigned_at BIGINT NOT NULL,
  ended_at BIGINT,
  reason TEXT
);
CREATE INDEX case_assignments_case ON case_assignments (case_id, id);

CREATE TABLE case_notes (
  id {{ID}},
  case_id BIGINT NOT NULL REFERENCES cases(id),
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  note_type TEXT NOT NULL,
  body TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('draft', 'signed')),
  author_id BIGINT NOT NULL REFERENCES users(id),
  amends_note_id BIGINT REFERENCES case_notes(id),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  signed_at BIGINT,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX case_notes_case ON case_notes (case_id, id);
CREATE INDEX case_notes_patient ON case_notes (patient_id, created_at);

-- A signed note's content never changes, whatever writes to the database
-- (merging patients may still move it to the surviving record).
-- sqlite-only
CREATE TRIGGER case_notes_signed_immutable
BEFORE UPDATE OF case_id, note_type, body, status, author_id, amends_note_id, created_at, signed_at ON case_notes
WHEN OLD.status = 'signed'
BEGIN SELECT RAISE(ABORT, 'signed notes are immutable; add an addendum'); END;
CREATE TRIGGER case_notes_signed_undeletable BEFORE DELETE ON case_notes WHEN OLD.status = 'signed'
BEGIN SELECT RAISE(ABORT, 'signed notes are immutable; add an addendum'); END;
-- end
-- postgres-only
CREATE FUNCTION case_notes_signed_immutable() RETURNS trigger AS $$
BEGIN
  IF OLD.status = 'signed' AND (TG_OP = 'DELETE' OR
      (NEW.case_id, NEW.note_type, NEW.body, NEW.status, NEW.author_id, NEW.amends_note_id,
       NEW.created_at, NEW.signed_at) IS DISTINCT FROM
      (OLD.case_id, OLD.note_type, OLD.body, OLD.status, OLD.author_id, OLD.amends_note_id,
       OLD.created_at, OLD.signed_at)) THEN
    RAISE EXCEPTION 'signed notes are immutable; add an addendum';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END; $$ LANGUAGE plpgsql;
CREATE TRIGGER case_notes_signed_immutable BEFORE UPDATE OR DELETE ON case_notes
FOR EACH ROW EXECUTE FUNCTION case_notes_signed_immutable();
-- end

CREATE TABLE case_contacts (
  id {{ID}},
  case_id BIGINT NOT NULL REFERENCES cases(id),
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  contact_at BIGINT NOT NULL,
  method TEXT NOT NULL,
  direction TEXT NOT NULL CHECK (direction IN ('outbound', 'inbound')),
  party TEXT NOT NULL,
  party_name TEXT,
  outcome TEXT NOT NULL,
  duration_minutes INTEGER,
  summary TEXT,
  recorded_by BIGINT NOT NULL REFERENCES users(id),
  created_at BIGINT NOT NULL
);
CREATE INDEX case_contacts_case ON case_contacts (case_id, contact_at);
CREATE INDEX case_contacts_patient ON case_contacts (patient_id, contact_at);
