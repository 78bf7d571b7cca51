import type { DataKeySlot } from './key-negotiation';
import type { SessionSettings } from './session-settings';

/** What the choice needs to know of each key: its data keys, once installed. */
export interface SelectableKey {
  readonly dataKeys: (Pick<DataKeySlot, 'peerSendsWithKey' | 'encryptNotBeforeMs'> & { readonly cipher?: { readonly peerHasSent?: boolean } }) | undefined;
}

/**
 * Picks the key to encrypt with; `keys` is ordered newest first. A key with data keys
 * may be used once one of these holds:
 *  - the server encrypts with it, which proves it can decrypt with it (seen by DataPath, or
 *    by the cipher itself when a native data plane decrypts with it: `peerHasSent`);
 *  - its wait has passed (unprovenKeyWaitMs);
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

/**
 * How long after its installation a renegotiated key waits before we encrypt with it
 * unproven (nothing from the server on it yet, no newer negotiation begun).
 *
 * 2.x waits its deferred-auth window: hand-window, or half of reneg-sec when shorter and
 * not 0 (ovpn:ssl.c auth_deferred_expire_window). That is our reneg-sec (3600 s unless the
 * profile says otherwise), but the server retires the old key when *its* reneg-sec runs out
 * after the new key is up (ovpn:ssl.c key_state_soft_reset). Against a server renegotiating
 * every 10 s, a client sending one way only (nothing comes back on the new key to prove it)
 * was still on the old key when the server retired it, and what was in flight was refused
 * ("keys out of sync", 4 or 5 datagrams per renegotiation at 30 Mbit/s).
 * Switching at once instead (what 2.x does when the old key is itself younger than the window)
 * is no better: the server can decrypt the new key only once our ACK of its key-method
 * message has reached it, and under load that ACK was lost to the server's full socket
 * buffer: 141 packets refused "not initialized (yet)" and 2.2 s of pings lost until it
 * retransmitted (tls-timeout 2 s).
 * So we switch when the server itself does: half its renegotiation interval after the key is
 * up (the same window, with its reneg-sec), by when it has long had our ACK, and half an
 * interval before it retires the old key. Its interval is fixed for the connection (reneg-sec
 * less a jitter drawn once, ovpn:init.c do_init_crypto_tls), so the time from the previous
 * key's installation to the server's soft reset measures it.
 */
export function unprovenKeyWaitMs(timers: Pick<SessionSettings['timers'], 'handWindowSeconds' | 'renegotiateSeconds'>, serverRekeyIntervalMs: number | undefined): number {
  const { handWindowSeconds, renegotiateSeconds } = timers;
  const ownMs = (renegotiateSeconds > 0 ? Math.min(handWindowSeconds, renegotiateSeconds / 2) : handWindowSeconds) * 1000;
  return serverRekeyIntervalMs === undefined ? ownMs : Math.min(ownMs, serverRekeyIntervalMs / 2);
}
