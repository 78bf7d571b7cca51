import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import * as lz4js from 'lz4js';
import { decodeCompressionFraming, encodeCompressionFraming } from './compression';
import type { CompressionFraming } from './compression';
import { decompressLz4Block } from './lz4-block';
import { decompressLzo1x } from './lzo1x';

const framings: CompressionFraming[] = ['none', 'lzo', 'stub', 'lz4', 'stub-v2', 'lz4-v2'];
const ip = Buffer.from('4500001c00000000400100000a0800020a080001', 'hex');
const allow = { allowDecompression: true };
const deny = { allowDecompression: false };

test('fixed framing bytes: comp-lzo no (FA prefix) differs from compress (swapped FB)', () => {
  assert.equal(encodeCompressionFraming('lzo', ip).toString('hex'), 'fa' + ip.toString('hex'));
  const swapped = 'fb' + ip.subarray(1).toString('hex') + '45';
  assert.equal(encodeCompressionFraming('stub', ip).toString('hex'), swapped);
  assert.equal(encodeCompressionFraming('lz4', ip).toString('hex'), swapped);
  assert.equal(encodeCompressionFraming('stub-v2', ip), ip); // same buffer: no copy on the hot path
  assert.equal(encodeCompressionFraming('none', ip), ip);
  const fifty = Buffer.from('50aabb', 'hex');
  assert.equal(encodeCompressionFraming('lz4-v2', fifty).toString('hex'), '500050aabb');
  assert.equal(encodeCompressionFraming('lzo', Buffer.alloc(0)).length, 0);
});

test('every framing round-trips (property), including packets that start with 0x50, 0xFA or 0xFB', () => {
  fc.assert(fc.property(fc.constantFrom(...framings), fc.uint8Array({ maxLength: 64 }), fc.constantFrom(0x50, 0xfa, 0xfb, 0x45),
    (framing, tail, first) => {
      const packet = Buffer.from([first, ...tail]);
      const decoded = decodeCompressionFraming(framing, Buffer.from(encodeCompressionFraming(framing, packet)), deny);
      assert.ok(decoded.ok);
      assert.deepEqual(decoded.value, packet);
    }));
});

test('mismatched framing is a drop: the classic comp-lzo/compress mix-up', () => {
  const fromCompLzoNo = encodeCompressionFraming('lzo', ip);
  assert.deepEqual(decodeCompressionFraming('stub', Buffer.from(fromCompLzoNo), deny), { ok: false, error: 'data.bad_compression_header' });
  const fromCompress = encodeCompressionFraming('stub', ip);
  assert.deepEqual(decodeCompressionFraming('lzo', Buffer.from(fromCompress), deny), { ok: false, error: 'data.bad_compression_header' });
  assert.deepEqual(decodeCompressionFraming('stub-v2', Buffer.from('5002aa', 'hex'), deny), { ok: false, error: 'data.bad_compression_header' });
  assert.deepEqual(decodeCompressionFraming('lz4-v2', Buffer.from('50', 'hex'), deny), { ok: false, error: 'data.bad_compression_header' });
});

function lz4jsBlock(data: Buffer): Buffer {
  const out = new Uint8Array(lz4js.compressBound(data.length));
  const length = lz4js.compressBlock(data, out, 0, data.length, new Uint32Array(1 << 16));
  assert.ok(length > 0, 'lz4js found nothing to compress');
  return Buffer.from(out.subarray(0, length));
}

const text = Buffer.from('GET /index.html HTTP/1.1\r\nHost: example.test\r\nAccept: */*\r\n\r\n'.repeat(8), 'latin1');
const textAndBytes = Buffer.concat([text, Buffer.from(Array.from({ length: 256 }, (_, i) => i))]);

test('LZ4: a block made by the lz4 CLI (reference C library, as in openvpn) decodes', () => {
  // `lz4 -9 --no-frame-crc` of textAndBytes, the frame header and end mark removed.
  const block = Buffer.from('ff2e474554202f696e6465782e68746d6c20485454502f312e310d0a486f73743a206578616d706c652e746573740d0a4163636570743a202a2f2a0d0a0d0a3d00ff99f0f1'
    + Buffer.from(Array.from({ length: 256 }, (_, i) => i)).toString('hex'), 'hex');
  assert.deepEqual(decompressLz4Block(block, 4096), textAndBytes);
});

