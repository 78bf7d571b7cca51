// The addon's TunReader used directly, in its default mode (a fresh Buffer per batch,
// owned by the callback). LinuxTunDevice uses lend mode; tun-linux.lab.test.ts covers it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { run, runOk } from '../../e2e/lab/run';
import { addonSkipReason } from './addon-test-prerequisites';
import { loadTunAddon } from './tun-addon';

const skip = addonSkipReason({ root: true });
const id = `${process.pid}r${randomInt(36 ** 3).toString(36)}`; // ≤ 7 + 1 + 3 chars: names stay ≤ 15
const NS = `psttun${id}`;
const NAME = `pst${id}`;

let fd: number | undefined;

before(async () => {
  if (skip) return;
  await runOk('ip', ['netns', 'add', NS]);
});
after(async () => {
  if (skip) return;
  if (fd !== undefined) loadTunAddon().close(fd);
  await run('ip', ['netns', 'del', NS]);
});

test('default mode: every batch is a fresh Buffer the callback may keep', { skip }, async () => {
  const addon = loadTunAddon();
  const opened = addon.openTun(NAME);
  fd = opened.fd;
  await runOk('ip', ['link', 'set', NAME, 'netns', NS]);
  await runOk('ip', ['-n', NS, 'addr', 'add', '10.250.0.5/30', 'dev', NAME]);
  await runOk('ip', ['-n', NS, 'link', 'set', NAME, 'up']);

  const kept: { buffer: Buffer; lengths: number[] }[] = [];
  const reader = new addon.TunReader(opened.fd, (buffer, lengths, count) => {
    // lengths is reused by the addon: copy the part that is valid now.
    kept.push({ buffer, lengths: Array.from(lengths.subarray(0, count)) });
  }, { maxBatch: 8, mtu: 1500 });
  reader.start();
  await run('ip', ['netns', 'exec', NS, 'ping', '-c', '3', '-i', '0.2', '-W', '0.3', '-p', 'c0ffee', '10.250.0.6']);
  reader.stop();
  reader.stop(); // idempotent

  const packets = kept.flatMap(({ buffer, lengths }) => {
    let offset = 0;
    return lengths.map((length) => buffer.subarray(offset, (offset += length)));
  });
  const pings = packets.filter((packet) => packet[0] === 0x45 && packet[9] === 1);
  assert.equal(pings.length, 3);
  // Kept across later batches and still intact: nobody reused their memory.
  for (const ping of pings) assert.ok(ping.subarray(28).toString('hex').includes('c0ffee'));
  assert.equal(new Set(kept.map(({ buffer }) => buffer)).size, kept.length, 'a new Buffer per batch');
  const stats = reader.stats();
  assert.equal(stats.packets, packets.length);
  assert.equal(stats.batches, kept.length);
  assert.equal(stats.readErrors, 0);
});
