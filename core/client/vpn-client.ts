import { setTimeout as delay } from 'node:timers/promises';
import { Session, type SessionEvents } from '../session/session';
import type { SessionSettings } from '../session/session-settings';
import type { PhaseChange, SessionEnd, SessionLogLine, Counters, DataKeysView } from '../session/events';
import type { DataPathSettings } from '../session/data-path';
import type { TunnelConfig } from '../control/tunnel-config';
import { Secret } from '../wire/secret';
import { RemoteList } from './remote-list';
import { openRemoteLink, type ProxyIdentity } from './open-link';
import { nextAttempt, runEndReason, type NextStep, type RetryPolicy, type RunEnd, type StopRequest } from './next-attempt';
import { untilAborted } from './until-aborted';
import type { HttpProxySettings, Link, Socks5Settings, LinkReconnectCause, LinkSinks, RelayAnnouncer, RemoteEndpoint, UdpLinkOpener } from '../transport/index';
import type { AuthFailure } from '../control/classify-control-message';
import type { Credentials } from '../session/session-settings';
import {
  NO_AUTH, PendingAuth, PromptBox, SignIn, type AuthAnswer, type AuthAnswerError, type AuthPolicy, type AuthPrompt, type PromptClosedReason,
} from '../auth/index';
import type { Result } from '../wire/result';

export interface VpnClientOptions {
  remotes: RemoteEndpoint[];
  remoteRandom: boolean;
  /** Session settings; `transport` is set per remote. */
  session: Omit<SessionSettings, 'transport'>;
  connectRetrySeconds: number;
  connectRetryMaxSeconds: number;
  /** Give up on a remote that sent nothing back within this time. */
  serverPollTimeoutSeconds: number;
  httpProxy?: HttpProxySettings;
  /** The profile's socks-proxy, for remotes without their own. */
  socksProxy?: Socks5Settings;
  /** Stop after this many failed attempts in a row (connect-retry-max); undefined = forever. */
  maxAttempts?: number;
  /** How to sign in; without it, `session.credentials` (if any) are used as they are. */
  auth?: AuthPolicy;
  /** Opens UDP links; node:dgram's when absent. */
  openUdpLink?: UdpLinkOpener;
  /** Hears a SOCKS5 UDP relay's address before the first datagram goes to it (the helper opens its kill switch for it). */
  announceSocksRelay?: RelayAnnouncer;
}

export interface ConnectedInfo {
  config: TunnelConfig;
  cipher: string;
  keyDerivation: 'tls-ekm' | 'prf';
  tlsVersion: string | null;
  remote: {
    host: string; address: string; port: number; proto: 'udp' | 'tcp'; family: 4 | 6;
    /** Through a proxy: the proxy or SOCKS relay the packets go to (Link.firstHop); absent when direct. */
    firstHop?: { address: string; family: 4 | 6 };
  };
}

/**
 * A phase change of the client. When an attempt ends in `reconnecting`, `reason` is that end
 * as `{code, message}`; `detail` keeps carrying the same as "code: message".
 */
export interface ClientPhaseChange extends PhaseChange {
  reason?: { code: string; message: string };
}

export interface VpnClientEvents {
  onPhase(change: ClientPhaseChange): void;
  onConnected(info: ConnectedInfo): void;
  onPacket(ipPacket: Buffer): void;
  onLog(log: SessionLogLine): void;
  /** The client stopped for good: by request, or a fatal error. */
  onStopped(end: SessionEnd): void;
  onControlMessage?: SessionEvents['onControlMessage'];
  /** A question for the user (credentials, a challenge, a web sign-in); answer with answerPrompt. */
  onPrompt?(prompt: AuthPrompt): void;
  onPromptClosed?(promptId: string, reason: PromptClosedReason): void;
  /** A renegotiation completed: new data-channel keys are in use. */
  onRenegotiated?: SessionEvents['onRenegotiated'];
  /** The open session's data keys changed: a data plane reads dataOffload().keys() again (see SessionEvents). */
  onDataKeysChanged?(): void;
}

/**
 * What a data plane outside core (the helper's native one) needs of the connected session:
 * its link, how it treats packets, its keys, and ways back in for what the plane does not
 * handle. Bound to one session: once that ends, keys() is empty and the rest does nothing.
 */
