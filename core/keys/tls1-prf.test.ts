import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { tls1Prf } from './tls1-prf';
import { deriveKeysPrf } from './key-derivation';

/** OpenSSL's TLS1-PRF with digest MD5-SHA1, or null when this openssl lacks it. */
function opensslPrf(secret: Buffer, seed: Buffer, lengthBytes: number): Buffer | null {
  try {
    const out = execFileSync('openssl', [
      'kdf', '-keylen', String(lengthBytes), '-kdfopt', 'digest:MD5-SHA1',
      '-kdfopt', `hexsecret:${secret.toString('hex')}`, '-kdfopt', `hexseed:${seed.toString('hex')}`, 'TLS1-PRF',
    ], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return Buffer.from(out.trim().replace(/:/g, ''), 'hex');
  } catch {
    return null;
  }
}

const probe = opensslPrf(Buffer.from('00', 'hex'), Buffer.from('00', 'hex'), 8);
// Under CI the cross-check must run; elsewhere an openssl without `kdf` only skips it.
const skipOpenssl = probe === null && process.env.CI !== 'true'
  ? 'openssl on this machine has no `kdf … TLS1-PRF` (OpenSSL ≥ 3.0 needed)' : false;

test('TLS1-PRF matches the vector of OpenVPN\'s own unit tests (tests/unit_tests/openvpn/test_crypto.c)', () => {
  const secret = Buffer.from('Lorem ipsum dolor sit amet, consectetur adipisici elit, sed eiusmod tempor incidunt '
    + 'ut labore et dolore magna aliqua.', 'latin1');
  const seed = Buffer.from('Quis aute iure reprehenderit in voluptate velit esse cillum dolore', 'latin1');
  assert.equal(tls1Prf(secret, seed, 32).toString('hex'),
    'd98c8518c85e946927916acfc2d592fbb1567e4b4b1459e6a904ac2ddab72d67');
});

test('TLS1-PRF equals `openssl kdf … TLS1-PRF` for odd and even secrets and many lengths', { skip: skipOpenssl }, () => {
  for (const [secretBytes, seedBytes, outBytes] of [[48, 77, 48], [47, 13, 256], [1, 1, 1], [64, 100, 100], [33, 64, 17]] as const) {
    const secret = randomBytes(secretBytes);
    const seed = randomBytes(seedBytes);
    const expected = opensslPrf(secret, seed, outBytes);
    assert.ok(expected, 'openssl kdf failed');
    assert.deepEqual(tls1Prf(secret, seed, outBytes), expected, `secret ${secretBytes} seed ${seedBytes} out ${outBytes}`);
  }
});

const prfInputs = {
  clientPreMaster: Buffer.alloc(48, 0x11),
  clientRandom1: Buffer.alloc(32, 0x21),
  serverRandom1: Buffer.alloc(32, 0x31),
  clientRandom2: Buffer.alloc(32, 0x22),
  serverRandom2: Buffer.alloc(32, 0x32),
  clientSessionId: Buffer.from('0102030405060708', 'hex'),
  serverSessionId: Buffer.from('a1a2a3a4a5a6a7a8', 'hex'),
};

test('deriveKeysPrf: master secret then key expansion with both session ids, checked with openssl', { skip: skipOpenssl }, () => {
  const label = (text: string) => Buffer.from(text, 'latin1');
  const master = opensslPrf(prfInputs.clientPreMaster,
    Buffer.concat([label('OpenVPN master secret'), prfInputs.clientRandom1, prfInputs.serverRandom1]), 48);
  assert.ok(master);
  const key2 = opensslPrf(master, Buffer.concat([label('OpenVPN key expansion'), prfInputs.clientRandom2,
    prfInputs.serverRandom2, prfInputs.clientSessionId, prfInputs.serverSessionId]), 256);
  assert.deepEqual(deriveKeysPrf(prfInputs), key2);
});

test('deriveKeysPrf: committed vector (made once with the openssl CLI, as in the test above)', () => {
  const key2 = deriveKeysPrf(prfInputs);
  assert.equal(key2.length, 256);
  assert.equal(key2.subarray(0, 32).toString('hex'), PRF_VECTOR_HEAD);
  assert.equal(key2.subarray(224).toString('hex'), PRF_VECTOR_TAIL);
});

const PRF_VECTOR_HEAD = '27044c5406df9467b3dd3b5725c49c55605b95641fe11376b8ca7c497dbe4334';
const PRF_VECTOR_TAIL = '0a5bae924d1bba581c45480bb0983ea7e2d147ade94d9d607575e9d8ab7987a3';
