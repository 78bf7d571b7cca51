import { performance } from 'node:perf_hooks';
import {
  P_CONTROL_HARD_RESET_CLIENT_V2, P_CONTROL_HARD_RESET_CLIENT_V3, P_CONTROL_SOFT_RESET_V1, P_CONTROL_V1,
  P_CONTROL_WKC_V1, P_DATA_V1, P_DATA_V2, P_OPCODE_SHIFT, P_KEY_ID_MASK,
} from '../packet/constants';
import { TlsChannel } from '../tls/tls-channel';
import type { TlsError } from '../tls/tls-error';
import { encodeCrResponse, encodeExit, encodePushRequest } from '../control/encode-control-message';
import { classifyControlMessage, type ControlMessage } from '../control/classify-control-message';
import { PushAccumulator } from '../control/push-reply';
import { buildTunnelConfig } from '../control/tunnel-config';
import type { TunnelConfig } from '../control/tunnel-config';
import { encodeOccExit } from '../data/ping-occ';
import { ControlLink } from '../reliable/control-link';
import { KeyState, nextKeyId } from './key-state';
import { Keepalive } from './keepalive';
import { DataPath } from './data-path';
import { createControlWrap, originalWrapKey } from './control-wrap-factory';
import type { ControlWrap } from '../wrap/control-wrap';
import { dynamicTlsCryptWrap, EKM_LABEL_DYNAMIC_TLS_CRYPT, DYNAMIC_TLS_CRYPT_EKM_BYTES } from '../wrap/dynamic-tls-crypt';
import { encodeClientKeyMethod, readServerKeyMethod, deriveDataCipher, chooseDataCipher } from './key-exchange';
import type { Credentials, SessionSettings } from './session-settings';
import { SessionCredentials } from './session-credentials';
import type { Secret } from '../wire/secret';
import type { Counters, PhaseChange, SessionEnd, SessionLogLine, SessionPhase } from './events';
import { parseEarlyNegotiationTlvs } from '../wrap/early-negotiation';
import { pendingAuthSeconds } from './pending-auth-deadline';
import type { DropReason, SessionEndCode } from './codes';
import type { AuthFailure } from '../control/classify-control-message';

/** How a session reports to its owner. All calls happen on the event loop, never re-entrantly from send(). */
export interface SessionEvents {
  onPhase(change: PhaseChange): void;
  onConnected(config: TunnelConfig, details: { cipher: string; keyDerivation: 'tls-ekm' | 'prf'; tlsVersion: string | null }): void;
  onPacket(ipPacket: Buffer): void;
  onLog(log: SessionLogLine): void;
  onEnd(end: SessionEnd): void;
  /** A pushed auth-token (or its renewal): the owner keeps it for reconnects. */
  onAuthToken?(token: NonNullable<TunnelConfig['authToken']>, username: string | undefined): void;
  /** AUTH_PENDING / INFO_PRE / INFO, for the auth flows. */
  onControlMessage?(message: ControlMessage): void;
  /** A renegotiation needs the password that auth-nocache dropped: answer with provideCredentials. */
  onCredentialsNeeded?(): void;
}

/** PUSH_REQUEST is repeated every 5 s until a reply arrives (ovpn:push.c). */
const PUSH_REQUEST_INTERVAL_MS = 5_000;
/** Room for op, session ids, ACKs, message id and the largest wrap inside tls-mtu 1250 (protocol.md §3). */
const MAX_CONTROL_PAYLOAD_BYTES = 1000;
/** How long a disconnect waits for the EXIT message to leave. */
const EXIT_FLUSH_MAX_MS = 500;

/**
 * One connection attempt over one link: control channel, TLS, key exchange, push,
 * data channel, keepalive and renegotiation. Transport I/O and retries live above it.
 *
 * Phases: connecting → tls_handshake → authenticating → [auth_pending] → pulling_config
 * → connected, and finally `onEnd` once (after which the session refuses use).
 */
