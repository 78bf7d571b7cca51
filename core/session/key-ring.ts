import { P_CONTROL_SOFT_RESET_V1, P_CONTROL_V1, P_CONTROL_WKC_V1 } from '../packet/constants';
import type { ControlLink } from '../reliable/control-link';
import { TlsChannel } from '../tls/tls-channel';
import type { TunnelConfig } from '../control/tunnel-config';
import { parseEarlyNegotiationTlvs } from '../wrap/early-negotiation';
import { unprovenKeyWaitMs } from './key-selection';
import { INITIAL_KEY_ID, isInitialKey, KeyNegotiation, nextKeyId } from './key-negotiation';
import { deriveDataCipher, encodeClientKeyMethod, pushedEpochFormat } from './key-exchange';
import type { Credentials, SessionSettings } from './session-settings';
import type { SessionCredentials } from './session-credentials';
import type { DropReason, OwnRenegotiationCause, RenegotiationCause, SessionEndCode } from './codes';
import type { LogLevel, SessionEndData } from './events';

/** Keys kept at once: the new one, the current one (lame duck) and nothing older (ovpn:ssl.c key_state_soft_reset). */
const MAX_KEYS = 3;
/** Room for op, session ids, ACKs, message id and the largest wrap inside tls-mtu 1250 (protocol.md §3). */
const MAX_CONTROL_PAYLOAD_BYTES = 1000;

/** What the keys report back to the session. */
export interface KeyRingSinks {
  /** The server's reset on the initial key arrived: TLS starts. */
  onInitialKeyReset(): void;
  /** TLS is up on the initial key. */
  onInitialTlsSecure(): void;
  /** Both key-method 2 messages of this key were seen. */
  onKeyExchanged(key: KeyNegotiation): void;
  /** One whole control message from the server (PUSH_REPLY, AUTH_FAILED, …). */
  onControlText(text: string): void;
  /** A renegotiation needs the password that auth-nocache dropped. */
  onCredentialsNeeded(): void;
  onFail(code: SessionEndCode, message: string, fatal: boolean, data?: SessionEndData): void;
  onDrop(reason: DropReason): void;
  onLog(level: LogLevel, message: string): void;
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
  /** The auth-token renegotiations sign in with: the session's pushed one, else the one it started with. */
  #authToken: SessionSettings['authToken'];
  /** How long the key the server last replaced had been up here (ms): its renegotiation interval, seen from our side. */
  #serverRekeyIntervalMs: number | undefined;

  constructor(
    private readonly control: ControlLink,
    private readonly settings: SessionSettings,
    private readonly credentials: SessionCredentials,
    private readonly sinks: KeyRingSinks,
  ) {
    this.#authToken = settings.authToken;
  }

  /** A pushed auth-token (or its renewal) replaces the password from now on (protocol.md §9). */
  renewAuthToken(token: NonNullable<SessionSettings['authToken']>): void {
    this.#authToken = token;
  }

