import {
  P_CONTROL_HARD_RESET_CLIENT_V2, P_CONTROL_HARD_RESET_CLIENT_V3, P_CONTROL_SOFT_RESET_V1, P_CONTROL_V1,
  P_CONTROL_WKC_V1, P_DATA_V1, P_DATA_V2, P_OPCODE_SHIFT, P_KEY_ID_MASK,
} from '../packet/constants';
import { encodeCrResponse, encodePushRequest } from '../control/encode-control-message';
import { classifyControlMessage, type ControlMessage } from '../control/classify-control-message';
import type { TunnelConfig } from '../control/tunnel-config';
import { ControlLink } from '../reliable/control-link';
import type { Secret } from '../wire/secret';
import { completedRenegotiation, INITIAL_KEY_ID, type KeyNegotiation } from './key-negotiation';
import { KeyRing } from './key-ring';
import { selectEncryptionKey } from './key-selection';
import { DataPath, type DataPathSettings } from './data-path';
import { createControlWrap, dynamicTlsCryptSelector } from './control-wrap-factory';
import { checkServerDevice, chooseDataFormat } from './key-exchange';
import { chooseDataCipher } from './cipher-choice';
import { loadCryptoProviders } from '../data/crypto-providers';
import { isSmallBlockCipher, needsLegacyProvider } from '../data/cipher-suites';
import type { Credentials, SessionSettings } from './session-settings';
import { SessionCredentials } from './session-credentials';
import type { Counters, DataKeysView, SessionEnd, SessionEndData, SessionEvents, SessionLogLine, SessionPhase } from './events';
import type { DropReason, SessionEndCode } from './codes';
import { notifyExit } from './exit-notify';
import { initialState, liveStateOf, next, phaseOf, stateDeadlineMs, type SessionContext, type SessionEvent, type SessionState } from './session-state';
import { PushReplyReader, endForFirstPush } from './push-negotiation';
import { SessionTimers, systemClock, type SessionClock } from './session-timers';
import { endForServerMessage, serverExit } from './server-messages';

export type { SessionEvents } from './events';

/** How long a disconnect waits for the EXIT message to leave. */
const EXIT_FLUSH_MAX_MS = 500;

/**
 * One connection attempt over one link: control channel, TLS, key exchange, push,
 * data channel, keepalive and renegotiation. Transport I/O and retries live above it.
 * Its state is a SessionState (session-state.ts); this class carries out the effects.
 *
 * Phases: connecting → tls_handshake → authenticating → [auth_pending] → pulling_config
 * → connected, and finally `onEnd` once (after which the session refuses use).
 */
export class Session {
  readonly counters: Counters = { bytesIn: 0, bytesOut: 0, packetsIn: 0, packetsOut: 0, tunBytesIn: 0, tunBytesOut: 0, decompressedPackets: 0, drops: {} };
  #state: SessionState;
  readonly #context: SessionContext;
  readonly #control: ControlLink;
  /** The profile's wrap; its replay counter lives for the whole session. */
  readonly #baseWrap: ReturnType<typeof createControlWrap>;
  readonly #keys: KeyRing;
  readonly #timers: SessionTimers;
  readonly #data: DataPath;
  readonly #push: PushReplyReader;
  /** Held here, not in `settings`, so that auth-nocache can really let go of the password. */
  readonly #credentials: SessionCredentials;
  /** Which keys have data keys, as last told through onDataKeysChanged. */
  #dataKeysSignature = '';
  private readonly settings: SessionSettings;

