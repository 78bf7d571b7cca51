import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { encodeControlPacket, parseControlPacket, type ControlPacket } from './control-packet';
import {
  P_ACK_V1, P_CONTROL_HARD_RESET_CLIENT_V1, P_CONTROL_HARD_RESET_CLIENT_V2, P_CONTROL_HARD_RESET_CLIENT_V3,
  P_CONTROL_HARD_RESET_SERVER_V2, P_CONTROL_SOFT_RESET_V1, P_CONTROL_V1, P_CONTROL_WKC_V1, P_DATA_V2,
} from './constants';
import { BugError } from '../wire/errors';
import { fromHex } from '../wire/hex';

/** A plain (unwrapped) exchange with a real 2.6 server over TCP: see core/wrap/fixtures/capture-golden.ts. */
const golden = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'golden.json'), 'utf8')) as {
  clientSessionId: string; clientPlain: string; serverWire: string;
};
/** The server's TCP stream holds exactly one frame: u16 length, then the packet. */
const serverReset = fromHex(golden.serverWire).subarray(2);

test('golden: our client hard reset is the byte layout of protocol.md §2.1', () => {
  const bytes = encodeControlPacket({
    opcode: P_CONTROL_HARD_RESET_CLIENT_V2, keyId: 0, sessionId: fromHex(golden.clientSessionId), acks: [], messageId: 0, payload: Buffer.alloc(0),
  });
  assert.equal(bytes.toString('hex'), golden.clientPlain);
  assert.equal(bytes.toString('hex'), `38${golden.clientSessionId}00` + '00000000');
});

test("golden: the server's hard reset parses, ACKs our id 0 with our session id, and re-encodes byte-exact", () => {
  const parsed = parseControlPacket(serverReset);
  assert.ok(parsed.ok);
  const p = parsed.value;
  assert.deepEqual([p.opcode, p.keyId, p.acks, p.remoteSessionId?.toString('hex'), p.messageId, p.payload.length],
    [P_CONTROL_HARD_RESET_SERVER_V2, 0, [0], golden.clientSessionId, 0, 0]);
  assert.equal(p.sessionId.length, 8);
  assert.deepEqual(encodeControlPacket(p), serverReset);
});

test('golden: every truncation of the server reset is an error, never a throw', () => {
  for (let length = 0; length < serverReset.length; length++) {
    const parsed = parseControlPacket(serverReset.subarray(0, length));
    assert.equal(parsed.ok ? 'ok' : parsed.error.code, 'packet.truncated', `length ${length}`);
  }
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

const sessionIdArbitrary = fc.uint8Array({ minLength: 8, maxLength: 8 }).map((a) => Buffer.from(a));
const packetArbitrary = fc.record({
  opcode: fc.constantFrom(P_CONTROL_SOFT_RESET_V1, P_CONTROL_V1, P_ACK_V1, P_CONTROL_HARD_RESET_CLIENT_V2,
    P_CONTROL_HARD_RESET_SERVER_V2, P_CONTROL_HARD_RESET_CLIENT_V3, P_CONTROL_WKC_V1),
  keyId: fc.integer({ min: 0, max: 7 }),
  sessionId: sessionIdArbitrary,
  acks: fc.array(fc.integer({ min: 0, max: 0xffff_ffff }), { maxLength: 8 }),
  remoteSessionId: sessionIdArbitrary,
  messageId: fc.integer({ min: 0, max: 0xffff_ffff }),
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

test('property: parse ∘ encode is the identity, and encode ∘ parse too', () => {
  fc.assert(fc.property(packetArbitrary, (packet) => {
    const bytes = encodeControlPacket(packet);
    const parsed = parseControlPacket(bytes);
    assert.ok(parsed.ok);
    const fields = (p: ControlPacket): unknown[] => [p.opcode, p.keyId, p.sessionId, p.acks, p.remoteSessionId, p.messageId, p.payload];
    assert.deepEqual(fields(parsed.value), fields(packet));
    assert.deepEqual(encodeControlPacket(parsed.value), bytes);
  }));
});

test('property: every truncation of the header is an error result, never a throw', () => {
  fc.assert(fc.property(packetArbitrary, (packet) => {
    const bytes = encodeControlPacket({ ...packet, payload: Buffer.alloc(0) });
    for (let length = 0; length < bytes.length; length++) {
      assert.equal(parseControlPacket(bytes.subarray(0, length)).ok, false, `length ${length}`);
    }
  }));
});

test('property: arbitrary bytes never throw', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
    parseControlPacket(Buffer.from(bytes));
  }));
});

test('refused on parse: more than 8 ACKs, an ACK_V1 without ACKs, data and key-method-1 opcodes', () => {
  const code = (hex: string): string => {
    const parsed = parseControlPacket(fromHex(hex));
    return parsed.ok ? 'ok' : parsed.error.code;
  };
  assert.equal(code('20' + '00'.repeat(8) + '09' + '00'.repeat(9 * 4 + 8 + 4)), 'packet.too_many_acks');
  assert.equal(code('28' + '00'.repeat(8) + '00'), 'packet.empty_ack');
  assert.equal(code(`${(P_DATA_V2 << 3).toString(16)}` + '00'.repeat(20)), 'packet.bad_opcode');
  assert.equal(code(`0${(P_CONTROL_HARD_RESET_CLIENT_V1 << 3).toString(16)}` + '00'.repeat(20)), 'packet.bad_opcode');
  assert.equal(code('00'), 'packet.bad_opcode');
});

test('refused on encode (our bug): 9 ACKs, ACKs without remote session id, missing message id, bad key id', () => {
  const base: ControlPacket = { opcode: P_CONTROL_V1, keyId: 0, sessionId: Buffer.alloc(8, 1), acks: [], messageId: 1, payload: Buffer.alloc(0) };
  const remoteSessionId = Buffer.alloc(8, 2);
  assert.throws(() => encodeControlPacket({ ...base, acks: [1, 2, 3, 4, 5, 6, 7, 8, 9], remoteSessionId }), BugError);
  assert.throws(() => encodeControlPacket({ ...base, acks: [1] }), BugError);
  assert.throws(() => encodeControlPacket({ ...base, messageId: undefined }), BugError);
  assert.throws(() => encodeControlPacket({ ...base, keyId: 8 }), BugError);
  assert.throws(() => encodeControlPacket({ ...base, opcode: P_ACK_V1, messageId: undefined }), BugError);
  assert.throws(() => encodeControlPacket({ ...base, opcode: P_DATA_V2 }), BugError);
  assert.throws(() => encodeControlPacket({ ...base, sessionId: Buffer.alloc(7) }), BugError);
});
