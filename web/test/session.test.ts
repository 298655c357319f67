import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sessionState, warningLeadSeconds } from '../src/lib/session.js';
import { goalChart } from '../src/lib/chart.js';

const T0 = Date.parse('2026-11-27T09:00:00Z');
const clock = { lastActivity: T0, idleTimeoutSeconds: 900, expiresAt: T0 + 12 * 3600 * 1000 };

test('the warning comes two minutes before the idle timeout', () => {
  assert.equal(warningLeadSeconds(900), 120);
  assert.equal(warningLeadSeconds(60), 20);
  assert.deepEqual(sessionState(clock, T0 + 60_000), { remainingSeconds: 840, limit: 'idle', warn: false, ended: false });
  const s = sessionState(clock, T0 + 800_000);
  assert.equal(s.warn, true);
  assert.equal(s.remainingSeconds, 100);
  assert.equal(sessionState(clock, T0 + 900_000).ended, true);
  // Activity resets the idle clock.
  assert.equal(sessionState({ ...clock, lastActivity: T0 + 800_000 }, T0 + 800_000).warn, false);
});

test('the absolute end wins when it comes first, and cannot be extended', () => {
  const late = { ...clock, expiresAt: T0 + 60_000 };
  const s = sessionState(late, T0 + 10_000);
  assert.equal(s.limit, 'absolute');
  assert.equal(s.remainingSeconds, 50);
  assert.equal(s.warn, true);
});

test('the goal chart puts points in time order between the target and the baseline', () => {
  const c = goalChart({
    progress: [
      { measured_at: '2026-11-20T00:00:00Z', value: 88 },
      { measured_at: '2026-11-10T00:00:00Z', value: 90 },
      { measured_at: '2026-11-15T00:00:00Z', value: null },
    ],
    target: 85,
    baseline: 92,
    width: 360,
    height: 160,
  });
  assert.equal(c.points.length, 2);
  assert.deepEqual(c.points.map((p) => p.value), [90, 88]);
  assert.ok(c.points[0]!.x < c.points[1]!.x);
  // SVG y grows downwards: higher values sit higher up.
  assert.ok(c.baselineY! < c.points[0]!.y && c.points[1]!.y < c.targetY);
  assert.match(c.path, /^M[\d.]+,[\d.]+ L[\d.]+,[\d.]+$/);
  const one = goalChart({ progress: [{ measured_at: '2026-11-20T00:00:00Z', value: 7 }], target: 7, baseline: null, width: 100, height: 100 });
  assert.equal(one.points[0]!.x, 50);
});
