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
