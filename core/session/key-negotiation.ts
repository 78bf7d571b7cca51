import { randomBytes } from 'node:crypto';
import type { TlsChannel } from '../tls/tls-channel';
import type { DataCipher } from '../data/data-cipher';
import { PRE_MASTER_BYTES, RANDOM_BYTES } from '../keys/constants';
import type { KeyMethod2ServerMessage } from '../keys/key-method-2';
import { ServerKeyMethodReader } from '../keys/server-key-method-reader';
import { ControlMessageSplitter } from '../control/control-text';
import type { RenegotiationCause, SessionEndCode } from './codes';
import type { Renegotiation } from './events';

/** key_id 0 is the session's initial handshake; renegotiations cycle 1..7 (ovpn:ssl.c key_state_init). */
export const INITIAL_KEY_ID = 0;

/** True for the key of the initial handshake (it waits for the push; later keys install at once). */
export function isInitialKey(keyId: number): boolean {
  return keyId === INITIAL_KEY_ID;
}

export function nextKeyId(current: number): number {
  return current >= 7 ? 1 : current + 1;
}

/** The data-channel keys of an established key_id, and what the data path learns using them. */
export interface DataKeySlot {
  readonly cipher: DataCipher;
  /** When the keys were installed (ms), for reneg-sec and the wait before encrypting with them. */
  readonly establishedAtMs: number;
  /** Before this time the key is not used to encrypt unproven (key-selection.ts: unprovenKeyWaitMs, selectEncryptionKey). */
  readonly encryptNotBeforeMs: number;
  /** The server already encrypts with this key: safe for us to switch to it. */
  peerSendsWithKey: boolean;
  /** Data-channel bytes both ways, for reneg-bytes. */
  bytes: number;
}

/**
 * Where one key_id stands; each variant holds what is valid in it. A key_id is an
 * independent TLS session with its own reliable layer and, once established, its own
 * data-channel keys (protocol.md §12).
 */
export type KeyNegotiationState =
  /** Our reset is queued; waiting for the server's. */
  | { kind: 'reset' }
  /** TLS handshake running over the reliable layer. */
  | { kind: 'tls'; tls: TlsChannel }
  /** TLS is up; the key-method 2 message waits for the password (auth-nocache, no auth-token). */
  | { kind: 'awaiting_credentials'; tls: TlsChannel }
  /** Our key-method 2 message is sent; waiting for the server's. */
  | { kind: 'key_exchange'; tls: TlsChannel }
  /** Both key-method 2 messages seen; the initial key waits here for the pushed cipher. */
  | { kind: 'exchanged'; tls: TlsChannel; server: KeyMethod2ServerMessage }
  /** Data-channel keys installed. */
  | { kind: 'established'; tls: TlsChannel; server: KeyMethod2ServerMessage; data: DataKeySlot }
  | { kind: 'dead' };

/** What TLS plaintext meant for the negotiation. */
export type PlaintextRead =
  /** Control-channel text (after the key exchange). */
  | { kind: 'text'; text: Buffer }
  /** The server's key-method 2 message completed; `rest` is text that followed it. */
  | { kind: 'exchanged'; rest: Buffer }
  | { kind: 'need_more' }
  | { kind: 'failed'; code: SessionEndCode; message: string };

/**
 * One key_id's negotiation: reset → tls → [awaiting_credentials] → key_exchange →
 * exchanged → established, or dead. Transitions are the methods below; nobody outside
 * assigns the state. A method called in a state it does not apply to changes nothing.
 */
export class KeyNegotiation {
  #state: KeyNegotiationState = { kind: 'reset' };
  /** Our key-method 2 randoms, kept for the legacy PRF. */
  readonly preMaster = randomBytes(PRE_MASTER_BYTES);
  readonly random1 = randomBytes(RANDOM_BYTES);
  readonly random2 = randomBytes(RANDOM_BYTES);
  /** Collects the server's key-method 2 reply until it is complete (bounded). */
  readonly #serverKeyMethod = new ServerKeyMethodReader();
  readonly #splitter = new ControlMessageSplitter();
  /** The first TLS ciphertext goes in message id 1, which tls-crypt-v2 may need as WKC_V1. */
  #sentCiphertext = false;

