import type { AppApi, AppEvent, AppSnapshot, SessionStatus, Statistics } from '../../../electron/api/app-api';

/** Test-only: a fake AppApi that records calls and lets the test push events. */
export interface FakeAppApi {
  api: AppApi;
  calls: Array<{ method: string; params: unknown }>;
  emit(event: AppEvent): void;
}

export const SNAPSHOT: AppSnapshot = {
  helper: { state: 'connected', helperVersion: '0.1.0' },
  profiles: [{ id: 'p1', name: 'Work', remotes: ['vpn.example.org 1194 udp'], asks: [], importedAtMs: 1, hasSavedCredentials: false }],
  session: null,
  settings: { launchAtLogin: false, notifications: true },
  rememberAvailable: false,
  rememberUnavailableReason: 'browser_mode',
  killSwitch: { mode: 'off', allowLan: false, dnsLeakProtection: true, blocking: false },
};

export function fakeAppApi(answers: Record<string, (params: unknown) => unknown> = {}): FakeAppApi {
  const listeners = new Set<(event: AppEvent) => void>();
  const calls: FakeAppApi['calls'] = [];
  const call = async (method: string, params: unknown): Promise<unknown> => {
    calls.push({ method, params });
    const answer = answers[method];
    if (answer) return answer(params);
    if (method === 'app.snapshot') return SNAPSHOT;
    if (method === 'log.recent') return { lines: [] };
    if (method === 'profiles.takeOpened') return { files: [], refused: [] };
    return {};
  };
  const api: AppApi = {
    call: call as AppApi['call'],
    onEvent: (listener) => {
      listeners.add(listener);
      return () => { listeners.delete(listener); };
    },
  };
  return { api, calls, emit: (event) => { for (const listener of listeners) listener(event); } };
}

export function statistics(rateInBps: number, bytesIn = 10): Statistics {
  return { bytesIn, bytesOut: 5, packetsIn: 1, packetsOut: 1, rateInBps, rateOutBps: 1, keepaliveRttMs: null, drops: {}, connectedForMs: 1 };
}

export function session(overrides: Partial<SessionStatus> = {}): SessionStatus {
  return {
    sessionId: 's1', profileName: 'Work', state: 'connecting', ownerUid: 1000, startedAtMs: 1_000, connectedAtMs: null,
    tunnel: null, stats: null, prompt: null, lastError: null, ...overrides,
  };
}

/** Lets pending promise callbacks run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
