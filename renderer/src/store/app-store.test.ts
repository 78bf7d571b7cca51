import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppCallError } from '../../../electron/api/app-api';
import type { AppEvent, Prompt } from '../../../electron/api/app-api';
import { SNAPSHOT, fakeAppApi, session, settle, statistics } from '../testing/fake-app-api';
import { LINK_LOST } from '../api/app-api-over';
import { createAppStore } from './app-store';
import { LOG_LIMIT } from './log-slice';
import { selectActiveConnection, selectElapsedMs, selectProfileState } from './selectors';
import { STATS_WINDOW } from './stats-ring';

const helper = (event: Extract<AppEvent, { type: 'helper' }>['event']): AppEvent => ({ type: 'helper', event });
const state = (s: string, sinceStartMs: number, previousStateMs: number, extra: object = {}): AppEvent =>
  helper({ type: 'state', sessionId: 's1', profileName: 'Work', state: s as 'connecting', sinceStartMs, previousStateMs, ...extra });
const crText: Prompt = { id: 'q1', kind: 'cr_text', text: 'Code?', echo: false, timeoutSeconds: 30, needs: { username: false, password: false, response: true } };

function started(answers: Parameters<typeof fakeAppApi>[0] = {}, clock = { now: 100_000 }) {
  const fake = fakeAppApi(answers);
  const store = createAppStore(fake.api, () => clock.now);
  store.getState().start();
  return { ...fake, store, clock };
}

test('start loads the snapshot into the slices and the log, and takes profiles opened from the desktop', async () => {
  const { store, calls } = started({ 'log.recent': () => ({ lines: [{ atMs: 1, level: 'info', message: 'hello' }] }) });
  await settle();
  const s = store.getState();
  assert.deepEqual(calls.map((c) => c.method).sort(), ['app.snapshot', 'log.recent']);
  assert.deepEqual(s.profiles, SNAPSHOT.profiles);
  assert.deepEqual(s.settings, SNAPSHOT.settings);
  assert.equal(s.helper?.state, 'connected');
  assert.equal(s.connection, null);
  assert.equal(s.log[0]?.message, 'hello');
});

test('state events build the connection with phase timings and elapsed time; the tunnel event fills it', () => {
  const { store, emit, clock } = started();
  emit(state('resolving', 0, 0));
  emit(state('connecting', 120, 120));
  clock.now += 1_000;
  emit(state('tls_handshake', 1_120, 1_000));
  let s = store.getState();
  assert.equal(s.connection?.state, 'tls_handshake');
  assert.equal(s.connection?.startedAtMs, 100_000);
  assert.deepEqual(s.phases.map((p) => [p.state, p.durationMs]), [['resolving', 120], ['connecting', 1_000], ['tls_handshake', null]]);
  assert.equal(selectElapsedMs(s, clock.now + 500), 1_500);
  assert.equal(selectProfileState(s, SNAPSHOT.profiles[0]!), 'tls_handshake');
  assert.match(s.announcement, /Work: Checking the server/);
  const tunnel = { tunName: 'tun0', mtuBytes: 1500, ipv4: '10.8.0.2', routes: [], dnsServers: [], searchDomains: [], redirectGateway: false,
    server: { host: 'vpn', address: '192.0.2.1', port: 1194, proto: 'udp' as const }, cipher: 'AES-256-GCM', keyDerivation: 'tls-ekm' as const, tlsVersion: 'TLSv1.3' };
  emit(helper({ type: 'tunnel', sessionId: 's1', tunnel }));
  clock.now += 2_000;
  emit(state('connected', 3_120, 2_000));
  s = store.getState();
  assert.equal(s.connection?.tunnel?.ipv4, '10.8.0.2');
  assert.equal(s.connection?.connectedAtMs, clock.now);
  assert.equal(selectElapsedMs(s, clock.now + 4_000), 4_000, 'once up, the duration counts from connected');
  assert.match(s.announcement, /Connected/);
  emit(state('disconnected', 9_000, 5_000));
  assert.equal(selectActiveConnection(store.getState()), null);
});

test('a snapshot replaces the session; another session id starts fresh phases and an empty graph', () => {
  const { store, emit } = started();
  emit(state('connecting', 0, 0));
  emit(helper({ type: 'stats', sessionId: 's1', stats: statistics(100) }));
  emit({ type: 'snapshot', snapshot: { ...SNAPSHOT, session: session({ state: 'authenticating' }) } });
  assert.equal(store.getState().connection?.state, 'authenticating');
  assert.equal(store.getState().phases.length, 1, 'same session: phases kept');
  emit({ type: 'snapshot', snapshot: { ...SNAPSHOT, session: session({ sessionId: 's2', state: 'connected', stats: statistics(7) }) } });
  const s = store.getState();
  assert.equal(s.connection?.sessionId, 's2');
  assert.deepEqual(s.phases, []);
  assert.deepEqual(s.samples.map((x) => x.inBitsPerSecond), [56]);
  emit({ type: 'snapshot', snapshot: SNAPSHOT });
  assert.equal(store.getState().connection, null);
});

