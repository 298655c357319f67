-- Optimistic concurrency for relationships, and the attendees and decisions of
-- case conference notes.
ALTER TABLE patient_relationships ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

CREATE TABLE note_attendees (
  id {{ID}},
  note_id BIGINT NOT NULL REFERENCES case_notes(id),
  name TEXT NOT NULL,
  role TEXT NOT NULL
);
CREATE INDEX note_attendees_note ON note_attendees (note_id, id);

CREATE TABLE note_decisions (
  id {{ID}},
  note_id BIGINT NOT NULL REFERENCES case_notes(id),
  decision TEXT NOT NULL,
  owner TEXT,
  due_date TEXT
);
CREATE INDEX note_decisions_note ON note_decisions (note_id, id);

-- A signed note's attendees and decisions are part of it: they never change.
-- sqlite-only
CREATE TRIGGER note_attendees_signed_insert BEFORE INSERT ON note_attendees
WHEN (SELECT status FROM case_notes WHERE id = NEW.note_id) = 'signed'
BEGIN SELECT RAISE(ABORT, 'signed notes are immutable; add an addendum'); END;
CREATE TRIGGER note_attendees_signed_change BEFORE UPDATE ON note_attendees
WHEN (SELECT status FROM case_notes WHERE id = OLD.note_id) = 'signed'
BEGIN SELECT RAISE(ABORT, 'signed notes are immutable; add an addendum'); END;
CREATE TRIGGER note_attendees_signed_delete BEFORE DELETE ON note_attendees
WHEN (SELECT status FROM case_notes WHERE id = OLD.note_id) = 'signed'
BEGIN SELECT RAISE(ABORT, 'signed notes are immutable; add an addendum'); END;
CREATE TRIGGER note_decisions_signed_insert BEFORE INSERT ON note_decisions
WHEN (SELECT status FROM case_notes WHERE id = NEW.note_id) = 'signed'
BEGIN SELECT RAISE(ABORT, 'signed notes are immutable; add an addendum'); END;
CREATE TRIGGER note_decisions_signed_change BEFORE UPDATE ON note_decisions
WHEN (SELECT status FROM case_notes WHERE id = OLD.note_id) = 'signed'
BEGIN SELECT RAISE(ABORT, 'signed notes are immutable; add an addendum'); END;
CREATE TRIGGER note_decisions_signed_delete BEFORE DELETE ON note_decisions
WHEN (SELECT status FROM case_notes WHERE id = OLD.note_id) = 'signed'
BEGIN SELECT RAISE(ABORT, 'signed notes are immutable; add an addendum'); END;
-- end
-- postgres-only
CREATE FUNCTION note_parts_signed_immutable() RETURNS trigger AS $$
DECLARE
  note BIGINT;
BEGIN
  IF TG_OP = 'INSERT' THEN note := NEW.note_id; ELSE note := OLD.note_id; END IF;
  IF (SELECT status FROM case_notes WHERE id = note) = 'signed' THEN
    RAISE EXCEPTION 'signed notes are immutable; add an addendum';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END; $$ LANGUAGE plpgsql;
CREATE TRIGGER note_attendees_signed_immutable BEFORE INSERT OR UPDATE OR DELETE ON note_attendees
FOR EACH ROW EXECUTE FUNCTION note_parts_signed_immutable();
CREATE TRIGGER note_decisions_signed_immutable BEFORE INSERT OR UPDATE OR DELETE ON note_decisions
FOR EACH ROW EXECUTE FUNCTION note_parts_signed_immutable();
-- end