  /** The owner answered onCredentialsNeeded: the waiting renegotiations go on. */
  provideCredentials(credentials: Credentials): void {
    this.credentials.provide(credentials);
    for (const key of this.#keys) if (key.state.kind === 'awaiting_credentials') this.#sendKeyMethod(key, credentials);
  }

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
  open(keyId: number, resetOpcode: number, nowMs: number, cause?: RenegotiationCause): KeyNegotiation {
    const key = new KeyNegotiation(keyId, nowMs, cause);
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

  /** Client-initiated renegotiation (reneg-sec, reneg-bytes, packet-ids running out), once the current key is established. */
  renegotiate(nowMs: number, cause: OwnRenegotiationCause): void {
    const current = this.current;
    if (current?.state.kind !== 'established') return;
    const keyId = nextKeyId(current.keyId);
    this.sinks.onLog('info', `Starting a key renegotiation (key id ${keyId}, ${cause}).`);
    this.open(keyId, P_CONTROL_SOFT_RESET_V1, nowMs, cause);
  }

  /** The server started a renegotiation on a new key id: answer with our own soft reset. */
  answerSoftReset(keyId: number, nowMs: number): void {
    this.sinks.onLog('info', `The server started a key renegotiation (key id ${keyId}).`);
    const replaced = this.current?.dataKeys;
    if (replaced) this.#serverRekeyIntervalMs = nowMs - replaced.establishedAtMs;
    this.control.queue(keyId, P_CONTROL_SOFT_RESET_V1, Buffer.alloc(0));
    this.open(keyId, P_CONTROL_SOFT_RESET_V1, nowMs, 'server');
  }

  /** The server's reset on this key arrived: start TLS (we are always the TLS client). Ignored unless awaited. */
  startTls(key: KeyNegotiation, resetPayload: Buffer): void {
    if (key.state.kind !== 'reset') return;
    if (key.isInitial) this.sinks.onInitialKeyReset();
    const early = parseEarlyNegotiationTlvs(resetPayload);
    const resendWkc = this.settings.wrap.kind === 'tls-crypt-v2' && key.isInitial && early.ok && early.value.resendWkc;
    key.startTls(new TlsChannel(this.settings.tls, {
      sendCiphertext: (bytes) => this.#queueCiphertext(key, bytes, resendWkc),
      onSecure: () => this.#onSecure(key),
      onPlaintext: (bytes) => this.#onPlaintext(key, bytes),
      onError: (error) => this.sinks.onFail(error.code, error.message, error.fatal),
    }));
  }

  /**
   * Derives and installs the data keys (false after reporting a failure); a renegotiated key
   * is not used to encrypt unproven for a while (unprovenKeyWaitMs). In epoch format every key_id
   * starts its own chains at epoch 1 from its own key2 (protocol-2.7.md §2); the lame duck
   * keeps its epochs.
   */
  install(key: KeyNegotiation, config: TunnelConfig, cipherName: string, nowMs: number): boolean {
    const epoch = pushedEpochFormat(config) ? { rotateAfterPackets: this.settings.epochRotatePackets } : undefined;
    const cipher = deriveDataCipher(key, this.control, cipherName, config.keyDerivation, this.settings.auth, { aead: this.settings.aead, aeadCipher: this.settings.aeadCipher }, epoch);
    if (!cipher.ok) {
      this.sinks.onFail(cipher.error.code, cipher.error.message, true, cipher.error.data);
      return false;
    }
    const waitMs = unprovenKeyWaitMs(this.settings.timers, this.#serverRekeyIntervalMs);
    key.install(cipher.value, nowMs, isInitialKey(key.keyId) ? 0 : nowMs + waitMs);
    return true;
  }

  destroyAll(): void {
    for (const key of this.#keys) key.destroy();
  }

  #onSecure(key: KeyNegotiation): void {
    if (key.isInitial) this.sinks.onInitialTlsSecure();
    const credentials = this.credentials.forKey(this.#authToken !== undefined);
    if (credentials.kind === 'ready') return this.#sendKeyMethod(key, credentials.credentials);
    key.waitForCredentials();
    this.sinks.onLog('info', `Key renegotiation (key id ${key.keyId}) needs the password again (auth-nocache).`);
    this.sinks.onCredentialsNeeded();
  }

  /** Our key-method 2 message; renegotiations sign in with the session's token, not the password (protocol.md §9). */
  #sendKeyMethod(key: KeyNegotiation, credentials: Credentials | undefined): void {
    const message = encodeClientKeyMethod(key, { ...this.settings, credentials, authToken: this.#authToken });
    this.credentials.sent();
    if (!message.ok) return this.sinks.onFail(message.error.code, message.error.message, true);
    key.sendKeyMethod(message.value);
  }

  #onPlaintext(key: KeyNegotiation, bytes: Buffer): void {
    const read = key.receivePlaintext(bytes);
    // A bad key-method message is fatal for this negotiation: the attempt ends and the client reconnects,
    // as 2.x does for the first key (ovpn:ssl.c tls_multi_process: S_ERROR with no other active key → SIGUSR1).
    if (read.kind === 'failed') return this.sinks.onFail(read.code, read.message, false);
    if (read.kind === 'need_more') return;
    if (read.kind === 'exchanged') this.sinks.onKeyExchanged(key);
    const { messages, drops } = key.splitControlText(read.kind === 'text' ? read.text : read.rest);
    for (const drop of drops) this.sinks.onDrop(drop);
    for (const message of messages) this.sinks.onControlText(message);
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
