import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv } from 'node:crypto';
import type { CipherGCM } from 'node:crypto';
import fc from 'fast-check';
import { splitKey2 } from '../keys/key-derivation';
import { BugError } from '../wire/errors';
import { createDataCipher, SUPPORTED_DATA_CIPHERS } from './data-cipher';
import type { DataCipher } from './data-cipher';
import { readDataKeyId } from './data-header';

const key2 = Buffer.from(Array.from({ length: 256 }, (_, i) => (i * 7 + 3) & 0xff));

function pair(cipher: string, auth?: string, initialPacketId?: number): { client: DataCipher; server: DataCipher } {
  const make = (role: 'client' | 'server') => {
    const made = createDataCipher({ cipher, keys: splitKey2(key2, role), ...(auth ? { auth } : {}), ...(initialPacketId ? { initialPacketId } : {}) });
    assert.ok(made.ok);
    return made.value;
  };
  return { client: make('client'), server: make('server') };
}

const suites: Array<[string, string?]> = [
  ['AES-128-GCM'], ['AES-192-GCM'], ['AES-256-GCM'], ['CHACHA20-POLY1305'],
  ['AES-128-CBC', 'SHA1'], ['AES-192-CBC', 'SHA256'], ['AES-256-CBC', 'SHA512'],
];
const payload = Buffer.from(Array.from({ length: 1400 }, (_, i) => i & 0xff));

for (const [cipher, auth] of suites) {
  for (const peerId of [undefined, 0, 0xabcdef, 0xffffff]) {
    test(`${cipher}${auth ? `/${auth}` : ''} ${peerId === undefined ? 'DATA_V1' : `DATA_V2 peer-id ${peerId}`}: round trip, header, ids`, () => {
      const { client, server } = pair(cipher, auth);
      for (const size of [0, 1, 15, 16, 17, 1400]) {
        const packet = client.encrypt(payload.subarray(0, size), 5, peerId);
        assert.equal(packet[0], peerId === undefined ? 0x35 : 0x4d);
        if (peerId !== undefined) assert.equal(packet.readUIntBE(1, 3), peerId);
        assert.equal(readDataKeyId(packet), 5);
        assert.ok(packet.length <= size + client.overheadBytes(peerId));
        const plain = server.decrypt(packet);
        assert.ok(plain.ok, `size ${size}: ${!plain.ok && plain.error}`);
        assert.deepEqual(plain.value, payload.subarray(0, size));
      }
      assert.equal(client.nextSendPacketId, 7);
    });
  }

  test(`${cipher}: tampering with any byte, replays, truncations and junk are drops, never throws`, () => {
    const { client, server } = pair(cipher, auth);
    const packet = client.encrypt(payload.subarray(0, 100), 0, 7);
    const headerBytes = 4;
    const macCovered = cipher.includes('CBC') ? headerBytes : 0; // CBC's HMAC leaves opcode/peer-id out
    for (let i = macCovered; i < packet.length; i++) {
      const bad = Buffer.from(packet);
      bad[i] = (bad[i] ?? 0) ^ 0x01;
      const result = server.decrypt(bad);
      assert.equal(result.ok, false, `byte ${i}`);
    }
    for (let length = 0; length < packet.length; length++) {
      assert.equal(server.decrypt(packet.subarray(0, length)).ok, false, `length ${length}`);
    }
    assert.ok(server.decrypt(packet).ok);
    assert.deepEqual(server.decrypt(packet), { ok: false, error: 'data.replay' });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      assert.equal(server.decrypt(Buffer.from(bytes)).ok, false);
    }));
  });
}

test('tampered tag / HMAC is data.auth_failed; other opcodes are data.bad_opcode; short is data.truncated', () => {
  const gcm = pair('AES-256-GCM');
  const packet = gcm.client.encrypt(Buffer.from('hello'), 0, undefined);
  const badTag = Buffer.from(packet);
  badTag[6] = (badTag[6] ?? 0) ^ 0x80;
  assert.deepEqual(gcm.server.decrypt(badTag), { ok: false, error: 'data.auth_failed' });
  assert.deepEqual(gcm.server.decrypt(Buffer.from([0x20, 1, 2, 3])), { ok: false, error: 'data.bad_opcode' });
  assert.deepEqual(gcm.server.decrypt(packet.subarray(0, 20)), { ok: false, error: 'data.truncated' });
  const cbc = pair('AES-256-CBC');
  const cbcPacket = cbc.client.encrypt(Buffer.from('hello'), 0, undefined);
  const badMac = Buffer.from(cbcPacket);
  badMac[1] = (badMac[1] ?? 0) ^ 1;
  assert.deepEqual(cbc.server.decrypt(badMac), { ok: false, error: 'data.auth_failed' });
  assert.deepEqual(cbc.server.decrypt(cbcPacket.subarray(0, cbcPacket.length - 1)), { ok: false, error: 'data.truncated' });
});

