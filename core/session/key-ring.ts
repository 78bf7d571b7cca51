import { P_CONTROL_SOFT_RESET_V1, P_CONTROL_V1, P_CONTROL_WKC_V1 } from '../packet/constants';
import type { ControlLink } from '../reliable/control-link';
import { TlsChannel } from '../tls/tls-channel';
import type { TlsError } from '../tls/tls-error';
import type { TunnelConfig } from '../control/tunnel-config';
import { parseEarlyNegotiationTlvs } from '../wrap/early-negotiation';
import type { Result } from '../wire/result';
import { INITIAL_KEY_ID, isInitialKey, KeyNegotiation, nextKeyId } from './key-negotiation';
import { deriveDataCipher, encodeClientKeyMethod, type KeyExchangeError } from './key-exchange';
import type { SessionSettings } from './session-settings';

/** Keys kept at once: the new one, the current one (lame duck) and nothing older (ovpn:ssl.c key_state_soft_reset). */
const MAX_KEYS = 3;
/** Room for op, session ids, ACKs, message id and the largest wrap inside tls-mtu 1250 (protocol.md §3). */
const MAX_CONTROL_PAYLOAD_BYTES = 1000;

/** What a key's TLS session reports back to the session. */
export interface KeyRingSinks {
  onSecure(key: KeyNegotiation): void;
  onPlaintext(key: KeyNegotiation, bytes: Buffer): void;
  onTlsError(error: TlsError): void;
  /** Ciphertext was queued: flush it (on a microtask, never re-entrantly). */
  onQueued(): void;
}

/**
 * The session's key_ids, newest first, each with its reliable layer on the control link:
 * opening, TLS over the control channel, our key-method 2 message, data-key installation
 * and retirement. Each key's own progress is its KeyNegotiation.
 */
export class KeyRing {
  readonly #keys: KeyNegotiation[] = [];

  constructor(
    private readonly control: ControlLink,
    private readonly settings: SessionSettings,
    private readonly sinks: KeyRingSinks,
  ) {}

  get all(): readonly KeyNegotiation[] {
    return this.#keys;
  }

  /** The newest key. */
  get current(): KeyNegotiation | undefined {
    return this.#keys[0];
  }

  /** The key of the initial handshake, while it is kept. */
  get initial(): KeyNegotiation | undefined {
    return this.#keys.find((k) => k.isInitial);
  }

  /** True when everything queued on the initial key was ACKed. */
  get initialKeyIdle(): boolean {
    return this.control.allAcked(INITIAL_KEY_ID);
  }

  find(keyId: number): KeyNegotiation | undefined {
    return this.#keys.find((k) => k.keyId === keyId);
  }

  /** Starts a key_id: its reliable layer opens with our reset queued (unless the server's soft reset opened it). */
  open(keyId: number, resetOpcode: number, nowMs: number): KeyNegotiation {
    const key = new KeyNegotiation(keyId, nowMs);
    this.#keys.unshift(key);
    for (const old of this.#keys.splice(MAX_KEYS)) {
      old.destroy();
      this.control.closeKey(old.keyId);
    }
    if (!this.control.hasKey(keyId)) {
      this.control.openKey(keyId);
      this.control.queue(keyId, resetOpcode, Buffer.alloc(0));
    }
    return key;
  }

  /** Client-initiated renegotiation on the next key id; undefined while the current key is not established. */
  openNext(nowMs: number): KeyNegotiation | undefined {
    const current = this.current;
    if (current?.state.kind !== 'established') return undefined;
    return this.open(nextKeyId(current.keyId), P_CONTROL_SOFT_RESET_V1, nowMs);
  }

  /** The server's soft reset on a key id we do not have: answer with our own. */
  answerSoftReset(keyId: number, nowMs: number): void {
    this.control.queue(keyId, P_CONTROL_SOFT_RESET_V1, Buffer.alloc(0));
    this.open(keyId, P_CONTROL_SOFT_RESET_V1, nowMs);
  }

  /** The server's reset on this key arrived: start TLS (we are always the TLS client). False if it was not awaited. */
  startTls(key: KeyNegotiation, resetPayload: Buffer): boolean {
    if (key.state.kind !== 'reset') return false;
    const early = parseEarlyNegotiationTlvs(resetPayload);
    const resendWkc = this.settings.wrap.kind === 'tls-crypt-v2' && key.isInitial && early.ok && early.value.resendWkc;
    return key.startTls(new TlsChannel(this.settings.tls, {
      sendCiphertext: (bytes) => this.#queueCiphertext(key, bytes, resendWkc),
      onSecure: () => this.sinks.onSecure(key),
      onPlaintext: (bytes) => this.sinks.onPlaintext(key, bytes),
      onError: (error) => this.sinks.onTlsError(error),
    }));
  }

  /** Our key-method 2 message, with the password or the session's auth-token. */
  sendKeyMethod(key: KeyNegotiation, settings: SessionSettings): Result<void, KeyExchangeError> {
    const message = encodeClientKeyMethod(key, settings);
    if (message.ok) key.sendKeyMethod(message.value);
    return message.ok ? { ok: true, value: undefined } : message;
  }

  /** Derives and installs the data keys; a renegotiated key is not used to encrypt during the deferred-auth window. */
  install(key: KeyNegotiation, config: TunnelConfig, cipherName: string, nowMs: number): Result<void, KeyExchangeError> {
    const cipher = deriveDataCipher(key, this.control, cipherName, config.keyDerivation, this.settings.auth, this.settings.aead);
    if (!cipher.ok) return cipher;
    const deferredMs = Math.min(this.settings.timers.handWindowSeconds, this.settings.timers.renegotiateSeconds / 2) * 1000;
    key.install(cipher.value, nowMs, isInitialKey(key.keyId) ? 0 : nowMs + deferredMs);
    return { ok: true, value: undefined };
  }

  destroyAll(): void {
    for (const key of this.#keys) key.destroy();
  }

  #queueCiphertext(key: KeyNegotiation, bytes: Buffer, resendWkc: boolean): void {
    for (let offset = 0; offset < bytes.length; offset += MAX_CONTROL_PAYLOAD_BYTES) {
      // tls-crypt-v2 early negotiation: message id 1 must repeat the WKc (protocol.md §2.5).
      const opcode = key.takeCiphertextTurn() === 'first' && resendWkc ? P_CONTROL_WKC_V1 : P_CONTROL_V1;
      this.control.queue(key.keyId, opcode, Buffer.from(bytes.subarray(offset, offset + MAX_CONTROL_PAYLOAD_BYTES)));
    }
    this.sinks.onQueued();
  }
}
