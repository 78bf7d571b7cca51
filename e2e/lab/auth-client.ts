import { inspect } from 'node:util';
import { isConnectable, parseProfile } from '../../core/config/index';
import { clientOptionsFromProfile } from '../../core/client/client-options';
import { VpnClient, type ConnectedInfo } from '../../core/client/vpn-client';
import type { PhaseChange, SessionEnd, SessionLogLine, SessionPhase } from '../../core/session/events';
import type { AuthPrompt, AuthPromptKind, PromptClosedReason } from '../../core/auth/auth-prompt';
import type { Lab } from './lab';

/**
 * The core client built from a lab profile (parser → clientOptionsFromProfile → VpnClient),
 * recording everything it reports so sign-in tests can wait on prompts and phases and then
 * search the whole record for secrets.
 */
export interface AuthClient {
  client: VpnClient;
  phases: PhaseChange[];
  logs: SessionLogLine[];
  prompts: AuthPrompt[];
  closed: Array<{ promptId: string; reason: PromptClosedReason }>;
  connections: ConnectedInfo[];
  /** Resolves once the client stopped for good. */
  stopped: Promise<SessionEnd>;
  /** The next prompt of this kind after the `after`-th one (default: any not yet returned). */
  nextPrompt(kind: AuthPromptKind, timeoutMs?: number): Promise<AuthPrompt>;
  waitConnected(count?: number, timeoutMs?: number): Promise<ConnectedInfo>;
  waitPhase(phase: SessionPhase, timeoutMs?: number): Promise<void>;
  /** Every event recorded, as text (util.inspect, so Secret shows as it would in a log). */
  transcript(): string;
  stop(): Promise<SessionEnd>;
}

export interface AuthClientOptions {
  /** Profile lines after the lab's own (auth-user-pass is always added). */
  extra?: readonly string[];
}

/** Polls `check` every 20 ms until it returns a value; rejects after `timeoutMs` with `what`. */
export async function waitUntil<T>(check: () => T | undefined, timeoutMs: number, what: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function startAuthClient(lab: Lab, options: AuthClientOptions = {}): AuthClient {
  const parsed = parseProfile(lab.clientProfile({ extra: ['auth-user-pass', ...(options.extra ?? [])] }));
  if (!parsed.profile || !isConnectable(parsed)) throw new Error(`lab profile unusable: ${JSON.stringify(parsed.problems)}`);
  const built = clientOptionsFromProfile(parsed.profile);
  if (!built.ok) throw new Error(`${built.error.code}: ${built.error.message}`);
  const record = { phases: [] as PhaseChange[], logs: [] as SessionLogLine[], prompts: [] as AuthPrompt[], closed: [] as AuthClient['closed'], connections: [] as ConnectedInfo[] };
  let end: SessionEnd | undefined;
  let resolveStopped!: (end: SessionEnd) => void;
  const stopped = new Promise<SessionEnd>((resolve) => { resolveStopped = resolve; });
  const client = new VpnClient({ ...built.value, connectRetrySeconds: 1, serverPollTimeoutSeconds: 10 }, {
    onPhase: (change) => record.phases.push(change),
    onConnected: (info) => record.connections.push(info),
    onPacket: () => undefined,
    onLog: (log) => record.logs.push(log),
    onStopped: (stoppedWith) => { end = stoppedWith; resolveStopped(stoppedWith); },
    onPrompt: (prompt) => record.prompts.push(prompt),
    onPromptClosed: (promptId, reason) => record.closed.push({ promptId, reason }),
  });
  void client.start();
  const handedOut = new Set<string>();
  const history = (): string => `phases ${record.phases.map((p) => p.phase).join(' → ')}; end ${end ? `${end.code}: ${end.message}` : 'none'}`;
  return {
    client, ...record, stopped,
    nextPrompt: (kind, timeoutMs = 15_000) => waitUntil(() => {
      const prompt = record.prompts.find((p) => p.kind === kind && !handedOut.has(p.id));
      if (prompt) handedOut.add(prompt.id);
      return prompt;
    }, timeoutMs, () => `a ${kind} prompt (${history()})`),
    waitConnected: (count = 1, timeoutMs = 15_000) => waitUntil(() => {
      if (end && record.connections.length < count) throw new Error(`stopped before connecting: ${history()}`);
      return record.connections[count - 1];
    }, timeoutMs, () => `connection ${count} (${history()})`),
    waitPhase: (phase, timeoutMs = 15_000) => waitUntil(() => (record.phases.at(-1)?.phase === phase ? true : undefined), timeoutMs,
      () => `phase ${phase} (${history()})`).then(() => undefined),
    transcript: () => inspect({ ...record, end }, { depth: 8, maxArrayLength: Infinity, maxStringLength: Infinity }),
    stop: async () => {
      await client.stop();
      return stopped;
    },
  };
}
