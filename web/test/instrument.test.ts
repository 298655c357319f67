import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type InstrumentDefinition, finalizeAnswers, getAt, isAsked, itemForPointer, missingItems, pruneUnasked, scaleValues, setAt } from '../src/lib/instrument.js';

const phq = (n: number): InstrumentDefinition => ({
  id: 'phq9',
  version: '1',
  title: 'PHQ-9',
  sections: [{ id: 's', label: 'S', items: Array.from({ length: n }, (_, i) => ({ id: `item${i + 1}`, label: `Item ${i + 1}`, type: 'integer' as const, min: 0, max: 3, path: `/items/${i}`, scored: true })) }],
});

// Shaped like docs/instruments.md's example: a conditional item and a multi-choice.
const intake: InstrumentDefinition = {
  id: 'org-intake',
  version: '1',
  title: 'Intake',
  sections: [
    {
      id: 'tobacco',
      label: 'Tobacco',
      items: [
        { id: 'smoker', label: 'Smokes', type: 'boolean', options: [{ value: true, label: 'Yes' }, { value: false, label: 'No' }] },
        { id: 'per_day', label: 'Cigarettes a day', type: 'integer', min: 1, max: 100, when: { item: 'smoker', eq: true } },
        { id: 'problems', label: 'Problems', type: 'multi_choice', options: [{ value: 'mold' }, { value: 'pests' }] },
        { id: 'safety', label: 'Insult', type: 'integer', min: 1, max: 5, path: '/safety/insult' },
      ],
    },
  ],
};

test('answers go to their JSON pointers, building lists and objects', () => {
  let a = setAt({}, '/items/2', 1);
  assert.deepEqual(a, { items: [null, null, 1] });
  a = setAt(a, '/items/0', 3);
  assert.deepEqual(a, { items: [3, null, 1] });
  assert.deepEqual(setAt({}, '/safety/insult', 2), { safety: { insult: 2 } });
  assert.equal(getAt({ safety: { insult: 2 } }, '/safety/insult'), 2);
  assert.equal(getAt({}, '/items/4'), undefined);
  assert.deepEqual(setAt({ smoker: true, per_day: 3 }, '/per_day', undefined), { smoker: true });
});

test('every PHQ-9 item is required before sending', () => {
  const def = phq(9);
  let a = {};
  assert.equal(missingItems(def, a).length, 9);
  for (let i = 0; i < 8; i++) a = setAt(a, `/items/${i}`, 0);
  assert.deepEqual(missingItems(def, a).map((i) => i.id), ['item9']);
  a = setAt(a, '/items/8', 0); // zero is an answer
  assert.deepEqual(missingItems(def, a), []);
});

test('conditional items are asked only when their rule holds, and dropped otherwise', () => {
  const perDay = intake.sections[0]!.items[1]!;
  assert.equal(isAsked(intake, { smoker: false }, perDay), false);
  assert.equal(isAsked(intake, { smoker: true }, perDay), true);
  assert.equal(isAsked(intake, {}, perDay), false);
  assert.deepEqual(pruneUnasked(intake, { smoker: false, per_day: 10 }), { smoker: false });
  assert.deepEqual(missingItems(intake, { smoker: true }).map((i) => i.id), ['per_day', 'problems', 'safety']);
  // An unticked multi-choice is sent as an empty list.
  assert.deepEqual(finalizeAnswers(intake, { smoker: false, safety: { insult: 1 } }), { smoker: false, safety: { insult: 1 }, problems: [] });
});

test('server error pointers find their item; small integer ranges become scales', () => {
  assert.equal(itemForPointer(phq(9), '/items/8')?.id, 'item9');
  assert.equal(itemForPointer(intake, '/safety/insult')?.id, 'safety');
  assert.equal(itemForPointer(intake, null), null);
  assert.deepEqual(scaleValues(phq(1).sections[0]!.items[0]!), [0, 1, 2, 3]);
  assert.equal(scaleValues(intake.sections[0]!.items[1]!), null); // 1..100: a number input
});
