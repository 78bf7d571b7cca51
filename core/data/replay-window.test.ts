import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ReplayWindow } from './replay-window';

function accept(window: ReplayWindow, id: number): string {
  const verdict = window.test(id);
  if (verdict === null) window.commit(id);
  return verdict ?? 'ok';
}

test('id 0 is never valid; fresh ids pass once', () => {
  const window = new ReplayWindow();
  assert.equal(accept(window, 0), 'data.bad_packet_id');
  assert.equal(accept(window, 1), 'ok');
  assert.equal(accept(window, 1), 'data.replay');
  assert.equal(accept(window, 3), 'ok');
  assert.equal(accept(window, 2), 'ok');
  assert.equal(accept(window, 2), 'data.replay');
});

test('the window is 64 ids deep: highest-63 passes, highest-64 does not', () => {
  const window = new ReplayWindow();
  accept(window, 1000);
  assert.equal(window.test(1000 - 63), null);
  assert.equal(window.test(1000 - 64), 'data.replay_window');
  assert.equal(accept(window, 1000 - 63), 'ok');
  assert.equal(accept(window, 1000 - 63), 'data.replay');
});

test('test without commit does not move the window (unauthenticated packets)', () => {
  const window = new ReplayWindow();
  accept(window, 5);
  assert.equal(window.test(500), null);
  assert.equal(window.highest, 5);
  assert.equal(accept(window, 4), 'ok');
});

test('large jumps clear stale bits: ids seen 128 or more ago are not mistaken for replays', () => {
  const window = new ReplayWindow();
  for (let id = 1; id <= 200; id++) assert.equal(accept(window, id), 'ok');
  assert.equal(accept(window, 200 + 128), 'ok');
  for (let id = 200 + 128 - 63; id < 200 + 128; id++) assert.equal(accept(window, id), 'ok', `id ${id}`);
  assert.equal(accept(window, 0xffffffff), 'ok');
  assert.equal(accept(window, 0xffffffff - 1), 'ok');
  assert.equal(accept(window, 0xffffffff), 'data.replay');
});

test('agrees with a plain set-based model on random id sequences (property)', () => {
  fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 400 }), { maxLength: 300 }), (ids) => {
    const window = new ReplayWindow();
    const seen = new Set<number>();
    let highest = 0;
    for (const id of ids) {
      const expected = id === 0 ? 'data.bad_packet_id'
        : id > highest ? 'ok' : highest - id >= 64 ? 'data.replay_window' : seen.has(id) ? 'data.replay' : 'ok';
      assert.equal(accept(window, id), expected, `id ${id} after ${highest}`);
      if (expected === 'ok') { seen.add(id); highest = Math.max(highest, id); }
    }
  }));
});

test('48-bit ids (epoch-format counters) slide and replay like small ones', () => {
  const window = new ReplayWindow();
  const base = 2 ** 48 - 200;
  assert.equal(accept(window, base), 'ok');
  assert.equal(accept(window, base + 100), 'ok');
  assert.equal(accept(window, base + 40), 'ok');
  assert.equal(accept(window, base + 40), 'data.replay');
  assert.equal(accept(window, base + 36), 'data.replay_window');
  assert.equal(accept(window, 2 ** 48 - 1), 'ok');
  assert.equal(accept(window, 2 ** 48 - 2), 'ok');
  assert.equal(accept(window, 2 ** 48 - 1), 'data.replay');
  assert.equal(window.highest, 2 ** 48 - 1);
});
