import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SYSTEM_CLOCKS, SuspendDetector } from './suspend-detector';

function clocks() {
  const now = { monotonicMs: 1_000, boottimeMs: 50_000 };
  return { now, clocks: { monotonicMs: () => now.monotonicMs, boottimeMs: () => now.boottimeMs } };
}

test('a sleep is boottime running ahead of monotonic; a freeze (both move) and noise are not', () => {
  const { now, clocks: fake } = clocks();
  const wakes: number[] = [];
  const detector = new SuspendDetector({ clocks: fake, onWake: (ms) => wakes.push(ms), slackMs: 2_000 });
  detector.start();
  detector.stop(); // the test drives check() itself
  detector.start();
  // An ordinary second.
  now.monotonicMs += 1_000; now.boottimeMs += 1_010;
  detector.check();
  // Frozen for 30 s (SIGSTOP, a stalled VM): both clocks moved; timers catch up by themselves.
  now.monotonicMs += 30_000; now.boottimeMs += 30_000;
  detector.check();
  assert.deepEqual(wakes, []);
  // Suspended for an hour: monotonic stood still.
  now.monotonicMs += 1_000; now.boottimeMs += 3_601_000;
  detector.check();
  assert.deepEqual(wakes, [3_600_000]);
  // The next tick compares from the wake, not from before the sleep.
  now.monotonicMs += 1_000; now.boottimeMs += 1_000;
  detector.check();
  assert.equal(wakes.length, 1);
  detector.stop();
});

test('the system clocks: boottime from /proc/uptime never runs behind monotonic', () => {
  const monotonic = SYSTEM_CLOCKS.monotonicMs();
  const boottime = SYSTEM_CLOCKS.boottimeMs();
  assert.ok(Number.isFinite(boottime) && boottime > 0);
  // The process started after boot: its monotonic age is below the machine's boottime.
  assert.ok(boottime >= monotonic, `${boottime} ≥ ${monotonic}`);
});
