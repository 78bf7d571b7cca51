import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { PastConnection } from '../api/app-api';
import type { HelperEvent, TunnelState } from '../../native-helper/api/index';
import { ConnectionRecorder } from './connection-timeline';
import { HistoryStore } from './history-store';

const SESSION = 's-1';
const state = (s: TunnelState, sinceStartMs: number, extra: Partial<Extract<HelperEvent, { type: 'state' }>> = {}): HelperEvent => ({
  type: 'state', sessionId: SESSION, profileName: 'Work', state: s, sinceStartMs, previousStateMs: 0, ...extra,
});
const stats = (bytesIn: number, bytesOut: number, sessionId = SESSION): HelperEvent => ({
  type: 'stats', sessionId,
  stats: { bytesIn, bytesOut, packetsIn: 1, packetsOut: 1, rateInBps: 0, rateOutBps: 0, keepaliveRttMs: null, drops: {}, connectedForMs: 0 },
});

/** Replays a recorded sequence: each event at its wall-clock time. */
function replay(events: Array<[atMs: number, event: HelperEvent]>) {
  let now = 0;
  const ended: PastConnection[] = [];
  const recorder = new ConnectionRecorder((past) => ended.push(past), () => now);
  const changed: boolean[] = [];
  for (const [atMs, event] of events) {
    now = atMs;
    changed.push(recorder.onEvent(event));
  }
  return { recorder, ended, changed };
}

// A connect as the helper tells it (times as a lab run against a 2.6 server gave them, rounded).
const WAY_UP: Array<[number, HelperEvent]> = [
  [10_000, state('resolving', 0)],
  [10_020, state('connecting', 20)],
  [10_050, state('tls_handshake', 50)],
  [10_450, state('authenticating', 450)],
  [10_500, state('pulling_config', 500)],
  [10_700, state('configuring', 700)],
  [10_900, state('connected', 900)],
];

test('the way up: each phase with when it began and how long it took; connected stays open', () => {
  const { recorder, changed } = replay(WAY_UP);
  const timeline = recorder.timeline;
  assert.ok(timeline);
  assert.equal(timeline.startedAtMs, 10_000);
  assert.equal(timeline.connectedAtMs, 10_900);
  assert.deepEqual(timeline.phases.map((p) => [p.state, p.startMs, p.durationMs]), [
    ['resolving', 0, 20], ['connecting', 20, 30], ['tls_handshake', 50, 400], ['authenticating', 450, 50],
    ['pulling_config', 500, 200], ['configuring', 700, 200], ['connected', 900, null],
  ]);
  assert.ok(changed.every(Boolean));
});

test('a reconnect is told once, with its cause and cost, not by the phases it went through again', () => {
  const { recorder, changed } = replay([
    ...WAY_UP,
    [60_000, state('reconnecting', 50_000, { error: { code: 'session.ping_restart', message: 'x' } })],
    [60_100, state('resolving', 50_100)],
    [61_000, state('connected', 51_000)],
    [61_000, { type: 'reconnected', sessionId: SESSION, reason: { code: 'session.ping_restart', message: 'the server stopped answering' }, tookMs: 1000 }],
  ]);
  assert.deepEqual(changed.slice(-4), [false, false, false, true]);
  assert.equal(recorder.timeline?.phases.length, 7);
  assert.deepEqual(recorder.timeline?.reconnects, [{ atMs: 61_000, code: 'session.ping_restart', tookMs: 1000 }]);
});

test('an end makes one past connection: how long it was up, bytes each way, no error when the person disconnected', () => {
  const { ended, recorder, changed } = replay([
    ...WAY_UP,
    [20_000, stats(5000, 700)],
    [30_900, stats(12_345, 6789)],
    [40_900, state('disconnecting', 30_900)],
    [41_000, state('disconnected', 31_000)],
  ]);
  assert.deepEqual(changed.slice(-4), [false, false, true, true]);
  assert.equal(ended.length, 1);
  const { story, ...past } = ended[0]!;
  assert.deepEqual(past, {
    profileName: 'Work', startedAtMs: 10_000, endedAtMs: 41_000, connectedForMs: 30_100, bytesIn: 12_345, bytesOut: 6789, reconnects: 0, endCode: null,
  });
  assert.equal(story?.phases.at(-1)?.durationMs, 30_000);
  // The last timeline stays to be seen (and saved in diagnostics) until the next connection.
  assert.equal(recorder.timeline?.sessionId, SESSION);
});

test('a failure on the way up ends with its code and no time up; the open phase is closed', () => {
  const { ended } = replay([
    [1000, state('resolving', 0)],
    [1010, state('connecting', 10)],
    [1060, state('tls_handshake', 60)],
    [1500, state('authenticating', 500)],
    [1800, state('disconnected', 800, { error: { code: 'auth.failed', message: 'AUTH_FAILED' } })],
  ]);
  assert.equal(ended[0]?.endCode, 'auth.failed');
  assert.equal(ended[0]?.connectedForMs, 0);
  assert.deepEqual(ended[0]?.story?.phases.at(-1), { state: 'authenticating', startMs: 500, durationMs: 300 });
});

test('a new session while one was still open ends the old one as lost; events of other sessions change nothing', () => {
  const { ended, recorder } = replay([
    ...WAY_UP,
    [50_000, stats(1, 1, 'other')],
    [50_000, { type: 'reconnected', sessionId: 'other', reason: { code: 'x', message: 'x' }, tookMs: 1 }],
    [60_000, state('resolving', 0, { sessionId: 's-2' })],
  ]);
  assert.equal(ended.length, 1);
  assert.equal(ended[0]?.endCode, 'app.link_lost');
  assert.equal(recorder.timeline?.sessionId, 's-2');
  assert.equal(recorder.timeline?.reconnects.length, 0);
});

test('history: newest first, twenty kept, persisted 0600 as JSON; bad entries and files are dropped', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'postern-history-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const store = new HistoryStore(dir);
  assert.deepEqual(store.list(), []);
  const entry = (i: number): PastConnection => ({ profileName: `P${i}`, startedAtMs: i, endedAtMs: i + 1, connectedForMs: 1, bytesIn: i, bytesOut: i, reconnects: 0, endCode: null });
  for (let i = 0; i < 25; i++) store.add(entry(i));
  assert.equal(store.list().length, 20);
  assert.equal(store.list()[0]?.profileName, 'P24');
  assert.equal(statSync(join(dir, 'history.json')).mode & 0o777, 0o600);
  assert.deepEqual(new HistoryStore(dir).list(), store.list());
  const stored = JSON.parse(readFileSync(join(dir, 'history.json'), 'utf8')) as unknown[];
  writeFileSync(join(dir, 'history.json'), JSON.stringify([{ junk: true }, ...stored.slice(0, 2)]));
  assert.deepEqual(new HistoryStore(dir).list().map((e) => e.profileName), ['P24', 'P23']);
  writeFileSync(join(dir, 'history.json'), '{not json');
  assert.deepEqual(new HistoryStore(dir).list(), []);
});
