import { connectToHelper } from '../../native-helper/client/socket-client';
import type { ConnectToHelperOptions, HelperClient } from '../../native-helper/client/socket-client';
import type { HelperCallResult, HelperEvent, HelperMethod, MethodParams, MethodResult, SessionStatus } from '../../native-helper/api/index';
import type { HelperLinkState as LinkState } from '../api/app-api';

export const HOW_TO_START_HELPER = 'Start the helper: sudo npx postern helper';
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
 * answers the current session), keeps a truthful copy of the session, and when the
 * helper goes away says so and reconnects with a short backoff, re-reading the session,
 * which may have ended while the helper was gone.
 */
export class HelperLink {
  #client: HelperClient | undefined;
  #state: LinkState = { state: 'connecting' };
  #session: SessionStatus | null = null;
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
    this.#session = subscribed.value.session;
    this.#state = { state: 'connected', helperVersion: client.hello.helperVersion };
    this.#retryMs = FIRST_RETRY_MS;
    this.#changed();
  }

  #unavailable(code: string, message: string): void {
    const previous = this.#state;
    this.#state = { state: 'unavailable', code, message, howToStart: code === 'ipc.not_in_group' ? HOW_TO_JOIN : HOW_TO_START_HELPER };
    // Whatever ran in a helper that is gone is gone too; the next helper will say.
    const hadSession = this.#session !== null && this.#session.state !== 'disconnected';
    if (hadSession && this.#session) this.#session = { ...this.#session, state: 'disconnected', prompt: null, lastError: { code, message } };
    const same = previous.state === 'unavailable' && previous.code === code && previous.message === message;
    if (!same || hadSession) this.#changed();
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
  }

  #apply(event: HelperEvent): void {
    const session = this.#session;
    if (session === null || !('sessionId' in event) || event.sessionId !== session.sessionId) return;
    if (event.type === 'stats') this.#session = { ...session, stats: event.stats };
    if (event.type === 'prompt') this.#session = { ...session, prompt: event.prompt };
    if (event.type === 'prompt_closed' && session.prompt?.id === event.promptId) this.#session = { ...session, prompt: null };
    if (event.type === 'state' && event.state === 'disconnected') this.#session = { ...session, state: 'disconnected', prompt: null };
  }

  async #refresh(client: HelperClient): Promise<void> {
    const status = await client.connection.call('tunnel.status', {});
    if (!status.ok || this.#client !== client) return;
    this.#session = status.value.session;
    this.#changed();
  }

  #changed(): void {
    for (const listener of this.#changeListeners) listener();
  }
}
