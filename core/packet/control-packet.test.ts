import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { encodeControlPacket, parseControlPacket, type ControlPacket } from './control-packet';
import { P_ACK_V1, P_CONTROL_HARD_RESET_CLIENT_V2, P_CONTROL_V1 } from './constants';
import { fromHex } from '../wire/hex';

test('a client hard reset has the byte layout of protocol.md §2.1', () => {
  const bytes = encodeControlPacket({
    opcode: P_CONTROL_HARD_RESET_CLIENT_V2, keyId: 0, sessionId: fromHex('0102030405060708'), acks: [], messageId: 0, payload: Buffer.alloc(0),
  });
  assert.equal(bytes.toString('hex'), '38' + '0102030405060708' + '00' + '00000000');
});

test('an ACK carries the remote session id and no message id', () => {
  const bytes = encodeControlPacket({
    opcode: P_ACK_V1, keyId: 1, sessionId: fromHex('1111111111111111'), acks: [0, 7],
    remoteSessionId: fromHex('2222222222222222'), payload: Buffer.alloc(0),
  });
  assert.equal(bytes.toString('hex'), '29' + '11'.repeat(8) + '02' + '00000000' + '00000007' + '22'.repeat(8));
  const parsed = parseControlPacket(bytes);
  assert.ok(parsed.ok);
  assert.equal(parsed.value.messageId, undefined);
  assert.deepEqual(parsed.value.acks, [0, 7]);
});

const packetArbitrary = fc.record({
  opcode: fc.constantFrom(P_CONTROL_V1, P_CONTROL_HARD_RESET_CLIENT_V2, P_ACK_V1),
  keyId: fc.integer({ min: 0, max: 7 }),
  sessionId: fc.uint8Array({ minLength: 8, maxLength: 8 }).map((a) => Buffer.from(a)),
  acks: fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 8 }),
  remoteSessionId: fc.uint8Array({ minLength: 8, maxLength: 8 }).map((a) => Buffer.from(a)),
  messageId: fc.integer({ min: 0, max: 0xffffffff }),
  payload: fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
}).map((p): ControlPacket => {
  const isAck = p.opcode === P_ACK_V1;
  const acks = isAck && p.acks.length === 0 ? [1] : p.acks;
  return {
    opcode: p.opcode, keyId: p.keyId, sessionId: p.sessionId, acks,
    remoteSessionId: acks.length > 0 ? p.remoteSessionId : undefined,
    messageId: isAck ? undefined : p.messageId,
    payload: isAck ? Buffer.alloc(0) : p.payload,
  };
});

test('parse ∘ encode is the identity', () => {
  fc.assert(fc.property(packetArbitrary, (packet) => {
    const parsed = parseControlPacket(encodeControlPacket(packet));
    assert.ok(parsed.ok);
    const got = parsed.value;
    assert.deepEqual(
      [got.opcode, got.keyId, got.sessionId, got.acks, got.remoteSessionId, got.messageId, got.payload],
      [packet.opcode, packet.keyId, packet.sessionId, packet.acks, packet.remoteSessionId, packet.messageId, packet.payload],
    );
  }));
});

test('every truncation is an error result, never a throw', () => {
  fc.assert(fc.property(packetArbitrary, (packet) => {
    const bytes = encodeControlPacket({ ...packet, payload: Buffer.alloc(0) });
    for (let length = 0; length < bytes.length; length++) {
      const parsed = parseControlPacket(bytes.subarray(0, length));
      assert.equal(parsed.ok, false, `length ${length}`);
    }
  }));
});

test('more than 8 ACKs is refused', () => {
  const bytes = Buffer.concat([fromHex('20' + '00'.repeat(8) + '09'), Buffer.alloc(9 * 4 + 8 + 4)]);
  const parsed = parseControlPacket(bytes);
  assert.equal(parsed.ok ? 'ok' : parsed.error.code, 'packet.too_many_acks');
});
