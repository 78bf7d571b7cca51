import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppCallError } from '../../../electron/api/app-api';
import type { AppEvent, KillSwitchState, LeakCheckResult } from '../../../electron/api/app-api';
import { SNAPSHOT, fakeAppApi, session, settle } from '../testing/fake-app-api';
import { createAppStore } from './app-store';
import { selectBlockingWithoutVpn, selectLeakBadge } from './selectors';

const OFF: KillSwitchState = { mode: 'off', allowLan: false, dnsLeakProtection: true, blocking: false };
const ALWAYS_BLOCKING: KillSwitchState = { ...OFF, mode: 'always', blocking: true };
const killSwitchEvent = (state: KillSwitchState): AppEvent => ({ type: 'helper', event: { type: 'killswitch', ...state } });
const stateEvent = (state: 'connected' | 'reconnecting' | 'disconnected', extra: object = {}): AppEvent =>
  ({ type: 'helper', event: { type: 'state', sessionId: 's1', profileName: 'Work', state, sinceStartMs: 1, previousStateMs: 1, ...extra } });
const leakEvent = (result: LeakCheckResult, sessionId = 's1'): AppEvent => ({ type: 'helper', event: { type: 'leak_check', sessionId, ...result } });
const PASSED: LeakCheckResult = { ok: true, atMs: 5, checks: [{ id: 'default_route_v4', ok: true, detail: 'public addresses route through tun0' }] };
const FAILED: LeakCheckResult = { ok: false, atMs: 6, checks: [{ id: 'dns_servers', ok: false, detail: 'resolv.conf names resolvers that are not the tunnel\'s: 192.0.2.53' }] };

function started(answers: Parameters<typeof fakeAppApi>[0] = {}) {
  const fake = fakeAppApi(answers);
  const store = createAppStore(fake.api, () => 100_000);
  store.getState().start();
  return { ...fake, store };
}

test('the kill switch comes with the snapshot and follows its events; without a helper it is unknown', async () => {
  const { store, emit } = started();
  await settle();
  assert.deepEqual(store.getState().killSwitch, OFF);
  emit(killSwitchEvent(ALWAYS_BLOCKING));
  assert.deepEqual(store.getState().killSwitch, ALWAYS_BLOCKING, 'the event\'s type is not part of the state');
  emit({ type: 'snapshot', snapshot: { ...SNAPSHOT, helper: { state: 'unavailable', code: 'ipc.closed', message: 'gone', howToStart: 'x' }, killSwitch: null } });
  assert.equal(store.getState().killSwitch, null);
});

test('the first snapshot, answered late, does not undo a kill switch event that came meanwhile', async () => {
  const { store, emit } = started();
  emit(killSwitchEvent(ALWAYS_BLOCKING));
  await settle();
  assert.deepEqual(store.getState().killSwitch, ALWAYS_BLOCKING);
});

test('a change shows at once and stays once the helper agrees', async () => {
  let answer: (value: KillSwitchState) => void = () => undefined;
  const { store, calls } = started({ 'killswitch.set': () => new Promise((resolve) => { answer = resolve; }) });
  await settle();
  const pending = store.getState().updateKillSwitch({ mode: 'always', allowLan: true });
  assert.deepEqual(store.getState().killSwitch, { ...OFF, mode: 'always', allowLan: true }, 'shown before the answer');
  assert.equal(store.getState().killSwitchConfirmed?.mode, 'off');
  answer({ ...OFF, mode: 'always', allowLan: true, blocking: true });
  assert.equal(await pending, true);
  assert.deepEqual(store.getState().killSwitch, { ...OFF, mode: 'always', allowLan: true, blocking: true });
  assert.equal(store.getState().killSwitchPending, null);
  assert.equal(store.getState().killSwitchError, null);
  assert.deepEqual(calls.filter((c) => c.method === 'killswitch.set').map((c) => c.params), [{ mode: 'always', allowLan: true }]);
});

