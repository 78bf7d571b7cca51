import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamDecoder, encodeStreamFrame } from './stream-framing';

const packets = [Buffer.from('38' + 'aa'.repeat(13), 'hex'), Buffer.from('hello'), Buffer.alloc(300, 7)];
const stream = Buffer.concat(packets.map(encodeStreamFrame));

function decodeAll(chunks: Buffer[]): { got: Buffer[]; drops: string[] } {
  const got: Buffer[] = [];
  const drops: string[] = [];
  const decoder = new StreamDecoder({ onPacket: (p) => got.push(Buffer.from(p)), onDrop: (r) => drops.push(r) });
  for (const chunk of chunks) decoder.push(chunk);
  return { got, drops };
}

test('one stream split at every byte offset gives the same packets', () => {
  for (let split = 0; split <= stream.length; split++) {
    const { got, drops } = decodeAll([stream.subarray(0, split), stream.subarray(split)]);
    assert.deepEqual(got, packets, `split at ${split}`);
    assert.deepEqual(drops, []);
  }
});

test('byte-by-byte delivery gives the same packets', () => {
  const { got } = decodeAll([...stream].map((b) => Buffer.from([b])));
  assert.deepEqual(got, packets);
});

test('a zero-length frame is dropped and the stream goes on', () => {
  const { got, drops } = decodeAll([Buffer.concat([Buffer.from([0, 0]), stream])]);
  assert.deepEqual(got, packets);
  assert.deepEqual(drops, ['framing.zero_length']);
});

test('an oversize frame breaks the stream and nothing after it is delivered', () => {
  const decoder = new StreamDecoder({ onPacket: () => assert.fail('no packet'), onDrop: (r) => assert.equal(r, 'framing.oversize') }, 1600);
  decoder.push(Buffer.from([0x10, 0x00]));
  decoder.push(stream);
  assert.equal(decoder.isBroken, true);
});

test('a truncated frame waits for the rest', () => {
  const { got } = decodeAll([stream.subarray(0, stream.length - 1)]);
  assert.deepEqual(got, packets.slice(0, 2));
});
