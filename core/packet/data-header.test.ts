import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseDataHeader } from './data-header';
import { parseOpcode, encodeOpcode } from './opcode';
import { P_ACK_V1, P_CONTROL_V1, P_DATA_V1, P_DATA_V2, isControlOpcode, isDataOpcode, opcodeName } from './constants';
import { fromHex } from '../wire/hex';

test('DATA_V2: opcode, key id and 24-bit peer-id; the body starts at 4', () => {
  const parsed = parseDataHeader(fromHex('4b 123456 00000001 aabb'));
  assert.deepEqual(parsed, { ok: true, value: { opcode: P_DATA_V2, keyId: 3, peerId: 0x123456, headerLength: 4 } });
  assert.deepEqual(parseDataHeader(fromHex('48 ffffff')), { ok: true, value: { opcode: P_DATA_V2, keyId: 0, peerId: 0xffffff, headerLength: 4 } });
});

test('DATA_V1: the body starts at 1, no peer-id', () => {
  assert.deepEqual(parseDataHeader(fromHex('37 00000001')), { ok: true, value: { opcode: P_DATA_V1, keyId: 7, headerLength: 1 } });
});

test('truncated or non-data packets are errors', () => {
  const code = (hex: string): string => {
    const parsed = parseDataHeader(fromHex(hex));
    return parsed.ok ? 'ok' : parsed.error.code;
  };
  assert.equal(code(''), 'packet.truncated');
  assert.equal(code('48'), 'packet.truncated');
  assert.equal(code('48 0000'), 'packet.truncated');
  assert.equal(code('20 0000000000000000'), 'packet.bad_opcode');
});

test('property: any bytes parse or fail without a throw', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 8 }), (bytes) => {
    parseDataHeader(Buffer.from(bytes));
  }));
});

test('byte 0 is opcode << 3 | key id', () => {
  assert.deepEqual(parseOpcode(0x4b), { opcode: P_DATA_V2, keyId: 3 });
  assert.deepEqual(parseOpcode(0x20), { opcode: P_CONTROL_V1, keyId: 0 });
  fc.assert(fc.property(fc.integer({ min: 0, max: 31 }), fc.integer({ min: 0, max: 7 }), (opcode, keyId) => {
    assert.deepEqual(parseOpcode(encodeOpcode(opcode, keyId)), { opcode, keyId });
  }));
});

test('opcode classes and names', () => {
  assert.equal(isControlOpcode(P_ACK_V1), true);
  assert.equal(isControlOpcode(P_DATA_V1), false);
  assert.equal(isControlOpcode(1), false, 'key-method 1 resets are obsolete');
  assert.equal(isDataOpcode(P_DATA_V2), true);
  assert.equal(opcodeName(P_CONTROL_V1), 'P_CONTROL_V1');
  assert.equal(opcodeName(30), 'P_UNKNOWN(30)');
});
