import { connectToHelper } from '../../native-helper/client/socket-client';
import type { ConnectToHelperOptions, HelperClient } from '../../native-helper/client/socket-client';
import type { HelperCallResult, HelperEvent, HelperMethod, KillSwitchState, MethodParams, MethodResult, SessionStatus } from '../../native-helper/api/index';
import type { HelperLinkState as LinkState } from '../api/app-api';

export const HOW_TO_START_HELPER = 'Start the helper: sudo systemctl start postern-helper (the installed package), or from a checkout: sudo npx postern helper';
/** The helper runs but serves only root and its group's members (its message names the group). */
export const HOW_TO_JOIN = 'Ask an administrator to add you to the group named below, then log out and in again.';
/** The first retry comes quickly (a helper restart takes a moment), later ones at most this far apart. */
export const MAX_RETRY_MS = 2000;
const FIRST_RETRY_MS = 250;

export type ConnectHelper = (socketPath: string, options: ConnectToHelperOptions) => Promise<HelperCallResult<HelperClient>>;

export interface HelperLinkOptions {
  socketPath: string;
  /** The helper client factory; replaceable for tests. The real one checks the socket's owner first. */
  connect?: ConnectHelper;
  /** Longest wait between reconnect attempts; capped at MAX_RETRY_MS. */
  maxRetryMs?: number;
  /** Trust a socket of our own uid (tests that run a helper unprivileged). The app trusts root only. */
  trustOwnUid?: boolean;
}

/**
 * The app's connection to the privileged helper: connects (hello), subscribes (which
 * answers the current session), reads the kill switch, keeps a truthful copy of both, and
 * when the helper goes away says so and reconnects with a short backoff, re-reading the
 * session, which may have ended while the helper was gone.
 *
 * The session's leak check is the one of its current connection only: the helper keeps the
 * last result until the next one, so once the session leaves `connected` (reconnecting)
 * that result is stale here until a newer one arrives, and the window says "checking".
 */
export class HelperLink {
  #client: HelperClient | undefined;
  #state: LinkState = { state: 'connecting' };
  #session: SessionStatus | null = null;
  #killSwitch: KillSwitchState | null = null;
  /** Leak checks at or before this time (the helper's clock) belong to an earlier connection. */
  #staleLeakCheckAtMs = 0;
  #stopped = false;
  #retryMs = FIRST_RETRY_MS;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #eventListeners = new Set<(event: HelperEvent) => void>();
  readonly #changeListeners = new Set<() => void>();

  constructor(private readonly options: HelperLinkOptions) {}

  get state(): LinkState {
    return this.#state;
  }

  get session(): SessionStatus | null {
    return this.#session;
  }

  /** The machine's kill switch as the helper last said; null without a helper, or with one that has none. */
  get killSwitch(): KillSwitchState | null {
    return this.#killSwitch;
  }

  start(): void {
    this.#stopped = false;
    void this.#connect();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    const client = this.#client;
    this.#client = undefined;
    client?.close();
  }

  async call<M extends HelperMethod>(method: M, params: MethodParams<M>): Promise<HelperCallResult<MethodResult<M>>> {
    const client = this.#client;
    if (!client || this.#state.state !== 'connected') {
      return { ok: false, error: { code: 'ipc.helper_unavailable', message: `The Postern helper is not running. ${HOW_TO_START_HELPER}` } };
    }
    return client.connection.call(method, params);
  }

  onEvent(listener: (event: HelperEvent) => void): () => void {
    this.#eventListeners.add(listener);
    return () => this.#eventListeners.delete(listener);
  }

  /** The link state or the session changed: time for a new snapshot. */
  onChange(listener: () => void): () => void {
    this.#changeListeners.add(listener);
    return () => this.#changeListeners.delete(listener);
  }

