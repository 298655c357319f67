-- Social needs: barriers to care on a case (from a screening or by hand,
-- linked to care-plan problems), the community resource directory with the
-- ZIP centroids distance search uses, and closed-loop referrals from a
-- barrier to a resource, answered by the organisation through a single-use
-- secure link (only the token's hash is stored), with their history.
CREATE TABLE barriers (
  id {{ID}},
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  case_id BIGINT NOT NULL REFERENCES cases(id),
  domain TEXT NOT NULL,
  severity TEXT NOT NULL CHECK (severity IN ('low', 'moderate', 'high', 'urgent')),
  status TEXT NOT NULL CHECK (status IN ('identified', 'in_progress', 'resolved',
    'unable_to_resolve')),
  source TEXT NOT NULL CHECK (source IN ('screening', 'manual')),
  assessment_id BIGINT REFERENCES assessments(id),
  problem_id BIGINT REFERENCES care_plan_problems(id),
  description TEXT,
  outcome TEXT,
  identified_by BIGINT REFERENCES users(id),
  identified_at BIGINT NOT NULL,
  closed_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX barriers_case ON barriers (case_id, id);
CREATE INDEX barriers_patient ON barriers (patient_id, id);

CREATE TABLE barrier_events (
  id {{ID}},
  barrier_id BIGINT NOT NULL REFERENCES barriers(id),
  kind TEXT NOT NULL,
  detail TEXT,
  by_user_id BIGINT REFERENCES users(id),
  by_partner INTEGER NOT NULL DEFAULT 0,
  at BIGINT NOT NULL
);
CREATE INDEX barrier_events_barrier ON barrier_events (barrier_id, id);

CREATE TABLE zip_centroids (
  postal_code TEXT PRIMARY KEY,
  latitude DOUBLE PRECISION NOT NULL,
  longitude DOUBLE PRECISION NOT NULL
);

CREATE TABLE community_resources (
  id {{ID}},
  organization TEXT NOT NULL,
  service TEXT NOT NULL,
  description TEXT,
  eligibility TEXT,
  languages TEXT NOT NULL DEFAULT 'en',
  hours TEXT,
  phone TEXT,
  email TEXT,
  website TEXT,
  address_line TEXT,
  city TEXT,
  state TEXT,
  postal_code TEXT,
  latitude DOUBLE PRECISION,
  longitude DOUBLE PRECISION,
  capacity TEXT NOT NULL DEFAULT 'unknown' CHECK (capacity IN ('open', 'waitlist', 'full',
    'unknown')),
  capacity_note TEXT,
  capacity_updated_at BIGINT,
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  UNIQUE (organization, service)
);

CREATE TABLE community_resource_domains (
  resource_id BIGINT NOT NULL REFERENCES community_resources(id),
  domain TEXT NOT NULL,
  PRIMARY KEY (domain, resource_id)
);

CREATE TABLE resource_referrals (
  id {{ID}},
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  case_id BIGINT NOT NULL REFERENCES cases(id),
  barrier_id BIGINT NOT NULL REFERENCES barriers(id),
  resource_id BIGINT NOT NULL REFERENCES community_resources(id),
  status TEXT NOT NULL CHECK (status IN ('draft', 'sent', 'accepted', 'declined',
    'service_delivered', 'no_show', 'closed')),
  note TEXT,
  share_address INTEGER NOT NULL DEFAULT 0,
  decline_reason TEXT,
  outcome_note TEXT,
  consent_id BIGINT REFERENCES consents(id),
  created_by BIGINT REFERENCES users(id),
  created_at BIGINT NOT NULL,
  sent_at BIGINT,
  answer_due_at BIGINT,
  answered_at BIGINT,
  service_date TEXT,
  closed_at BIGINT,
  link_token_hash TEXT UNIQUE,
  link_expires_at BIGINT,
  updated_at BIGINT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX resource_referrals_patient ON resource_referrals (patient_id, status);
CREATE INDEX resource_referrals_barrier ON resource_referrals (barrier_id, id);

CREATE TABLE resource_referral_events (
  id {{ID}},
  referral_id BIGINT NOT NULL REFERENCES resource_referrals(id),
  kind TEXT NOT NULL,
  detail TEXT,
  by_user_id BIGINT REFERENCES users(id),
  by_partner INTEGER NOT NULL DEFAULT 0,
  at BIGINT NOT NULL
);
CREATE INDEX resource_referral_events_referral ON resource_referral_events (referral_id, id);
