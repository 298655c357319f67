-- Worklist snoozes (docs/worklist.md): an item hidden until a time, with a
-- reason. A snooze belongs to the item ("<kind>:<subject>:<id>"), not to the
-- person: it hides the item from every worklist until `until_at`, until
-- someone wakes it, or until the item changes (`item_state`: a task's due
-- time, priority or owner, a deadline passing). Snoozing an item again
-- replaces the snooze in force (`replaced_by`); nothing is deleted.
CREATE TABLE worklist_snoozes (
  id {{ID}},
  item_key TEXT NOT NULL,
  item_state BIGINT NOT NULL,  -- worklist::Item::state when snoozed (a hash)
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  reason TEXT NOT NULL,
  until_at BIGINT NOT NULL,
  snoozed_by BIGINT NOT NULL REFERENCES users(id),
  snoozed_at BIGINT NOT NULL,
  woken_at BIGINT,
  woken_by BIGINT REFERENCES users(id),
  replaced_by BIGINT REFERENCES worklist_snoozes(id),
  CHECK (until_at > snoozed_at)
);
-- The worklist reads which of its patients' items are snoozed from this index
-- alone (covering on both backends: no scattered table rows).
CREATE INDEX worklist_snoozes_patient ON worklist_snoozes (patient_id, until_at, item_key,
  item_state, id) WHERE woken_at IS NULL AND replaced_by IS NULL;
-- The snooze in force of an item, when it is snoozed again.
CREATE INDEX worklist_snoozes_item ON worklist_snoozes (item_key, until_at)
  WHERE woken_at IS NULL AND replaced_by IS NULL;
