import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LongPacketIdSender, LongPacketIdWindow } from './long-packet-id';

test('the sender starts at 1, fixes net_time at the first send, and counts every call', () => {
  let now = 100;
  const sender = new LongPacketIdSender(0, () => now);
  assert.deepEqual(sender.next(), { id: 1, timeSeconds: 100 });
  now = 200;
  assert.deepEqual(sender.next(), { id: 2, timeSeconds: 100 });
});

test('at 0xffffffff the sender moves net_time on and restarts at 1 (never id 0)', () => {
  const sender = new LongPacketIdSender(0xffff_fffe, () => 100);
  assert.deepEqual(sender.next(), { id: 0xffff_ffff, timeSeconds: 100 });
  assert.deepEqual(sender.next(), { id: 1, timeSeconds: 101 });
  const window = new LongPacketIdWindow();
  window.commit(0xffff_ffff, 100);
  assert.equal(window.isFresh(1, 101), true);
});

test('the replay window compares time first, then a 64-id window', () => {
  const window = new LongPacketIdWindow();
  assert.equal(window.isFresh(0, 100), false, 'id 0 is never valid');
  window.commit(5, 100);
  assert.equal(window.isFresh(5, 100), false);
  assert.equal(window.isFresh(4, 100), true);
  assert.equal(window.isFresh(1, 99), false, 'older time');
  assert.equal(window.isFresh(1, 101), true, 'newer time starts a fresh window');
  window.commit(200, 100);
  assert.equal(window.isFresh(136, 100), false, '64 or more behind');
  assert.equal(window.isFresh(137, 100), true);
  window.commit(137, 100);
  assert.equal(window.isFresh(137, 100), false);
});

test('any order of distinct ids within the window is accepted once each', () => {
  fc.assert(fc.property(fc.shuffledSubarray(Array.from({ length: 64 }, (_, i) => i + 1), { minLength: 1 }), (ids) => {
    const window = new LongPacketIdWindow();
    for (const id of ids) {
      assert.equal(window.isFresh(id, 7), true, `first ${id}`);
      window.commit(id, 7);
      assert.equal(window.isFresh(id, 7), false, `again ${id}`);
    }
    for (const id of ids) assert.equal(window.isFresh(id, 7), false);
  }));
});
