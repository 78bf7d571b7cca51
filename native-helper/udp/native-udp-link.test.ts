import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import type { LinkSinks } from '../../core/index';
import { addonSkipReason } from '../addon/addon-test-prerequisites';
import { loadTunAddon } from '../addon/tun-addon';
import { NativeUdpLink } from './native-udp-link';

// Real sockets on loopback: a node:dgram peer on one side, the addon's batched socket on
// the other. (The tunnel through it is proven against openvpn in the helper's lab tests.)

const skip = addonSkipReason({ root: false });

interface Recorder extends LinkSinks {
  packets: Buffer[];
  drops: string[];
  closed: string[];
}

function recorder(): Recorder {
  const packets: Buffer[] = [];
  const drops: string[] = [];
  const closed: string[] = [];
  return { packets, drops, closed, onPacket: (p) => packets.push(p), onDrop: (r) => drops.push(r), onClosed: (r) => closed.push(r) };
}

async function until(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function numbered(i: number, size = 1200): Buffer {
  const packet = Buffer.alloc(size, i & 0xff);
  packet.writeUInt32BE(i, 0);
  return packet;
}

describe('NativeUdpLink (batched UDP through the addon)', { skip }, () => {
  let peer: Socket;
  let port = 0;
  const received: Buffer[] = [];

  before(async () => {
    peer = createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
    peer.on('message', (message, from) => {
      received.push(message);
      if (message.readUInt32BE(0) !== 0xffffffff) peer.send(message, from.port, from.address); // echo
    });
    await new Promise<void>((resolve) => peer.bind(0, '127.0.0.1', resolve));
    port = (peer.address() as AddressInfo).port;
  });
  after(() => peer.close());

  test('a burst sent in one tick leaves in few sendmmsg calls, arrives in order, and the echoes come back in batches', async (t) => {
    received.length = 0;
    const sinks = recorder();
    const link = NativeUdpLink.open('127.0.0.1', port, 4, sinks);
    t.after(() => link.close());
    for (let i = 0; i < 200; i++) link.send(numbered(i));
    await until(() => sinks.packets.length === 200, 'the 200 echoes');
    const stats = link.stats();
    assert.equal(stats.sendCalls, 4, 'one flush: 200 datagrams in sendmmsg calls of at most 64');
    assert.ok(stats.receiveBatches < 100, `the echoes came in batches (${stats.receiveBatches} recvmmsg calls for 200)`);
    t.diagnostic(`200 echoes in ${stats.receiveBatches} recvmmsg calls`);
    assert.deepEqual(received.map((p) => p.readUInt32BE(0)), [...Array(200).keys()], 'the peer got every packet, in order');
    assert.deepEqual(sinks.packets.map((p) => p.readUInt32BE(0)), [...Array(200).keys()], 'the echoes arrived in order');
    assert.ok(sinks.packets.every((p, i) => p.equals(numbered(i))), 'byte for byte');
    assert.deepEqual(sinks.drops, []);
    link.close();
  });

  test('packets kept from one batch are not overwritten by the next', async (t) => {
    const sinks = recorder();
    const link = NativeUdpLink.open('127.0.0.1', port, 4, sinks);
    t.after(() => link.close());
    link.send(numbered(1));
    await until(() => sinks.packets.length === 1, 'the first echo');
    const kept = sinks.packets[0] as Buffer;
    link.send(numbered(2));
    await until(() => sinks.packets.length === 2, 'the second echo');
    assert.ok(kept.equals(numbered(1)));
    link.close();
  });

  test('nothing listening: the ICMP port unreachable closes the link at once (udp.port_unreachable)', async (t) => {
    const closedPeer = createSocket('udp4');
    await new Promise<void>((resolve) => closedPeer.bind(0, '127.0.0.1', resolve));
    const deadPort = (closedPeer.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closedPeer.close(() => resolve()));
    const sinks = recorder();
    const link = NativeUdpLink.open('127.0.0.1', deadPort, 4, sinks);
    t.after(() => link.close());
    link.send(numbered(1));
    await until(() => sinks.closed.length > 0, 'the link to close');
    assert.deepEqual(sinks.closed, ['udp.port_unreachable']);
    link.send(numbered(2)); // after close: ignored, never throws
    link.close();
  });

  test('close sends what was queued this tick (an EXIT), then nothing more is delivered or sent', async () => {
    received.length = 0;
    const sinks = recorder();
    const link = NativeUdpLink.open('127.0.0.1', port, 4, sinks);
    link.send(numbered(7));
    link.close();
    link.send(numbered(8));
    await until(() => received.length === 1, 'the queued packet at the peer');
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(received.map((p) => p.readUInt32BE(0)), [7], 'the queued packet went; the one after close did not');
    assert.deepEqual(sinks.packets, [], 'its echo is not delivered to a closed link');
  });

  test('addon: a datagram longer than maxPacket is dropped and counted; the next one arrives', async (t) => {
    const addon = loadTunAddon();
    const got: number[] = [];
    const socket = new addon.UdpSocket(4, '127.0.0.1', port, (buffer, lengths, count) => {
      let offset = 0;
      for (let i = 0; i < count; i++) {
        got.push(buffer.readUInt32BE(offset));
        offset += lengths[i] as number;
      }
    }, { maxBatch: 8, maxPacket: 100 }, () => undefined);
    t.after(() => socket.close());
    socket.start();
    assert.equal(socket.sendBatch([numbered(1, 400), numbered(2, 80)], 0), 2, 'both leave in one call');
    await until(() => got.length === 1, 'the short echo');
    assert.deepEqual(got, [2]);
    assert.equal(socket.stats().oversized, 1);
    assert.equal(socket.stats().sendCalls, 1);
    socket.close();
    socket.close(); // idempotent
    assert.equal(socket.sendBatch([numbered(3)], 0), 0);
    assert.equal(socket.lastSendError(), 'EBADF');
  });

  test('addon: bad arguments are TypeErrors and RangeErrors, not crashes', () => {
    const addon = loadTunAddon();
    const noop = (): void => undefined;
    assert.throws(() => new addon.UdpSocket(5 as 4, '127.0.0.1', port, noop, { maxBatch: 8, maxPacket: 100 }, noop), RangeError);
    assert.throws(() => new addon.UdpSocket(4, '::1', port, noop, { maxBatch: 8, maxPacket: 100 }, noop), RangeError);
    assert.throws(() => new addon.UdpSocket(4, '127.0.0.1', 0, noop, { maxBatch: 8, maxPacket: 100 }, noop), RangeError);
    assert.throws(() => new addon.UdpSocket(4, '127.0.0.1', port, noop, { maxBatch: 0, maxPacket: 100 }, noop), RangeError);
    const socket = new addon.UdpSocket(4, '127.0.0.1', port, noop, { maxBatch: 8, maxPacket: 100 }, noop);
    assert.throws(() => socket.sendBatch(['x' as unknown as Buffer], 0), TypeError);
    assert.throws(() => socket.sendBatch([], 1), RangeError);
    socket.close();
  });
});
