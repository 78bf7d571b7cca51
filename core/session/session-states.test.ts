import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyTunnelConfig } from '../control/tunnel-config-types';
import { FakeClock } from '../testing/fake-clock';
import type { SessionEnd } from './events';
import { next, stateDeadlineMs, type SessionContext, type SessionEffect, type SessionEvent, type SessionState, type TickObservations } from './session-state';

/**
 * The session's state machine, state × event, on a fake clock and without a network.
 * Every pair is checked: the rows below list the pairs that move or act, and every pair
 * not listed must leave the state as it is with no effect. Changing any transition fails
 * this test.
 */

const HAND_WINDOW_MS = 60_000;
const ctx: SessionContext = {
  startMs: 0,
  handshakeDeadlineMs: HAND_WINDOW_MS,
  timers: { handWindowSeconds: 60, renegotiateSeconds: 3600, pingRestartSeconds: 120, tlsTimeoutSeconds: 2 },
};
const config = emptyTunnelConfig();
const USER: SessionEnd = { code: 'user.disconnect', message: 'Disconnected.', fatal: true };
const FAILED: SessionEnd = { code: 'tls.handshake_failed', message: 'TLS handshake failed.', fatal: false };

const connected: SessionState = { kind: 'connected', sinceMs: 50, config, cipher: 'AES-256-GCM' };
const states = {
  connecting: { kind: 'connecting', sinceMs: 0 },
  tls_handshake: { kind: 'tls_handshake', sinceMs: 10 },
  authenticating: { kind: 'authenticating', sinceMs: 20 },
  pulling_config: { kind: 'pulling_config', sinceMs: 30, keyExchangedAtMs: 30, pushRequestAtMs: 30 },
  // The server's deadline lies past the hand-window: AUTH_PENDING has its own.
  auth_pending: { kind: 'auth_pending', sinceMs: 40, keyExchangedAtMs: 30, pushRequestAtMs: 5_030, deadlineMs: HAND_WINDOW_MS + 30 },
  connected,
  closing: { kind: 'closing', previous: connected, end: USER },
  ended: { kind: 'ended', end: FAILED, last: connected },
} satisfies Record<string, SessionState>;
type StateName = keyof typeof states;

const quiet: TickObservations = { peerGone: false, pingDue: false, keyExpired: undefined, initialKeyIdle: false };
const tick = (observed: Partial<TickObservations>): SessionEvent => ({ kind: 'tick', ...quiet, ...observed });
/** Each event with the time it happens at (ms since the session started). */
const events = {
  start: [{ kind: 'start' }, 1_000],
  initial_key_reset: [{ kind: 'initial_key_reset' }, 1_000],
  initial_tls_secure: [{ kind: 'initial_tls_secure' }, 1_000],
  initial_key_exchanged: [{ kind: 'initial_key_exchanged' }, 1_000],
  auth_pending: [{ kind: 'auth_pending', timeoutSeconds: 30 }, 1_000],
  configured: [{ kind: 'configured', config, cipher: 'AES-256-GCM' }, 1_000],
  tick_quiet: [tick({}), 1_000],
  tick_initial_key_idle: [tick({ initialKeyIdle: true }), 1_000],
  tick_peer_gone: [tick({ peerGone: true }), 1_000],
  tick_ping_due: [tick({ pingDue: true }), 1_000],
  tick_key_expired: [tick({ keyExpired: 'reneg_sec' }), 1_000],
  tick_at_hand_window: [tick({}), HAND_WINDOW_MS],
  tick_at_auth_deadline: [tick({}), HAND_WINDOW_MS + 30],
  fail: [{ kind: 'fail', end: FAILED }, 1_000],
  close: [{ kind: 'close', end: USER }, 1_000],
  exit_flushed: [{ kind: 'exit_flushed' }, 1_000],
} satisfies Record<string, [SessionEvent, number]>;
type EventName = keyof typeof events;

/** [state, event, next state, effects]; effects as `phase:<phase>`, `end:<code>` or the effect's kind. */
type Row = [StateName, EventName, SessionState['kind'], string[]];
const LIVE: StateName[] = ['connecting', 'tls_handshake', 'authenticating', 'pulling_config', 'auth_pending', 'connected'];
const BEFORE_PUSH: StateName[] = ['connecting', 'tls_handshake', 'authenticating', 'pulling_config'];