test('the received peer-id is not checked, but it is authenticated (AAD) in DATA_V2', () => {
  const { client, server } = pair('AES-256-GCM');
  assert.ok(server.decrypt(client.encrypt(Buffer.from('x'), 0, 0x123456)).ok);
  const packet = client.encrypt(Buffer.from('x'), 0, 0x123456);
  packet[3] = 0x57;
  assert.deepEqual(server.decrypt(packet), { ok: false, error: 'data.auth_failed' });
});

test('replay window: reordering within 64 is fine, older packets are dropped', () => {
  const { client, server } = pair('CHACHA20-POLY1305');
  const packets = Array.from({ length: 70 }, () => client.encrypt(Buffer.from('p'), 0, undefined));
  assert.ok(server.decrypt(packets[69] ?? Buffer.alloc(0)).ok);
  assert.ok(server.decrypt(packets[10] ?? Buffer.alloc(0)).ok); // id 11: 59 behind
  assert.deepEqual(server.decrypt(packets[4] ?? Buffer.alloc(0)), { ok: false, error: 'data.replay_window' }); // id 5: 65 behind
  assert.deepEqual(server.decrypt(packets[10] ?? Buffer.alloc(0)), { ok: false, error: 'data.replay' });
});

test('a packet that fails authentication does not advance the replay window', () => {
  const { client, server } = pair('AES-128-GCM');
  const first = client.encrypt(Buffer.from('a'), 0, undefined);
  const forged = Buffer.from(first);
  forged.writeUInt32BE(1000, 1);
  assert.deepEqual(server.decrypt(forged), { ok: false, error: 'data.auth_failed' });
  assert.ok(server.decrypt(first).ok);
});

test('AEAD layout from the spec: nonce = packet-id ‖ K.hmac[0:8], AAD = header bytes 0–7 (V2) or packet-id (V1)', () => {
  const keys = splitKey2(key2);
  for (const peerId of [undefined, 42]) {
    const made = createDataCipher({ cipher: 'aes-256-gcm', keys });
    assert.ok(made.ok);
    const packet = made.value.encrypt(Buffer.from('spec check'), 0, peerId);
    const header = peerId === undefined ? Buffer.from('3000000001', 'hex') : Buffer.from('4800002a00000001', 'hex');
    const nonce = Buffer.concat([Buffer.from('00000001', 'hex'), keys.encrypt.hmacKey.subarray(0, 8)]);
    const cipher = createCipheriv('aes-256-gcm', keys.encrypt.cipherKey.subarray(0, 32), nonce) as CipherGCM;
    cipher.setAAD(peerId === undefined ? header.subarray(1) : header);
    const ciphertext = Buffer.concat([cipher.update(Buffer.from('spec check')), cipher.final()]);
    assert.equal(packet.toString('hex'), Buffer.concat([header, cipher.getAuthTag(), ciphertext]).toString('hex'));
  }
});

test('renegotiation is due at packet-id 0xFF000000; exhausting ids is our bug', () => {
  const { client } = pair('AES-256-GCM', undefined, 0xfeffffff);
  assert.equal(client.shouldRenegotiate(), false);
  client.encrypt(Buffer.from('x'), 0, undefined);
  assert.equal(client.shouldRenegotiate(), true);
  const last = pair('AES-256-CBC', 'SHA1', 0xffffffff).client;
  last.encrypt(Buffer.from('x'), 0, undefined);
  assert.throws(() => last.encrypt(Buffer.from('x'), 0, undefined), BugError);
});

test('unsupported ciphers and digests are Result errors', () => {
  assert.deepEqual(createDataCipher({ cipher: 'SEED-CBC', keys: splitKey2(key2) }),
    { ok: false, error: { code: 'data.unsupported_cipher', cipher: 'SEED-CBC' } });
  assert.deepEqual(createDataCipher({ cipher: 'AES-256-CBC', auth: 'MD4', keys: splitKey2(key2) }),
    { ok: false, error: { code: 'data.unsupported_auth', auth: 'MD4' } });
  assert.ok(SUPPORTED_DATA_CIPHERS.includes('CHACHA20-POLY1305'));
});