export class Session {
  readonly counters: Counters = { bytesIn: 0, bytesOut: 0, packetsIn: 0, packetsOut: 0, tunBytesIn: 0, tunBytesOut: 0, decompressedPackets: 0, drops: {} };
  #phase: SessionPhase = 'connecting';
  #phaseSinceMs: number;
  readonly #startMs: number;
  readonly #control: ControlLink;
  /** The profile's wrap; its replay counter lives for the whole session. */
  readonly #baseWrap: (keyId: number) => ControlWrap;
  readonly #keys: KeyState[] = []; // newest first
  readonly #keepalive: Keepalive;
  readonly #data: DataPath;
  readonly #push = new PushAccumulator();
  #config: TunnelConfig | undefined;
  #cipherName: string | undefined;
  #pushRequestAtMs: number | undefined;
  #handshakeDeadlineMs: number;
  /** When key id 0 finished its key exchange: AUTH_PENDING deadlines count from here. */
  #keyExchangedAtMs: number | undefined;
  #timer: NodeJS.Timeout | undefined;
  #ended = false;
  #closing = false;
  #authToken: SessionSettings['authToken'];
  /** Held here, not in `settings`, so that auth-nocache can really let go of the password. */
  readonly #credentials: SessionCredentials;
  private readonly settings: SessionSettings;

