-- Scheduling: appointments, diagnostic tests and therapy sessions for a case's
-- patient, with a provider and a place (or a telehealth link), their status,
-- and transport; reminders and no-show follow-ups are tasks.
CREATE TABLE appointments (
  id {{ID}},
  case_id BIGINT NOT NULL REFERENCES cases(id),
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  kind TEXT NOT NULL CHECK (kind IN ('appointment', 'diagnostic_test', 'therapy_session')),
  reason TEXT NOT NULL,
  provider TEXT,
  directory_entry_id BIGINT REFERENCES directory_entries(id),
  location TEXT,
  telehealth_url TEXT,
  starts_at BIGINT NOT NULL,
  ends_at BIGINT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('proposed', 'booked', 'confirmed', 'arrived',
    'completed', 'no_show', 'cancelled')),
  transport_needed INTEGER NOT NULL DEFAULT 0,
  transport_arranged INTEGER NOT NULL DEFAULT 0,
  cancellation_reason TEXT,
  created_by BIGINT REFERENCES users(id),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX appointments_patient ON appointments (patient_id, starts_at);
CREATE INDEX appointments_case ON appointments (case_id, starts_at);
ALTER TABLE tasks ADD COLUMN appointment_id BIGINT REFERENCES appointments(id);
