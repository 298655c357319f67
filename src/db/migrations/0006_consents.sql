-- The patient's consents: to case management itself, and to sharing
-- information with named people or organisations, with dates and revocation.
CREATE TABLE consents (
  id {{ID}},
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  kind TEXT NOT NULL CHECK (kind IN ('case_management', 'information_sharing')),
  relationship_id BIGINT REFERENCES patient_relationships(id),
  party_name TEXT,
  scope TEXT,
  method TEXT NOT NULL CHECK (method IN ('verbal', 'written', 'electronic')),
  granted_on TEXT NOT NULL,
  expires_on TEXT,
  revoked_at BIGINT,
  revocation_reason TEXT,
  recorded_by BIGINT REFERENCES users(id),
  created_at BIGINT NOT NULL
);
CREATE INDEX consents_patient ON consents (patient_id, id);