  constructor(
    settings: SessionSettings,
    private readonly send: (packet: Buffer) => void,
    private readonly events: SessionEvents,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.settings = { ...settings, credentials: undefined };
    this.#credentials = new SessionCredentials(settings.credentials, settings.noCache ?? false);
    this.#startMs = this.now();
    this.#phaseSinceMs = this.#startMs;
    this.#handshakeDeadlineMs = this.#startMs + settings.timers.handWindowSeconds * 1000;
    this.#keepalive = new Keepalive(this.#startMs, settings.timers.pingRestartSeconds, settings.timers.pingSeconds);
    this.#baseWrap = createControlWrap(settings.wrap);
    this.#control = new ControlLink(this.#baseWrap, {
      send: (packet) => this.#sendRaw(packet),
      drop: (reason) => this.#countDrop(reason),
    });
    this.#data = new DataPath(settings, {
      sendRaw: (packet) => this.#sendRaw(packet),
      deliver: (ip) => this.events.onPacket(ip),
      drop: (reason) => this.#countDrop(reason),
      onDecompressed: () => { this.counters.decompressedPackets++; },
      onOccExit: () => this.#end({ code: 'server.exit', message: 'The server is shutting down or restarting.', fatal: false }),
    });
  }

  get phase(): SessionPhase {
    return this.#phase;
  }

  get tunnelConfig(): TunnelConfig | undefined {
    return this.#config;
  }

  /** Sends the hard reset that opens the session (protocol.md §3 step 1). */
  start(): void {
    this.#setPhase('connecting');
    const opcode = this.settings.wrap.kind === 'tls-crypt-v2' ? P_CONTROL_HARD_RESET_CLIENT_V3 : P_CONTROL_HARD_RESET_CLIENT_V2;
    this.#openKey(0, opcode);
    this.#pump();
  }

  /** Answers INFO_PRE,CR_TEXT on the control channel (protocol.md §10). */
  sendCrResponse(response: Secret): boolean {
    const tls = this.#keys.find((k) => k.keyId === 0)?.tls;
    if (this.#ended || !tls) return false;
    const message = encodeCrResponse(response);
    tls.writeMessage(message, () => message.fill(0));
    return true;
  }

  /** Outbound IP packet from the TUN side. Dropped (and counted) until the tunnel is up. */
  sendPacket(ipPacket: Buffer): void {
    if (this.#ended) return;
    const nowMs = this.now();
    if (this.#data.send(ipPacket, this.#keys, nowMs)) {
      this.counters.tunBytesOut += ipPacket.length;
      this.#keepalive.onDataSent(nowMs);
      // reneg-bytes and packet-id exhaustion are reached by traffic, not by a timer.
      if (this.#isRenegotiationDue(nowMs)) this.#pump();
    }
  }

  /** One OpenVPN packet from the link (a datagram, or a de-framed TCP record). */
  receive(packet: Buffer): void {
    if (this.#ended || packet.length === 0) return;
    this.counters.packetsIn++;
    this.counters.bytesIn += packet.length;
    const opcode = (packet[0] as number) >> P_OPCODE_SHIFT;
    const keyId = (packet[0] as number) & P_KEY_ID_MASK;
    const nowMs = this.now();
    if (opcode === P_DATA_V1 || opcode === P_DATA_V2) {
      const delivered = this.#data.receive(packet, this.#keys, nowMs);
      if (delivered !== undefined) {
        this.#keepalive.onPacketReceived(nowMs);
        this.counters.tunBytesIn += delivered;
      }
      return;
    }
    const delivery = this.#control.receive(packet, keyId);
    if (!delivery) return;
    this.#keepalive.onPacketReceived(nowMs);
    if (delivery.opcode === P_CONTROL_SOFT_RESET_V1) this.#onSoftReset(delivery.keyId);
    const key = this.#keys.find((k) => k.keyId === delivery.keyId);
    for (const message of delivery.messages) {
      if (!key) break;
      if (message.opcode === P_CONTROL_V1 || message.opcode === P_CONTROL_WKC_V1) key.tls?.receiveCiphertext(message.payload);
      else this.#onPeerReset(key, message.payload);
    }
    this.#pump();
  }

  /**
   * Ends the session on the user's request, telling the server first (explicit-exit-notify):
   * the EXIT message is encrypted asynchronously, so the end waits for it to be sent
   * (at most EXIT_FLUSH_MAX_MS).
   */
  close(code: SessionEndCode = 'user.disconnect', message = 'Disconnected.'): void {
    if (this.#ended || this.#closing) return;
    this.#closing = true;
    const end = (): void => this.#end({ code, message, fatal: true });
    const exitSent = this.#notifyExit(() => {
      this.#control.flush(this.now());
      end();
    });
    if (exitSent) setTimeout(end, EXIT_FLUSH_MAX_MS).unref();
    else end();
  }

  /** Ends the attempt without telling the server (the link broke, or it never answered). */
  abort(end: SessionEnd): void {
    this.#end(end);
  }

  /** True once any valid packet came from the server (for server-poll-timeout). */
  get heardFromServer(): boolean {
    return this.#control.remoteSessionId !== undefined;
  }

  #openKey(keyId: number, resetOpcode: number): KeyState {
    const key = new KeyState(keyId, this.now());
    this.#keys.unshift(key);
    // Keep the new key, the current one (lame duck) and nothing older (ovpn:ssl.c key_state_soft_reset).
    for (const old of this.#keys.splice(3)) this.#retireKey(old);
    if (!this.#control.hasKey(keyId)) {
      this.#control.openKey(keyId);
      this.#control.queue(keyId, resetOpcode, Buffer.alloc(0));
    }
    return key;
  }

  #retireKey(key: KeyState): void {
    key.destroy();
    this.#control.closeKey(key.keyId);
  }

  /** The server's reset on this key arrived: start TLS (we are always the TLS client). */
  #onPeerReset(key: KeyState, payload: Buffer): void {
    if (key.phase !== 'reset') return;
    const early = parseEarlyNegotiationTlvs(payload);
    const resendWkc = this.settings.wrap.kind === 'tls-crypt-v2' && key.keyId === 0 && early.ok && early.value.resendWkc;
    key.phase = 'tls';
    if (key.keyId === 0) this.#setPhase('tls_handshake');
    key.tls = new TlsChannel(this.settings.tls, {
      sendCiphertext: (bytes) => this.#queueCiphertext(key, bytes, resendWkc),
      onSecure: () => this.#onTlsSecure(key),
      onPlaintext: (bytes) => this.#onPlaintext(key, bytes),
      onError: (error) => this.#onTlsError(error),
    });
  }

  #queueCiphertext(key: KeyState, bytes: Buffer, resendWkc: boolean): void {
    for (let offset = 0; offset < bytes.length; offset += MAX_CONTROL_PAYLOAD_BYTES) {
      const chunk = bytes.subarray(offset, offset + MAX_CONTROL_PAYLOAD_BYTES);
      // tls-crypt-v2 early negotiation: message id 1 must repeat the WKc (protocol.md §2.5).
      const opcode = resendWkc && !key.sentFirstCiphertext ? P_CONTROL_WKC_V1 : P_CONTROL_V1;
      key.sentFirstCiphertext = true;
      this.#control.queue(key.keyId, opcode, Buffer.from(chunk));
    }
    queueMicrotask(() => this.#pump());
  }

  #onTlsSecure(key: KeyState): void {
    if (key.keyId === 0) this.#setPhase('authenticating');
    const authToken = this.#authToken ?? this.settings.authToken;
    const credentials = this.#credentials.forKey(authToken !== undefined);
    if (credentials.kind === 'ask') {
      key.phase = 'awaiting_credentials';
      this.#log('info', `Key renegotiation (key id ${key.keyId}) needs the password again (auth-nocache).`);
      this.events.onCredentialsNeeded?.();
      return;
    }
    this.#sendKeyMethod(key, credentials.credentials);
  }

  /** Answers onCredentialsNeeded: the waiting renegotiation goes on. */
  provideCredentials(credentials: Credentials): void {
    if (this.#ended) return;
    this.#credentials.provide(credentials);
    for (const key of this.#keys) if (key.phase === 'awaiting_credentials') this.#sendKeyMethod(key, credentials);
    this.#pump();
  }

  #sendKeyMethod(key: KeyState, credentials: Credentials | undefined): void {
    // Renegotiations sign in with the token pushed in this session, not the password (protocol.md §9).
    const authToken = this.#authToken ?? this.settings.authToken;
    const message = encodeClientKeyMethod(key, { ...this.settings, credentials, authToken });
    this.#credentials.sent();
    if (!message.ok) {
      this.#end({ code: message.error.code, message: message.error.message, fatal: true });
      return;
    }
    key.phase = 'key_exchange';
    key.tls?.writeMessage(message.value);
  }

  #onPlaintext(key: KeyState, bytes: Buffer): void {
    let text = bytes;
    if (key.phase === 'key_exchange') {
      const server = readServerKeyMethod(key, bytes);
      if (!server.ok) {
        // Fatal for this negotiation: the attempt ends and the client reconnects, as 2.x does for
        // the first key (ovpn:ssl.c tls_multi_process: S_ERROR with no other active key is a hard
        // error → SIGUSR1). On a renegotiation it ends the session too, as a TLS error does here.
        this.#end({ code: server.error.code, message: server.error.message, fatal: false });
        return;
      }
      if (!server.value) return; // wait for the rest of the message
      key.server = server.value;
      key.phase = 'established';
      text = server.value.rest;
      this.#onKeyExchanged(key);
    }
    const { messages, drops } = key.splitter.push(text);
    for (const drop of drops) this.#countDrop(drop);
    for (const message of messages) this.#onControlMessage(classifyControlMessage(message));
  }

  #onKeyExchanged(key: KeyState): void {
    const nowMs = this.now();
    if (key.keyId === 0) {
      // Key id 0 waits for the push: the cipher and the key derivation are pushed.
      this.#keyExchangedAtMs = nowMs;
      this.#setPhase('pulling_config');
      this.#pushRequestAtMs = nowMs;
      return;
    }
    this.#installKeys(key, nowMs);
    this.#log('info', `Renegotiated data-channel keys (key id ${key.keyId}).`);
  }

  #installKeys(key: KeyState, nowMs: number): boolean {
    if (!this.#cipherName || !this.#config) return false;
    const cipher = deriveDataCipher(key, this.#control, this.#cipherName, this.#config.keyDerivation, this.settings.auth, this.settings.aead);
    if (!cipher.ok) {
      this.#end({ code: cipher.error.code, message: cipher.error.message, fatal: true });
      return false;
    }
    key.cipher = cipher.value;
    key.establishedAtMs = nowMs;
    const deferredMs = Math.min(this.settings.timers.handWindowSeconds, this.settings.timers.renegotiateSeconds / 2) * 1000;
    key.encryptNotBeforeMs = key.keyId === 0 ? 0 : nowMs + deferredMs;
    return true;
  }

  #onControlMessage(message: ControlMessage): void {
    switch (message.kind) {
      case 'push_reply':
        this.#onPushReply(message.text);
        return;
      case 'auth_failed':
        this.#end({ code: AUTH_FAILED_CODES[message.failure.kind], message: authFailureText(message.failure), fatal: message.failure.kind !== 'temp',
          backoffSeconds: message.failure.kind === 'temp' ? message.failure.backoffSeconds : undefined,
          // TEMP stays on the same server unless told otherwise (ovpn:push.c receive_auth_failed sets no_advance).
          advance: message.failure.kind === 'temp' ? message.failure.advance ?? 'no' : undefined });
        break;
      case 'auth_pending':
        this.#setPhase('auth_pending');
        this.#handshakeDeadlineMs = (this.#keyExchangedAtMs ?? this.now()) + pendingAuthSeconds(message.timeoutSeconds, this.settings.timers) * 1000;
        break;
      case 'restart':
        this.#end({ code: 'server.restart', message: message.message || 'The server asked us to reconnect.', fatal: false, advance: message.flags.advanceRemote ? 'remote' : 'no' });
        break;
      case 'halt':
        this.#end({ code: 'server.halt', message: message.message || 'The server told us to stop.', fatal: true });
        break;
      case 'exit':
        this.#end({ code: 'server.exit', message: 'The server is shutting down or restarting.', fatal: false });
        break;
      case 'info':
      case 'info_pre':
      case 'unknown':
        break;
    }
    this.events.onControlMessage?.(message);
  }

  #onPushReply(text: string): void {
    const accumulated = this.#push.push(text);
    if (!accumulated.ok) {
      this.#countDrop(accumulated.error.code);
      return;
    }
    if (!accumulated.value.done) return;
    const built = buildTunnelConfig(accumulated.value.options, { routeNopull: this.settings.routeNopull, pullFilters: this.settings.pullFilters });
    if (!built.ok) {
      this.#end({ code: built.error.code, message: `pull-filter rejected the pushed option "${built.error.option}".`, fatal: true });
      return;
    }
    const config = built.value;
    if (config.authToken) {
      this.#authToken = { token: config.authToken, username: config.authTokenUser };
      this.events.onAuthToken?.(config.authToken, config.authTokenUser);
    }
    if (this.#config) return; // a later PUSH_REPLY only renews the auth-token (protocol.md §9)
    const cipher = chooseDataCipher(config.cipher, this.settings, this.#keys.find((k) => k.keyId === 0)?.server?.optionsString);
    if (!cipher.ok) {
      this.#end({ code: cipher.error.code, message: cipher.error.message, fatal: true });
      return;
    }
    this.#config = config;
    this.#cipherName = cipher.value;
    this.#pushRequestAtMs = undefined;
    this.#keepalive.configure(config.pingSeconds, config.pingRestartSeconds);
    this.#data.configure(config, cipher.value);
    if (this.#data.maxMss !== undefined) this.#log('debug', `mssfix: TCP MSS at most ${this.#data.maxMss} (IPv6 ${this.#data.maxMss - 20}).`);
    const key0 = this.#keys.find((k) => k.keyId === 0);
    if (!key0 || !this.#installKeys(key0, this.now())) return;
    if (config.protocolFlags.has('dyn-tls-crypt')) this.#useDynamicTlsCrypt(key0);
    this.#credentials.onConnected();
    this.#setPhase('connected');
    this.events.onConnected(config, { cipher: cipher.value, keyDerivation: config.keyDerivation, tlsVersion: key0.tls?.protocolVersion ?? null });
  }

  /**
   * dyn-tls-crypt: from now on every control packet of key_id > 0 is tls-crypt-wrapped with
   * a key exported from this first TLS session, mixed with the profile's key (protocol.md §2.6).
   */
  #useDynamicTlsCrypt(key0: KeyState): void {
    const tls = key0.tls;
    if (!tls) return;
    const dynamic = dynamicTlsCryptWrap(tls.exportKeyingMaterial(DYNAMIC_TLS_CRYPT_EKM_BYTES, EKM_LABEL_DYNAMIC_TLS_CRYPT), originalWrapKey(this.settings.wrap));
    const first = this.#baseWrap(0);
    this.#control.setWrapSelector((keyId) => (keyId === 0 ? first : dynamic));
    this.#log('debug', 'Renegotiations use dynamic tls-crypt.');
  }

  /** The server started a renegotiation on a new key id: answer with our own soft reset. */
  #onSoftReset(keyId: number): void {
    if (this.#keys.some((k) => k.keyId === keyId)) return;
    if (!this.#config) {
      this.#countDrop('control.soft_reset_before_keys');
      return;
    }
    this.#log('info', `The server started a key renegotiation (key id ${keyId}).`);
    this.#control.queue(keyId, P_CONTROL_SOFT_RESET_V1, Buffer.alloc(0));
    this.#openKey(keyId, P_CONTROL_SOFT_RESET_V1);
  }

  /** Client-initiated renegotiation: reneg-sec, reneg-bytes, or packet-ids running out. */
  #renegotiate(): void {
    const current = this.#keys[0];
    if (!current || current.phase !== 'established') return;
    const keyId = nextKeyId(current.keyId);
    this.#log('info', `Starting a key renegotiation (key id ${keyId}).`);
    this.#openKey(keyId, P_CONTROL_SOFT_RESET_V1);
  }

  #onTlsError(error: TlsError): void {
    this.#end({ code: error.code, message: error.message, fatal: error.fatal });
  }

  /** Runs timers and sends whatever became due; then re-arms the single timer. */
  #pump(): void {
    if (this.#ended) return;
    const nowMs = this.now();
    if (this.#checkTimers(nowMs)) return;
    this.#control.flush(nowMs);
    this.#arm(nowMs);
  }

  /** Returns true when the session ended. */
  #checkTimers(nowMs: number): boolean {
    if (this.#phase === 'auth_pending' && nowMs >= this.#handshakeDeadlineMs) {
      this.#end({ code: 'auth.pending_timeout', message: `The server did not finish the sign-in within ${Math.round((nowMs - this.#phaseSinceMs) / 1000)} s.`, fatal: true });
      return true;
    }
    if (this.#phase !== 'connected' && nowMs >= this.#handshakeDeadlineMs) {
      this.#end({ code: 'session.handshake_timeout', message: `No connection within ${Math.round((nowMs - this.#startMs) / 1000)} s (hand-window).`, fatal: false });
      return true;
    }
    if (this.#keepalive.isPeerGone(nowMs)) {
      this.#end({ code: 'session.ping_restart', message: 'The server stopped answering (ping-restart).', fatal: false });
      return true;
    }
    if (this.#pushRequestAtMs !== undefined && nowMs >= this.#pushRequestAtMs && this.#control.allAcked(0)) {
      this.#keys.find((k) => k.keyId === 0)?.tls?.writeMessage(encodePushRequest());
      this.#pushRequestAtMs = nowMs + PUSH_REQUEST_INTERVAL_MS;
    }
    if (this.#phase === 'connected') {
      if (this.#keepalive.isPingDue(nowMs)) {
        this.#data.sendPing(this.#keys, nowMs);
        this.#keepalive.onDataSent(nowMs);
      }
      if (this.#isRenegotiationDue(nowMs)) this.#renegotiate();
    }
    return false;
  }

  #isRenegotiationDue(nowMs: number): boolean {
    const current = this.#keys[0];
    if (!current?.cipher || current.establishedAtMs === undefined) return false;
    const { renegotiateSeconds, renegotiateBytes } = this.settings.timers;
    if (renegotiateSeconds > 0 && nowMs - current.establishedAtMs >= renegotiateSeconds * 1000) return true;
    if (renegotiateBytes !== undefined && current.dataBytes >= renegotiateBytes) return true;
    return current.cipher.shouldRenegotiate();
  }

  #arm(nowMs: number): void {
    const current = this.#keys[0];
    const renegAt = current?.establishedAtMs !== undefined && this.settings.timers.renegotiateSeconds > 0
      ? current.establishedAtMs + this.settings.timers.renegotiateSeconds * 1000 : Infinity;
    const deadlines = [
      this.#control.nextDeadlineMs() ?? Infinity,
      this.#keepalive.nextDeadlineMs(),
      this.#pushRequestAtMs ?? Infinity,
      this.#phase === 'connected' ? Infinity : this.#handshakeDeadlineMs,
      renegAt,
    ];
    const next = Math.min(...deadlines);
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (next === Infinity) return;
    this.#timer = setTimeout(() => this.#pump(), Math.max(1, Math.ceil(next - nowMs)));
  }

  /**
   * explicit-exit-notify: EXIT on the control channel when the server accepts it, else
   * OCC_EXIT on the data channel. Returns true when `onSent` will be called.
   */
  #notifyExit(onSent: () => void): boolean {
    if (!this.#config) return false;
    if (this.#config.protocolFlags.has('cc-exit')) {
      const tls = this.#keys.find((k) => k.phase === 'established')?.tls;
      if (!tls) return false;
      tls.writeMessage(encodeExit(), onSent);
      return true;
    }
    if (this.settings.transport === 'udp' && this.settings.explicitExitNotify) {
      this.#data.sendPlaintext(encodeOccExit(), this.#keys, this.now());
    }
    return false;
  }

  #sendRaw(packet: Buffer): void {
    this.counters.packetsOut++;
    this.counters.bytesOut += packet.length;
    this.send(packet);
  }

  #countDrop(reason: DropReason): void {
    this.counters.drops[reason] = (this.counters.drops[reason] ?? 0) + 1;
  }

  #setPhase(phase: SessionPhase, detail?: string): void {
    if (phase === this.#phase && phase !== 'connecting') return;
    const nowMs = this.now();
    const change: PhaseChange = { phase, sinceStartMs: nowMs - this.#startMs, previousPhaseMs: nowMs - this.#phaseSinceMs, detail };
    this.#phase = phase;
    this.#phaseSinceMs = nowMs;
    this.events.onPhase(change);
  }

  #log(level: SessionLogLine['level'], message: string): void {
    this.events.onLog({ level, message });
  }

  #end(end: SessionEnd): void {
    if (this.#ended) return;
    this.#ended = true;
    if (this.#timer) clearTimeout(this.#timer);
    // Flush what is queued (an EXIT, final ACKs) before the keys go away.
    this.#control.flush(this.now());
    for (const key of this.#keys) key.destroy();
    this.events.onEnd(end);
  }
}

/** One code per AUTH_FAILED kind, spelled out (no codes built at run time). */
const AUTH_FAILED_CODES = {
  plain: 'auth.failed_plain', session: 'auth.failed_session', temp: 'auth.failed_temp', crv1: 'auth.failed_crv1',
} as const satisfies Record<AuthFailure['kind'], SessionEndCode>;

function authFailureText(failure: Extract<ControlMessage, { kind: 'auth_failed' }>['failure']): string {
  switch (failure.kind) {
    case 'plain': return failure.reason ? `The server refused the credentials: ${failure.reason}` : 'The server refused the credentials.';
    case 'session': return `The session expired: ${failure.reason}`;
    case 'temp': return `The server cannot authenticate right now: ${failure.message}`;
    case 'crv1': return failure.challenge;
  }
}
