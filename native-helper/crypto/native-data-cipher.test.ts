import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { AEAD_SUITES, AeadCipher, BugError, type DataCipher, type DataKeys } from '../../core/index';
import { addonSkipReason } from '../addon/addon-test-prerequisites';
import { loadTunAddon } from '../addon/tun-addon';
import { NativeDataCipher } from './native-data-cipher';

// The addon's DataKey against core's AeadCipher (the reference): the same wire bytes for
// the same keys and packet ids, and the same verdict (plaintext or drop code) for any
// sequence of received packets: in order, reordered, replayed, skipped far ahead, cut
// short, with a flipped bit or a foreign opcode.

const skip = addonSkipReason({ root: false });
const CIPHERS = Object.keys(AEAD_SUITES);

function keys(): { client: DataKeys; server: DataKeys } {
  const k0 = { cipherKey: randomBytes(64), hmacKey: randomBytes(64) };
  const k1 = { cipherKey: randomBytes(64), hmacKey: randomBytes(64) };
  return { client: { encrypt: k0, decrypt: k1 }, server: { encrypt: k1, decrypt: k0 } };
}

function ciphers(name: string, initialPacketId = 1): { native: DataCipher; reference: DataCipher; server: DataCipher } {
  const suite = AEAD_SUITES[name];
  assert.ok(suite);
  const { client, server } = keys();
  return {
    native: new NativeDataCipher(name, suite, client, initialPacketId, loadTunAddon()),
    reference: new AeadCipher(name, suite, client, initialPacketId),
    server: new AeadCipher(name, suite, server, 1),
  };
}

const verdict = (cipher: DataCipher, packet: Buffer): unknown => {
  const result = cipher.decrypt(packet);
  return result.ok ? { plain: result.value.toString('hex') } : { drop: result.error };
};

/** What the network may do to the server's packets before they reach the client. */
type Delivery =
  | { kind: 'next' } | { kind: 'replay'; back: number } | { kind: 'skip'; count: number }
  | { kind: 'flip'; bit: number } | { kind: 'truncate'; length: number } | { kind: 'opcode'; byte: number } | { kind: 'garbage'; bytes: Uint8Array };

const delivery: fc.Arbitrary<Delivery> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: 'next' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('replay' as const), back: fc.nat(80) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('skip' as const), count: fc.integer({ min: 1, max: 200 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('flip' as const), bit: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), length: fc.nat(40) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('opcode' as const), byte: fc.integer({ min: 0, max: 255 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('garbage' as const), bytes: fc.uint8Array({ maxLength: 64 }) }) },
);

