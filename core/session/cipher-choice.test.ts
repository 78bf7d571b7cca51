import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyTunnelConfig } from '../control/tunnel-config-types';
import { chooseDataCipher, serverCipherOf, type PushedCrypto } from './cipher-choice';
import { renegotiateBytesFor } from './session-timers';
import { clientOptionsString } from './key-exchange';

/**
 * The data cipher after the push, in the order of the 2.6 client (shared/protocol-2.7.md §3),
 * from real server options strings: what a 2.4/2.5 server sends in its key-method 2 message.
 */

const NOTHING_PUSHED: PushedCrypto = emptyTunnelConfig();
const pushed = (fields: Partial<PushedCrypto>): PushedCrypto => ({ ...emptyTunnelConfig(), ...fields });
/** As the lab's 2.5.1 server logs its "Local Options String" with ncp-disable and cipher BF-CBC. */
const SERVER_BF = 'V4,dev-type tun,link-mtu 1542,tun-mtu 1500,proto UDPv4,comp-lzo,keydir 0,cipher BF-CBC,auth SHA1,keysize 128,tls-auth,key-method 2,tls-server';
const SERVER_AES_CBC = 'V4,dev-type tun,link-mtu 1570,tun-mtu 1500,proto UDPv4,comp-lzo,keydir 0,cipher AES-256-CBC,auth SHA256,keysize 256,tls-auth,key-method 2,tls-server';
/** A server string with no cipher item at all (2.6 servers leave it out for clients that negotiate). */
const SERVER_NO_CIPHER = 'V4,dev-type tun,link-mtu 1549,tun-mtu 1500,proto UDPv4,auth [null-digest],keysize 256,key-method 2,tls-server';
const GCM_AND_BF = { dataCiphers: ['AES-256-GCM', 'BF-CBC'] };
const DEFAULTS = { dataCiphers: ['AES-256-GCM', 'AES-128-GCM', 'CHACHA20-POLY1305'] };

test('1. a pushed cipher is taken when data-ciphers has it, or when it is the fallback', () => {
  assert.deepEqual(chooseDataCipher(pushed({ cipher: 'bf-cbc' }), GCM_AND_BF, SERVER_AES_CBC), { ok: true, value: 'BF-CBC' });
  assert.deepEqual(chooseDataCipher(pushed({ cipher: 'AES-256-CBC' }), { ...DEFAULTS, dataCiphersFallback: 'AES-256-CBC' }, undefined), { ok: true, value: 'AES-256-CBC' });
});

test('1. a pushed cipher outside data-ciphers (and not the fallback) is ncp.cipher_not_allowed, with the server\'s cipher and our list', () => {
  assert.deepEqual(chooseDataCipher(pushed({ cipher: 'BF-CBC' }), DEFAULTS, SERVER_BF), {
    ok: false,
    error: {
      code: 'ncp.cipher_not_allowed', message: 'The server chose the data cipher BF-CBC, which is not in this profile\'s data-ciphers (AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305).',
      data: { kind: 'cipher', serverCipher: 'BF-CBC', dataCiphers: ['AES-256-GCM', 'AES-128-GCM', 'CHACHA20-POLY1305'] },
    },
  });
});

test('1. key-derivation or protocol-flags pushed without a cipher: our own (fallback, cipher, BF-CBC) must be allowed', () => {
  const ekm = pushed({ keyDerivation: 'tls-ekm' });
  assert.deepEqual(chooseDataCipher(ekm, { ...DEFAULTS, dataCiphersFallback: 'AES-128-CBC' }, SERVER_BF), { ok: true, value: 'AES-128-CBC' }, 'the OCC cipher is not looked at');
  assert.deepEqual(chooseDataCipher(pushed({ protocolFlags: new Set(['cc-exit']) }), { dataCiphers: ['AES-256-GCM', 'AES-256-CBC'], cipher: 'AES-256-CBC' }, undefined), { ok: true, value: 'AES-256-CBC' });
  const refused = chooseDataCipher(ekm, DEFAULTS, SERVER_AES_CBC);
  assert.equal(!refused.ok && refused.error.code, 'ncp.cipher_not_allowed');
  assert.deepEqual(!refused.ok && refused.error.data, { kind: 'cipher', serverCipher: 'BF-CBC', dataCiphers: DEFAULTS.dataCiphers });
});

test('2. nothing pushed: the cipher of the server\'s options string, when data-ciphers has it', () => {
  assert.deepEqual(chooseDataCipher(NOTHING_PUSHED, GCM_AND_BF, SERVER_BF), { ok: true, value: 'BF-CBC' });
  assert.deepEqual(chooseDataCipher(NOTHING_PUSHED, { dataCiphers: ['AES-256-CBC'], dataCiphersFallback: 'BF-CBC' }, SERVER_AES_CBC), { ok: true, value: 'AES-256-CBC' }, 'before the fallback');
});

