import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, type CipherGCM } from 'node:crypto';
import { epochDataKey, nextEpochSecret } from '../keys/epoch-key-schedule';
import { splitKey2, type DataKeys } from '../keys/key-derivation';
import { BugError } from '../wire/errors';
import { PING_MAGIC } from './constants';
import { createDataCipher, type DataCipher } from './data-cipher';
import { EpochAeadCipher } from './epoch-aead-cipher';
import { AEAD_SUITES } from './cipher-suites';

const key2 = Buffer.from(Array.from({ length: 256 }, (_, i) => (i * 11 + 5) & 0xff));
const PEER_ID = 0x000102;

function epochPair(cipher = 'AES-256-GCM', clientRotate?: number, serverRotate?: number): { client: EpochAeadCipher; server: EpochAeadCipher } {
  const make = (role: 'client' | 'server', rotateAfterPackets: number | undefined): EpochAeadCipher => {
    const made = createDataCipher({ cipher, keys: splitKey2(key2, role), epoch: { rotateAfterPackets } });
    assert.ok(made.ok);
    assert.ok(made.value instanceof EpochAeadCipher);
    return made.value;
  };
  return { client: make('client', clientRotate), server: make('server', serverRotate) };
}

const epochOf = (packet: Buffer): number => packet.readUInt16BE(4);
const counterOf = (packet: Buffer): number => packet.readUIntBE(6, 6);
const payload = (n: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => (i * 3) & 0xff));

/** Sends `count` packets and returns them (the client rotates by its own option). */
function sendMany(from: DataCipher, count: number, size = 40): Buffer[] {
  return Array.from({ length: count }, () => from.encrypt(payload(size), 0, PEER_ID));
}

/** An independent sealer over the schedule and node:crypto: a packet with any epoch and counter, valid tag included. */
function sealByHand(e1: Buffer, epoch: number, counter: number, plaintext: Buffer, keyId = 0, peerId = PEER_ID): Buffer {
  let secret: Buffer = Buffer.from(e1.subarray(0, 32));
  for (let e = 1; e < epoch; e++) secret = nextEpochSecret(secret);
  const { key, iv } = epochDataKey(epoch, secret, 32);
  const header = Buffer.alloc(12);
  header.writeUInt32BE(((0x48 | keyId) << 24 | peerId) >>> 0, 0);
  header.writeUInt16BE(epoch, 4);
  header.writeUIntBE(counter, 6, 6);
  const nonce = Buffer.concat([header.subarray(4, 12), Buffer.alloc(4)]).map((b, i) => b ^ (iv[i] as number));
  const cipher = createCipheriv('aes-256-gcm', key, Buffer.from(nonce), { authTagLength: 16 }) as CipherGCM;
  cipher.setAAD(header);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([header, body, cipher.getAuthTag()]);
}

test('the worked example of protocol-2.7.md §1.6: exact bytes of a keepalive in epoch 1, counter 1', () => {
  const e1 = Buffer.alloc(64);
  e1[0] = 0x23;
  const keys: DataKeys = { encrypt: { cipherKey: e1, hmacKey: Buffer.alloc(64) }, decrypt: { cipherKey: Buffer.alloc(64, 9), hmacKey: Buffer.alloc(64) } };
  const client = new EpochAeadCipher('AES-256-GCM', AEAD_SUITES['AES-256-GCM']!, keys);
  const packet = client.encrypt(PING_MAGIC, 0, 1);
  assert.equal(packet.toString('hex'), '48000001' + '0001000000000001' + 'd956038827d73b910cb7e4acff712ed7' + '64e74d49116557c0f9e384e0a9286d3b');
  assert.equal(packet.length, 44);
  // And the server's side of the same key opens it.
  const server = new EpochAeadCipher('AES-256-GCM', AEAD_SUITES['AES-256-GCM']!, { encrypt: keys.decrypt, decrypt: keys.encrypt });
  const opened = server.decrypt(packet);
  assert.ok(opened.ok);
  assert.deepEqual(opened.value, PING_MAGIC);
  assert.deepEqual(sealByHand(e1, 1, 1, PING_MAGIC, 0, 1), packet);
});

