import { setTimeout as delay } from 'node:timers/promises';
import { Session, type SessionEvents } from '../session/session';
import type { SessionSettings } from '../session/session-settings';
import type { PhaseChange, SessionEnd, SessionLog, Counters } from '../session/events';
import type { TunnelConfig } from '../control/tunnel-config';
import type { Secret } from '../wire/secret';
import { RemoteList, type ResolvedRemote } from './remote-list';
import { openTcpLink, openUdpLink, type HttpProxySettings, type Link, type LinkSinks, type RemoteEndpoint, type UdpLinkOpener } from '../transport/index';
import type { AuthFailure } from '../control/classify-control-message';
import type { Credentials } from '../session/session-settings';
import type { AuthAnswer, AuthAnswerError, AuthPrompt, PromptClosedReason } from '../auth/auth-prompt';
import { NO_AUTH, type AuthPolicy } from '../auth/auth-policy';
import { PromptBox } from '../auth/prompt-box';
import { PendingAuth } from '../auth/pending-auth';
import { CANCELLED, SignIn } from '../auth/sign-in';
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
  /** Stop after this many failed attempts in a row (connect-retry-max); undefined = forever. */
  maxAttempts?: number;
  /** How to sign in; without it, `session.credentials` (if any) are used as they are. */
  auth?: AuthPolicy;
  /** Opens UDP links; node:dgram's when absent. */
  openUdpLink?: UdpLinkOpener;
}

export interface ConnectedInfo {
  config: TunnelConfig;
  cipher: string;
  keyDerivation: 'tls-ekm' | 'prf';
  tlsVersion: string | null;
  remote: { host: string; address: string; port: number; proto: 'udp' | 'tcp'; family: 4 | 6 };
}

export interface VpnClientEvents {
  onPhase(change: PhaseChange): void;
  onConnected(info: ConnectedInfo): void;
  onPacket(ipPacket: Buffer): void;
  onLog(log: SessionLog): void;
  /** The client stopped for good: by request, or a fatal error. */
  onStopped(end: SessionEnd): void;
  onControlMessage?: SessionEvents['onControlMessage'];
  /** A question for the user (credentials, a challenge, a web sign-in); answer with answerPrompt. */
  onPrompt?(prompt: AuthPrompt): void;
  onPromptClosed?(promptId: string, reason: PromptClosedReason): void;
}

/**
 * Runs sessions until told to stop: picks the remote, opens the link, reconnects with
 * back-off after non-fatal failures, keeps the pushed auth-token for the next attempt.
 * The only owner of sockets in core.
 */
export class VpnClient {
  readonly #remotes: RemoteList;
  #session: Session | undefined;
  #link: Link | undefined;
  #authToken: { token: Secret; username?: string } | undefined;
  #stopping = false;
  #failures = 0;
  #startMs = performance.now();
  #lastEnd: SessionEnd | undefined;
  #done: Promise<void> | undefined;
  readonly #prompts: PromptBox;
  readonly #signIn: SignIn;
  readonly #pendingAuth: PendingAuth;
  /** The AUTH_FAILED of the current attempt, with its details (a CRV1 challenge, TEMP's back-off). */
  #refusal: AuthFailure | undefined;
  /** Why the client stops when it is not the user's disconnect (a cancelled sign-in). */
  #stopEnd: SessionEnd | undefined;

