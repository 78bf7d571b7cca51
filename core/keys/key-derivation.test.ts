import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BugError } from '../wire/errors';
import { deriveKeysEkm, splitKey2 } from './key-derivation';

const key2 = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

test('splitKey2: the client encrypts with K0 and decrypts with K1; the server the other way round', () => {
  const client = splitKey2(key2);
  assert.equal(client.encrypt.cipherKey[0], 0);
  assert.equal(client.encrypt.hmacKey[0], 64);
  assert.equal(client.decrypt.cipherKey[0], 128);
  assert.equal(client.decrypt.hmacKey[0], 192);
  assert.equal(client.decrypt.hmacKey.length, 64);
  const server = splitKey2(key2, 'server');
  assert.deepEqual(server.encrypt, client.decrypt);
  assert.deepEqual(server.decrypt, client.encrypt);
});

test('splitKey2 copies: wiping key2 afterwards leaves the slots intact', () => {
  const material = Buffer.from(key2);
  const slots = splitKey2(material);
  material.fill(0);
  assert.equal(slots.decrypt.hmacKey[63], 255);
});

test('splitKey2 refuses a key2 of the wrong size as our bug', () => {
  assert.throws(() => splitKey2(Buffer.alloc(128)), BugError);
});

test('deriveKeysEkm asks for 256 bytes with the datakeys label and passes no context', () => {
  const calls: unknown[][] = [];
  const out = deriveKeysEkm((...args: unknown[]) => {
    calls.push(args);
    return Buffer.alloc(256, 7);
  });
  assert.deepEqual(calls, [[256, 'EXPORTER-OpenVPN-datakeys']]);
  assert.equal(out.length, 256);
});