for (const cipher of Object.keys(AEAD_SUITES)) {
  test(`${cipher} epoch format: round trip, 12-byte clear header, tag at the end, counter from 1`, () => {
    const { client, server } = epochPair(cipher);
    for (const [i, size] of [1, 15, 16, 17, 1400].entries()) {
      const packet = client.encrypt(payload(size), 3, PEER_ID);
      assert.equal(packet[0], 0x4b);
      assert.equal(packet.readUIntBE(1, 3), PEER_ID);
      assert.equal(epochOf(packet), 1);
      assert.equal(counterOf(packet), i + 1);
      assert.equal(packet.length, size + 28);
      const opened = server.decrypt(packet);
      assert.ok(opened.ok, `size ${size}: ${!opened.ok && opened.error}`);
      assert.deepEqual(opened.value, payload(size));
    }
    assert.equal(client.overheadBytes(PEER_ID), 28);
    assert.equal(client.nextSendPacketId, 6);
    assert.deepEqual(client.epochs, { send: 1, receive: 1 });
  });
}

test('epoch format needs DATA_V2 and an AEAD cipher; a DATA_V1 packet is a bad opcode', () => {
  const { client, server } = epochPair();
  assert.throws(() => client.encrypt(payload(10), 0, undefined), BugError);
  const v1 = Buffer.concat([Buffer.of(0x30), sealByHand(key2, 1, 1, payload(10)).subarray(4)]);
  assert.deepEqual(server.decrypt(v1), { ok: false, error: 'data.bad_opcode' });
  assert.equal(createDataCipher({ cipher: 'AES-256-CBC', keys: splitKey2(key2), epoch: {} }).ok, false);
});

test('rotation: the sender moves to the next epoch after N packets, counters restart at 1, the receiver follows', () => {
  const { client, server } = epochPair('AES-128-GCM', 50);
  const packets = sendMany(client, 160);
  assert.deepEqual(packets.slice(48, 52).map((p) => [epochOf(p), counterOf(p)]), [[1, 49], [1, 50], [2, 1], [2, 2]]);
  assert.deepEqual([epochOf(packets[159]!), counterOf(packets[159]!)], [4, 10]);
  for (const packet of packets) assert.ok(server.decrypt(packet).ok);
  assert.equal(server.epochs?.receive, 4);
  // The server's send side jumped to the epoch it received, as 2.7 does.
  assert.equal(server.epochs?.send, 4);
  const back = server.encrypt(payload(20), 0, PEER_ID);
  assert.deepEqual([epochOf(back), counterOf(back)], [4, 1]);
  assert.ok(client.decrypt(back).ok);
  assert.deepEqual(client.epochs, { send: 4, receive: 4 });
});

test('a future epoch switches the receive key only after its tag verifies; skipped epochs become unknown', () => {
  const { client, server } = epochPair('AES-256-GCM', 1);
  const packets = sendMany(client, 6); // epochs 1..6, counter 1 each
  assert.deepEqual(packets.map(epochOf), [1, 2, 3, 4, 5, 6]);
  assert.ok(server.decrypt(packets[0]!).ok);
  const future = packets[4]!; // epoch 5
  const tampered = Buffer.from(future);
  tampered[tampered.length - 1]! ^= 0x80;
  assert.deepEqual(server.decrypt(tampered), { ok: false, error: 'data.auth_failed' });
  assert.equal(server.epochs?.receive, 1, 'a forged future packet moves nothing');
  assert.ok(server.decrypt(future).ok);
  assert.equal(server.epochs?.receive, 5);
  // Epochs 2–4 were skipped: gone. Epoch 1 is the retiring key and still opens late packets.
  for (const skipped of packets.slice(1, 4)) assert.deepEqual(server.decrypt(skipped), { ok: false, error: 'data.unknown_epoch' });
  assert.ok(server.decrypt(sealByHand(splitKey2(key2).encrypt.cipherKey, 1, 7, payload(9))).ok, 'the retiring epoch still decrypts');
  assert.ok(server.decrypt(packets[5]!).ok);
  assert.equal(server.epochs?.receive, 6);
  // Now 5 retires and 1 is gone.
  assert.deepEqual(server.decrypt(sealByHand(splitKey2(key2).encrypt.cipherKey, 1, 8, payload(9))), { ok: false, error: 'data.unknown_epoch' });
  assert.ok(server.decrypt(sealByHand(splitKey2(key2).encrypt.cipherKey, 5, 2, payload(9))).ok);
});

