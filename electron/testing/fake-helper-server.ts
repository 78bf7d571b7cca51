import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { FrameDecoder, HELPER_PROTOCOL_VERSION, encodeFrame } from '../../native-helper/api/index';
import type { HelperEvent, KillSwitchState, MethodParams, SessionStatus } from '../../native-helper/api/index';

export interface FakeRequest {
  method: string;
  params: unknown;
}

type Answer = { ok: true; result: unknown } | { ok: false; error: { code: string; message: string } };

/** The kill switch a fresh helper has: off, DNS leak protection on (native-helper/firewall DEFAULT_SETTINGS). */
export const KILL_SWITCH_DEFAULTS: KillSwitchState = { mode: 'off', allowLan: false, dnsLeakProtection: true, blocking: false };

/**
 * Test-only: a helper on a real Unix socket speaking the real frames, whose answers the
 * test scripts. Records every request; `push` sends an event to every connection;
 * `stop`/`start` imitate the helper dying and coming back on the same path. Its kill switch
 * answers `killswitch.get`, and `killswitch.set` tells every connection, as the helper does
 * (before its answer); null is a helper without one (killswitch.unavailable).
 */
export class FakeHelperServer {
  readonly requests: FakeRequest[] = [];
  session: SessionStatus | null = null;
  killSwitch: KillSwitchState | null = { ...KILL_SWITCH_DEFAULTS };
  /** Per-method answers; anything unlisted answers `{}`. */
  readonly answers = new Map<string, (params: unknown) => Answer>();
  #server: Server | undefined;
  readonly #sockets = new Set<Socket>();

  constructor(readonly socketPath: string) {}

  async start(): Promise<void> {
    rmSync(this.socketPath, { force: true });
    const server = createServer((socket) => this.#serve(socket));
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.socketPath, () => resolve());
    });
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const socket of this.#sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(this.socketPath, { force: true });
  }

  get connections(): number {
    return this.#sockets.size;
  }

  push(event: HelperEvent): void {
    for (const socket of this.#sockets) socket.write(encodeFrame({ kind: 'event', event }));
  }

  /** The kill switch changed (a setting, or it started or stopped blocking): every connection hears it. */
  setKillSwitch(state: KillSwitchState): void {
    this.killSwitch = state;
    this.push({ type: 'killswitch', ...state });
  }

  calls(method: string): FakeRequest[] {
    return this.requests.filter((request) => request.method === method);
  }

  #serve(socket: Socket): void {
    this.#sockets.add(socket);
    socket.on('close', () => this.#sockets.delete(socket));
    socket.on('error', () => undefined);
    const decoder = new FrameDecoder((message) => {
      const { id, method, params } = message as { id: number; method: string; params: unknown };
      this.requests.push({ method, params });
      const answer = this.#answer(method, params);
      socket.write(encodeFrame({ kind: 'response', id, ...answer }));
    }, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => decoder.push(chunk));
  }

  #answer(method: string, params: unknown): Answer {
    const scripted = this.answers.get(method);
    if (scripted) return scripted(params);
    if (method === 'hello') return { ok: true, result: { protocolVersion: { ...HELPER_PROTOCOL_VERSION }, helperVersion: '9.9.9-test', uid: 0 } };
    if (method === 'events.subscribe' || method === 'tunnel.status') return { ok: true, result: { session: this.session } };
    if (method === 'tunnel.connect') return { ok: true, result: { sessionId: 's1' } };
    if (method === 'log.recent') return { ok: true, result: { lines: [] } };
    if (method === 'killswitch.get' || method === 'killswitch.set') {
      if (this.killSwitch === null) return { ok: false, error: { code: 'killswitch.unavailable', message: 'This helper has no kill switch.' } };
      if (method === 'killswitch.set') this.setKillSwitch({ ...this.killSwitch, ...(params as MethodParams<'killswitch.set'>) });
      return { ok: true, result: this.killSwitch };
    }
    return { ok: true, result: {} };
  }
}

/** Test-only: polls until `check` holds (bounded; the helper link works asynchronously). */
export async function eventually(check: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Test-only: a session in a given state, with whatever else the test needs. */
export function fakeSession(extra: Partial<SessionStatus> = {}): SessionStatus {
  return {
    sessionId: 's1', profileName: 'Work', state: 'connecting', ownerUid: 0, startedAtMs: 1, connectedAtMs: null,
    tunnel: null, stats: null, prompt: null, lastError: null, ...extra,
  };
}
