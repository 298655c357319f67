import { test } from 'node:test';
import assert from 'node:assert/strict';
import { categoryOf, countByCategory, emptyFilter, filterItems, itemKey, kindLabel, moveSelection, urgencyOf, type WorklistItem } from '../src/lib/worklist.js';

const item = (kind: string, over: Partial<WorklistItem> = {}): WorklistItem => ({
  kind,
  score: 0,
  reasons: [],
  title: kind,
  patient_id: 1,
  case_id: 1,
  task_id: null,
  alert_id: null,
  encounter_id: null,
  care_plan_id: null,
  goal_id: null,
  owner_user_id: 3,
  at: null,
  ...over,
});

const day = [
  item('crisis_alert', { alert_id: 11, reasons: ['crisis alert raised 5 min ago', 'risk tier 1'], owner_user_id: null }),
  item('task_overdue', { task_id: 41, title: 'Post-discharge call', reasons: ['overdue by 2 h', 'priority urgent'] }),
  item('task_due_soon', { task_id: 42, patient_id: 2, owner_user_id: 4 }),
  item('no_recent_contact', { case_id: null, patient_id: 3, reasons: ['no contact reached in 63 days'] }),
  item('something_new'),
];

test('kinds group into filter categories, unknown ones too', () => {
  assert.equal(categoryOf('task_overdue'), 'tasks');
  assert.equal(categoryOf('discharged'), 'hospital');
  assert.equal(categoryOf('something_new'), 'other');
  assert.equal(kindLabel('something_new'), 'something new');
  assert.deepEqual([...countByCategory(day)], [['alerts', 1], ['tasks', 2], ['outreach', 1], ['other', 1]]);
  assert.equal(urgencyOf(day[0]!), 'crisis');
  assert.equal(urgencyOf(day[1]!), 'high');
  assert.equal(urgencyOf(day[2]!), 'normal');
});

test('filters keep the server order and match titles, reasons and names', () => {
  const f = emptyFilter();
  assert.equal(filterItems(day, f).length, day.length);
  f.categories.add('tasks');
  assert.deepEqual(filterItems(day, f).map((i) => i.task_id), [41, 42]);
  f.ownerUserId = 4;
  assert.deepEqual(filterItems(day, f).map((i) => i.task_id), [42]);
  const byText = { ...emptyFilter(), text: 'URGENT' };
  assert.deepEqual(filterItems(day, byText).map((i) => i.kind), ['task_overdue']);
  const byName = { ...emptyFilter(), text: 'albright' };
  assert.deepEqual(filterItems(day, byName, (id) => (id === 3 ? 'Albright, Lionel' : '')).map((i) => i.kind), ['no_recent_contact']);
});

test('j/k selection stays within the list', () => {
  assert.equal(moveSelection(-1, 1, 5), 0);
  assert.equal(moveSelection(-1, -1, 5), 4);
  assert.equal(moveSelection(4, 1, 5), 4);
  assert.equal(moveSelection(0, -1, 5), 0);
  assert.equal(moveSelection(2, 1, 0), -1);
  assert.notEqual(itemKey(day[1]!), itemKey(day[2]!));
});
