import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReliableLayer } from './reliable-layer';
import { BARE_ACKS_CONSERVATIVE, SEND_WINDOW } from './constants';

// Opcodes as the session uses them (packet/constants); plain numbers keep this test about reliability.
const P_CONTROL_HARD_RESET_CLIENT_V2 = 7;
const P_CONTROL_V1 = 4;
const msg = (text: string): Buffer => Buffer.from(text);

function sendTimes(layer: ReliableLayer, untilMs: number): number[] {
  const times: number[] = [];
  for (let nowMs = 0; nowMs <= untilMs; nowMs += 100) if (layer.takeOutgoing(nowMs).length > 0) times.push(nowMs);
  return times;
}

test('ids start at 0 and follow queue order; the opcode chosen at queue time goes out', () => {
  const layer = new ReliableLayer();
  assert.equal(layer.queue(Buffer.alloc(0), P_CONTROL_HARD_RESET_CLIENT_V2), 0);
  assert.equal(layer.queue(msg('a'), P_CONTROL_V1), 1);
  const out = layer.takeOutgoing(0);
  assert.deepEqual(out.map((m) => [m.messageId, m.opcode, m.payload.toString(), m.isRetransmit, m.acks]),
    [[0, P_CONTROL_HARD_RESET_CLIENT_V2, '', false, []], [1, P_CONTROL_V1, 'a', false, []]]);
  assert.equal(layer.queue(msg('b'), P_CONTROL_V1), 2);
});

test('at most 6 unacknowledged, and the window slides only from the oldest unacked id', () => {
  const layer = new ReliableLayer();
  for (let i = 0; i < 10; i++) layer.queue(msg(`m${i}`), P_CONTROL_V1);
  assert.deepEqual(layer.takeOutgoing(0).map((m) => m.messageId), [0, 1, 2, 3, 4, 5]);
  assert.equal(layer.inFlightCount, SEND_WINDOW);
  layer.onPacket({ acks: [2], opcode: 5, payload: Buffer.alloc(0) });
  assert.deepEqual(layer.takeOutgoing(10).map((m) => m.messageId), [], 'id 6 is beyond oldest unacked (0) + 6');
  layer.onPacket({ acks: [0], opcode: 5, payload: Buffer.alloc(0) });
  assert.deepEqual(layer.takeOutgoing(20).map((m) => m.messageId), [6]);
  layer.onPacket({ acks: [1, 3], opcode: 5, payload: Buffer.alloc(0) });
  assert.deepEqual(layer.takeOutgoing(30).map((m) => m.messageId), [7, 8, 9], 'oldest unacked is now 4');
  assert.equal(layer.isAcked(2), true);
  assert.equal(layer.isAcked(4), false);
  assert.equal(layer.allAcked(), false);
});

test('retransmissions back off from 2 s, doubling up to 16 s: 0, 2, 6, 14, 30, 46 s', () => {
  const layer = new ReliableLayer();
  layer.queue(msg('x'), P_CONTROL_V1);
  assert.deepEqual(sendTimes(layer, 50_000), [0, 2000, 6000, 14000, 30000, 46000]);
  assert.equal(layer.retransmissions, 5);
});

test('without a cap the schedule is exactly 2.x: 0, 2, 6, 14, 30, 62 s', () => {
  const layer = new ReliableLayer({ maxRetransmitMs: Number.POSITIVE_INFINITY });
  layer.queue(msg('x'), P_CONTROL_V1);
  assert.deepEqual(sendTimes(layer, 70_000), [0, 2000, 6000, 14000, 30000, 62000]);
});

test('maxRetransmitMs caps the doubling when asked', () => {
  const layer = new ReliableLayer({ maxRetransmitMs: 4000 });
  layer.queue(msg('x'), P_CONTROL_V1);
  assert.deepEqual(sendTimes(layer, 15_000), [0, 2000, 6000, 10000, 14000]);
});

test('retransmits are flagged, keep id, opcode and payload, and stop once ACKed', () => {
  const layer = new ReliableLayer();
  layer.queue(Buffer.alloc(0), P_CONTROL_HARD_RESET_CLIENT_V2);
  layer.takeOutgoing(0);
  const [again] = layer.takeOutgoing(2000);
  assert.deepEqual([again?.messageId, again?.opcode, again?.isRetransmit], [0, P_CONTROL_HARD_RESET_CLIENT_V2, true]);
  layer.onPacket({ acks: [0], messageId: 0, opcode: 8, payload: Buffer.alloc(0) });
  assert.equal(layer.allAcked(), true);
  assert.deepEqual(sendTimes(layer, 60_000), []);
});

test('three ACKs for later ids resend a message early', () => {
  const layer = new ReliableLayer();
  for (let i = 0; i < 4; i++) layer.queue(msg(`m${i}`), P_CONTROL_V1);
  layer.takeOutgoing(0);
  layer.onPacket({ acks: [1, 2], opcode: 5, payload: Buffer.alloc(0) });
  assert.equal(layer.nextDeadlineMs(), 2000);
  layer.onPacket({ acks: [3], opcode: 5, payload: Buffer.alloc(0) });
  assert.equal(layer.nextDeadlineMs(), 0, 'due now');
  const out = layer.takeOutgoing(300);
  assert.deepEqual(out.map((m) => [m.messageId, m.isRetransmit]), [[0, true]]);
  assert.equal(layer.nextDeadlineMs(), 300 + 4000, 'the early resend doubles the timeout like any other');
});

