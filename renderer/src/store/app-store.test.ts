import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppCallError } from '../../../electron/api/app-api';
import type { AppApi, AppEvent, AppSnapshot, Statistics } from '../../../electron/api/app-api';
import { errorText } from '../error-text';
import { createAppStore } from './app-store';
import { STATS_WINDOW, formatBytes, formatRate } from './stats-ring';

const SNAPSHOT: AppSnapshot = {
  helper: { state: 'connected', helperVersion: '0.1.0' }, profiles: [], session: null,
  settings: { launchAtLogin: false, notifications: true }, rememberAvailable: false,
};

function fakeApi(answers: Record<string, (params: unknown) => unknown> = {}): { api: AppApi; emit(event: AppEvent): void; calls: string[] } {
  const listeners = new Set<(event: AppEvent) => void>();
  const calls: string[] = [];
  const api: AppApi = {
    call: (async (method: string, params: unknown) => {
      calls.push(method);
      const answer = answers[method];
      if (answer) return answer(params);
      if (method === 'app.snapshot') return SNAPSHOT;
      if (method === 'log.recent') return { lines: [] };
      return {};
    }) as AppApi['call'],
    onEvent: (listener) => { listeners.add(listener); return () => listeners.delete(listener); },
  };
  return { api, calls, emit: (event) => { for (const listener of listeners) listener(event); } };
}

const stats = (rateInBps: number): Statistics => ({ bytesIn: 10, bytesOut: 5, packetsIn: 1, packetsOut: 1, rateInBps, rateOutBps: 1, keepaliveRttMs: null, drops: {}, connectedForMs: 1 });

test('start loads the snapshot; helper events fill the stats ring (bounded), the log and the prompt', async () => {
  const { api, emit } = fakeApi();
  const store = createAppStore(api, () => 1_000_000);
  store.getState().start();
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(store.getState().snapshot, SNAPSHOT);
  for (let i = 0; i < STATS_WINDOW + 20; i++) emit({ type: 'helper', event: { type: 'stats', sessionId: 's', stats: stats(i) } });
  assert.equal(store.getState().samples.length, STATS_WINDOW);
  assert.equal(store.getState().samples.at(-1)?.inBitsPerSecond, (STATS_WINDOW + 19) * 8);
  assert.equal(store.getState().stats?.bytesIn, 10);
  emit({ type: 'helper', event: { type: 'log', line: { atMs: 1, level: 'info', message: 'hello' } } });
  assert.equal(store.getState().log.at(-1)?.message, 'hello');
  const prompt = { id: 'p1', kind: 'cr_text' as const, text: 'Code?', echo: true, timeoutSeconds: 30, needs: { username: false, password: false, response: true } };
  emit({ type: 'helper', event: { type: 'prompt', sessionId: 's', prompt } });
  assert.equal(store.getState().prompt?.id, 'p1');
  assert.match(store.getState().announcement, /Code\?/);
  emit({ type: 'helper', event: { type: 'prompt_closed', sessionId: 's', promptId: 'p1', reason: 'answered' } });
  assert.equal(store.getState().prompt, null);
});

test('a failed call shows the code in plain words with the detail; a failed state is announced', async () => {
  const { api, emit } = fakeApi({ 'profiles.import': () => { throw new AppCallError('profile.invalid', 'line 3: remote takes 1 to 3 arguments'); } });
  const store = createAppStore(api);
  store.setState({ pendingImport: { fileName: 'x.ovpn', text: 'client', verdict: { fileName: 'x.ovpn', suggestedName: 'x', connectable: true, problems: [], summary: null } } });
  assert.equal(await store.getState().confirmImport('x'), false);
  assert.equal(store.getState().error?.code, 'profile.invalid');
  assert.equal(store.getState().error?.detail, 'line 3: remote takes 1 to 3 arguments');
  store.getState().start();
  emit({ type: 'helper', event: { type: 'state', sessionId: 's', profileName: 'Work', state: 'disconnected', sinceStartMs: 1, previousStateMs: 1, error: { code: 'auth.failed', message: 'Wrong password' } } });
  assert.match(store.getState().announcement, /^Connection failed: The server refused your sign-in/);
});

test('answers go to the open prompt; cancel closes it at once', async () => {
  const sent: unknown[] = [];
  const { api } = fakeApi({ 'auth.answer': (params) => { sent.push(params); return {}; }, 'auth.cancel': (params) => { sent.push(params); return {}; } });
  const store = createAppStore(api);
  store.setState({ prompt: { id: 'p7', kind: 'credentials', text: 'Sign in', echo: false, timeoutSeconds: null, needs: { username: true, password: true, response: false } } });
  await store.getState().answer({ username: 'alice', password: 'pw', remember: true });
  await store.getState().cancelPrompt();
  assert.deepEqual(sent, [{ promptId: 'p7', username: 'alice', password: 'pw', remember: true }, { promptId: 'p7' }]);
  assert.equal(store.getState().prompt, null);
});

test('error text: known codes get words and a next step, families fall back, unknown codes keep the message', () => {
  assert.match(errorText('ipc.helper_unavailable', 'x'), /sudo npx postern helper/);
  assert.match(errorText('auth.failed_plain', 'x'), /refused your sign-in/);
  assert.equal(errorText('something.new', 'The server said no.'), 'The server said no.');
  assert.equal(formatRate(1_234_000), '1.2 Mbit/s');
  assert.equal(formatBytes(999), '999 B');
});