test('the stats ring keeps the last 300 one-second samples, in bits per second, and the totals', () => {
  const { store, emit, clock } = started();
  for (let i = 0; i < STATS_WINDOW + 25; i++) {
    clock.now += 1_000;
    emit(helper({ type: 'stats', sessionId: 's1', stats: statistics(i, i * 100) }));
  }
  const s = store.getState();
  assert.equal(s.samples.length, STATS_WINDOW);
  assert.equal(s.samples[0]?.inBitsPerSecond, 25 * 8);
  assert.equal(s.samples.at(-1)?.inBitsPerSecond, (STATS_WINDOW + 24) * 8);
  assert.equal(s.samples.at(-1)?.atSeconds, clock.now / 1000);
  assert.equal(s.stats?.bytesIn, (STATS_WINDOW + 24) * 100);
});

test('the log is bounded', () => {
  const { store, emit } = started();
  for (let i = 0; i < LOG_LIMIT + 5; i++) emit(helper({ type: 'log', line: { atMs: i, level: 'info', message: `line ${i}` } }));
  assert.equal(store.getState().log.length, LOG_LIMIT);
  assert.equal(store.getState().log[0]?.message, 'line 5');
});

test('a prompt opens and closes on prompt_closed; a lagging snapshot does not reopen it', () => {
  const { store, emit, clock } = started();
  emit(helper({ type: 'prompt', sessionId: 's1', prompt: crText }));
  assert.equal(store.getState().prompt?.id, 'q1');
  assert.equal(store.getState().promptReceivedAtMs, clock.now);
  assert.match(store.getState().announcement, /The server asks: Code\?/);
  emit(helper({ type: 'prompt_closed', sessionId: 's1', promptId: 'q1', reason: 'answered' }));
  assert.equal(store.getState().prompt, null);
  emit({ type: 'snapshot', snapshot: { ...SNAPSHOT, session: session({ state: 'auth_pending', prompt: crText }) } });
  assert.equal(store.getState().prompt, null);
  emit(helper({ type: 'prompt', sessionId: 's1', prompt: { ...crText, id: 'q2' } }));
  emit(state('disconnected', 10, 10, { error: { code: 'auth.pending_timeout', message: 'timed out' } }));
  assert.equal(store.getState().prompt, null, 'a finished session takes its question along');
  emit(helper({ type: 'prompt', sessionId: 's2', prompt: crText }));
  assert.equal(store.getState().prompt?.id, 'q1', 'the next session may use the same prompt id again');
});

test('answer sends the fields to the open prompt; a refused answer shows in the dialog; cancel closes at once', async () => {
  let refuse = true;
  const { store, emit, calls } = started({
    'auth.answer': () => { if (refuse) throw new AppCallError('auth.bad_answer', 'missing response'); return {}; },
  });
  emit(helper({ type: 'prompt', sessionId: 's1', prompt: crText }));
  assert.equal(await store.getState().answer({ response: '5150' }), false);
  assert.equal(store.getState().promptError?.code, 'auth.bad_answer');
  assert.equal(store.getState().answering, false);
  refuse = false;
  assert.equal(await store.getState().answer({ response: '5150' }), true);
  assert.equal(store.getState().answering, true, 'waits for prompt_closed');
  await store.getState().cancelPrompt();
  assert.equal(store.getState().prompt, null);
  assert.deepEqual(calls.filter((c) => c.method.startsWith('auth.')).map((c) => [c.method, c.params]), [
    ['auth.answer', { promptId: 'q1', response: '5150' }], ['auth.answer', { promptId: 'q1', response: '5150' }], ['auth.cancel', { promptId: 'q1' }],
  ]);
});

