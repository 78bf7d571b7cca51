import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { encodeIpAddress, formatIpAddress, ipFamily } from './ip-address';

test('IPv4 and IPv6 text encode to wire bytes', () => {
  assert.equal(encodeIpAddress('10.250.0.1').toString('hex'), '0afa0001');
  assert.equal(encodeIpAddress('fd00:250::1').toString('hex'), 'fd000250000000000000000000000001');
  assert.equal(encodeIpAddress('::').toString('hex'), '0'.repeat(32));
  assert.equal(encodeIpAddress('::ffff:10.0.0.1').toString('hex'), '00000000000000000000ffff0a000001');
  assert.equal(encodeIpAddress('1:2:3:4:5:6:7:8').toString('hex'), '00010002000300040005000600070008');
  assert.throws(() => encodeIpAddress('10.0.0'), RangeError);
  assert.deepEqual([ipFamily('10.0.0.1'), ipFamily('fd00::1'), ipFamily('nope')], [4, 6, 0]);
});

test('IPv6 formats per RFC 5952: lower case, the longest zero run (first on a tie) as ::', () => {
  const format = (hex: string): string => formatIpAddress(Buffer.from(hex, 'hex'));
  assert.equal(format('fd000250000000000000000000000001'), 'fd00:250::1');
  assert.equal(format('20010db8000000010000000000000001'), '2001:db8:0:1::1');
  assert.equal(format('20010db8000000000001000000000001'), '2001:db8::1:0:0:1');
  assert.equal(format('00010000000100000001000000010000'), '1:0:1:0:1:0:1:0');
  assert.equal(format('00000000000000000000000000000000'), '::');
  assert.throws(() => formatIpAddress(new Uint8Array(5)), RangeError);
});

test('property: format ∘ encode is the identity on bytes, and agrees with node:net', () => {
  fc.assert(fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
    const text = formatIpAddress(bytes);
    assert.equal(ipFamily(text), 6);
    assert.deepEqual(encodeIpAddress(text), Buffer.from(bytes));
  }));
  fc.assert(fc.property(fc.ipV6(), (text) => {
    assert.deepEqual(encodeIpAddress(formatIpAddress(encodeIpAddress(text))), encodeIpAddress(text));
  }));
});
