-- What the worklist reads per user must stay index lookups at a health plan's
-- size: the role queues of tasks, and goals by patient.
CREATE INDEX tasks_role_queue ON tasks (queue_role, status, due_at);
CREATE INDEX care_plan_goals_patient ON care_plan_goals (patient_id, status);
