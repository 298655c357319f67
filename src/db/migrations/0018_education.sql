-- Patient education: a library of materials (one row per language version of
-- a material: same code, another language), linked to the conditions (ICD-10
-- prefixes) and barrier domains they address; assignments of a material to a
-- patient, delivered (how, to whom) and understanding checked by teach-back,
-- with their history.
CREATE TABLE education_materials (
  id {{ID}},
  code TEXT NOT NULL,
  language TEXT NOT NULL,
  title TEXT NOT NULL,
  topic TEXT NOT NULL,
  reading_level INTEGER NOT NULL CHECK (reading_level BETWEEN 1 AND 16),
  format TEXT NOT NULL CHECK (format IN ('handout', 'video', 'interactive', 'audio', 'class')),
  url TEXT,
  summary TEXT,
  -- JSON array of the points the patient explains back in their own words.
  teach_back_points TEXT NOT NULL DEFAULT '[]',
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  UNIQUE (code, language)
);

CREATE TABLE education_material_links (
  material_id BIGINT NOT NULL REFERENCES education_materials(id),
  kind TEXT NOT NULL CHECK (kind IN ('condition', 'barrier')),
  code TEXT NOT NULL,
  PRIMARY KEY (material_id, kind, code)
);
CREATE INDEX education_material_links_code ON education_material_links (kind, code);

CREATE TABLE education_assignments (
  id {{ID}},
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  case_id BIGINT REFERENCES cases(id),
  material_id BIGINT NOT NULL REFERENCES education_materials(id),
  status TEXT NOT NULL CHECK (status IN ('assigned', 'delivered', 'understood',
    'needs_reinforcement', 'declined', 'cancelled')),
  reason TEXT,
  task_id BIGINT REFERENCES tasks(id),
  assigned_by BIGINT REFERENCES users(id),
  assigned_at BIGINT NOT NULL,
  delivered_at BIGINT,
  delivery_method TEXT,
  delivered_to TEXT,
  recipient_name TEXT,
  interpreter_used INTEGER NOT NULL DEFAULT 0,
  teach_back_at BIGINT,
  teach_back_result TEXT,
  teach_back_attempts INTEGER NOT NULL DEFAULT 0,
  updated_at BIGINT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX education_assignments_patient ON education_assignments (patient_id, id);

CREATE TABLE education_events (
  id {{ID}},
  assignment_id BIGINT NOT NULL REFERENCES education_assignments(id),
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  kind TEXT NOT NULL CHECK (kind IN ('assigned', 'delivered', 'teach_back', 'declined',
    'cancelled')),
  detail TEXT,
  by_user_id BIGINT REFERENCES users(id),
  at BIGINT NOT NULL
);
CREATE INDEX education_events_assignment ON education_events (assignment_id, id);