  constructor(private readonly options: VpnClientOptions, private readonly events: VpnClientEvents) {
    this.#remotes = new RemoteList(options.remotes, options.remoteRandom);
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
      onCancelled: () => this.#stopBecause(CANCELLED),
    });
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

  /** Disconnects (telling the server) and resolves once everything is closed. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#prompts.close('cancelled');
    this.#session?.close();
    await this.#done;
  }

  #stopBecause(end: SessionEnd): void {
    this.#stopEnd = end;
    this.#stopping = true;
    this.#session?.close();
  }

  async #run(): Promise<void> {
    while (!this.#stopping) {
      const signIn = await this.#signIn.forAttempt(this.#authToken !== undefined);
      if (this.#stopping) break;
      if (!signIn.ok) {
        this.#stopEnd = signIn.end;
        break;
      }
      this.#refusal = undefined;
      let end = await this.#attempt(signIn.credentials);
      this.#pendingAuth.onAttemptEnded(end);
      this.#lastEnd = end;
      // A token pushed during this attempt counts too: a renegotiation may be what was refused.
      const refusal = this.#refusal as AuthFailure | undefined; // set by #attempt's callbacks
      const tokenRefused = refusal !== undefined && refusal.kind !== 'temp' && this.#authToken !== undefined;
      // A refused token is dropped; the next attempt uses the real credentials (protocol.md §10).
      if (tokenRefused) this.#authToken = undefined;
      if (this.#stopping) break;
      if (refusal) {
        const next = await this.#signIn.afterRefusal(refusal, end, tokenRefused);
        if (this.#stopping) break;
        if (next.kind === 'stop') {
          this.#stopEnd = next.end;
          break;
        }
        if (next.kind === 'retry_now') {
          // Same server, no back-off: the user just answered, or a token gave way to the password.
          this.#phase('reconnecting', `${end.code}: signing in again`);
          continue;
        }
        end = { ...end, fatal: false };
      }
      if (end.fatal) break;
      this.#failures = end.code === 'session.connected_then_lost' ? 0 : this.#failures + 1;
      if (this.options.maxAttempts !== undefined && this.#failures >= this.options.maxAttempts) {
        this.#lastEnd = { code: 'connect.retries_exhausted', message: `Gave up after ${this.#failures} attempts: ${end.message}`, fatal: true };
        break;
      }
      this.#remotes.advance(end.advance ?? 'addr');
      this.#phase('reconnecting', `${end.code}: ${end.message}`);
      await this.#sleep(this.#backoffMs(end));
    }
    this.#phase('disconnected');
    this.#prompts.close('cancelled');
    const requested: SessionEnd = { code: 'user.disconnect', message: 'Disconnected.', fatal: true };
    this.events.onStopped(this.#stopEnd ?? (this.#stopping ? requested : this.#lastEnd ?? { code: 'unknown', message: 'Stopped.', fatal: true }));
  }

  /** One connection attempt; resolves with how it ended. */
  async #attempt(credentials: Credentials | undefined): Promise<SessionEnd> {
    this.#phase('resolving');
    let remote: ResolvedRemote;
    try {
      remote = await this.#remotes.next();
    } catch (error) {
      return { code: 'connect.resolve_failed', message: `Cannot resolve ${this.#remotes.current?.host}: ${(error as Error).message}`, fatal: false, advance: 'remote' };
    }
    // The link's callbacks need the session, and the session needs the link: a holder breaks the cycle.
    const current: { session?: Session } = {};
    let resolveEnd!: (end: SessionEnd) => void;
    const ended = new Promise<SessionEnd>((resolve) => { resolveEnd = resolve; });
    const sinks: LinkSinks = {
      onPacket: (packet) => current.session?.receive(packet),
      onClosed: (reason) => current.session?.abort({ code: 'link.closed', message: `The connection to the server closed (${reason}).`, fatal: false }),
      onDrop: (reason) => { const drops = current.session?.counters.drops; if (drops) drops[reason] = (drops[reason] ?? 0) + 1; },
    };
    const { endpoint, address, family } = remote;
    try {
      this.#link = endpoint.proto === 'udp'
        ? await (this.options.openUdpLink ?? openUdpLink)(address, endpoint.port, family, sinks)
        : await openTcpLink(address, endpoint.port, family, sinks, endpoint.httpProxy ?? this.options.httpProxy);
    } catch (error) {
      const code = (error as { code?: string }).code;
      return { code: code?.startsWith('proxy.') ? code : 'connect.link_failed', message: `Cannot reach ${address}:${endpoint.port}/${endpoint.proto}: ${(error as Error).message}`, fatal: false };
    }
    if (this.#stopping) {
      this.#link.close();
      return { code: 'user.disconnect', message: 'Disconnected.', fatal: true };
    }
    const link = this.#link;
    let connected = false;
    let attemptOver = false;
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
        this.events.onConnected({ config, ...details, remote: { host: endpoint.host, address, port: endpoint.port, proto: endpoint.proto, family } });
      },
      onPacket: (ip) => this.events.onPacket(ip),
      onLog: (log) => this.events.onLog(log),
      onEnd: (end) => resolveEnd(end),
      onAuthToken: (token, username) => { this.#authToken = { token, username }; },
      onCredentialsNeeded: () => void this.#credentialsForRenegotiation(session, () => !attemptOver),
      onControlMessage: (message) => {
        if (message.kind === 'auth_failed') this.#refusal = message.failure;
        this.#pendingAuth.onControlMessage(message, session);
        this.events.onControlMessage?.(message);
      },
    });
    current.session = session;
    this.#session = session;
    const pollTimer = setTimeout(() => {
      if (!session.heardFromServer) session.abort({ code: 'connect.server_poll_timeout', message: `No answer from ${address}:${endpoint.port}/${endpoint.proto} within ${this.options.serverPollTimeoutSeconds} s.`, fatal: false, advance: 'addr' });
    }, this.options.serverPollTimeoutSeconds * 1000);
    session.start();
    const end = await ended;
    attemptOver = true;
    clearTimeout(pollTimer);
    link.close();
    return connected && !end.fatal ? { ...end, code: end.code === 'user.disconnect' ? end.code : 'session.connected_then_lost', message: end.message } : end;
  }

  /** auth-nocache without an auth-token: the renegotiation asks for the password again. */
  async #credentialsForRenegotiation(session: Session, isLive: () => boolean): Promise<void> {
    const answer = await this.#signIn.forAttempt(false);
    // Once the attempt is over, the next one's question supersedes this one: not a cancel.
    if (this.#stopping || !isLive()) return;
    if (!answer.ok) return this.#stopBecause(answer.end);
    if (answer.credentials) session.provideCredentials(answer.credentials);
    this.#signIn.onConnected(); // forget it again
  }

  #backoffMs(end: SessionEnd): number {
    if (end.backoffSeconds !== undefined) return end.backoffSeconds * 1000;
    if (end.code === 'session.connected_then_lost') return this.options.connectRetrySeconds * 1000;
    // connect-retry, doubling after every 5 failures, capped (protocol.md §14).
    const factor = 2 ** Math.floor(this.#failures / 5);
    return Math.min(this.options.connectRetrySeconds * factor, this.options.connectRetryMaxSeconds) * 1000;
  }

  async #sleep(ms: number): Promise<void> {
    const step = 100;
    for (let waited = 0; waited < ms && !this.#stopping; waited += step) await delay(Math.min(step, ms - waited));
  }

  #forwardPhase(change: PhaseChange): void {
    this.events.onPhase({ ...change, sinceStartMs: performance.now() - this.#startMs });
  }

  #phase(phase: PhaseChange['phase'], detail?: string): void {
    this.events.onPhase({ phase, sinceStartMs: performance.now() - this.#startMs, previousPhaseMs: 0, detail });
  }
}
