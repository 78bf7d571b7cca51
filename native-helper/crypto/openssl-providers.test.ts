import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv } from 'node:crypto';
import { cbcPair, openCbcBySpec } from '../../core/testing/cbc-packets';
import { addonSkipReason } from '../addon/addon-test-prerequisites';
import { loadTunAddon } from '../addon/tun-addon';
import { nativeProviderLoader } from './openssl-providers';

/**
 * `providers legacy default` through the addon: OSSL_PROVIDER_load in this process's default
 * library context makes node:crypto, and so core's own CBC cipher, run BF-CBC and CAST5-CBC.
 * Its own process (the test runner gives each file one), so nothing else sees the provider.
 */

const skip = addonSkipReason({ root: false });
const bfWorks = (): boolean => {
  try {
    createCipheriv('bf-cbc', Buffer.alloc(16), Buffer.alloc(8));
    return true;
  } catch {
    return false;
  }
};

describe('OpenSSL providers loaded through the addon', { skip }, () => {
  test('before: no BF-CBC in node:crypto; after loading legacy: BF-CBC, and AES-GCM still works', () => {
    assert.equal(bfWorks(), false, 'this process must start without the legacy provider');
    const load = nativeProviderLoader();
    assert.deepEqual(load('legacy'), { ok: true, value: undefined });
    assert.deepEqual(load('default'), { ok: true, value: undefined });
    assert.equal(bfWorks(), true);
    assert.equal(loadTunAddon().openSslProviderAvailable('legacy'), true);
    assert.doesNotThrow(() => createCipheriv('aes-256-gcm', Buffer.alloc(32), Buffer.alloc(12)));
  });

  test('BF-CBC and CAST5-CBC through core\'s CBC cipher: round trips, and node:crypto alone opens them as the spec lays them out', () => {
    assert.deepEqual(nativeProviderLoader()('legacy'), { ok: true, value: undefined });
    const text = Buffer.from(Array.from({ length: 1400 }, (_, i) => (i * 31) & 0xff));
    for (const [cipher, algorithm] of [['BF-CBC', 'bf-cbc'], ['CAST5-CBC', 'cast5-cbc']] as const) {
      const { client, server } = cbcPair(cipher, 'SHA1');
      for (const size of [0, 1, 3, 4, 5, 7, 8, 9, 100, 1400]) {
        const packet = client.encrypt(text.subarray(0, size), 2, 9);
        assert.equal((packet.length - 4 - 20) % 8, 0, `${cipher} ${size}: an 8-byte IV and 8-byte blocks`);
        assert.ok(packet.length <= size + client.overheadBytes(9));
        const bySpec = openCbcBySpec(packet, { algorithm, keyBytes: 16, blockBytes: 8, digest: 'sha1', digestBytes: 20 });
        assert.deepEqual(bySpec.plaintext, text.subarray(0, size));
        const opened = server.decrypt(packet);
        assert.ok(opened.ok, `${cipher} ${size}`);
        assert.deepEqual(opened.value, text.subarray(0, size));
      }
    }
  });

  test('only the built-in providers: a name that would be a shared library is refused by the addon itself', () => {
    const addon = loadTunAddon();
    for (const name of ['fips', '/tmp/evil.so', '../legacy', 'pkcs11', '']) {
      assert.throws(() => addon.loadOpenSslProvider(name as 'legacy'), /only the built-in providers/, name);
    }
  });
});
