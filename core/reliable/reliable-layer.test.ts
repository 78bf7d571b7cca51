import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ReliableLayer } from './reliable-layer';
import { SEND_WINDOW } from './constants';
import { seededRandom } from '../testing/seeded-random';

const P_CONTROL_V1 = 4;
const P_ACK_V1 = 5;

interface Wire { acks: number[]; messageId?: number; opcode: number; payload: Buffer }

/**
 * Two reliable layers joined by a link that loses and reorders packets, driven by a
 * fake clock in 100 ms steps. Returns what B received, in order.
 */
function exchange(messages: number, lossRate: number, seed: number): { delivered: string[]; retransmissions: number; maxInFlight: number } {
  const random = seededRandom(seed);
  const a = new ReliableLayer();
  const b = new ReliableLayer();
  for (let i = 0; i < messages; i++) a.queue(Buffer.from(`m${i}`), P_CONTROL_V1);
  const delivered: string[] = [];
  let maxInFlight = 0;
  let toB: Wire[] = [];
  let toA: Wire[] = [];
  const lossy = (packets: Wire[]): Wire[] => packets.filter(() => random() >= lossRate).sort(() => random() - 0.5);
  for (let nowMs = 0; nowMs < 600_000 && delivered.length < messages; nowMs += 100) {
    const fromA = a.takeOutgoing(nowMs).map((m) => ({ acks: m.acks, messageId: m.messageId, opcode: m.opcode, payload: m.payload }));
    maxInFlight = Math.max(maxInFlight, new Set(fromA.map((m) => m.messageId)).size);
    toB.push(...fromA);
    for (const packet of lossy(toB)) for (const m of b.onPacket(packet)) delivered.push(m.payload.toString());
    toB = [];
    const acks = b.takeBareAcks();
    if (acks.length > 0) toA.push({ acks, opcode: P_ACK_V1, payload: Buffer.alloc(0) });
    for (const packet of lossy(toA)) a.onPacket(packet);
    toA = [];
  }
  return { delivered, retransmissions: a.retransmissions, maxInFlight };
}

test('without loss every message arrives once, in order', () => {
  const { delivered, retransmissions } = exchange(40, 0, 1);
  assert.deepEqual(delivered, Array.from({ length: 40 }, (_, i) => `m${i}`));
  assert.equal(retransmissions, 0);
});

test('with 30% loss and reordering: in order, exactly once, window respected', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 2 ** 31 }), (seed) => {
    const { delivered, maxInFlight } = exchange(30, 0.3, seed);
    assert.deepEqual(delivered, Array.from({ length: 30 }, (_, i) => `m${i}`));
    assert.ok(maxInFlight <= SEND_WINDOW);
  }), { numRuns: 25 });
});

test('retransmissions back off: 2 s, then 4 s, then 8 s', () => {
  const layer = new ReliableLayer();
  layer.queue(Buffer.from('x'), P_CONTROL_V1);
  const sendTimes: number[] = [];
  for (let nowMs = 0; nowMs <= 15_000; nowMs += 100) if (layer.takeOutgoing(nowMs).length > 0) sendTimes.push(nowMs);
  assert.deepEqual(sendTimes, [0, 2000, 6000, 14000]);
});

test('duplicates are ACKed again but delivered once; packets beyond the window are not ACKed', () => {
  const layer = new ReliableLayer();
  const packet = { acks: [], messageId: 0, opcode: P_CONTROL_V1, payload: Buffer.from('a') };
  assert.equal(layer.onPacket(packet).length, 1);
  assert.deepEqual(layer.takeBareAcks(), [0]);
  assert.equal(layer.onPacket(packet).length, 0);
  assert.deepEqual(layer.takeBareAcks(), [0]);
  assert.equal(layer.onPacket({ ...packet, messageId: 13 }).length, 0);
  assert.deepEqual(layer.takeBareAcks(), []);
});

test('piggybacked ACKs are at most 4; bare ACK packets at most 8', () => {
  const layer = new ReliableLayer();
  for (let id = 0; id < 10; id++) layer.onPacket({ acks: [], messageId: id, opcode: P_CONTROL_V1, payload: Buffer.alloc(0) });
  layer.queue(Buffer.from('x'), P_CONTROL_V1);
  const [first] = layer.takeOutgoing(0);
  assert.equal(first?.acks.length, 4);
  assert.equal(layer.takeBareAcks().length, 6);
});

test('a retransmission repeats the ACK its first transmission carried', () => {
  const layer = new ReliableLayer();
  layer.onPacket({ acks: [], messageId: 0, opcode: 8, payload: Buffer.alloc(0) }); // the server's reset
  layer.queue(Buffer.from('client hello'), P_CONTROL_V1);
  const [first] = layer.takeOutgoing(0);
  assert.deepEqual(first?.acks, [0]);
  const [again] = layer.takeOutgoing(2_000);
  assert.equal(again?.isRetransmit, true);
  assert.deepEqual(again?.acks, [0], 'the lost ACK of the server reset rides again');
});
