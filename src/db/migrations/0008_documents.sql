-- Documents attached to a patient (and optionally one of their cases):
-- discharge summaries, letters, faxed authorizations, signed consents, images.
-- The content is kept base64-encoded so that both backends store it as text.
CREATE TABLE documents (
  id {{ID}},
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  case_id BIGINT REFERENCES cases(id),
  doc_type TEXT NOT NULL,
  title TEXT NOT NULL,
  document_date TEXT,
  source TEXT,
  content_type TEXT NOT NULL,
  size_bytes BIGINT NOT NULL,
  sha256 TEXT NOT NULL,
  content_base64 TEXT NOT NULL,
  uploaded_by BIGINT REFERENCES users(id),
  uploaded_at BIGINT NOT NULL
);
CREATE INDEX documents_patient ON documents (patient_id, id);
