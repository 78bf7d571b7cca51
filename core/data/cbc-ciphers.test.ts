import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitKey2 } from '../keys/key-derivation';
import { cbcPair, openCbcBySpec, TEST_KEY2 } from '../testing/cbc-packets';
import { CBC_SUITES, isSmallBlockCipher, SMALL_BLOCK_RENEGOTIATE_BYTES } from './cipher-suites';
import { createDataCipher } from './data-cipher';

/**
 * The CBC ciphers beside AES that 2.3/2.4 servers run: 3DES and Camellia from OpenSSL's
 * default provider, BF and CAST5 from its legacy one (which this process has not loaded:
 * native-helper/crypto/openssl-providers.test.ts loads it and runs BF-CBC). Each packet is
 * also taken apart with node:crypto alone, as the spec lays it out.
 */

const payload = Buffer.from(Array.from({ length: 1400 }, (_, i) => (i * 13) & 0xff));

const DEFAULT_PROVIDER: Array<{ name: string; algorithm: string; keyBytes: number; blockBytes: number }> = [
  { name: 'DES-EDE3-CBC', algorithm: 'des-ede3-cbc', keyBytes: 24, blockBytes: 8 },
  { name: 'CAMELLIA-128-CBC', algorithm: 'camellia-128-cbc', keyBytes: 16, blockBytes: 16 },
  { name: 'CAMELLIA-192-CBC', algorithm: 'camellia-192-cbc', keyBytes: 24, blockBytes: 16 },
  { name: 'CAMELLIA-256-CBC', algorithm: 'camellia-256-cbc', keyBytes: 32, blockBytes: 16 },
  { name: 'AES-256-CBC', algorithm: 'aes-256-cbc', keyBytes: 32, blockBytes: 16 },
];

for (const suite of DEFAULT_PROVIDER) {
  test(`${suite.name}: round trip at every length around its ${suite.blockBytes}-byte block, and the spec's layout`, () => {
    const { client, server } = cbcPair(suite.name, 'SHA256');
    for (let size = 0; size <= 3 * suite.blockBytes + 1; size++) {
      const text = payload.subarray(0, size);
      const packet = client.encrypt(text, 1, 0x123456);
      assert.ok(packet.length <= size + client.overheadBytes(0x123456), `size ${size}: within the overhead`);
      const bySpec = openCbcBySpec(packet, { ...suite, digest: 'sha256', digestBytes: 32 });
      assert.deepEqual(bySpec.plaintext, text);
      assert.equal(bySpec.packetId, client.nextSendPacketId - 1);
      const opened = server.decrypt(packet);
      assert.ok(opened.ok, `size ${size}`);
      assert.deepEqual(opened.value, text);
    }
    const packet = client.encrypt(payload, 0, undefined);
    assert.deepEqual(server.decrypt(packet), { ok: true, value: payload }, 'DATA_V1 too');
  });
}

test('a ciphertext that is not whole blocks of the cipher is data.truncated; a flipped bit is data.auth_failed', () => {
  const { client, server } = cbcPair('DES-EDE3-CBC', 'SHA1');
  const packet = client.encrypt(payload.subarray(0, 40), 0, 7);
  assert.deepEqual(server.decrypt(packet.subarray(0, packet.length - 4)), { ok: false, error: 'data.truncated' });
  const bad = Buffer.from(packet);
  bad[packet.length - 1] = (bad[packet.length - 1] as number) ^ 1;
  assert.deepEqual(server.decrypt(bad), { ok: false, error: 'data.auth_failed' });
});

test('BF-CBC and CAST5-CBC without the legacy provider: data.legacy_provider_unavailable, not a throw', () => {
  for (const cipher of ['BF-CBC', 'bf-cbc', 'CAST5-CBC']) {
    assert.deepEqual(createDataCipher({ cipher, keys: splitKey2(TEST_KEY2) }),
      { ok: false, error: { code: 'data.legacy_provider_unavailable', cipher: cipher.toUpperCase() } });
  }
});

test('BF-CBC as OpenVPN uses it: a 128-bit key and 64-bit blocks; 64-bit ciphers renew their keys every 64 MiB', () => {
  assert.deepEqual(CBC_SUITES['BF-CBC'], { algorithm: 'bf-cbc', keyBytes: 16, blockBytes: 8, legacyProvider: true });
  assert.equal(SMALL_BLOCK_RENEGOTIATE_BYTES, 64 * 1024 * 1024);
  for (const cipher of ['BF-CBC', 'CAST5-CBC', 'DES-EDE3-CBC']) assert.equal(isSmallBlockCipher(cipher), true, cipher);
  for (const cipher of ['AES-128-CBC', 'CAMELLIA-256-CBC', 'AES-256-GCM', 'CHACHA20-POLY1305', 'NONE']) assert.equal(isSmallBlockCipher(cipher), false, cipher);
});
