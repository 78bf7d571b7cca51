import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameDecoder, MAX_FRAME_BYTES, encodeFrame } from './frames';

function decode(chunks: Uint8Array[]): { messages: unknown[]; problems: string[] } {
  const messages: unknown[] = [];
  const problems: string[] = [];
  const decoder = new FrameDecoder((m) => messages.push(m), (p) => problems.push(p));
  for (const chunk of chunks) decoder.push(chunk);
  return { messages, problems };
}

test('frames split at every byte offset decode to the same messages', () => {
  const messages = [{ id: 1, method: 'hello' }, { id: 2, method: 'tunnel.status', params: { é: 'ü' } }];
  const stream = Buffer.concat(messages.map((m) => Buffer.from(encodeFrame(m))));
  for (let split = 0; split <= stream.length; split++) {
    assert.deepEqual(decode([stream.subarray(0, split), stream.subarray(split)]).messages, messages);
  }
});

test('a frame that is not JSON is reported and the next one still decodes', () => {
  const bad = Buffer.from([0, 0, 0, 3, 0x7b, 0x7b, 0x7b]);
  const { messages, problems } = decode([Buffer.concat([bad, Buffer.from(encodeFrame({ ok: true }))])]);
  assert.deepEqual(problems, ['ipc.bad_frame']);
  assert.deepEqual(messages, [{ ok: true }]);
});

test('an oversize length is refused before its body is buffered', () => {
  const header = Buffer.alloc(4);
  header.writeUInt32BE(MAX_FRAME_BYTES + 1);
  const { messages, problems } = decode([header, Buffer.from(encodeFrame({ after: 1 }))]);
  assert.deepEqual(problems, ['ipc.frame_too_large']);
  assert.deepEqual(messages, []);
});