export interface DataOffloadView {
  readonly link: Link;
  readonly settings: DataPathSettings;
  readonly counters: Counters;
  keys(): DataKeysView;
  /** A datagram the plane passed up (control channel, a key id it does not hold). */
  receive(packet: Buffer): void;
  /** A decrypted, unframed message the plane does not handle (OCC). */
  receivePlaintext(plain: Buffer): void;
  /** ms since the plane last authenticated a packet / last sent one (keepalive timers). */
  noteTraffic(msSinceReceived: number | undefined, msSinceSent: number | undefined): void;
}

/**
 * Runs sessions until told to stop: picks the remote, opens the link, reconnects with
 * back-off after non-fatal failures (next-attempt.ts decides), keeps the pushed auth-token
 * for the next attempt. stop() aborts the run's one AbortSignal: every wait rejects at once,
 * and the open session closes (explicit-exit-notify) before stop() resolves.
 */
export class VpnClient {
  readonly #remotes: RemoteList;
  readonly #retry: RetryPolicy;
  /** One per client, and so per run: start() runs at most once. Its reason is a StopRequest. */
  readonly #stop = new AbortController();
  #session: Session | undefined;
  #authToken: { token: Secret; username?: string } | undefined;
  #startMs = performance.now();
  #done: Promise<void> | undefined;
  readonly #prompts: PromptBox;
  readonly #signIn: SignIn;
  /** Proxies signed in to at connect (`stdin`), by kind, host and port: asked once, kept for reconnects. */
  readonly #proxySignIns = new Map<string, { username: string; password: Secret }>();
  readonly #pendingAuth: PendingAuth;
  /** The open attempt's link and session, for networkChanged(). */
  #attemptLink: { link: Link; session: Session } | undefined;
  /** Aborted by networkChanged() or woke() to cut a back-off wait short (the reason is the log line). */
  #backOffWait: AbortController | undefined;

