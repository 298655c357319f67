-- Worklist snoozes (docs/worklist.md): an item hidden until a time, with a
-- reason. A snooze belongs to the item ("<kind>:<subject>:<id>"), not to the
-- person: it hides the item from every worklist until `until_at`, or until
-- someone wakes it. A new snooze of the same item wakes the old one.
CREATE TABLE worklist_snoozes (
  id {{ID}},
  item_key TEXT NOT NULL,
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  reason TEXT NOT NULL,
  until_at BIGINT NOT NULL,
  snoozed_by BIGINT NOT NULL REFERENCES users(id),
  snoozed_at BIGINT NOT NULL,
  woken_at BIGINT,
  woken_by BIGINT REFERENCES users(id),
  CHECK (until_at > snoozed_at)
);
-- The worklist reads which of its patients' items are snoozed from this index
-- alone (covering: no scattered table rows); at most one unwoken snooze per item.
CREATE INDEX worklist_snoozes_patient ON worklist_snoozes (patient_id, until_at, woken_at,
  item_key);
CREATE UNIQUE INDEX worklist_snoozes_item ON worklist_snoozes (item_key) WHERE woken_at IS NULL;
