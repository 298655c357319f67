-- Programs acting on domain events: how far each consumer has read the
-- outbox, and which program step already made which task for which event and
-- case (so an event processed twice makes its tasks once).
CREATE TABLE event_cursors (
  consumer TEXT PRIMARY KEY,
  last_event_id BIGINT NOT NULL
);
-- Events from before programs existed are history, not work to do.
INSERT INTO event_cursors (consumer, last_event_id)
  SELECT 'programs', COALESCE(MAX(id), 0) FROM domain_events;

CREATE TABLE program_actions (
  event_id BIGINT NOT NULL REFERENCES domain_events(id),
  case_id BIGINT NOT NULL REFERENCES cases(id),
  step TEXT NOT NULL,
  task_id BIGINT REFERENCES tasks(id),
  created_at BIGINT NOT NULL,
  PRIMARY KEY (event_id, case_id, step)
);
