import { createCipheriv, createDecipheriv } from 'node:crypto';
import type { CipherGCM, CipherGCMTypes, DecipherGCM } from 'node:crypto';
import { AEAD_TAG_BYTES } from './constants';

/** The AEAD algorithms of the data channel, by node:crypto / OpenSSL name. */
export type AeadAlgorithm = 'aes-128-gcm' | 'aes-192-gcm' | 'aes-256-gcm' | 'chacha20-poly1305';

/** One direction's AEAD under one key; the nonce changes with every packet. */
export interface AeadKey {
  /** Encrypts plaintext into out at ciphertextOffset and writes the 16-byte tag at tagOffset. */
  seal(nonce: Buffer, aad: Buffer, plaintext: Buffer, out: Buffer, tagOffset: number, ciphertextOffset: number): void;
  /** The plaintext in a new Buffer, or null when the tag does not verify. */
  open(nonce: Buffer, aad: Buffer, tag: Buffer, ciphertext: Buffer): Buffer | null;
}

/**
 * Makes AeadKeys. Core's own is node:crypto's; the helper passes one with a reusable
 * OpenSSL context (its addon), because node:crypto makes a cipher object per packet.
 */
export type AeadProvider = (algorithm: AeadAlgorithm, key: Buffer) => AeadKey;

export const nodeCryptoAead: AeadProvider = (algorithm, key) => {
  const name = algorithm as CipherGCMTypes; // ChaCha20-Poly1305 has the same interface
  const ownKey = Buffer.from(key);
  return {
    seal(nonce, aad, plaintext, out, tagOffset, ciphertextOffset) {
      const cipher = createCipheriv(name, ownKey, nonce, { authTagLength: AEAD_TAG_BYTES }) as CipherGCM;
      cipher.setAAD(aad);
      cipher.update(plaintext).copy(out, ciphertextOffset);
      cipher.final();
      cipher.getAuthTag().copy(out, tagOffset);
    },
    open(nonce, aad, tag, ciphertext) {
      const decipher = createDecipheriv(name, ownKey, nonce, { authTagLength: AEAD_TAG_BYTES }) as DecipherGCM;
      decipher.setAAD(aad);
      decipher.setAuthTag(tag);
      const plaintext = decipher.update(ciphertext);
      try {
        decipher.final();
      } catch {
        return null;
      }
      return plaintext;
    },
  };
};
