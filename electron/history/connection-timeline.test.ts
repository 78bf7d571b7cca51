import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { PastConnection } from '../api/app-api';
import type { HelperEvent, SessionStatus, TunnelState } from '../../native-helper/api/index';
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
    profileName: 'Work', startedAtMs: 10_000, endedAtMs: 41_000, connectedForMs: 30_100, bytesIn: 12_345, bytesOut: 6789, reconnects: 0, renegotiations: 0, endCode: null,
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

const renegotiated = (keyId: number, atMs: number, cause: 'server' | 'reneg_sec' = 'server', sessionId = SESSION): HelperEvent => ({ type: 'renegotiated', sessionId, keyId, cause, tookMs: 300, atMs });

test('each renegotiation is told with who started it and how long it took; the last 50 kept, all counted, the count in the history', () => {
  const events: Array<[number, HelperEvent]> = [...WAY_UP];
  for (let i = 0; i < 60; i++) events.push([20_000 + i * 1000, renegotiated((i % 7) + 1, 20_000 + i * 1000, i === 0 ? 'reneg_sec' : 'server')]);
  events.push([90_000, renegotiated(1, 90_000, 'server', 'other')]);
  events.push([95_000, state('disconnected', 85_000)]);
  const { recorder, ended, changed } = replay(events);
  assert.deepEqual(changed.slice(WAY_UP.length, WAY_UP.length + 60), Array(60).fill(true));
  assert.equal(changed.at(-2), false, "another session's renegotiation changes nothing");
  const timeline = recorder.timeline;
  assert.equal(timeline?.renegotiationCount, 60);
  assert.equal(timeline?.renegotiations.length, 50);
  assert.deepEqual(timeline?.renegotiations[0], { atMs: 30_000, keyId: 4, cause: 'server', tookMs: 300 });
  assert.equal(ended[0]?.renegotiations, 60);
  assert.equal(ended[0]?.story?.renegotiations?.length, 50);
  assert.equal(timeline?.phases.length, 7, 'renegotiations are not phases');
});

const upStatus = (story: SessionStatus['story']): SessionStatus => ({
  sessionId: SESSION, profileName: 'Work', state: 'connected', ownerUid: 1000, startedAtMs: 5_000, connectedAtMs: 5_900,
  tunnel: null, stats: { bytesIn: 100, bytesOut: 50, packetsIn: 1, packetsOut: 1, rateInBps: 0, rateOutBps: 0, keepaliveRttMs: null, drops: {}, connectedForMs: 1 },
  prompt: null, lastError: null, ...(story ? { story } : {}),
});
const HELPER_STORY: NonNullable<SessionStatus['story']> = {
  phases: [{ state: 'resolving', startMs: 0, durationMs: 30 }, { state: 'tls_handshake', startMs: 30, durationMs: 400 }, { state: 'connected', startMs: 900, durationMs: null }],
  reconnects: [{ atMs: 7_000, code: 'network.changed', tookMs: 800 }], reconnectCount: 1,
  renegotiations: [{ keyId: 1, cause: 'server', tookMs: 40, atMs: 8_000 }], renegotiationCount: 1,
};

test('an app started while a tunnel is up takes the helper\'s story as its beginning, then goes on with the events', () => {
  let now = 10_000;
  const ended: PastConnection[] = [];
  const recorder = new ConnectionRecorder((past) => ended.push(past), () => now);
  assert.equal(recorder.adopt(upStatus(undefined)), false, 'a 1.4 helper tells no story');
  assert.equal(recorder.timeline?.sessionId, undefined);
  assert.equal(recorder.adopt(upStatus(HELPER_STORY)), true);
  assert.deepEqual(recorder.timeline, {
    sessionId: SESSION, profileName: 'Work', startedAtMs: 5_000, connectedAtMs: 5_900,
    phases: HELPER_STORY.phases, reconnects: HELPER_STORY.reconnects,
    renegotiations: [{ atMs: 8_000, keyId: 1, cause: 'server', tookMs: 40 }], renegotiationCount: 1,
  });
  assert.equal(recorder.adopt(upStatus({ ...HELPER_STORY, renegotiationCount: 9 })), false, 'once told, the events go on: a later status does not rewrite it');
  now = 12_000;
  assert.equal(recorder.onEvent(renegotiated(2, 12_000)), true);
  assert.equal(recorder.timeline?.renegotiationCount, 2);
  now = 20_000;
  recorder.onEvent(state('disconnected', 15_000));
  assert.equal(ended[0]?.connectedForMs, 20_000 - 5_900);
  assert.equal(ended[0]?.bytesIn, 100);
  assert.equal(ended[0]?.renegotiations, 2);
  assert.equal(recorder.adopt({ ...upStatus(HELPER_STORY), state: 'disconnected' }), false, 'an ended session is history already');
});

test('a timeline begun mid-way from an event is replaced by the helper\'s fuller story; one seen from the start is kept', () => {
  const midway = replay([[10_000, state('reconnecting', 9_000)]]);
  assert.equal(midway.recorder.adopt(upStatus(HELPER_STORY)), true);
  assert.equal(midway.recorder.timeline?.phases.length, 3);
  const seen = replay(WAY_UP);
  assert.equal(seen.recorder.adopt(upStatus(HELPER_STORY)), false);
  assert.equal(seen.recorder.timeline?.phases.length, 7);
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
