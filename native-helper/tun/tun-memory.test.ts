import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTunDevice, MemoryTunDevice, POISON_BYTE, TunError } from './index';
import { buildIcmpEchoRequest, echoReplyFor } from './ip-packets';

const ping = (seq: number): Buffer => buildIcmpEchoRequest({ src: '10.8.0.2', dst: '10.8.0.1', id: 7, seq, payload: Buffer.from('abc') });

test('injected packets reach the handler in order, in batches of at most maxBatch', () => {
  const device = new MemoryTunDevice({ maxBatch: 3 });
  const batches: number[][] = [];
  device.inject([ping(0), ping(1)]); // before a handler: queued, like the OS queue
  device.onPackets((packets) => batches.push(packets.map((packet) => packet.readUInt16BE(26))));
  device.inject([ping(2), ping(3), ping(4), ping(5)]);
  device.inject(ping(6));
  assert.deepEqual(batches, [[0, 1], [2, 3, 4], [5], [6]]);
});

test('packets are borrowed: poisoned after the handler returns, so kept references show', () => {
  const device = new MemoryTunDevice();
  const kept: Buffer[] = [];
  let copy = Buffer.alloc(0);
  device.onPackets((packets) => {
    kept.push(...packets);
    copy = Buffer.from(packets[0] as Buffer);
  });
  const original = ping(1);
  device.inject(original);
  assert.ok((kept[0] as Buffer).every((byte) => byte === POISON_BYTE));
  assert.deepEqual(copy, original);
  assert.deepEqual(original, ping(1), 'the caller’s own buffer is untouched');
});

test('a handler that writes replies: written holds copies, in order', () => {
  const device = new MemoryTunDevice();
  device.onPackets((packets) => {
    for (const packet of packets) {
      const reply = echoReplyFor(packet);
      if (reply.ok) device.write(reply.value);
    }
  });
  device.inject([ping(1), ping(2)]);
  assert.deepEqual(device.takeWritten().map((packet) => packet.readUInt16BE(26)), [1, 2]);
  assert.equal(device.written.length, 0);
});

test('oversized packets are dropped and counted, as on the real device', () => {
  const device = new MemoryTunDevice({ mtuBytes: 40 });
  const seen: number[] = [];
  device.onPackets((packets) => seen.push(...packets.map((packet) => packet.length)));
  device.inject([Buffer.alloc(40, 0x45), Buffer.alloc(41, 0x45)]);
  assert.deepEqual(seen, [40]);
  assert.equal(device.oversized, 1);
});

test('a full write queue drops; writeBatch stops at the first drop', () => {
  const device = new MemoryTunDevice({ writeCapacity: 2 });
  assert.equal(device.writeBatch([ping(1), ping(2), ping(3)]), 2);
  assert.equal(device.write(ping(4)), false);
  assert.equal(device.writeDrops, 2);
  device.takeWritten();
  assert.equal(device.write(ping(5)), true);
});

test('handler-injected packets are delivered after the current batch, not nested', () => {
  const device = new MemoryTunDevice();
  const order: string[] = [];
  device.onPackets((packets) => {
    const seq = (packets[0] as Buffer).readUInt16BE(26);
    order.push(`start ${seq}`);
    if (seq === 1) device.inject(ping(2));
    order.push(`end ${seq}`);
  });
  device.inject(ping(1));
  assert.deepEqual(order, ['start 1', 'end 1', 'start 2', 'end 2']);
});

test('after close: no deliveries, writes drop; fail() reports once through onDidFail', () => {
  const device = new MemoryTunDevice();
  let delivered = 0;
  device.onPackets(() => delivered++);
  const failures: string[] = [];
  device.onDidFail((error) => failures.push(error.code));
  device.fail(new TunError('tun.device_failed', 'deleted'));
  device.inject(ping(1));
  assert.deepEqual([delivered, failures], [0, ['tun.device_failed']]);
  device.close();
  device.close();
  assert.equal(device.closed, true);
  assert.equal(device.write(ping(1)), false);
  assert.equal(device.writeBatch([ping(1)]), 0);
  device.inject(ping(2));
  assert.equal(delivered, 0);
});

test('createTunDevice refuses platforms without an implementation', () => {
  assert.throws(() => createTunDevice({ mtuBytes: 1500 }, 'darwin'), (error: unknown) =>
    error instanceof TunError && error.code === 'tun.unsupported_platform');
});
