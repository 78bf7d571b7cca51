import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ByteReader } from './byte-reader';
import { ByteWriter } from './byte-writer';
import { BugError } from './errors';
import { constantTimeEqual, fromHex, hex } from './hex';

test('reads fields big-endian and tracks the offset', () => {
  const reader = new ByteReader(fromHex('01 0203 04050607 0809 0a'));
  assert.equal(reader.u8(), 0x01);
  assert.equal(reader.u16(), 0x0203);
  assert.equal(reader.u32(), 0x04050607);
  assert.equal(reader.offset, 7);
  assert.deepEqual(reader.bytes(2), fromHex('0809'));
  assert.equal(reader.remaining, 1);
  assert.deepEqual(reader.rest(), fromHex('0a'));
  assert.equal(reader.remaining, 0);
  assert.deepEqual(reader.rest(), Buffer.alloc(0));
});

test('a read past the end is undefined and consumes nothing, never a throw', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 8 }), fc.integer({ min: -2, max: 12 }), (data, n) => {
    const reader = new ByteReader(Buffer.from(data));
    const before = reader.offset;
    const results = [reader.u32(), reader.u16(), reader.u8(), reader.bytes(n)];
    assert.ok(reader.offset <= data.length);
    if (data.length < 4) assert.equal(results[0], undefined);
    assert.ok(before <= reader.offset);
  }));
  const reader = new ByteReader(fromHex('0102'));
  assert.equal(reader.u32(), undefined);
  assert.equal(reader.offset, 0);
  assert.equal(reader.bytes(3), undefined);
  assert.equal(reader.bytes(-1), undefined);
  assert.equal(reader.bytes(1.5), undefined);
  assert.equal(reader.u16(), 0x0102);
  assert.equal(reader.u8(), undefined);
});

test('bytes() returns views, not copies', () => {
  const source = fromHex('aabbcc');
  const view = new ByteReader(source, 1).bytes(1);
  source[1] = 0x11;
  assert.deepEqual(view, fromHex('11'));
});

test('the writer round-trips through the reader, growing as needed', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 0xff }), fc.integer({ min: 0, max: 0xffff }),
    fc.integer({ min: 0, max: 0xffff_ffff }), fc.uint8Array({ maxLength: 200 }), fc.integer({ min: 1, max: 16 }),
    (a, b, c, d, capacity) => {
      const bytes = new ByteWriter(capacity).u8(a).u16(b).u32(c).bytes(d).finish();
      assert.equal(bytes.length, 7 + d.length);
      const reader = new ByteReader(bytes);
      assert.deepEqual([reader.u8(), reader.u16(), reader.u32(), reader.bytes(d.length), reader.remaining], [a, b, c, Buffer.from(d), 0]);
    }));
});

test('the writer refuses values that do not fit their field', () => {
  assert.throws(() => new ByteWriter().u8(256), BugError);
  assert.throws(() => new ByteWriter().u16(-1), BugError);
  assert.throws(() => new ByteWriter().u32(2 ** 32), BugError);
  assert.throws(() => new ByteWriter().u32(1.5), BugError);
});

test('hex helpers', () => {
  assert.equal(hex(fromHex(' 00 ff\n\t10 ')), '00ff10');
  assert.equal(hex(new Uint8Array([1, 2]).subarray(1)), '02');
  assert.throws(() => fromHex('abc'), BugError);
  assert.throws(() => fromHex('zz'), BugError);
  assert.equal(constantTimeEqual(fromHex('0102'), fromHex('0102')), true);
  assert.equal(constantTimeEqual(fromHex('0102'), fromHex('0103')), false);
  assert.equal(constantTimeEqual(fromHex('0102'), fromHex('010203')), false);
});
