-- Care plans: per case, the problems, the goals (measurable: a measure, a
-- baseline, a target value or state, a target date; patient-stated or
-- clinician-set) with their progress over time, and the interventions that
-- pursue them; reviewed on a schedule, agreed with the patient, and kept in
-- every version (a snapshot of the whole plan at each change).
CREATE TABLE care_plans (
  id {{ID}},
  case_id BIGINT NOT NULL REFERENCES cases(id),
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  title TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('draft', 'active', 'completed', 'revoked')),
  review_every_days INTEGER NOT NULL,
  last_reviewed_at BIGINT,
  next_review_due BIGINT NOT NULL,
  agreed_at BIGINT,
  agreement_method TEXT,
  agreement_note TEXT,
  created_by BIGINT REFERENCES users(id),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX care_plans_case ON care_plans (case_id, id);
CREATE INDEX care_plans_patient ON care_plans (patient_id, id);
CREATE INDEX care_plans_review ON care_plans (status, next_review_due);

CREATE TABLE care_plan_versions (
  id {{ID}},
  care_plan_id BIGINT NOT NULL REFERENCES care_plans(id),
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  version INTEGER NOT NULL,
  reason TEXT NOT NULL,
  snapshot TEXT NOT NULL,
  by_user_id BIGINT REFERENCES users(id),
  at BIGINT NOT NULL,
  UNIQUE (care_plan_id, version)
);

CREATE TABLE care_plan_problems (
  id {{ID}},
  care_plan_id BIGINT NOT NULL REFERENCES care_plans(id),
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  description TEXT NOT NULL,
  condition_id BIGINT REFERENCES conditions(id),
  status TEXT NOT NULL CHECK (status IN ('active', 'resolved')),
  created_at BIGINT NOT NULL
);
CREATE INDEX care_plan_problems_plan ON care_plan_problems (care_plan_id, id);

CREATE TABLE care_plan_goals (
  id {{ID}},
  care_plan_id BIGINT NOT NULL REFERENCES care_plans(id),
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  problem_id BIGINT REFERENCES care_plan_problems(id),
  description TEXT NOT NULL,
  measure TEXT,
  baseline_value DOUBLE PRECISION,
  target_value DOUBLE PRECISION,
  direction TEXT CHECK (direction IN ('decrease', 'increase', 'achieve')),
  target_text TEXT,
  target_date TEXT NOT NULL,
  origin TEXT NOT NULL CHECK (origin IN ('patient_stated', 'clinician_set')),
  status TEXT NOT NULL CHECK (status IN ('proposed', 'active', 'achieved', 'not_achieved', 'cancelled')),
  status_changed_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX care_plan_goals_plan ON care_plan_goals (care_plan_id, id);
CREATE INDEX care_plan_goals_target ON care_plan_goals (status, target_date);

CREATE TABLE care_plan_goal_progress (
  id {{ID}},
  goal_id BIGINT NOT NULL REFERENCES care_plan_goals(id),
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  value DOUBLE PRECISION,
  value_text TEXT,
  note TEXT,
  measured_at BIGINT NOT NULL,
  recorded_by BIGINT REFERENCES users(id),
  created_at BIGINT NOT NULL
);
CREATE INDEX care_plan_goal_progress_goal ON care_plan_goal_progress (goal_id, measured_at);

CREATE TABLE care_plan_interventions (
  id {{ID}},
  care_plan_id BIGINT NOT NULL REFERENCES care_plans(id),
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  goal_id BIGINT REFERENCES care_plan_goals(id),
  description TEXT NOT NULL,
  responsible TEXT NOT NULL,
  responsible_user_id BIGINT REFERENCES users(id),
  frequency TEXT,
  status TEXT NOT NULL CHECK (status IN ('active', 'completed', 'stopped')),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX care_plan_interventions_plan ON care_plan_interventions (care_plan_id, id);