  /**
   * `startedAtMs`: when the soft reset went out (ours) or came in (the server's);
   * `cause`: who started it (absent on the initial key, which is no renegotiation).
   */
  constructor(readonly keyId: number, readonly startedAtMs: number, readonly cause?: RenegotiationCause) {}

  get state(): Readonly<KeyNegotiationState> {
    return this.#state;
  }

  get isInitial(): boolean {
    return isInitialKey(this.keyId);
  }

  get tls(): TlsChannel | undefined {
    return 'tls' in this.#state ? this.#state.tls : undefined;
  }

  get server(): KeyMethod2ServerMessage | undefined {
    return 'server' in this.#state ? this.#state.server : undefined;
  }

  get dataKeys(): DataKeySlot | undefined {
    return this.#state.kind === 'established' ? this.#state.data : undefined;
  }

  /** The server's reset arrived: TLS starts. False unless the key was waiting for it. */
  startTls(tls: TlsChannel): boolean {
    if (this.#state.kind !== 'reset') return false;
    this.#state = { kind: 'tls', tls };
    return true;
  }

  /** TLS is up but the key-method 2 message needs a password we no longer hold. */
  waitForCredentials(): void {
    if (this.#state.kind === 'tls') this.#state = { kind: 'awaiting_credentials', tls: this.#state.tls };
  }

  /** Writes our key-method 2 message; the server's is awaited from now on. */
  sendKeyMethod(message: Buffer): void {
    if (this.#state.kind !== 'tls' && this.#state.kind !== 'awaiting_credentials') return;
    this.#state = { kind: 'key_exchange', tls: this.#state.tls };
    this.#state.tls.writeMessage(message);
  }

  /** TLS plaintext from the server: its key-method 2 message first, control text after it. */
  receivePlaintext(bytes: Buffer): PlaintextRead {
    if (this.#state.kind !== 'key_exchange') return { kind: 'text', text: bytes };
    const read = this.#serverKeyMethod.push(bytes);
    switch (read.kind) {
      case 'need_more': return { kind: 'need_more' };
      case 'failed': return { kind: 'failed', code: read.error.code, message: 'The server sent a malformed key-method 2 message.' };
      case 'message':
        this.#state = { kind: 'exchanged', tls: this.#state.tls, server: read.message };
        return { kind: 'exchanged', rest: read.message.rest };
    }
  }

  /** Installs the data-channel keys derived for this key_id. */
  install(cipher: DataCipher, nowMs: number, encryptNotBeforeMs: number): void {
    if (this.#state.kind !== 'exchanged') return;
    this.#state = { ...this.#state, kind: 'established', data: { cipher, establishedAtMs: nowMs, encryptNotBeforeMs, peerSendsWithKey: false, bytes: 0 } };
  }

  /** Splits control text into whole messages (drops for invalid or oversized ones). */
  splitControlText(text: Buffer): ReturnType<ControlMessageSplitter['push']> {
    return this.#splitter.push(text);
  }

  /** The opcode the next TLS ciphertext goes out with: only the first may be P_CONTROL_WKC_V1. */
  takeCiphertextTurn(): 'first' | 'later' {
    const turn = this.#sentCiphertext ? 'later' : 'first';
    this.#sentCiphertext = true;
    return turn;
  }

  destroy(): void {
    this.tls?.destroy();
    this.#state = { kind: 'dead' };
  }
}

/** The renegotiation a key completed, told once its data keys are installed (`nowMs`); undefined for the initial key. */
export function completedRenegotiation(key: Pick<KeyNegotiation, 'keyId' | 'startedAtMs' | 'cause' | 'isInitial'>, nowMs: number): Renegotiation | undefined {
  if (key.isInitial || key.cause === undefined) return undefined;
  return { keyId: key.keyId, cause: key.cause, tookMs: Math.max(0, Math.round(nowMs - key.startedAtMs)) };
}