const rows: Row[] = [
  ...LIVE.flatMap((s): Row[] => [
    [s, 'fail', 'ended', ['end:tls.handshake_failed']],
    [s, 'close', 'closing', []],
    [s, 'tick_peer_gone', 'ended', ['end:session.ping_restart']],
  ]),
  // The hand-window ends every attempt that has not reached the push.
  ...BEFORE_PUSH.flatMap((s): Row[] => [
    [s, 'tick_at_hand_window', 'ended', ['end:session.handshake_timeout']],
    [s, 'tick_at_auth_deadline', 'ended', ['end:session.handshake_timeout']],
  ]),
  ['connecting', 'start', 'connecting', ['phase:connecting']],
  ['connecting', 'initial_key_reset', 'tls_handshake', ['phase:tls_handshake']],
  ['tls_handshake', 'initial_tls_secure', 'authenticating', ['phase:authenticating']],
  ['authenticating', 'initial_key_exchanged', 'pulling_config', ['phase:pulling_config']],
  ['pulling_config', 'auth_pending', 'auth_pending', ['phase:auth_pending']],
  ['pulling_config', 'configured', 'connected', ['phase:connected']],
  ['pulling_config', 'tick_initial_key_idle', 'pulling_config', ['send_push_request']],
  // A repeated AUTH_PENDING moves the deadline (a new state record), not the phase.
  ['auth_pending', 'auth_pending', 'auth_pending', []],
  ['auth_pending', 'configured', 'connected', ['phase:connected']],
  // Not the hand-window (tick_at_hand_window stays): its own deadline.
  ['auth_pending', 'tick_at_auth_deadline', 'ended', ['end:auth.pending_timeout']],
  ['connected', 'tick_ping_due', 'connected', ['send_ping']],
  ['connected', 'tick_key_expired', 'connected', ['renegotiate:reneg_sec']],
  // Closing works on as the state it closed from until the EXIT left.
  ['closing', 'exit_flushed', 'ended', ['end:user.disconnect']],
  ['closing', 'fail', 'ended', ['end:tls.handshake_failed']],
  ['closing', 'tick_peer_gone', 'ended', ['end:session.ping_restart']],
  ['closing', 'tick_ping_due', 'closing', ['send_ping']],
  ['closing', 'tick_key_expired', 'closing', ['renegotiate:reneg_sec']],
];

function describeEffect(effect: SessionEffect): string {
  switch (effect.kind) {
    case 'phase': return `phase:${effect.change.phase}`;
    case 'end': return `end:${effect.end.code}`;
    case 'renegotiate': return `renegotiate:${effect.cause}`;
    default: return effect.kind;
  }
}

test('state × event: every pair gives the listed next state and effects; unlisted pairs change nothing', () => {
  const listed = new Map(rows.map((row) => [`${row[0]} × ${row[1]}`, row]));
  assert.equal(listed.size, rows.length, 'no pair listed twice');
  let pairs = 0;
  for (const stateName of Object.keys(states) as StateName[]) {
    for (const eventName of Object.keys(events) as EventName[]) {
      const state = states[stateName];
      const [event, atMs] = events[eventName];
      const clock = new FakeClock();
      clock.advanceTo(atMs);
      const result = next(state, event, clock.nowMs, ctx);
      const pair = `${stateName} × ${eventName}`;
      const row = listed.get(pair);
      const effects = result.effects.map(describeEffect);
      if (row) {
        assert.equal(result.state.kind, row[2], `${pair}: next state`);
        assert.deepEqual(effects, row[3], `${pair}: effects`);
      } else {
        assert.deepEqual(result.state, state, `${pair}: stays`);
        assert.deepEqual(effects, [], `${pair}: no effect`);
      }
      pairs++;
    }
  }
  assert.equal(pairs, Object.keys(states).length * Object.keys(events).length);
});