test('a refusal puts back what the helper holds and says why in plain words', async () => {
  const { store } = started({ 'killswitch.set': () => { throw new AppCallError('killswitch.failed', 'the firewall refused the kill switch: nft: not found'); } });
  await settle();
  assert.equal(await store.getState().updateKillSwitch({ mode: 'auto' }), false);
  assert.deepEqual(store.getState().killSwitch, OFF);
  const error = store.getState().killSwitchError;
  assert.equal(error?.code, 'killswitch.failed');
  assert.match(error?.text ?? '', /could not be put in place/);
  assert.equal(error?.detail, 'the firewall refused the kill switch: nft: not found');
  assert.equal(store.getState().error, null, 'shown in the settings, not in the banner behind the dialog');
  store.getState().closeSettings();
  assert.equal(store.getState().killSwitchError, null, 'closing the settings puts the refusal away');
});

test('a refusal shows what the helper said meanwhile, not what was there before the change', async () => {
  const { store, emit } = started({
    'killswitch.set': () => {
      // The helper saved the mode, then could not load the table: its event says so before the refusal.
      emit(killSwitchEvent({ ...OFF, mode: 'always' }));
      throw new AppCallError('killswitch.failed', 'the firewall refused');
    },
  });
  await settle();
  assert.equal(await store.getState().updateKillSwitch({ mode: 'always' }), false);
  assert.deepEqual(store.getState().killSwitch, { ...OFF, mode: 'always' });
});

test('blocking without a VPN: only while no session runs and the helper is up', async () => {
  const { store, emit } = started();
  await settle();
  assert.equal(selectBlockingWithoutVpn(store.getState()), false);
  emit(killSwitchEvent(ALWAYS_BLOCKING));
  assert.equal(selectBlockingWithoutVpn(store.getState()), true);
  emit(stateEvent('connected'));
  assert.equal(selectBlockingWithoutVpn(store.getState()), false, 'a VPN is up: the kill switch lets it through');
  emit(stateEvent('disconnected', { error: { code: 'session.ping_restart', message: 'x' } }));
  assert.equal(selectBlockingWithoutVpn(store.getState()), true, 'auto after a failure');
  emit({ type: 'snapshot', snapshot: { ...SNAPSHOT, helper: { state: 'unavailable', code: 'ipc.closed', message: 'gone', howToStart: 'x' }, killSwitch: ALWAYS_BLOCKING } });
  assert.equal(selectBlockingWithoutVpn(store.getState()), false);
});

test('the leak badge: checking until the result, then passed or failed; reconnecting forgets it; another session\'s is ignored', async () => {
  const { store, emit } = started();
  await settle();
  assert.equal(selectLeakBadge(store.getState()), null, 'not connected: no badge');
  emit(stateEvent('connected'));
  assert.equal(selectLeakBadge(store.getState()), 'checking');
  emit(leakEvent(PASSED, 's2'));
  assert.equal(selectLeakBadge(store.getState()), 'checking');
  emit(leakEvent(PASSED));
  assert.equal(selectLeakBadge(store.getState()), 'ok');
  assert.equal(store.getState().announcement, 'Work: Connected. No leaks found');
  emit(stateEvent('reconnecting'));
  assert.equal(selectLeakBadge(store.getState()), null);
  emit(stateEvent('connected'));
  assert.equal(selectLeakBadge(store.getState()), 'checking', 'the earlier connection\'s result is not this one\'s');
  emit(leakEvent(FAILED));
  assert.equal(selectLeakBadge(store.getState()), 'failed');
  assert.deepEqual(store.getState().connection?.leakCheck, FAILED);
  // A snapshot brings the session's check as main keeps it (only the current connection's).
  emit({ type: 'snapshot', snapshot: { ...SNAPSHOT, session: session({ state: 'connected', leakCheck: PASSED }) } });
  assert.equal(selectLeakBadge(store.getState()), 'ok');
  emit({ type: 'snapshot', snapshot: { ...SNAPSHOT, session: session({ state: 'reconnecting', leakCheck: PASSED }) } });
  assert.equal(store.getState().connection?.leakCheck, null);
});
