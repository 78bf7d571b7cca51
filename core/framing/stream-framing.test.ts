import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { DatagramDecoder, StreamDecoder, encodeStreamFrame, type FramingDrop } from './stream-framing';
import { BugError } from '../wire/errors';
import { fromHex } from '../wire/hex';

/** Both directions of a TCP exchange with a real 2.6 server (core/wrap/fixtures/capture-golden.ts). */
const golden = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'golden.json'), 'utf8')) as {
  clientStream: string; serverStream: string;
};
const serverPacket = fromHex(golden.serverStream).subarray(2);
const clientPacket = fromHex(golden.clientStream).subarray(2);
const bigPacket = Buffer.from(Array.from({ length: 1500 }, (_, i) => i & 0xff));
const packets = [serverPacket, clientPacket, bigPacket, Buffer.from([0x28]), serverPacket];
/** The golden server stream, then more frames: one stream of known packets. */
const stream = Buffer.concat([fromHex(golden.serverStream), ...packets.slice(1).map(encodeStreamFrame)]);

function decodeAll(chunks: Buffer[], maxPacketBytes?: number): { got: Buffer[]; drops: FramingDrop[]; broken: number; decoder: StreamDecoder } {
  const got: Buffer[] = [];
  const drops: FramingDrop[] = [];
  let broken = 0;
  const decoder = new StreamDecoder({ onPacket: (p) => got.push(Buffer.from(p)), onDrop: (r) => drops.push(r), onBroken: () => broken++ }, maxPacketBytes);
  for (const chunk of chunks) decoder.push(chunk);
  return { got, drops, broken, decoder };
}

test('golden: the server stream is one frame holding its hard reset; our encoder frames alike', () => {
  assert.deepEqual(decodeAll([fromHex(golden.serverStream)]).got, [serverPacket]);
  assert.equal(encodeStreamFrame(clientPacket).toString('hex'), golden.clientStream);
});

test('one stream split at every byte offset gives the same packets', () => {
  for (let split = 0; split <= stream.length; split++) {
    const { got, drops } = decodeAll([stream.subarray(0, split), stream.subarray(split)]);
    assert.deepEqual(got, packets, `split at ${split}`);
    assert.deepEqual(drops, []);
  }
});

test('split at every pair of offsets around the small frames', () => {
  const head = fromHex(golden.serverStream).length + clientPacket.length + 2 + 4;
  for (let i = 0; i <= head; i++) {
    for (let j = i; j <= head; j++) {
      const { got } = decodeAll([stream.subarray(0, i), stream.subarray(i, j), stream.subarray(j)]);
      assert.deepEqual(got, packets, `split at ${i}, ${j}`);
    }
  }
});

test('byte-by-byte delivery gives the same packets', () => {
  assert.deepEqual(decodeAll([...stream].map((b) => Buffer.from([b]))).got, packets);
});

test('property: any chunking gives the same packets', () => {
  fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: stream.length }), { maxLength: 12 }), (cuts) => {
    const points = [0, ...cuts.sort((a, b) => a - b), stream.length];
    const chunks = points.slice(1).map((end, i) => stream.subarray(points[i], end));
    assert.deepEqual(decodeAll(chunks).got, packets);
  }));
});

test('a frame inside one chunk is delivered as a view, without a copy', () => {
  const seen: Buffer[] = [];
  new StreamDecoder({ onPacket: (p) => seen.push(p), onDrop: () => assert.fail() }).push(stream);
  assert.equal(seen[0]?.buffer, stream.buffer);
});

test('a zero-length frame is dropped and the stream goes on', () => {
  const { got, drops, broken } = decodeAll([Buffer.concat([Buffer.from([0, 0]), stream, Buffer.from([0, 0])])]);
  assert.deepEqual(got, packets);
  assert.deepEqual(drops, ['framing.zero_length', 'framing.zero_length']);
  assert.equal(broken, 0);
});

test('an oversize frame breaks the stream once; nothing after it is delivered', () => {
  const { got, drops, broken, decoder } = decodeAll([encodeStreamFrame(serverPacket), Buffer.from([0x06, 0x41]), stream, stream], 1600);
  assert.deepEqual(got, [serverPacket]);
  assert.deepEqual(drops, ['framing.oversize']);
  assert.equal(broken, 1);
  assert.equal(decoder.isBroken, true);
  assert.equal(decoder.bufferedBytes, 0);
});

test('the limit is inclusive and never above 65535', () => {
  assert.deepEqual(decodeAll([encodeStreamFrame(bigPacket)], 1500).got, [bigPacket]);
  assert.deepEqual(decodeAll([encodeStreamFrame(bigPacket)], 1499).drops, ['framing.oversize']);
  const max = Buffer.alloc(65_535, 1);
  assert.equal(decodeAll([encodeStreamFrame(max)], 1_000_000).got[0]?.length, 65_535);
});

test('a truncated frame waits for the rest; end() drops it', () => {
  const { got, drops, decoder } = decodeAll([stream.subarray(0, stream.length - 1)]);
  assert.deepEqual(got, packets.slice(0, -1));
  assert.equal(decoder.bufferedBytes, serverPacket.length - 1);
  decoder.end();
  assert.deepEqual(drops, ['framing.truncated']);
  const half = decodeAll([stream.subarray(0, 1)]);
  half.decoder.end();
  assert.deepEqual(half.drops, ['framing.truncated']);
  const clean = decodeAll([stream]);
  clean.decoder.end();
  assert.deepEqual(clean.drops, []);
});

test('a 64 KiB frame in one-byte chunks is assembled in linear time', () => {
  const frame = encodeStreamFrame(Buffer.alloc(65_535, 7));
  const started = process.hrtime.bigint();
  const { got } = decodeAll([...Array(frame.length).keys()].map((i) => frame.subarray(i, i + 1)));
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  assert.equal(got[0]?.length, 65_535);
  assert.ok(elapsedMs < 2_000, `${elapsedMs} ms`); // O(n²) copying would take far longer
});

test('encoding an empty or oversize packet is our bug', () => {
  assert.throws(() => encodeStreamFrame(Buffer.alloc(0)), BugError);
  assert.throws(() => encodeStreamFrame(Buffer.alloc(65_536)), BugError);
});

test('datagrams pass through; an empty one is dropped', () => {
  const got: Buffer[] = [];
  const drops: FramingDrop[] = [];
  const decoder = new DatagramDecoder({ onPacket: (p) => got.push(p), onDrop: (r) => drops.push(r) });
  decoder.push(serverPacket);
  decoder.push(Buffer.alloc(0));
  decoder.end();
  assert.deepEqual(got, [serverPacket]);
  assert.equal(got[0], serverPacket);
  assert.deepEqual(drops, ['framing.zero_length']);
});