test('transitions carry the data of the next state: deadlines, push timing, config, the end', () => {
  const clock = new FakeClock(1_000);
  const pending = next(states.pulling_config, events.auth_pending[0], clock.nowMs, ctx).state;
  // 30 s from the key exchange (at 30 ms), not from now and not the hand-window.
  assert.deepEqual(pending, { kind: 'auth_pending', sinceMs: 1_000, keyExchangedAtMs: 30, pushRequestAtMs: 30, deadlineMs: 30_030 });
  assert.equal(stateDeadlineMs(pending, ctx), 30);
  const repeated = next(pending, { kind: 'auth_pending', timeoutSeconds: 90 }, clock.advance(5_000), ctx).state;
  assert.deepEqual(repeated, { ...pending, deadlineMs: 90_030 }, 'the phase keeps its start; the deadline moves');

  const pushed = next(states.pulling_config, events.tick_initial_key_idle[0], 1_000, ctx);
  assert.deepEqual(pushed.state, { ...states.pulling_config, pushRequestAtMs: 2_000 }, 'the next PUSH_REQUEST a second later');
  assert.equal(stateDeadlineMs(pushed.state, ctx), 2_000);

  const up = next(states.auth_pending, events.configured[0], 2_000, ctx);
  assert.deepEqual(up.state, { kind: 'connected', sinceMs: 2_000, config, cipher: 'AES-256-GCM' });
  assert.deepEqual(up.effects, [{ kind: 'phase', change: { phase: 'connected', sinceStartMs: 2_000, previousPhaseMs: 1_960 } }]);
  assert.equal(stateDeadlineMs(up.state, ctx), Infinity, 'no handshake deadline once connected');

  const closed = next(states.closing, events.exit_flushed[0], 3_000, ctx).state;
  assert.deepEqual(closed, { kind: 'ended', end: USER, last: connected }, 'the end keeps the live state it ended in');
});

test('the first PUSH_REQUEST: 200 ms after the key is active (never with the ACK that activates it), then every second; every 5 s while the sign-in is pending', () => {
  const entered = next(states.authenticating, events.initial_key_exchanged[0], 1_000, ctx).state;
  assert.deepEqual(entered, { kind: 'pulling_config', sinceMs: 1_000, keyExchangedAtMs: 1_000, pushRequestAtMs: undefined });
  assert.equal(stateDeadlineMs(entered, ctx), HAND_WINDOW_MS, 'no push timer before the key is active');
  // Our key-method is not ACKed yet: the key is not active, nothing is planned.
  assert.deepEqual(next(entered, tick({}), 1_050, ctx), { state: entered, effects: [] });
  // The ACK arrived: the request is planned, not sent (a 2.4 server would drop it with that ACK).
  const planned = next(entered, tick({ initialKeyIdle: true }), 1_100, ctx);
  assert.deepEqual(planned, { state: { ...entered, pushRequestAtMs: 1_300 }, effects: [] });
  assert.equal(stateDeadlineMs(planned.state, ctx), 1_300);
  assert.deepEqual(next(planned.state, tick({ initialKeyIdle: true }), 1_299, ctx).effects, []);
  const sent = next(planned.state, tick({ initialKeyIdle: true }), 1_300, ctx);
  assert.deepEqual(sent.effects, [{ kind: 'send_push_request' }]);
  assert.equal(stateDeadlineMs(sent.state, ctx), 2_300, 'then every second (a 2.4 server dropped it while its sign-in was deferred)');
  // AUTH_PENDING before the key was active keeps the plan undecided; it is made the same way after.
  const pending = next(entered, events.auth_pending[0], 1_050, ctx).state;
  assert.equal(stateDeadlineMs(pending, ctx), 31_000, 'only the AUTH_PENDING deadline (30 s from the key exchange)');
  const pendingPlanned = next(pending, tick({ initialKeyIdle: true }), 1_100, ctx).state;
  assert.deepEqual(pendingPlanned, { ...pending, pushRequestAtMs: 1_300 });
  const pendingSent = next(pendingPlanned, tick({ initialKeyIdle: true }), 1_300, ctx);
  assert.deepEqual(pendingSent.effects, [{ kind: 'send_push_request' }]);
  assert.equal(stateDeadlineMs(pendingSent.state, ctx), 6_300, 'every 5 s while the server says the sign-in is pending, as the 2.6 client');
});

test('a full attempt: connecting → … → connected in order, one phase event each', () => {
  const clock = new FakeClock();
  let state: SessionState = states.connecting;
  const phases: string[] = [];
  const script: SessionEvent[] = [
    { kind: 'start' }, { kind: 'initial_key_reset' }, { kind: 'initial_tls_secure' }, { kind: 'initial_key_exchanged' },
    { kind: 'auth_pending', timeoutSeconds: undefined }, { kind: 'configured', config, cipher: 'AES-256-GCM' },
  ];
  for (const event of script) {
    const result = next(state, event, clock.advance(100), ctx);
    state = result.state;
    phases.push(...result.effects.map(describeEffect));
  }
  assert.deepEqual(phases, ['phase:connecting', 'phase:tls_handshake', 'phase:authenticating', 'phase:pulling_config', 'phase:auth_pending', 'phase:connected']);
});
