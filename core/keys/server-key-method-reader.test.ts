import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { encodeKeyMethod2Server } from './key-method-2';
import { KEY_METHOD_2_SERVER_HELD_MAX_BYTES, ServerKeyMethodReader, type ServerKeyMethodRead } from './server-key-method-reader';

const random1 = Buffer.alloc(32, 0xbb);
const random2 = Buffer.alloc(32, 0xcc);
const serverOptions = 'V4,dev-type tun,link-mtu 1549,tun-mtu 1500,proto UDPv4,cipher AES-256-GCM,auth [null-digest],keysize 256,key-method 2,tls-server';
const encoded = encodeKeyMethod2Server({ random1, random2, optionsString: serverOptions });
assert.ok(encoded.ok);
const message = encoded.value;
const pushReply = Buffer.from('PUSH_REPLY,ping 10,ping-restart 60\0', 'latin1');
/** What a 2.6 server's TLS session carries: its key-method 2 message, then the next control message. */
const stream = Buffer.concat([message, pushReply]);

/** Feeds `chunks` in order; returns the final read, every read, and the bytes handed on after the message. */
function feed(chunks: readonly Buffer[]): { last: ServerKeyMethodRead | undefined; reads: ServerKeyMethodRead[]; after: Buffer; maxHeld: number } {
  const reader = new ServerKeyMethodReader();
  const reads: ServerKeyMethodRead[] = [];
  const after: Buffer[] = [];
  let maxHeld = 0;
  for (const chunk of chunks) {
    const last = reads.at(-1);
    if (last?.kind === 'message') { after.push(chunk); continue; } // the session hands these to the control-message splitter
    const read = reader.push(chunk);
    reads.push(read);
    maxHeld = Math.max(maxHeld, reader.heldBytes);
    if (read.kind === 'message') after.push(read.message.rest);
  }
  return { last: reads.at(-1), reads, after: Buffer.concat(after), maxHeld };
}

function chunksOf(bytes: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return chunks;
}

/** The trailing 00 00 fields that arrive after the message is already decided are empty control messages (skipped). */
const withoutLeadingNuls = (bytes: Buffer): string => bytes.toString('latin1').replace(/^\0+/, '');

test('split at every offset, and one byte at a time: the same message, and what follows is kept', () => {
  const splits = [...Array(stream.length + 1).keys()].map((at) => [stream.subarray(0, at), stream.subarray(at)]);
  for (const chunks of [...splits, chunksOf(stream, 1), chunksOf(stream, 7)]) {
    const { last, after, maxHeld } = feed(chunks);
    assert.equal(last?.kind, 'message', `split ${chunks.map((c) => c.length).join('+')}`);
    assert.ok(last?.kind === 'message');
    assert.deepEqual([last.message.random1, last.message.random2, last.message.optionsString], [random1, random2, serverOptions]);
    assert.equal(withoutLeadingNuls(after), pushReply.toString('latin1'));
    assert.ok(maxHeld < KEY_METHOD_2_SERVER_HELD_MAX_BYTES);
  }
});

test('need more bytes only until the fixed part and the options string are in', () => {
  const { reads } = feed(chunksOf(message, 1));
  const decidedAt = reads.findIndex((r) => r.kind === 'message');
  assert.equal(decidedAt + 1, 71 + serverOptions.length + 1, 'decided on the options string\'s NUL');
  assert.ok(reads.slice(0, decidedAt).every((r) => r.kind === 'need_more'));
});

test('malformed: a wrong key method fails at once, for good, and lets go of the bytes', () => {
  const bad = Buffer.from(stream);
  bad[4] = 1;
  const reader = new ServerKeyMethodReader();
  assert.deepEqual(reader.push(bad.subarray(0, 70)), { kind: 'need_more' });
  const failed = { kind: 'failed', error: { code: 'keys.bad_key_method', keyMethod: 1 } };
  assert.deepEqual(reader.push(bad.subarray(70)), failed);
  assert.equal(reader.heldBytes, 0);
  assert.deepEqual(reader.push(pushReply), failed, 'a failed reader stays failed and holds nothing');
  assert.equal(reader.heldBytes, 0);
});

test('over the cap: an options length only an oversized message could have fails as soon as it is read, not after 64 KiB', () => {
  const header = Buffer.from(message.subarray(0, 71));
  header.writeUInt16BE(0xffff, 69);
  const flood = Buffer.concat([header, Buffer.alloc(65_535, 0x41)]);
  const { reads, maxHeld } = feed(chunksOf(flood, 100));
  const failed = { kind: 'failed', error: { code: 'keys.options_too_long', lengthBytes: 0xffff } };
  assert.deepEqual(reads[0], failed, 'the first chunk already decides');
  assert.ok(reads.every((r) => JSON.stringify(r) === JSON.stringify(failed)), 'and every later chunk meets the same failure');
  assert.equal(maxHeld, 0, 'nothing is held after the failure');
  const oneByte = feed(chunksOf(flood.subarray(0, 200), 1));
  assert.equal(oneByte.reads.findIndex((r) => r.kind === 'failed') + 1, 71, 'decided on byte 71, the end of the length field');
  assert.ok(oneByte.maxHeld <= 70);
});

test('any bytes in any chunks: never a throw, never more held than the cap, and over the cap it is decided', () => {
  fc.assert(fc.property(fc.array(fc.uint8Array({ maxLength: 400 }), { maxLength: 12 }), fc.boolean(), (parts, validStart) => {
    const chunks: Buffer[] = parts.map((p) => Buffer.from(p));
    if (validStart) chunks.unshift(message.subarray(0, 69)); // reach the options length with random bytes
    const { last, maxHeld } = feed(chunks);
    assert.ok(maxHeld < KEY_METHOD_2_SERVER_HELD_MAX_BYTES);
    const total = chunks.reduce((sum, c) => sum + c.length, 0);
    if (total >= KEY_METHOD_2_SERVER_HELD_MAX_BYTES) assert.notEqual(last?.kind, 'need_more');
    if (last?.kind === 'failed') assert.match(last.error.code, /^keys\./);
  }));
});

test('the cap is the fixed part plus the longest options string 2.x allows', () => {
  assert.equal(KEY_METHOD_2_SERVER_HELD_MAX_BYTES, 4 + 1 + 32 + 32 + 2 + 512);
});

test('feeding a reader that already read its message is our bug', () => {
  const reader = new ServerKeyMethodReader();
  assert.equal(reader.push(message).kind, 'message');
  assert.throws(() => reader.push(pushReply), { name: 'BugError' });
});