test('3. no cipher in the server\'s options string and data-ciphers-fallback set: the fallback', () => {
  assert.deepEqual(chooseDataCipher(NOTHING_PUSHED, { ...DEFAULTS, dataCiphersFallback: 'AES-256-CBC' }, SERVER_NO_CIPHER), { ok: true, value: 'AES-256-CBC' });
  assert.deepEqual(chooseDataCipher(NOTHING_PUSHED, { ...DEFAULTS, dataCiphersFallback: 'BF-CBC' }, undefined), { ok: true, value: 'BF-CBC' });
});

test('4. a server cipher that is named but not allowed never falls back: ncp.no_cipher with the server\'s cipher and our list', () => {
  const result = chooseDataCipher(NOTHING_PUSHED, { ...DEFAULTS, dataCiphersFallback: 'AES-256-CBC' }, SERVER_BF);
  assert.deepEqual(result, {
    ok: false,
    error: {
      code: 'ncp.no_cipher', message: 'The server uses the data cipher BF-CBC, which is not in this profile\'s data-ciphers (AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305).',
      data: { kind: 'cipher', serverCipher: 'BF-CBC', dataCiphers: DEFAULTS.dataCiphers, dataCiphersFallback: 'AES-256-CBC' },
    },
  });
});

test('4. no cipher anywhere and no fallback: ncp.no_cipher without a server cipher', () => {
  const result = chooseDataCipher(NOTHING_PUSHED, DEFAULTS, SERVER_NO_CIPHER);
  assert.equal(!result.ok && result.error.code, 'ncp.no_cipher');
  assert.deepEqual(!result.ok && result.error.data, { kind: 'cipher', dataCiphers: DEFAULTS.dataCiphers });
});

test('the server\'s cipher is the first `cipher` item; [null-cipher] is none; `cipher` inside another item does not count', () => {
  assert.equal(serverCipherOf(SERVER_BF), 'BF-CBC');
  assert.equal(serverCipherOf('V4,cipher [null-cipher],auth SHA1'), 'NONE');
  assert.equal(serverCipherOf('V4,tls-cipher X,cipher aes-128-cbc,cipher BF-CBC'), 'AES-128-CBC');
  assert.equal(serverCipherOf(SERVER_NO_CIPHER), undefined);
  assert.equal(serverCipherOf(undefined), undefined);
  assert.equal(serverCipherOf('V4,cipher '), undefined);
  const none = chooseDataCipher(NOTHING_PUSHED, DEFAULTS, 'V4,cipher [null-cipher]');
  assert.deepEqual(!none.ok && none.error.data, { kind: 'cipher', serverCipher: 'NONE', dataCiphers: DEFAULTS.dataCiphers });
});

test('reneg-bytes: the profile\'s wins (0 is never); else 64 MiB for 64-bit block ciphers (SWEET32), else none', () => {
  assert.equal(renegotiateBytesFor(undefined, 'BF-CBC'), 64 * 1024 * 1024);
  assert.equal(renegotiateBytesFor(undefined, 'DES-EDE3-CBC'), 64 * 1024 * 1024);
  assert.equal(renegotiateBytesFor(undefined, 'AES-256-CBC'), 0);
  assert.equal(renegotiateBytesFor(undefined, 'AES-256-GCM'), 0);
  assert.equal(renegotiateBytesFor(1_000_000, 'BF-CBC'), 1_000_000);
  assert.equal(renegotiateBytesFor(0, 'BF-CBC'), 0);
});

test('our options string names our cipher (data-ciphers-fallback, else cipher, else BF-CBC) only when data-ciphers has it, as 2.6 does', () => {
  const base = { transport: 'udp' as const, compression: 'none' as const, wrap: { kind: 'none' as const }, auth: 'SHA1' };
  // The 2.6 default: BF-CBC internally, not announced; 2.6.14 sends exactly this (options-string.test.ts).
  assert.equal(clientOptionsString({ ...base, ...DEFAULTS }), 'V4,dev-type tun,link-mtu 1541,tun-mtu 1500,proto UDPv4,auth SHA1,keysize 128,key-method 2,tls-client');
  assert.equal(clientOptionsString({ ...base, ...GCM_AND_BF }), 'V4,dev-type tun,link-mtu 1541,tun-mtu 1500,proto UDPv4,cipher BF-CBC,auth SHA1,keysize 128,key-method 2,tls-client');
  // `cipher AES-256-CBC` outside data-ciphers: sized by it, not named (2.6's DEPRECATED case).
  assert.equal(clientOptionsString({ ...base, ...DEFAULTS, cipher: 'AES-256-CBC', auth: 'SHA256' }),
    'V4,dev-type tun,link-mtu 1569,tun-mtu 1500,proto UDPv4,auth SHA256,keysize 256,key-method 2,tls-client');
  assert.match(clientOptionsString({ ...base, dataCiphers: ['AES-256-GCM', 'AES-256-CBC'], cipher: 'AES-256-CBC' }), /,cipher AES-256-CBC,auth SHA1,keysize 256,/);
  assert.match(clientOptionsString({ ...base, dataCiphers: ['AES-256-GCM', 'CAST5-CBC'], dataCiphersFallback: 'CAST5-CBC', cipher: 'AES-256-CBC' }), /,cipher CAST5-CBC,auth SHA1,keysize 128,/);
});
