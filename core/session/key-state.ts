import { randomBytes } from 'node:crypto';
import type { TlsChannel } from '../tls/tls-channel';
import type { DataCipher } from '../data/data-cipher';
import { PRE_MASTER_BYTES, RANDOM_BYTES } from '../keys/constants';
import type { KeyMethod2ServerMessage } from '../keys/key-method-2';
import { ServerKeyMethodReader } from '../keys/server-key-method-reader';
import { ControlMessageSplitter } from '../control/control-text';

/**
 * Where one key_id stands. A key_id is an independent TLS session with its own
 * reliable layer and, once established, its own data-channel keys (protocol.md §12).
 */
export type KeyPhase =
  /** Our reset is queued; waiting for the server's. */
  | 'reset'
  /** TLS handshake running over the reliable layer. */
  | 'tls'
  /** TLS is up; the key-method 2 message waits for the password (auth-nocache, no auth-token). */
  | 'awaiting_credentials'
  /** Our key-method 2 message is sent; waiting for the server's. */
  | 'key_exchange'
  /** Both key-method 2 messages seen; data keys exist or wait for the push (key_id 0). */
  | 'established'
  | 'dead';

export class KeyState {
  phase: KeyPhase = 'reset';
  tls: TlsChannel | undefined;
  /** Our key-method 2 randoms, kept for the legacy PRF. */
  readonly preMaster = randomBytes(PRE_MASTER_BYTES);
  readonly random1 = randomBytes(RANDOM_BYTES);
  readonly random2 = randomBytes(RANDOM_BYTES);
  server: KeyMethod2ServerMessage | undefined;
  cipher: DataCipher | undefined;
  /** Collects the server's key-method 2 reply until it is complete (bounded). */
  readonly serverKeyMethod = new ServerKeyMethodReader();
  readonly splitter = new ControlMessageSplitter();
  /** The first TLS ciphertext goes in message id 1, which tls-crypt-v2 may need as WKC_V1. */
  sentFirstCiphertext = false;
  /** When the data keys were installed (ms), for reneg-sec and the deferred-auth window. */
  establishedAtMs: number | undefined;
  /** Before this time the key is not used to encrypt unless it is the only one (ovpn:ssl.c tls_select_encryption_key). */
  encryptNotBeforeMs = 0;
  /** The server already encrypts with this key: safe for us to switch to it. */
  peerSendsWithKey = false;
  dataBytes = 0;

  constructor(readonly keyId: number, readonly startedAtMs: number) {}

  get hasDataKeys(): boolean {
    return this.cipher !== undefined;
  }

  destroy(): void {
    this.phase = 'dead';
    this.tls?.destroy();
    this.tls = undefined;
  }
}

/** key_id 0 is the first key only; renegotiations cycle 1..7 (ovpn:ssl.c key_state_init). */
export function nextKeyId(current: number): number {
  return current >= 7 ? 1 : current + 1;
}