  constructor(private readonly options: VpnClientOptions, private readonly events: VpnClientEvents) {
    this.#remotes = new RemoteList(options.remotes, options.remoteRandom);
    this.#retry = {
      authRetry: (options.auth ?? NO_AUTH).retry, connectRetrySeconds: options.connectRetrySeconds,
      connectRetryMaxSeconds: options.connectRetryMaxSeconds, ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
    };
    this.#prompts = new PromptBox({
      onPrompt: (prompt) => {
        // CR_TEXT and web sign-in happen inside an attempt, in its auth_pending phase.
        // A renegotiation's question (auth-nocache) leaves the tunnel up and the phase alone.
        const beforeSending = prompt.kind !== 'cr_text' && prompt.kind !== 'web_auth' && this.#session?.phase !== 'connected';
        if (beforeSending) this.#phase('authenticating', 'waiting for the answer to a sign-in question');
        events.onPrompt?.(prompt);
      },
      onPromptClosed: (id, reason) => events.onPromptClosed?.(id, reason),
    });
    const given = options.session.credentials;
    this.#signIn = new SignIn(options.auth ?? (given ? { ...NO_AUTH, userPass: true, credentials: given } : NO_AUTH), this.#prompts);
    this.#pendingAuth = new PendingAuth(this.#prompts, {
      log: (level, message) => events.onLog({ level, message }),
      onCancelled: () => this.#requestStop({ kind: 'cancelled' }),
    });
    // Whoever stops the run: open questions close, the session says goodbye to the server.
    this.#stop.signal.addEventListener('abort', () => {
      this.#prompts.close('cancelled');
      this.#session?.close();
    }, { once: true });
  }

  /** Answers the open prompt; `auth.bad_answer` when a field it needs is missing. */
  answerPrompt(promptId: string, answer: AuthAnswer): Result<void, AuthAnswerError> {
    return this.#prompts.answer(promptId, answer);
  }

  /** Cancels the open prompt: the connection attempt ends and the client stops (`auth.cancelled`). */
  cancelPrompt(promptId: string): Result<void, AuthAnswerError> {
    return this.#prompts.cancel(promptId);
  }

  get counters(): Counters | undefined {
    return this.#session?.counters;
  }

  /** The question waiting for an answer: the one place it is kept (everyone else reads it here or from events). */
  get openPrompt(): AuthPrompt | undefined {
    return this.#prompts.current;
  }

  get session(): Session | undefined {
    return this.#session;
  }

  /** Starts connecting; resolves when the client has stopped for good. */
  start(): Promise<void> {
    this.#startMs = performance.now();
    this.#done ??= this.#run();
    return this.#done;
  }

  sendPacket(ipPacket: Buffer): void {
    this.#session?.sendPacket(ipPacket);
  }

  /** The connected session's data path, for a data plane to take over (undefined when not connected). */
  dataOffload(): DataOffloadView | undefined {
    const attempt = this.#attemptLink;
    const settings = attempt?.session.dataPathSettings;
    if (!attempt || !settings) return undefined;
    const { link, session } = attempt;
    return {
      link, settings, counters: session.counters,
      keys: () => session.dataKeysView(),
      receive: (packet) => session.receive(packet),
      receivePlaintext: (plain) => session.receiveOffloadedPlaintext(plain),
      noteTraffic: (received, sent) => session.noteOffloadedTraffic(received, sent),
    };
  }

  /**
   * The path to the server changed (its route, our source address, the interface): the
   * helper watches the OS and says so; what to do depends on the transport.
   * - UDP: connect the socket again (the new source address) and probe the server at once;
   *   the server floats the session by peer-id. Same session, no new handshake.
   * - TCP: the connection is bound to the old address and cannot move: end the attempt now
   *   (`network.changed`) and reconnect at once instead of waiting for ping-restart.
   * - Between attempts: the back-off wait ends now, the new path may work.
   */
  networkChanged(): void {
    if (this.#stop.signal.aborted) return;
    const attempt = this.#attemptLink;
    if (!attempt) {
      this.#backOffWait?.abort('network.changed: the path to the server changed; trying again now.');
      return;
    }
    const { link, session } = attempt;
    if (link.kind === 'tcp') {
      this.events.onLog({ level: 'info', message: 'network.changed: the path to the server changed; reconnecting over TCP now.' });
      session.abort({ code: 'network.changed', message: 'The path to the server changed; reconnecting at once.', fatal: false, advance: 'no', backoffSeconds: 0 });
      return;
    }
    this.events.onLog({ level: 'info', message: 'network.changed: the path to the server changed; connecting the UDP socket again.' });
    // The probe follows in onReconnected; a link that cannot reconnect probes from where it is.
    if (link.reconnect) link.reconnect();
    else this.#probe(session, 'requested');
  }

  /**
   * The machine slept for `sleptMs` (the helper compares CLOCK_BOOTTIME with CLOCK_MONOTONIC,
   * which stops during a suspend, so ping-restart's own timer never saw the time pass).
   * Slept longer than ping-restart: the server has surely let the session go, so reconnect
   * now rather than wait a whole ping-restart for silence to prove it. Shorter: one ping
   * now, and ping-restart judges the answer as usual. Between attempts: try again now.
   * `gap` says what the time was: the machine asleep, or this process stopped while the
   * machine ran on (SIGSTOP, a stalled VM); the judgement is the same, the words differ.
   */
  woke(sleptMs: number, gap: 'slept' | 'stalled' = 'slept'): void {
    if (this.#stop.signal.aborted) return;
    const seconds = Math.round(sleptMs / 1000);
    const what = gap === 'slept' ? `the computer slept ${seconds} s` : `this process did not run for ${seconds} s`;
    const attempt = this.#attemptLink;
    if (!attempt) {
      this.#backOffWait?.abort(`system.wake: ${what}; trying again now.`);
      return;
    }
    const { session } = attempt;
    const timeoutMs = session.peerTimeoutMs;
    if (timeoutMs > 0 && sleptMs >= timeoutMs) {
      this.events.onLog({ level: 'info', message: `system.wake: ${what}, longer than ping-restart (${timeoutMs / 1000} s); reconnecting now.` });
      const message = gap === 'slept' ? `The computer slept for ${seconds} s; reconnecting at once.` : `Postern did not run for ${seconds} s; reconnecting at once.`;
      session.abort({ code: 'system.wake', message, fatal: false, advance: 'no', backoffSeconds: 0 });
      return;
    }
    const sent = session.probe();
    this.events.onLog({ level: 'info', message: `system.wake: ${what}${sent ? '; ping sent to see whether the server is still there' : ''}.` });
  }

  #probe(session: Session, cause: LinkReconnectCause): void {
    const sent = session.probe();
    this.events.onLog({ level: 'info', message: `network.changed: UDP socket connected again (${cause})${sent ? '; ping sent so the server floats the session' : ''}.` });
  }

  /** Disconnects (telling the server) and resolves once everything is closed. */
  async stop(): Promise<void> {
    this.#requestStop({ kind: 'stopped' });
    await this.#done;
  }

  /** The first request wins: a disconnect stays a disconnect even if it closes a question. */
  #requestStop(request: StopRequest): void {
    this.#stop.abort(request);
  }

  async #run(): Promise<void> {
    const { signal } = this.#stop;
    let end: RunEnd;
    try {
      end = await this.#attempts(signal);
    } catch (error) {
      // A wait cut short by stop(): its reason says how the run ends. Anything else is a bug.
      const aborted = signal.aborted && (error === signal.reason || (error as Error | undefined)?.name === 'AbortError');
      if (!aborted) throw error;
      end = signal.reason as StopRequest;
    }
    this.#phase('disconnected');
    this.#prompts.close('cancelled');
    this.events.onStopped(runEndReason(end));
  }

  /** Attempt after attempt, until next-attempt.ts says stop; rejects when a wait is aborted. */
  async #attempts(signal: AbortSignal): Promise<RunEnd> {
    let failures = 0;
    for (;;) {
      const signIn = await untilAborted(signal, () => this.#signIn.forAttempt(this.#authToken !== undefined));
      // The only way a sign-in fails: the user cancelled its question.
      if (!signIn.ok) return { kind: 'cancelled' };
      const { end, refusal, afterConnected } = await this.#attempt(signIn.credentials, signal);
      // A proxy that refused what the user typed asks again at the next attempt.
      if (end.code === 'proxy.auth_rejected') this.#proxySignIns.clear();
      this.#pendingAuth.onAttemptEnded(end);
      // A token pushed during this attempt counts too: a renegotiation may be what was refused.
      const tokenHeld = this.#authToken !== undefined;
      // A refused token is dropped; the next attempt uses the real credentials (protocol.md §10).
      if (refusal && refusal.kind !== 'temp') this.#authToken = undefined;
      const step: NextStep = nextAttempt(
        signal.aborted ? { kind: 'stop_requested', request: signal.reason as StopRequest } : { kind: 'ended', end, afterConnected },
        refusal && { failure: refusal, tokenHeld }, failures, this.#retry);
      switch (step.kind) {
        case 'stop':
          return step.end;
        case 'retry_now':
          // Same server, no back-off: a challenge to answer, the password asked again, or a token that gave way to it.
          if (step.signIn === 'answer_challenge' && refusal?.kind === 'crv1') this.#signIn.answerChallengeNext(refusal);
          if (step.signIn === 'ask_again' && refusal) this.#signIn.askAgain(refusal);
          this.#phase('reconnecting', { code: end.code, message: 'signing in again' });
          break;
        case 'back_off':
          failures = step.failures;
          this.#remotes.advance(step.advance);
          this.#phase('reconnecting', { code: end.code, message: end.message });
          await this.#backOff(step.ms, signal);
          break;
      }
    }
  }

  /** The username and password of a proxy whose profile line says `stdin`: asked once, like the VPN's own. */
  async #proxySignIn(proxy: ProxyIdentity): Promise<{ username: string; password: Secret } | undefined> {
    const key = `${proxy.kind} ${proxy.host} ${proxy.port}`;
    const known = this.#proxySignIns.get(key);
    if (known) return known;
    const asked = await this.#prompts.ask({
      kind: 'proxy_credentials', text: `Sign in to the proxy ${proxy.host}:${proxy.port}.`, echo: false, timeoutSeconds: null,
      needs: { username: true, password: true, response: false },
    }).answer;
    if (!asked) return undefined;
    const given = { username: asked.username ?? '', password: asked.password ?? new Secret('') };
    this.#proxySignIns.set(key, given);
    return given;
  }

  /** Waits `ms` between attempts; networkChanged() and woke() end the wait early, stop() rejects it. */
  async #backOff(ms: number, signal: AbortSignal): Promise<void> {
    if (ms <= 0) return;
    const wait = new AbortController();
    this.#backOffWait = wait;
    try {
      await delay(ms, undefined, { signal: AbortSignal.any([signal, wait.signal]) });
    } catch (error) {
      if (signal.aborted || !wait.signal.aborted) throw error;
      // Cut short by networkChanged() or woke(): the reason they gave is the log line.
      this.events.onLog({ level: 'info', message: String(wait.signal.reason) });
    } finally {
      this.#backOffWait = undefined;
    }
  }

  /** One connection attempt; resolves with how it ended and the AUTH_FAILED it ended with, if any. */
  async #attempt(credentials: Credentials | undefined, signal: AbortSignal): Promise<{ end: SessionEnd; refusal?: AuthFailure; afterConnected: boolean }> {
    this.#phase('resolving');
    // The link's callbacks need the session, and the session needs the link: a holder breaks the cycle.
    const current: { session?: Session } = {};
    let resolveEnd!: (end: SessionEnd) => void;
    const ended = new Promise<SessionEnd>((resolve) => { resolveEnd = resolve; });
    const sinks: LinkSinks = {
      onPacket: (packet) => current.session?.receive(packet),
      onClosed: (reason) => current.session?.abort({ code: 'link.closed', message: `The connection to the server closed (${reason}).`, fatal: false }),
      onDrop: (reason) => { const drops = current.session?.counters.drops; if (drops) drops[reason] = (drops[reason] ?? 0) + 1; },
      onReconnected: (cause) => { if (current.session) this.#probe(current.session, cause); },
    };
    const opened = await openRemoteLink(this.#remotes, sinks, { ...this.options, proxyCredentials: (proxy) => this.#proxySignIn(proxy) }, signal);
    if (!opened.ok) return { end: opened.error, afterConnected: false };
    const { link, remote: { endpoint, address, family } } = opened.value;
    let connected = false;
    let attemptOver = false;
    let refusal: AuthFailure | undefined;
    const settings = {
      ...this.options.session, credentials, noCache: this.options.auth?.noCache, wrap: endpoint.wrap ?? this.options.session.wrap,
      transport: endpoint.proto, outerFamily: family, authToken: this.#authToken ?? this.options.session.authToken,
    };
    const session = new Session(settings, (p) => link.send(p), {
      onPhase: (change) => this.#forwardPhase(change),
      onConnected: (config, details) => {
        connected = true;
        this.#signIn.onConnected();
        this.#pendingAuth.onConnected();
        this.events.onConnected({ config, ...details, remote: { host: endpoint.host, address, port: endpoint.port, proto: endpoint.proto, family, ...(link.firstHop ? { firstHop: link.firstHop } : {}) } });
      },
      onPacket: (ip) => this.events.onPacket(ip),
      onLog: (log) => this.events.onLog(log),
      onEnd: (end) => resolveEnd(end),
      onAuthToken: (token, username) => { this.#authToken = { token, username }; },
      onCredentialsNeeded: () => void this.#credentialsForRenegotiation(session, () => !attemptOver),
      onRenegotiated: (renegotiation) => this.events.onRenegotiated?.(renegotiation),
      onDataKeysChanged: () => this.events.onDataKeysChanged?.(),
      onControlMessage: (message) => {
        if (message.kind === 'auth_failed') refusal = message.failure;
        this.#pendingAuth.onControlMessage(message, session);
        this.events.onControlMessage?.(message);
      },
    });
    current.session = session;
    this.#session = session;
    this.#attemptLink = { link, session };
    const pollTimer = setTimeout(() => {
      if (!session.heardFromServer) session.abort({ code: 'connect.server_poll_timeout', message: `No answer from ${address}:${endpoint.port}/${endpoint.proto} within ${this.options.serverPollTimeoutSeconds} s.`, fatal: false, advance: 'addr' });
    }, this.options.serverPollTimeoutSeconds * 1000);
    session.start();
    const end = await ended;
    attemptOver = true;
    this.#attemptLink = undefined;
    clearTimeout(pollTimer);
    link.close();
    // The end keeps its own code (server.restart, session.ping_restart, …): it is the reconnect's reason people see.
    return { end, refusal, afterConnected: connected };
  }

  /** auth-nocache without an auth-token: the renegotiation asks for the password again. */
  async #credentialsForRenegotiation(session: Session, isLive: () => boolean): Promise<void> {
    const answer = await this.#signIn.forAttempt(false);
    // Once the attempt is over, the next one's question supersedes this one: not a cancel.
    if (this.#stop.signal.aborted || !isLive()) return;
    if (!answer.ok) return this.#requestStop({ kind: 'cancelled' });
    if (answer.credentials) session.provideCredentials(answer.credentials);
    this.#signIn.onConnected(); // forget it again
  }

  #forwardPhase(change: PhaseChange): void {
    this.events.onPhase({ ...change, sinceStartMs: performance.now() - this.#startMs });
  }

  #phase(phase: PhaseChange['phase'], detail?: string | { code: string; message: string }): void {
    const sinceStartMs = performance.now() - this.#startMs;
    if (typeof detail === 'object') this.events.onPhase({ phase, sinceStartMs, previousPhaseMs: 0, detail: `${detail.code}: ${detail.message}`, reason: detail });
    else this.events.onPhase({ phase, sinceStartMs, previousPhaseMs: 0, detail });
  }
}
