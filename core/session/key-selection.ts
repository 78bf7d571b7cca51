import type { KeyNegotiation } from './key-negotiation';

/**
 * Picks the key to encrypt with, as 2.x does (ovpn:ssl.c tls_select_encryption_key):
 * the newest key once its deferred-auth window has passed, else the newest key that
 * has passed it (the lame duck), else the newest usable key. We also switch as soon
 * as the server encrypts with the new key, which proves it is ready to decrypt with it.
 * `keys` is ordered newest first.
 */
export function selectEncryptionKey(keys: readonly KeyNegotiation[], nowMs: number): KeyNegotiation | undefined {
  let fallback: KeyNegotiation | undefined;
  for (const key of keys) {
    const data = key.dataKeys;
    if (!data) continue;
    fallback ??= key;
    if (data.peerSendsWithKey || nowMs >= data.encryptNotBeforeMs) return key;
  }
  return fallback;
}