  async #connect(): Promise<void> {
    if (this.#stopped) return;
    const connect = this.options.connect ?? connectToHelper;
    const opened = await connect(this.options.socketPath, { client: 'postern-desktop', trustOwnUid: this.options.trustOwnUid ?? false });
    if (this.#stopped) {
      if (opened.ok) opened.value.close();
      return;
    }
    if (!opened.ok) return this.#unavailable(opened.error.code, opened.error.message);
    const client = opened.value;
    this.#client = client;
    client.connection.onEvent((event) => this.#onEvent(client, event));
    client.connection.onClosed((reason) => {
      if (this.#client !== client) return;
      this.#client = undefined;
      this.#unavailable(reason?.code ?? 'ipc.closed', reason?.message ?? 'The Postern helper stopped.');
    });
    // Subscribing answers the session as it is now: the re-sync after a helper restart.
    const subscribed = await client.connection.call('events.subscribe', {});
    if (this.#client !== client) return;
    if (!subscribed.ok) {
      client.close(); // onClosed above reports it and schedules the retry
      return;
    }
    // A helper older than 1.2 has no kill switch (ipc.unknown_method): the window says so.
    const killSwitch = await client.connection.call('killswitch.get', {});
    if (this.#client !== client) return;
    this.#killSwitch = killSwitch.ok ? killSwitch.value : null;
    this.#session = this.#current(subscribed.value.session);
    this.#state = { state: 'connected', helperVersion: client.hello.helperVersion };
    this.#retryMs = FIRST_RETRY_MS;
    this.#changed();
  }

  #unavailable(code: string, message: string): void {
    const previous = this.#state;
    // Only a running helper can say what the kill switch does now; a block it had stays in the
    // kernel without it (kept until another helper says otherwise).
    const hadKillSwitch = this.#killSwitch !== null;
    const leftBlocking = this.#killSwitch?.blocking ?? (previous.state === 'unavailable' && previous.killSwitchLeftBlocking === true);
    this.#killSwitch = null;
    this.#state = {
      state: 'unavailable', code, message, howToStart: code === 'ipc.not_in_group' ? HOW_TO_JOIN : HOW_TO_START_HELPER,
      ...(leftBlocking ? { killSwitchLeftBlocking: true } : {}),
    };
    // Whatever ran in a helper that is gone is gone too; the next helper will say.
    const hadSession = this.#session !== null && this.#session.state !== 'disconnected';
    if (hadSession && this.#session) this.#session = { ...this.#session, state: 'disconnected', prompt: null, lastError: { code, message } };
    const same = previous.state === 'unavailable' && previous.code === code && previous.message === message && (previous.killSwitchLeftBlocking === true) === leftBlocking;
    if (!same || hadSession || hadKillSwitch) this.#changed();
    this.#scheduleRetry();
  }

  #scheduleRetry(): void {
    if (this.#stopped) return;
    clearTimeout(this.#timer);
    const delayMs = this.#retryMs;
    this.#retryMs = Math.min(this.#retryMs * 2, Math.min(this.options.maxRetryMs ?? MAX_RETRY_MS, MAX_RETRY_MS));
    this.#timer = setTimeout(() => void this.#connect(), delayMs);
  }

  #onEvent(client: HelperClient, event: HelperEvent): void {
    if (this.#client !== client) return;
    // What an event says for sure is applied at once, before anyone hears of it: the open
    // question lives in this copy of the session, and nowhere else in main.
    this.#apply(event);
    for (const listener of this.#eventListeners) listener(event);
    if (event.type === 'stats') return;
    if (event.type === 'state' || event.type === 'tunnel' || event.type === 'prompt' || event.type === 'prompt_closed') void this.#refresh(client);
    if (event.type === 'killswitch' || event.type === 'leak_check') this.#changed();
  }

  #apply(event: HelperEvent): void {
    if (event.type === 'killswitch') {
      this.#killSwitch = { mode: event.mode, allowLan: event.allowLan, dnsLeakProtection: event.dnsLeakProtection, blocking: event.blocking };
      return;
    }
    const session = this.#session;
    if (session === null || !('sessionId' in event) || event.sessionId !== session.sessionId) return;
    if (event.type === 'stats') this.#session = { ...session, stats: event.stats };
    if (event.type === 'prompt') this.#session = { ...session, prompt: event.prompt };
    if (event.type === 'prompt_closed' && session.prompt?.id === event.promptId) this.#session = { ...session, prompt: null };
    if (event.type === 'state' && event.state === 'disconnected') this.#session = { ...session, state: 'disconnected', prompt: null };
    // Leaving `connected` (reconnecting, stopping): the last check was of that connection.
    if (event.type === 'state' && event.state !== 'connected' && session.leakCheck) {
      this.#staleLeakCheckAtMs = Math.max(this.#staleLeakCheckAtMs, session.leakCheck.atMs);
      this.#session = { ...(this.#session ?? session), leakCheck: null };
    }
    if (event.type === 'leak_check') this.#session = { ...session, leakCheck: { ok: event.ok, atMs: event.atMs, checks: event.checks } };
  }

  /** The session with its leak check only when that check belongs to the connection up now. */
  #current(session: SessionStatus | null): SessionStatus | null {
    if (session === null) return null;
    const check = session.leakCheck ?? null;
    if (session.state !== 'connected' && check !== null) this.#staleLeakCheckAtMs = Math.max(this.#staleLeakCheckAtMs, check.atMs);
    return check !== null && check.atMs <= this.#staleLeakCheckAtMs ? { ...session, leakCheck: null } : session;
  }

  async #refresh(client: HelperClient): Promise<void> {
    const status = await client.connection.call('tunnel.status', {});
    if (!status.ok || this.#client !== client) return;
    this.#session = this.#current(status.value.session);
    this.#changed();
  }

  #changed(): void {
    for (const listener of this.#changeListeners) listener();
  }
}
