import type { HelperEvent, LogLine, MethodParams, SessionStatus, TunnelState } from '../../api/index';
import type { BackendResult, SessionCaller, TunnelBackend } from '../../service/tunnel-backend';

/**
 * Stands in for the tunnel backend in the IPC server's tests: sessions, states, events
 * and logs in memory, driven by the test. The real backend (service/tunnel-service.ts)
 * has its own lab tests against openvpn; here only the socket's behaviour is at stake.
 */
export class MemoryTunnelBackend implements TunnelBackend {
  readonly #listeners = new Set<(event: HelperEvent) => void>();
  readonly #log: LogLine[] = [];
  #session: SessionStatus | null = null;
  #nextId = 1;
  /** Method names whose next call throws, to test that the server survives handler bugs. */
  readonly throwOn = new Set<string>();
  /** Every connect the backend saw (the tests check what reached it). */
  readonly connects: Array<{ params: MethodParams<'tunnel.connect'>; caller: SessionCaller }> = [];

  connect(params: MethodParams<'tunnel.connect'>, caller: SessionCaller): BackendResult<{ sessionId: string }> {
    this.#maybeThrow('connect');
    if (this.#session !== null && this.#session.state !== 'disconnected') {
      return { ok: false, error: { code: 'tunnel.already_running', message: `"${this.#session.profileName}" is already running; disconnect it first.` } };
    }
    this.connects.push({ params, caller });
    const sessionId = `session-${this.#nextId++}`;
    this.#session = {
      sessionId, profileName: params.profile.name, state: 'idle', ownerUid: caller.uid, startedAtMs: Date.now(),
      connectedAtMs: null, tunnel: null, stats: null, prompt: null, lastError: null,
    };
    // As the real service does: the first state is emitted before connect() returns.
    this.setState('connecting');
    return { ok: true, value: { sessionId } };
  }

  async disconnect(): Promise<BackendResult<Record<string, never>>> {
    this.#maybeThrow('disconnect');
    if (this.#session === null || this.#session.state === 'disconnected') return { ok: false, error: { code: 'tunnel.not_running', message: 'No tunnel is running.' } };
    this.setState('disconnecting');
    await new Promise((resolve) => setTimeout(resolve, 5));
    this.setState('disconnected');
    return { ok: true, value: {} };
  }

  status(): SessionStatus | null {
    this.#maybeThrow('status');
    return this.#session === null ? null : { ...this.#session };
  }

  ownerOf(sessionId: string): number | undefined {
    return this.#session?.sessionId === sessionId ? this.#session.ownerUid : undefined;
  }

  answerPrompt(): BackendResult<Record<string, never>> {
    return { ok: false, error: { code: 'auth.no_prompt', message: 'No question is waiting for an answer.' } };
  }

  cancelPrompt(): BackendResult<Record<string, never>> {
    return { ok: false, error: { code: 'auth.no_prompt', message: 'No question is waiting for an answer.' } };
  }

  recentLog(limit: number): LogLine[] {
    return this.#log.slice(-limit);
  }

  onEvent(listener: (event: HelperEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Moves the running session to `state` and tells the listeners. */
  setState(state: TunnelState): void {
    const session = this.#session;
    if (session === null) return;
    session.state = state;
    if (state === 'connected') session.connectedAtMs = Date.now();
    this.emit({ type: 'state', sessionId: session.sessionId, profileName: session.profileName, state, sinceStartMs: Date.now() - session.startedAtMs, previousStateMs: 0 });
  }

  log(message: string, sessionId = this.#session?.sessionId): void {
    this.emit({ type: 'log', ...(sessionId === undefined ? {} : { sessionId }), line: { atMs: Date.now(), level: 'info', message } });
  }

  emit(event: HelperEvent): void {
    if (event.type === 'log') this.#log.push(event.line);
    for (const listener of this.#listeners) listener(event);
  }

  #maybeThrow(method: string): void {
    if (this.throwOn.delete(method)) throw new Error(`${method} exploded (test)`);
  }
}