test('LZ4 framings (compress lz4: swapped 69; lz4-v2: 50 01) decode blocks made by lz4js', () => {
  const block = lz4jsBlock(textAndBytes);
  const swapped = Buffer.concat([Buffer.from([0x69]), block.subarray(1), block.subarray(0, 1)]);
  assert.deepEqual(decodeCompressionFraming('lz4', swapped, allow), { ok: true, value: textAndBytes });
  const v2 = Buffer.concat([Buffer.from('5001', 'hex'), block]);
  assert.deepEqual(decodeCompressionFraming('lz4-v2', Buffer.from(v2), allow), { ok: true, value: textAndBytes });
  assert.deepEqual(decodeCompressionFraming('lz4-v2', Buffer.from(v2), deny), { ok: false, error: 'data.compression_not_allowed' });
  assert.deepEqual(decodeCompressionFraming('stub', swapped, allow), { ok: false, error: 'data.bad_compression_header' });
  assert.deepEqual(decodeCompressionFraming('lz4-v2', Buffer.from(v2), { allowDecompression: true, maxBytes: 100 }),
    { ok: false, error: 'data.decompress_failed' });
});

test('LZ4 decoder agrees with lz4js on random compressible data and survives corrupt blocks (property)', () => {
  const repetitive = fc.array(fc.constantFrom('abc', 'hello ', 'x', '0000', 'zz'), { minLength: 20, maxLength: 200 }).map((parts) => Buffer.from(parts.join('')));
  fc.assert(fc.property(repetitive, fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 255 }), (data, at, value) => {
    const block = lz4jsBlock(data);
    assert.deepEqual(decompressLz4Block(block, 8192), data);
    const corrupt = Buffer.from(block);
    corrupt[at % corrupt.length] = value;
    const out = decompressLz4Block(corrupt, 8192);
    assert.ok(out === null || out.length <= 8192);
    for (let length = 0; length < block.length; length++) decompressLz4Block(block.subarray(0, length), 8192);
  }));
});

interface LzoVector { name: string; compressor: string; input: Buffer; compressed: Buffer }

/** Made by the system's liblzo2 (fixtures/make-lzo-vectors.py): lzo1x_1_15 (what openvpn uses) and lzo1x_999. */
const lzoVectors: LzoVector[] = readFileSync(join(import.meta.dirname, 'fixtures', 'lzo1x-vectors.txt'), 'utf8')
  .split('\n').filter((line) => line !== '').map((line) => {
    const [name = '', compressor = '', input = '', compressed = ''] = line.split('\t');
    return { name, compressor, input: Buffer.from(input, 'hex'), compressed: Buffer.from(compressed, 'hex') };
  });

test('LZO1X: liblzo2 vectors decode exactly', () => {
  assert.ok(lzoVectors.length >= 16);
  for (const vector of lzoVectors) {
    assert.deepEqual(decompressLzo1x(vector.compressed, 8192), vector.input, `${vector.name} ${vector.compressor}`);
  }
});

test('LZO1X: every truncation, a too small cap, trailing junk and random corruption give null, never a throw', () => {
  for (const vector of lzoVectors) {
    for (let length = 0; length < vector.compressed.length; length++) {
      assert.equal(decompressLzo1x(vector.compressed.subarray(0, length), 8192), null, `${vector.name} cut at ${length}`);
    }
    if (vector.input.length > 0) assert.equal(decompressLzo1x(vector.compressed, vector.input.length - 1), null);
    assert.equal(decompressLzo1x(Buffer.concat([vector.compressed, Buffer.from([0])]), 8192), null);
  }
  fc.assert(fc.property(fc.constantFrom(...lzoVectors), fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: 255 }), (vector, at, value) => {
    if (vector.compressed.length === 0) return;
    const corrupt = Buffer.from(vector.compressed);
    corrupt[at % corrupt.length] = value;
    const out = decompressLzo1x(corrupt, 8192);
    assert.ok(out === null || out.length <= 8192);
  }));
});

test('comp-lzo framing: 0x66 ‖ LZO1X decodes when allowed, dropped by default', () => {
  const vector = lzoVectors.find((v) => v.name === 'ip-packet' && v.compressor === 'lzo1x_1_15_compress');
  assert.ok(vector);
  const framed = Buffer.concat([Buffer.from([0x66]), vector.compressed]);
  assert.deepEqual(decodeCompressionFraming('lzo', framed, allow), { ok: true, value: vector.input });
  assert.deepEqual(decodeCompressionFraming('lzo', framed, deny), { ok: false, error: 'data.compression_not_allowed' });
});
