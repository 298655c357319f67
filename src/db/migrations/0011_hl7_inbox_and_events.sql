-- Every HL7 v2 message received, as received (base64, since senders use other
-- character sets than UTF-8), with its outcome and the ACK sent, for replay and
-- audit; a message seen before (same MSH-10 from the same sending application
-- and facility) is answered with its stored ACK and not applied twice.
CREATE TABLE hl7_messages (
  id {{ID}},
  received_at BIGINT NOT NULL,
  peer TEXT,
  sending_application TEXT,
  sending_facility TEXT,
  control_id TEXT,
  message_type TEXT,
  version TEXT,
  raw_base64 TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('AA', 'AE', 'AR')),
  error_location TEXT,
  error_text TEXT,
  ack TEXT NOT NULL,
  patient_id BIGINT REFERENCES patients(id),
  processed_at BIGINT NOT NULL
);
-- NULLs (unparsable input) never collide.
CREATE UNIQUE INDEX hl7_messages_dedup
  ON hl7_messages (sending_application, sending_facility, control_id);
CREATE INDEX hl7_messages_received ON hl7_messages (received_at);

-- Domain events raised in the transaction that caused them (an outbox): an
-- admission, a discharge. Transitions and the worklist read them.
CREATE TABLE domain_events (
  id {{ID}},
  kind TEXT NOT NULL,
  patient_id BIGINT REFERENCES patients(id),
  entity_type TEXT NOT NULL,
  entity_id BIGINT,
  payload TEXT NOT NULL,
  source TEXT NOT NULL,
  occurred_at BIGINT NOT NULL,
  recorded_at BIGINT NOT NULL
);
CREATE INDEX domain_events_patient ON domain_events (patient_id, id);
CREATE INDEX domain_events_kind ON domain_events (kind, id);

-- Where the patient is (PV1-3 point of care^room^bed^facility), the location
-- before a transfer (to undo it on A12), and the admit source (PV1-14).
ALTER TABLE encounters ADD COLUMN location TEXT;
ALTER TABLE encounters ADD COLUMN previous_location TEXT;
ALTER TABLE encounters ADD COLUMN admit_source TEXT;