test('ACKs for unknown or already ACKed ids are harmless (2.x repeats recent ACKs)', () => {
  const layer = new ReliableLayer();
  layer.queue(msg('a'), P_CONTROL_V1);
  layer.takeOutgoing(0);
  for (const acks of [[0], [0], [77], [0, 77]]) layer.onPacket({ acks, opcode: 5, payload: Buffer.alloc(0) });
  assert.equal(layer.allAcked(), true);
  assert.equal(layer.queue(msg('b'), P_CONTROL_V1), 1);
});

test('nextDeadlineMs: nothing pending → undefined; queued → due now; sent → the retransmit time', () => {
  const layer = new ReliableLayer();
  assert.equal(layer.nextDeadlineMs(), undefined);
  layer.queue(msg('a'), P_CONTROL_V1);
  assert.equal(layer.nextDeadlineMs(), 0);
  layer.takeOutgoing(500);
  assert.equal(layer.nextDeadlineMs(), 2500);
  layer.onPacket({ acks: [], messageId: 0, opcode: P_CONTROL_V1, payload: msg('in') });
  assert.equal(layer.nextDeadlineMs(), 0, 'an owed ACK is due now');
  assert.deepEqual(layer.takeBareAcks(), [0]);
  assert.equal(layer.nextDeadlineMs(), 2500);
});

/**
 * Receiver scripts in the style of minivpn's reliable tests: the peer's message ids in
 * arrival order; expected deliveries and the ACK owed after each arrival.
 */
const receiveScripts: Array<{ name: string; arrivals: number[]; delivered: number[]; acked: Array<number | null> }> = [
  { name: 'in order', arrivals: [0, 1, 2, 3], delivered: [0, 1, 2, 3], acked: [0, 1, 2, 3] },
  { name: 'reordered', arrivals: [2, 0, 3, 1], delivered: [0, 1, 2, 3], acked: [2, 0, 3, 1] },
  { name: 'duplicates are ACKed again, delivered once', arrivals: [0, 0, 1, 0, 1, 2], delivered: [0, 1, 2], acked: [0, 0, 1, 0, 1, 2] },
  { name: 'a lost id holds back later ones until it arrives', arrivals: [1, 2, 3, 0], delivered: [0, 1, 2, 3], acked: [1, 2, 3, 0] },
  { name: 'the window is [next, next+12): 12 is dropped un-ACKed, 11 is kept', arrivals: [12, 11, 0, 12], delivered: [0], acked: [null, 11, 0, 12] },
];

for (const script of receiveScripts) {
  test(`receive script: ${script.name}`, () => {
    const layer = new ReliableLayer();
    const delivered: number[] = [];
    const acked: Array<number | null> = [];
    for (const id of script.arrivals) {
      for (const m of layer.onPacket({ acks: [], messageId: id, opcode: P_CONTROL_V1, payload: msg(`m${id}`) })) {
        assert.equal(m.payload.toString(), `m${m.messageId}`);
        delivered.push(m.messageId);
      }
      const acks = layer.takeBareAcks();
      assert.ok(acks.length <= 1 || acks.slice(1).every((a) => a !== acks[0]));
      acked.push(acks[0] ?? null);
    }
    assert.deepEqual(delivered, script.delivered);
    assert.deepEqual(acked, script.acked);
  });
}

test('delivered payloads are copies: the packet buffer may be reused', () => {
  const layer = new ReliableLayer();
  const buffer = msg('abc');
  layer.onPacket({ acks: [], messageId: 1, opcode: P_CONTROL_V1, payload: buffer });
  buffer.fill(0);
  const [m] = layer.onPacket({ acks: [], messageId: 0, opcode: P_CONTROL_V1, payload: msg('z') }).slice(1);
  assert.equal(m?.payload.toString(), 'abc');
});

test('owed ACKs: ≤ 4 on each message, then ≤ 8 (or 4) per bare P_ACK_V1; spare slots repeat recent ACKs', () => {
  const layer = new ReliableLayer();
  for (let id = 0; id < 14; id++) layer.onPacket({ acks: [], messageId: id % 12, opcode: P_CONTROL_V1, payload: Buffer.alloc(0) });
  assert.equal(layer.pendingAckCount, 12);
  layer.queue(msg('x'), P_CONTROL_V1);
  const [first] = layer.takeOutgoing(0);
  assert.deepEqual(first?.acks, [0, 1, 2, 3]);
  assert.deepEqual(layer.takeBareAcks(BARE_ACKS_CONSERVATIVE), [4, 5, 6, 7]);
  assert.deepEqual(layer.takeBareAcks(), [8, 9, 10, 11, 7, 6, 5, 4], 'four owed, then the most recent ones');
  assert.deepEqual(layer.takeBareAcks(), [], 'nothing owed: no P_ACK_V1');
  const [retransmit] = layer.takeOutgoing(2000);
  assert.deepEqual(retransmit?.acks, [11, 10, 9, 8], 'a message with nothing owed still repeats recent ACKs');
});
