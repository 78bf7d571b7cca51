import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { nodeCryptoAead, type AeadAlgorithm } from '../../core/index';
import { addonSkipReason } from '../addon/addon-test-prerequisites';
import { nativeAead } from './native-aead';

const skip = addonSkipReason({ root: false });
const KEY_BYTES: Record<AeadAlgorithm, number> = { 'aes-128-gcm': 16, 'aes-192-gcm': 24, 'aes-256-gcm': 32, 'chacha20-poly1305': 32 };

describe('native AEAD (the addon\'s OpenSSL contexts) against node:crypto', { skip }, () => {
  for (const algorithm of Object.keys(KEY_BYTES) as AeadAlgorithm[]) {
    test(`${algorithm}: the same ciphertext and tag for any packet; each opens what the other sealed`, () => {
      const key = randomBytes(KEY_BYTES[algorithm]);
      const native = nativeAead()(algorithm, key);
      const reference = nodeCryptoAead(algorithm, key);
      fc.assert(fc.property(fc.uint8Array({ maxLength: 1600 }), fc.uint8Array({ minLength: 4, maxLength: 8 }), fc.uint8Array({ minLength: 12, maxLength: 12 }), (text, aadBytes, nonceBytes) => {
        const [plaintext, aad, nonce] = [Buffer.from(text), Buffer.from(aadBytes), Buffer.from(nonceBytes)];
        const ours = Buffer.alloc(16 + plaintext.length);
        const theirs = Buffer.alloc(16 + plaintext.length);
        native.seal(nonce, aad, plaintext, ours, 0, 16);
        reference.seal(nonce, aad, plaintext, theirs, 0, 16);
        assert.deepEqual(ours, theirs);
        assert.deepEqual(reference.open(nonce, aad, ours.subarray(0, 16), ours.subarray(16)), plaintext);
        assert.deepEqual(native.open(nonce, aad, theirs.subarray(0, 16), theirs.subarray(16)), plaintext);
      }), { numRuns: 200 });
    });
  }

  test('2.7\'s epoch layout: a 12-byte AAD and the tag after the ciphertext give node:crypto\'s bytes', () => {
    for (const algorithm of Object.keys(KEY_BYTES) as AeadAlgorithm[]) {
      const key = randomBytes(KEY_BYTES[algorithm]);
      const native = nativeAead()(algorithm, key);
      const reference = nodeCryptoAead(algorithm, key);
      fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 1600 }), fc.uint8Array({ minLength: 12, maxLength: 12 }), fc.uint8Array({ minLength: 12, maxLength: 12 }), (text, aadBytes, nonceBytes) => {
        const [plaintext, aad, nonce] = [Buffer.from(text), Buffer.from(aadBytes), Buffer.from(nonceBytes)];
        const ours = Buffer.alloc(12 + plaintext.length + 16);
        const theirs = Buffer.alloc(12 + plaintext.length + 16);
        native.seal(nonce, aad, plaintext, ours, 12 + plaintext.length, 12);
        reference.seal(nonce, aad, plaintext, theirs, 12 + plaintext.length, 12);
        assert.deepEqual(ours, theirs);
        const tagAt = ours.length - 16;
        assert.deepEqual(native.open(nonce, aad, theirs.subarray(tagAt), theirs.subarray(12, tagAt)), plaintext);
      }), { numRuns: 50 });
    }
  });

  test('a flipped bit anywhere (tag, ciphertext, AAD, nonce) fails to open, and the key still works after', () => {
    const key = randomBytes(32);
    const aead = nativeAead()('aes-256-gcm', key);
    const [nonce, aad, plaintext] = [randomBytes(12), randomBytes(8), randomBytes(1400)];
    const sealed = Buffer.alloc(16 + plaintext.length);
    aead.seal(nonce, aad, plaintext, sealed, 0, 16);
    const flip = (buffer: Buffer, index: number): Buffer => { const copy = Buffer.from(buffer); copy[index] = (copy[index] as number) ^ 1; return copy; };
    assert.equal(aead.open(nonce, aad, flip(sealed, 3).subarray(0, 16), sealed.subarray(16)), null, 'tag');
    assert.equal(aead.open(nonce, aad, sealed.subarray(0, 16), flip(sealed, 700).subarray(16)), null, 'ciphertext');
    assert.equal(aead.open(nonce, flip(aad, 0), sealed.subarray(0, 16), sealed.subarray(16)), null, 'AAD');
    assert.equal(aead.open(flip(nonce, 11), aad, sealed.subarray(0, 16), sealed.subarray(16)), null, 'nonce');
    assert.deepEqual(aead.open(nonce, aad, sealed.subarray(0, 16), sealed.subarray(16)), plaintext);
  });

  test('bad arguments are TypeErrors and RangeErrors, not crashes', () => {
    const make = nativeAead();
    assert.throws(() => make('aes-256-cbc' as AeadAlgorithm, randomBytes(32)), RangeError);
    assert.throws(() => make('aes-256-gcm', randomBytes(16)), RangeError);
    const aead = make('aes-128-gcm', randomBytes(16));
    assert.throws(() => aead.seal(randomBytes(8), Buffer.alloc(0), Buffer.alloc(4), Buffer.alloc(20), 0, 16), RangeError, 'short nonce');
    assert.throws(() => aead.seal(randomBytes(12), Buffer.alloc(0), Buffer.alloc(8), Buffer.alloc(20), 0, 16), RangeError, 'out too short');
    assert.throws(() => aead.open(randomBytes(12), Buffer.alloc(0), Buffer.alloc(15), Buffer.alloc(4)), RangeError, 'short tag');
    assert.throws(() => aead.open(randomBytes(12), 'x' as unknown as Buffer, Buffer.alloc(16), Buffer.alloc(4)), TypeError);
  });
});