  constructor(
    settings: SessionSettings,
    private readonly send: (packet: Buffer) => void,
    private readonly events: SessionEvents,
    private readonly clock: SessionClock = systemClock,
  ) {
    this.settings = { ...settings, credentials: undefined };
    this.#credentials = new SessionCredentials(settings.credentials, settings.noCache ?? false);
    const startMs = clock.nowMs();
    this.#state = initialState(startMs);
    this.#context = { startMs, handshakeDeadlineMs: startMs + settings.timers.handWindowSeconds * 1000, timers: settings.timers };
    this.#timers = new SessionTimers(clock, settings.timers, () => this.#pump());
    this.#push = new PushReplyReader(settings);
    this.#baseWrap = createControlWrap(settings.wrap);
    this.#control = new ControlLink(this.#baseWrap, { send: (packet) => this.#sendRaw(packet), drop: (reason) => this.#countDrop(reason) });
    this.#keys = new KeyRing(this.#control, this.settings, this.#credentials, {
      onInitialKeyReset: () => this.#apply({ kind: 'initial_key_reset' }),
      onInitialTlsSecure: () => this.#apply({ kind: 'initial_tls_secure' }),
      onKeyExchanged: (key) => this.#onKeyExchanged(key),
      onControlText: (text) => this.#onControlMessage(classifyControlMessage(text)),
      onCredentialsNeeded: () => this.events.onCredentialsNeeded?.(),
      onFail: (code, message, fatal, data) => this.#fail(code, message, fatal, data),
      onDrop: (reason) => this.#countDrop(reason),
      onLog: (level, message) => this.#log(level, message),
      onQueued: () => queueMicrotask(() => this.#pump()),
    });
    this.#data = new DataPath(settings, {
      sendRaw: (packet) => this.#sendRaw(packet),
      deliver: (ip) => this.events.onPacket(ip),
      drop: (reason) => this.#countDrop(reason),
      onDecompressed: () => { this.counters.decompressedPackets++; },
      onOccExit: () => this.#apply({ kind: 'fail', end: serverExit() }),
    });
  }

  get phase(): SessionPhase {
    return phaseOf(this.#state);
  }

  get tunnelConfig(): TunnelConfig | undefined {
    const live = liveStateOf(this.#state);
    return live.kind === 'connected' ? live.config : undefined;
  }

  /** Sends the hard reset that opens the session (protocol.md §3 step 1). */
  start(): void {
    this.#apply({ kind: 'start' });
    if (!this.#loadProviders()) return;
    const opcode = this.settings.wrap.kind === 'tls-crypt-v2' ? P_CONTROL_HARD_RESET_CLIENT_V3 : P_CONTROL_HARD_RESET_CLIENT_V2;
    this.#keys.open(INITIAL_KEY_ID, opcode, this.clock.nowMs());
    this.#pump();
  }

  /** Answers INFO_PRE,CR_TEXT on the control channel (protocol.md §10). */
  sendCrResponse(response: Secret): boolean {
    const tls = this.#keys.initial?.tls;
    if (this.#isEnded || !tls) return false;
    const message = encodeCrResponse(response);
    tls.writeMessage(message, () => message.fill(0));
    return true;
  }

  /** Outbound IP packet from the TUN side. Dropped (and counted) until the tunnel is up. */
  sendPacket(ipPacket: Buffer): void {
    if (this.#isEnded) return;
    const nowMs = this.clock.nowMs();
    if (!this.#data.send(ipPacket, this.#keys.all, nowMs)) return;
    this.counters.tunBytesOut += ipPacket.length;
    this.#timers.onDataSent(nowMs);
    // reneg-bytes and packet-id exhaustion are reached by traffic, not by a timer.
    if (this.#timers.keyExpiry(this.#keys.current, nowMs) !== undefined) this.#pump();
  }

  /** One OpenVPN packet from the link (a datagram, or a de-framed TCP record). */
  receive(packet: Buffer): void {
    if (this.#isEnded || packet.length === 0) return;
    this.counters.packetsIn++;
    this.counters.bytesIn += packet.length;
    const opcode = (packet[0] as number) >> P_OPCODE_SHIFT;
    const nowMs = this.clock.nowMs();
    if (opcode === P_DATA_V1 || opcode === P_DATA_V2) {
      const delivered = this.#data.receive(packet, this.#keys.all, nowMs);
      if (delivered === undefined) return;
      this.#timers.onPacketReceived(nowMs);
      this.counters.tunBytesIn += delivered;
      return;
    }
    const delivery = this.#control.receive(packet, (packet[0] as number) & P_KEY_ID_MASK);
    if (!delivery) return;
    this.#timers.onPacketReceived(nowMs);
    if (delivery.opcode === P_CONTROL_SOFT_RESET_V1) this.#onSoftReset(delivery.keyId);
    const key = this.#keys.find(delivery.keyId);
    for (const message of delivery.messages) {
      if (!key) break;
      if (message.opcode === P_CONTROL_V1 || message.opcode === P_CONTROL_WKC_V1) key.tls?.receiveCiphertext(message.payload);
      else this.#keys.startTls(key, message.payload);
    }
    this.#pump();
  }

  /**
   * Ends the session on the user's request, telling the server first (explicit-exit-notify):
   * the EXIT message is encrypted asynchronously, so the end waits for it to be sent
   * (at most EXIT_FLUSH_MAX_MS).
   */
  close(code: SessionEndCode = 'user.disconnect', message = 'Disconnected.'): void {
    if (this.#state.kind === 'closing' || this.#isEnded) return;
    this.#apply({ kind: 'close', end: { code, message, fatal: true } });
    const flushed = (): void => this.#apply({ kind: 'exit_flushed' });
    const exitSent = notifyExit(liveStateOf(this.#state), this.#keys.all, this.#data, this.settings, this.clock.nowMs(), () => {
      this.#control.flush(this.clock.nowMs());
      flushed();
    });
    if (exitSent) this.clock.setTimer(flushed, EXIT_FLUSH_MAX_MS, true);
    else flushed();
  }

  /** Ends the attempt without telling the server (the link broke, or it never answered). */
  abort(end: SessionEnd): void {
    this.#apply({ kind: 'fail', end });
  }

  /**
   * Sends a keepalive ping now, if the data channel is up: after the path to the server
   * changed, it is what lets the server float the session to our new address (by peer-id)
   * even when no user traffic flows. False when there is nothing to send it with yet.
   */
  probe(): boolean {
    if (this.#isEnded || liveStateOf(this.#state).kind !== 'connected') return false;
    const nowMs = this.clock.nowMs();
    this.#data.sendPing(this.#keys.all, nowMs);
    this.#timers.onDataSent(nowMs);
    return true;
  }

  /**
   * In 2.7's epoch data format, the send and receive epochs of the key we encrypt with now
   * (undefined in the classic format or before the data channel is up).
   */
  get dataEpochs(): { send: number; receive: number } | undefined {
    return selectEncryptionKey(this.#keys.all, this.clock.nowMs())?.dataKeys?.cipher.epochs;
  }

  /**
   * The keys as an offloaded data plane needs them, newest first (the order key selection
   * reads), with the session clock's now so the plane can turn encryptNotBeforeMs into a delay.
   */
  dataKeysView(): DataKeysView {
    const keys = this.#isEnded ? [] : this.#keys.all.map((key) => {
      const data = key.dataKeys;
      return { keyId: key.keyId, ...(data ? { data: { cipher: data.cipher, encryptNotBeforeMs: data.encryptNotBeforeMs, peerSendsWithKey: data.peerSendsWithKey } } : {}) };
    });
    return { nowMs: this.clock.nowMs(), keys };
  }

  /** What a data plane must do to packets as this session does (undefined until connected). */
  get dataPathSettings(): DataPathSettings | undefined {
    const live = liveStateOf(this.#state);
    if (this.#isEnded || live.kind !== 'connected') return undefined;
    return this.#data.offloadSettings(live.cipher);
  }

  /**
   * Traffic an offloaded data plane carried: the keepalive timers learn when the server was
   * last heard (ping-restart) and when we last sent (no ping needed). Called about once a second.
   */
  noteOffloadedTraffic(msSinceReceived: number | undefined, msSinceSent: number | undefined): void {
    if (this.#isEnded) return;
    const nowMs = this.clock.nowMs();
    if (msSinceReceived !== undefined) this.#timers.onPacketReceived(nowMs - msSinceReceived);
    if (msSinceSent !== undefined) this.#timers.onDataSent(nowMs - msSinceSent);
    // Packet ids running out is reached by traffic, not by a timer: checked here for the plane's.
    if (this.#timers.keyExpiry(this.#keys.current, nowMs) !== undefined) this.#pump();
  }

  /** A decrypted, unframed data-channel message the plane does not handle (OCC). */
  receiveOffloadedPlaintext(plain: Buffer): void {
    if (this.#isEnded) return;
    this.#data.receivePlaintext(plain);
  }

  /** ping-restart as it stands, in ms (0: none): after a sleep longer than this the server has let us go. */
  get peerTimeoutMs(): number {
    return this.#timers.peerTimeoutMs;
  }

  /** True once any valid packet came from the server (for server-poll-timeout). */
  get heardFromServer(): boolean {
    return this.#control.remoteSessionId !== undefined;
  }

  /** Answers onCredentialsNeeded: the waiting renegotiation goes on. */
  provideCredentials(credentials: Credentials): void {
    if (this.#isEnded) return;
    this.#keys.provideCredentials(credentials);
    this.#pump();
  }

  /** The profile's `providers`, before anything is sent; a provider that will not load ends the attempt for good (as in 2.6). */
  #loadProviders(): boolean {
    const loaded = loadCryptoProviders(this.settings.providers, this.settings.loadProvider);
    if (!loaded.ok) {
      const { provider, reason } = loaded.error;
      this.#fail('data.provider_load_failed', `The OpenSSL provider '${provider}' could not be loaded: ${reason}`, true, { kind: 'provider', provider });
      return false;
    }
    if (loaded.value === 'loaded') this.#log('debug', `OpenSSL providers loaded: ${(this.settings.providers ?? []).join(' ')}.`);
    if (loaded.value === 'no_loader') this.#log('debug', `providers ${(this.settings.providers ?? []).join(' ')}: this process cannot load OpenSSL providers; ciphers that need them are refused.`);
    return true;
  }

  get #isEnded(): boolean {
    return this.#state.kind === 'ended';
  }

  #onKeyExchanged(key: KeyNegotiation): void {
    if (key.isInitial) {
      const mismatch = checkServerDevice(this.settings, key.server?.optionsString);
      if (mismatch) return this.#fail(mismatch.code, mismatch.message, true);
      return this.#apply({ kind: 'initial_key_exchanged' });
    }
    const live = liveStateOf(this.#state);
    if (live.kind !== 'connected' || !this.#keys.install(key, live.config, live.cipher, this.clock.nowMs())) return;
    this.#log('info', `Renegotiated data-channel keys (key id ${key.keyId}).`);
    const done = completedRenegotiation(key, this.clock.nowMs());
    if (done) this.events.onRenegotiated?.(done);
  }

  #onControlMessage(message: ControlMessage): void {
    if (message.kind === 'push_reply') return this.#onPushReply(message.text);
    if (message.kind === 'auth_pending') this.#apply({ kind: 'auth_pending', timeoutSeconds: message.timeoutSeconds });
    const end = endForServerMessage(message);
    if (end) this.#apply({ kind: 'fail', end });
    this.events.onControlMessage?.(message);
  }

  #onPushReply(text: string): void {
    const read = this.#push.read(text);
    if (read.kind === 'dropped') return this.#countDrop(read.reason);
    if (read.kind === 'failed') return this.#apply({ kind: 'fail', end: read.end });
    if (read.kind === 'incomplete') return;
    const config = read.config;
    if (config.authToken) {
      this.#keys.renewAuthToken({ token: config.authToken, username: config.authTokenUser });
      this.events.onAuthToken?.(config.authToken, config.authTokenUser);
    }
    if (liveStateOf(this.#state).kind === 'connected') return; // a later PUSH_REPLY only renews the auth-token (protocol.md §9)
    const unusable = endForFirstPush(config);
    if (unusable) return this.#apply({ kind: 'fail', end: unusable });
    const initial = this.#keys.initial;
    const cipher = chooseDataCipher(config, this.settings, initial?.server?.optionsString);
    if (!cipher.ok) return this.#apply({ kind: 'fail', end: { ...cipher.error, fatal: true } });
    if (needsLegacyProvider(cipher.value) && !this.settings.providers?.includes('legacy')) {
      // As 2.6 on OpenSSL 3: without the profile's `providers legacy`, no BF-CBC, even if an
      // earlier profile left the provider loaded in this long-running process.
      return this.#fail('data.legacy_provider_unavailable', `The data cipher ${cipher.value} needs OpenSSL's legacy provider, which this profile does not load (providers legacy default).`, true,
        { kind: 'legacy_cipher', cipher: cipher.value });
    }
    if (config.cipher === undefined) this.#log('info', `The server pushed no data cipher; using ${cipher.value} (as its options string or data-ciphers-fallback says).`);
    if (isSmallBlockCipher(cipher.value) && this.settings.timers.renegotiateBytes === undefined) {
      this.#log('warn', `The data cipher ${cipher.value} has 64-bit blocks (SWEET32): its keys are renewed every 64 MB.`);
    }
    const format = chooseDataFormat(config, cipher.value);
    if (!format.ok) return this.#fail(format.error.code, format.error.message, true);
    this.#timers.onConfigured(config.pingSeconds, config.pingRestartSeconds);
    this.#data.configure(config, cipher.value);
    if (this.#data.maxMss !== undefined) this.#log('debug', `mssfix: TCP MSS at most ${this.#data.maxMss} (IPv6 ${this.#data.maxMss - 20}).`);
    if (!initial || !this.#keys.install(initial, config, cipher.value, this.clock.nowMs())) return;
    if (format.value === 'epoch') this.#log('info', `Data channel: ${cipher.value} with epoch keys.`);
    if (config.protocolFlags.has('dyn-tls-crypt') && initial.tls) {
      // Every control packet of key_id > 0 is tls-crypt-wrapped with a key exported from this TLS session (protocol.md §2.6).
      this.#control.setWrapSelector(dynamicTlsCryptSelector(this.settings.wrap, this.#baseWrap(INITIAL_KEY_ID), initial.tls));
      this.#log('debug', 'Renegotiations use dynamic tls-crypt.');
    }
    this.#credentials.onConnected();
    this.#apply({ kind: 'configured', config, cipher: cipher.value });
    this.events.onConnected(config, { cipher: cipher.value, keyDerivation: config.keyDerivation, tlsVersion: initial.tls?.protocolVersion ?? null });
  }

  /** The server started a renegotiation on a new key id: answer with our own soft reset. */
  #onSoftReset(keyId: number): void {
    if (this.#keys.find(keyId)) return;
    if (liveStateOf(this.#state).kind !== 'connected') return this.#countDrop('control.soft_reset_before_keys');
    this.#keys.answerSoftReset(keyId, this.clock.nowMs());
  }

  /** Runs timers and sends whatever became due; then re-arms the single timer. */
  #pump(): void {
    if (this.#isEnded) return;
    const nowMs = this.clock.nowMs();
    this.#apply({ kind: 'tick', ...this.#timers.observe(nowMs, this.#keys.current, this.#keys.initialKeyIdle) });
    if (this.#isEnded) return;
    this.#control.flush(nowMs);
    this.#timers.arm(nowMs, this.#keys.current, [this.#control.nextDeadlineMs() ?? Infinity, stateDeadlineMs(this.#state, this.#context)]);
    this.#notifyDataKeys();
  }

  /** Tells an offloaded data plane when the set of keys or their data keys changed. */
  #notifyDataKeys(): void {
    const signature = this.#isEnded ? '' : this.#keys.all.map((key) => `${key.keyId}${key.dataKeys ? '+' : '-'}`).join(',');
    if (signature === this.#dataKeysSignature) return;
    this.#dataKeysSignature = signature;
    this.events.onDataKeysChanged?.();
  }

  /** Moves the state machine and carries out its effects, in order. */
  #apply(event: SessionEvent): void {
    const nowMs = this.clock.nowMs();
    const { state, effects } = next(this.#state, event, nowMs, this.#context);
    this.#state = state;
    for (const effect of effects) {
      switch (effect.kind) {
        case 'phase': this.events.onPhase(effect.change); break;
        case 'send_push_request': this.#keys.initial?.tls?.writeMessage(encodePushRequest()); break;
        case 'send_ping':
          this.#data.sendPing(this.#keys.all, nowMs);
          this.#timers.onDataSent(nowMs);
          break;
        case 'renegotiate': this.#keys.renegotiate(nowMs, effect.cause); break;
        case 'end':
          this.#timers.stop();
          // Flush what is queued (an EXIT, final ACKs) before the keys go away.
          this.#control.flush(nowMs);
          this.#keys.destroyAll();
          this.#notifyDataKeys();
          this.events.onEnd(effect.end);
          break;
      }
    }
  }

  #sendRaw(packet: Buffer): void {
    this.counters.packetsOut++;
    this.counters.bytesOut += packet.length;
    this.send(packet);
  }

  #fail(code: SessionEndCode, message: string, fatal: boolean, data?: SessionEndData): void {
    this.#apply({ kind: 'fail', end: { code, message, fatal, ...(data ? { data } : {}) } });
  }

  #countDrop(reason: DropReason): void {
    this.counters.drops[reason] = (this.counters.drops[reason] ?? 0) + 1;
  }

  #log(level: SessionLogLine['level'], message: string): void {
    this.events.onLog({ level, message });
  }
}