test('errors: a failed call shows plain words; a duplicate name stays in the import dialog; a failed session is announced', async () => {
  const { store, emit } = started({
    'tunnel.connect': () => { throw new AppCallError('tunnel.already_running', 'busy'); },
    'profiles.preview': () => ({ fileName: 'x.ovpn', suggestedName: 'x', connectable: true, problems: [], omittedProblems: 0, summary: null }),
    'profiles.import': () => { throw new AppCallError('profiles.duplicate_name', 'A profile named x exists.'); },
  });
  assert.equal(await store.getState().connect('p1'), false);
  assert.equal(store.getState().error?.code, 'tunnel.already_running');
  assert.match(store.getState().error?.text ?? '', /Disconnect it first/);
  assert.equal(await store.getState().preview('x.ovpn', 'client\n'), true);
  assert.equal(await store.getState().confirmImport('x'), false);
  assert.equal(store.getState().pendingImport?.fileName, 'x.ovpn', 'the dialog stays open');
  assert.equal(store.getState().importError?.code, 'profiles.duplicate_name');
  emit(state('disconnected', 1, 1, { error: { code: 'auth.failed', message: 'AUTH_FAILED' } }));
  assert.equal(store.getState().error?.code, 'auth.failed');
  assert.match(store.getState().announcement, /^Connection failed: The server refused your sign-in/);
  emit(helper({ type: 'error', code: 'tunnel.tun_failed', message: 'no /dev/net/tun' }));
  assert.equal(store.getState().error?.detail, 'no /dev/net/tun');
  emit({ type: 'snapshot', snapshot: SNAPSHOT });
  assert.equal(store.getState().error?.code, 'tunnel.tun_failed', 'a snapshot leaves other errors shown');
  emit(helper({ type: 'error', code: LINK_LOST, message: 'closed' }));
  assert.match(store.getState().error?.text ?? '', /lost its connection/);
  emit({ type: 'snapshot', snapshot: SNAPSHOT });
  assert.equal(store.getState().error, null, 'the stream is back: its error goes');
});

test('the helper going away is announced; settings changes show at once and revert when refused', async () => {
  const { store, emit } = started({ 'settings.update': () => { throw new AppCallError('app.bad_request', 'no'); } });
  await settle();
  emit({ type: 'snapshot', snapshot: { ...SNAPSHOT, helper: { state: 'unavailable', code: 'ipc.helper_unavailable', message: 'ENOENT', howToStart: 'sudo postern helper' } } });
  assert.equal(store.getState().helper?.state, 'unavailable');
  assert.match(store.getState().announcement, /helper is not running/);
  const pending = store.getState().updateSettings({ notifications: false });
  assert.equal(store.getState().settings?.notifications, false);
  assert.equal(await pending, false);
  assert.equal(store.getState().settings?.notifications, true);
});

test('the first snapshot, answered late, does not undo what events said meanwhile', async () => {
  const { store, emit } = started();
  emit(state('authenticating', 10, 10));
  emit(helper({ type: 'prompt', sessionId: 's1', prompt: crText }));
  await settle(); // the start snapshot (no session) lands now
  assert.equal(store.getState().connection?.state, 'authenticating');
  assert.equal(store.getState().prompt?.id, 'q1');
  assert.deepEqual(store.getState().profiles, SNAPSHOT.profiles, 'the rest of it is used');
});

test('reconnects are kept for the session with their cause and cost; another session starts an empty list', () => {
  const { store, emit, clock } = started();
  emit(state('connected', 1_000, 1_000));
  emit(state('reconnecting', 5_000, 4_000));
  emit(state('connected', 6_200, 1_200));
  emit(helper({ type: 'reconnected', sessionId: 's1', reason: { code: 'server.restart', message: 'The server restarted.' }, tookMs: 1_200 }));
  emit(helper({ type: 'reconnected', sessionId: 'other', reason: { code: 'unknown', message: '' }, tookMs: 1 }));
  assert.deepEqual(store.getState().reconnects, [{ atMs: clock.now, code: 'server.restart', tookMs: 1_200 }], 'another session\'s reconnect is not ours');
  emit(helper({ type: 'state', sessionId: 's2', profileName: 'Home', state: 'resolving', sinceStartMs: 0, previousStateMs: 0 }));
  assert.deepEqual(store.getState().reconnects, []);
});

test('a profile opened from outside the window (Open with Postern) shows its verdict; one that could not be read shows why', async () => {
  const { store, emit } = started();
  await settle();
  const verdict = { fileName: 'office.ovpn', suggestedName: 'office', connectable: true, problems: [], omittedProblems: 0, summary: null };
  emit({ type: 'open_profile', file: { fileName: 'office.ovpn', text: 'client\n', path: '/home/a/office.ovpn' }, verdict });
  assert.deepEqual(store.getState().pendingImport, { fileName: 'office.ovpn', text: 'client\n', path: '/home/a/office.ovpn', verdict });
  assert.equal(store.getState().announcement, 'office.ovpn can be imported');
  emit({ type: 'open_profile_failed', fileName: 'gone.ovpn', error: { code: 'profile.unreadable', message: 'That file could not be read.' } });
  assert.equal(store.getState().error?.code, 'profile.unreadable');
});
