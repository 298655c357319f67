-- Tasks: the work that carries out a case's care plan. A task belongs to a
-- case and is owned by a person, or waits in a team's or a role's queue until
-- someone claims it; it has a due time (often in business days), a priority,
-- a status with its history, may recur, and escalates to the supervisor once
-- when overdue by the configured margin.
CREATE TABLE tasks (
  id {{ID}},
  case_id BIGINT NOT NULL REFERENCES cases(id),
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  title TEXT NOT NULL,
  task_type TEXT NOT NULL CHECK (task_type IN ('call', 'visit', 'education',
    'medication_reconciliation', 'referral', 'authorization_follow_up', 'documentation',
    'crisis', 'appointment', 'other')),
  description TEXT,
  owner_user_id BIGINT REFERENCES users(id),
  queue_team_id BIGINT REFERENCES teams(id),
  queue_role TEXT,
  due_at BIGINT,
  due_rule TEXT,
  priority TEXT NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  status TEXT NOT NULL CHECK (status IN ('open', 'in_progress', 'paused', 'done', 'cancelled')),
  pause_reason TEXT,
  outcome TEXT,
  minutes_spent INTEGER NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 0,
  -- Recurrence: every N days until a date or for a number of times, and never
  -- past the case's closure. Occurrences share a series id (the first task's).
  recur_every_days INTEGER,
  recur_until TEXT,
  recur_times INTEGER,
  series_id BIGINT,
  occurrence INTEGER NOT NULL DEFAULT 1,
  source TEXT NOT NULL DEFAULT 'manual',
  escalated_at BIGINT,
  completed_at BIGINT,
  completed_by BIGINT REFERENCES users(id),
  created_by BIGINT REFERENCES users(id),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  CHECK ((owner_user_id IS NOT NULL) OR (queue_team_id IS NOT NULL) OR (queue_role IS NOT NULL))
);
CREATE INDEX tasks_case ON tasks (case_id, id);
CREATE INDEX tasks_patient ON tasks (patient_id, id);
-- "My open tasks by due time" and "the open tasks of a queue".
CREATE INDEX tasks_owner_open ON tasks (owner_user_id, status, due_at);
CREATE INDEX tasks_team_queue ON tasks (queue_team_id, status, due_at);
CREATE INDEX tasks_open_due ON tasks (status, due_at);

CREATE TABLE task_events (
  id {{ID}},
  task_id BIGINT NOT NULL REFERENCES tasks(id),
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  kind TEXT NOT NULL,
  from_status TEXT,
  to_status TEXT,
  detail TEXT,
  by_user_id BIGINT REFERENCES users(id),
  at BIGINT NOT NULL
);
CREATE INDEX task_events_task ON task_events (task_id, id);

-- Outreach attempts logged against a task are contacts of the case.
ALTER TABLE case_contacts ADD COLUMN task_id BIGINT REFERENCES tasks(id);
-- Set when consecutive failed outreach reached the threshold: the case is
-- proposed for closure as unable to reach (cleared by a successful contact).
ALTER TABLE cases ADD COLUMN unable_to_reach_proposed_at BIGINT;