test('replays are refused on the current key and on the retiring key, each with its own window', () => {
  const { client, server } = epochPair('AES-256-GCM', 3);
  const packets = sendMany(client, 6); // epoch 1: counters 1–3, epoch 2: 1–3
  for (const packet of packets.slice(0, 2)) assert.ok(server.decrypt(packet).ok);
  assert.deepEqual(server.decrypt(packets[0]!), { ok: false, error: 'data.replay' }, 'current key');
  assert.ok(server.decrypt(packets[3]!).ok); // epoch 2, counter 1: switch
  assert.equal(server.epochs?.receive, 2);
  assert.deepEqual(server.decrypt(packets[3]!), { ok: false, error: 'data.replay' }, 'new current key');
  assert.deepEqual(server.decrypt(packets[1]!), { ok: false, error: 'data.replay' }, 'retiring key keeps its window');
  assert.ok(server.decrypt(packets[2]!).ok, 'a late packet of the retiring epoch that was not seen yet');
  assert.deepEqual(server.decrypt(packets[2]!), { ok: false, error: 'data.replay' });
  // Counter 1 of epoch 2 and of epoch 1 are different packets: the windows are separate.
  assert.ok(server.decrypt(packets[4]!).ok);
});

test('the replay window works on 48-bit counters', () => {
  const { server } = epochPair();
  const e1 = splitKey2(key2).encrypt.cipherKey;
  const high = 2 ** 48 - 2;
  assert.ok(server.decrypt(sealByHand(e1, 1, high, payload(5))).ok);
  assert.deepEqual(server.decrypt(sealByHand(e1, 1, high, payload(5))), { ok: false, error: 'data.replay' });
  assert.ok(server.decrypt(sealByHand(e1, 1, high - 63, payload(5))).ok);
  assert.deepEqual(server.decrypt(sealByHand(e1, 1, high - 64, payload(5))), { ok: false, error: 'data.replay_window' });
  assert.deepEqual(server.decrypt(sealByHand(e1, 1, 2 ** 32 + 5, payload(5))), { ok: false, error: 'data.replay_window' });
});

test('epochs beyond the next 16, and epoch 0, are unknown', () => {
  const { server } = epochPair();
  const e1 = splitKey2(key2).encrypt.cipherKey;
  assert.ok(server.decrypt(sealByHand(e1, 17, 1, payload(5))).ok, 'current + 16 is still held');
  assert.equal(server.epochs?.receive, 17);
  assert.deepEqual(server.decrypt(sealByHand(e1, 34, 1, payload(5))), { ok: false, error: 'data.unknown_epoch' });
  const zero = sealByHand(e1, 1, 1, payload(5));
  zero.writeUInt16BE(0, 4);
  assert.deepEqual(server.decrypt(zero), { ok: false, error: 'data.unknown_epoch' });
});

test('counter 0 is refused even with a valid tag, and never moves the receive epoch', () => {
  const { server } = epochPair();
  const e1 = splitKey2(key2).encrypt.cipherKey;
  assert.deepEqual(server.decrypt(sealByHand(e1, 1, 0, payload(5))), { ok: false, error: 'data.bad_packet_id' });
  assert.deepEqual(server.decrypt(sealByHand(e1, 3, 0, payload(5))), { ok: false, error: 'data.bad_packet_id' });
  assert.equal(server.epochs?.receive, 1);
});

test('tampering with any byte, truncation and junk are drops, never throws', () => {
  const { client, server } = epochPair();
  const packet = client.encrypt(payload(60), 0, PEER_ID);
  for (let i = 0; i < packet.length; i++) {
    const bad = Buffer.from(packet);
    bad[i]! ^= 0x01;
    assert.equal(server.decrypt(bad).ok, false, `byte ${i}`);
  }
  for (let length = 0; length < packet.length; length++) assert.equal(server.decrypt(packet.subarray(0, length)).ok, false, `length ${length}`);
  // The shortest packet carries one byte of payload: 12 + 1 + 16.
  const shortest = client.encrypt(payload(1), 0, PEER_ID);
  assert.equal(shortest.length, 29);
  assert.ok(server.decrypt(shortest).ok);
  assert.deepEqual(server.decrypt(client.encrypt(Buffer.alloc(0), 0, PEER_ID)), { ok: false, error: 'data.truncated' });
  assert.ok(server.decrypt(packet).ok, 'the untouched packet still opens after all that');
});

test('renegotiation is due once the send epoch reaches 0xF000, not before', () => {
  const { client } = epochPair('CHACHA20-POLY1305', 1);
  for (let i = 0; i < 0xf000 - 1; i++) client.encrypt(payload(1), 0, PEER_ID);
  assert.equal(client.epochs?.send, 0xefff);
  assert.equal(client.shouldRenegotiate(), false);
  client.encrypt(payload(1), 0, PEER_ID);
  assert.equal(client.epochs?.send, 0xf000);
  assert.equal(client.shouldRenegotiate(), true);
});
