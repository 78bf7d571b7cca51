import type { DataKeySlot } from './key-negotiation';

/** What the choice needs to know of each key: its data keys, once installed. */
export interface SelectableKey {
  readonly dataKeys: (Pick<DataKeySlot, 'peerSendsWithKey' | 'encryptNotBeforeMs'> & { readonly cipher?: { readonly peerHasSent?: boolean } }) | undefined;
}

/**
 * Picks the key to encrypt with; `keys` is ordered newest first. A key with data keys
 * may be used once one of these holds:
 *  - the server encrypts with it, which proves it can decrypt with it (seen by DataPath, or
 *    by the cipher itself when a native data plane decrypts with it: `peerHasSent`);
 *  - its deferred-auth window has passed, as 2.x waits (ovpn:ssl.c tls_select_encryption_key);
 *  - a newer negotiation has begun. Whoever starts a renegotiation retires the lame duck
 *    (ovpn:ssl.c key_state_soft_reset frees it and moves the current key into its place),
 *    so from then on the server decrypts only this key and the new one. Without this rule
 *    a client whose traffic is one-way (an upload, nothing coming back on the new key)
 *    went on encrypting with the retired key, and the server dropped everything it sent
 *    ("keys out of sync") until it happened to send a packet on the new key.
 * Else the newest usable key that qualifies, else the newest with data keys at all.
 */
export function selectEncryptionKey<K extends SelectableKey>(keys: readonly K[], nowMs: number): K | undefined {
  let fallback: K | undefined;
  for (const [index, key] of keys.entries()) {
    const data = key.dataKeys;
    if (!data) continue;
    fallback ??= key;
    const superseded = index > 0;
    if (data.peerSendsWithKey || data.cipher?.peerHasSent === true || nowMs >= data.encryptNotBeforeMs || superseded) return key;
  }
  return fallback;
}