describe('native DataKey (the addon) against core\'s AeadCipher', { skip }, () => {
  for (const name of CIPHERS) {
    test(`${name}: the same wire bytes, DATA_V1 and DATA_V2, from any first packet id`, () => {
      fc.assert(fc.property(
        fc.integer({ min: 1, max: 0xffffff00 }), fc.option(fc.integer({ min: 0, max: 0xffffff }), { nil: undefined }), fc.integer({ min: 0, max: 7 }),
        fc.array(fc.uint8Array({ maxLength: 1600 }), { minLength: 1, maxLength: 8 }),
        (initialPacketId, peerId, keyId, texts) => {
          const { native, reference } = ciphers(name, initialPacketId);
          assert.equal(native.overheadBytes(peerId), reference.overheadBytes(peerId));
          for (const text of texts) {
            assert.equal(native.nextSendPacketId, reference.nextSendPacketId);
            assert.deepEqual(native.encrypt(Buffer.from(text), keyId, peerId), reference.encrypt(Buffer.from(text), keyId, peerId));
          }
          assert.equal(native.shouldRenegotiate(), reference.shouldRenegotiate());
        },
      ), { numRuns: 60 });
    });

    test(`${name}: the same plaintext or drop code for any received sequence (replay window, tags, truncation, opcodes)`, () => {
      fc.assert(fc.property(fc.boolean(), fc.array(delivery, { minLength: 1, maxLength: 120 }), (v2, deliveries) => {
        const { native, reference, server } = ciphers(name);
        const sent: Buffer[] = [];
        const make = (): Buffer => {
          const packet = server.encrypt(randomBytes(sent.length % 50), 0, v2 ? 0x123456 : undefined);
          sent.push(packet);
          return packet;
        };
        for (const step of deliveries) {
          let packet: Buffer;
          if (step.kind === 'next') packet = make();
          else if (step.kind === 'replay') packet = sent[Math.max(0, sent.length - 1 - step.back)] ?? make();
          else if (step.kind === 'skip') {
            for (let i = 0; i < step.count; i++) make();
            continue;
          } else if (step.kind === 'garbage') packet = Buffer.from(step.bytes);
          else {
            packet = Buffer.from(make());
            if (step.kind === 'flip') {
              const at = Math.floor(step.bit / 8) % packet.length;
              packet[at] = (packet[at] as number) ^ (1 << (step.bit % 8));
            }
            if (step.kind === 'truncate') packet = packet.subarray(0, step.length);
            if (step.kind === 'opcode') packet[0] = step.byte;
          }
          assert.deepEqual(verdict(native, packet), verdict(reference, packet), JSON.stringify(step));
        }
      }), { numRuns: 60 });
    });
  }

  test('the server\'s packets open, each plaintext once; a second copy is a replay', () => {
    const { native, server } = ciphers('AES-256-GCM');
    const plain = randomBytes(1400);
    const packet = server.encrypt(plain, 3, 7);
    assert.deepEqual(verdict(native, packet), { plain: plain.toString('hex') });
    assert.deepEqual(verdict(native, packet), { drop: 'data.replay' });
    assert.deepEqual(verdict(native, Buffer.alloc(0)), { drop: 'data.bad_opcode' });
    assert.deepEqual(verdict(native, packet.subarray(0, 23)), { drop: 'data.truncated' });
  });

  test('packet ids run out as core\'s do: the last id is sent, then a BugError', () => {
    const { native, reference } = ciphers('CHACHA20-POLY1305', 0xffffffff);
    assert.equal(native.shouldRenegotiate(), true);
    assert.deepEqual(native.encrypt(Buffer.from('x'), 1, undefined), reference.encrypt(Buffer.from('x'), 1, undefined));
    assert.throws(() => native.encrypt(Buffer.from('x'), 1, undefined), BugError);
    assert.throws(() => reference.encrypt(Buffer.from('x'), 1, undefined), BugError);
  });

  test('bad arguments are TypeErrors and RangeErrors, not crashes', () => {
    const { DataKey } = loadTunAddon();
    const [key, iv] = [randomBytes(32), randomBytes(8)];
    assert.throws(() => new DataKey('aes-256-cbc' as 'aes-256-gcm', key, iv, key, iv, 1), RangeError);
    assert.throws(() => new DataKey('aes-256-gcm', randomBytes(16), iv, randomBytes(16), iv, 1), RangeError);
    assert.throws(() => new DataKey('aes-256-gcm', key, randomBytes(4), key, iv, 1), RangeError);
    assert.throws(() => new DataKey('aes-256-gcm', key, iv, key, iv, 0), RangeError);
    const dataKey = new DataKey('aes-256-gcm', key, iv, key, iv, 1);
    assert.throws(() => dataKey.encrypt(Buffer.alloc(1), 8, undefined, Buffer.alloc(64)), RangeError);
    assert.throws(() => dataKey.encrypt(Buffer.alloc(1), 0, 0x1000000, Buffer.alloc(64)), RangeError);
    assert.throws(() => dataKey.encrypt(Buffer.alloc(10), 0, 1, Buffer.alloc(33)), RangeError, 'out too short');
    assert.throws(() => dataKey.decrypt('x' as unknown as Buffer, Buffer.alloc(0)), TypeError);
    const sealed = Buffer.alloc(40);
    assert.equal(dataKey.encrypt(Buffer.alloc(16), 0, 1, sealed), 40);
    assert.throws(() => dataKey.decrypt(sealed, Buffer.alloc(15)), RangeError, 'room for the plaintext');
  });
});
