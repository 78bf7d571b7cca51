import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AppSnapshot } from '../api/app-api';
import { buildTrayModel } from './tray-menu';

const base: AppSnapshot = {
  helper: { state: 'connected', helperVersion: '0.1.0' },
  profiles: [
    { id: 'a', name: 'Work', remotes: [], asks: [], importedAtMs: 1, hasSavedCredentials: false },
    { id: 'b', name: 'Home', remotes: [], asks: [], importedAtMs: 2, hasSavedCredentials: false },
  ],
  session: null,
  settings: { launchAtLogin: false, notifications: true },
  rememberAvailable: false,
};

function session(state: string, extra: Record<string, unknown> = {}): AppSnapshot['session'] {
  return { sessionId: 's', profileName: 'Work', state, ownerUid: 0, startedAtMs: 1, connectedAtMs: null, tunnel: null, stats: null, prompt: null, lastError: null, ...extra } as AppSnapshot['session'];
}

test('disconnected: every profile can be connected, Open and Quit at the end', () => {
  const model = buildTrayModel(base);
  assert.equal(model.icon, 'disconnected');
  const actions = model.items.filter((i) => i.kind === 'action').map((i) => i.kind === 'action' && `${i.label}:${i.enabled}`);
  assert.deepEqual(actions, ['Connect Work:true', 'Connect Home:true', 'Open Postern:true', 'Quit:true']);
});

test('connected: the state, the address, disconnect for the active profile, others disabled', () => {
  const model = buildTrayModel({ ...base, session: session('connected', { tunnel: { ipv4: '10.8.0.2' } }) });
  assert.equal(model.icon, 'connected');
  assert.deepEqual(model.items.slice(0, 2), [{ kind: 'label', label: 'Connected: Work' }, { kind: 'label', label: 'Address: 10.8.0.2' }]);
  assert.ok(model.items.some((i) => i.kind === 'action' && i.label === 'Disconnect Work' && i.action.type === 'disconnect'));
  assert.ok(model.items.some((i) => i.kind === 'action' && i.label === 'Connect Home' && !i.enabled));
});

test('icons: a waiting question needs attention; a failure or a missing helper is an error; in between is connecting', () => {
  assert.equal(buildTrayModel({ ...base, session: session('auth_pending', { prompt: { id: 'p1' } }) }).icon, 'attention');
  assert.equal(buildTrayModel({ ...base, session: session('tls_handshake') }).icon, 'connecting');
  assert.equal(buildTrayModel({ ...base, session: session('disconnected', { lastError: { code: 'auth.failed', message: 'Wrong password' } }) }).icon, 'error');
  const noHelper = buildTrayModel({ ...base, helper: { state: 'unavailable', code: 'ipc.helper_unavailable', message: 'x', howToStart: 'y' } });
  assert.equal(noHelper.icon, 'error');
  assert.equal(noHelper.items[0]?.kind === 'label' && noHelper.items[0].label, 'The Postern helper is not running');
});

const killSwitch = (mode: 'off' | 'auto' | 'always', blocking: boolean) => ({ mode, allowLan: false, dnsLeakProtection: true, blocking });

test('blocking with no VPN up: the first line and the tooltip say so, the icon asks for attention, Connect stays offered', () => {
  const always = buildTrayModel({ ...base, killSwitch: killSwitch('always', true) });
  assert.equal(always.tooltip, 'Postern — Blocking traffic: no VPN connected');
  assert.deepEqual(always.items.slice(0, 2), [{ kind: 'label', label: 'Blocking traffic: no VPN connected' }, { kind: 'label', label: 'Kill switch: Always' }]);
  assert.equal(always.icon, 'attention');
  assert.ok(always.items.some((i) => i.kind === 'action' && i.label === 'Connect Work' && i.enabled));

  // auto after a failure: blocking first, then why the VPN stopped.
  const failed = buildTrayModel({ ...base, killSwitch: killSwitch('auto', true), session: session('disconnected', { lastError: { code: 'connect.retries_exhausted', message: 'no answer' } }) });
  assert.deepEqual(failed.items.slice(0, 3).map((i) => i.kind === 'label' && i.label), ['Blocking traffic: no VPN connected', 'Failed: no answer', 'Kill switch: While connected']);
  assert.equal(failed.icon, 'error');
});

test('not blocking, or blocking while a VPN runs: no blocking line; a kill switch that is off is not mentioned', () => {
  const off = buildTrayModel({ ...base, killSwitch: killSwitch('off', false) });
  assert.equal(off.tooltip, 'Postern — Not connected');
  assert.ok(!off.items.some((i) => i.kind === 'label' && i.label.startsWith('Kill switch')));
  const connected = buildTrayModel({ ...base, killSwitch: killSwitch('auto', true), session: session('connected', { tunnel: { ipv4: '10.8.0.2' } }) });
  assert.equal(connected.tooltip, 'Postern — Connected: Work');
  assert.equal(connected.icon, 'connected');
  assert.ok(connected.items.some((i) => i.kind === 'label' && i.label === 'Kill switch: While connected'));
  const noHelper = buildTrayModel({ ...base, killSwitch: killSwitch('always', true), helper: { state: 'unavailable', code: 'ipc.helper_unavailable', message: 'x', howToStart: 'y' } });
  assert.equal(noHelper.tooltip, 'Postern — The Postern helper is not running', 'only a running helper says what blocks');
});

test('a failed leak check shows in the menu and asks for attention; a passed one does not', () => {
  const checks = [{ id: 'dns_servers' as const, ok: false, detail: 'resolv.conf names 192.0.2.53' }];
  const failed = buildTrayModel({ ...base, session: session('connected', { tunnel: { ipv4: '10.8.0.2' }, leakCheck: { ok: false, atMs: 1, checks } }) });
  assert.equal(failed.icon, 'attention');
  assert.deepEqual(failed.items.slice(0, 3).map((i) => i.kind === 'label' && i.label), ['Connected: Work', 'Address: 10.8.0.2', 'Leak check failed']);
  const passed = buildTrayModel({ ...base, session: session('connected', { leakCheck: { ok: true, atMs: 1, checks: [] } }) });
  assert.equal(passed.icon, 'connected');
  assert.ok(!passed.items.some((i) => i.kind === 'label' && i.label === 'Leak check failed'));
});

test('the helper went away while blocking: the menu says the block stays', () => {
  const model = buildTrayModel({ ...base, helper: { state: 'unavailable', code: 'ipc.closed', message: 'x', howToStart: 'y', killSwitchLeftBlocking: true } });
  assert.deepEqual(model.items.slice(0, 2).map((i) => i.kind === 'label' && i.label), ['The Postern helper is not running', 'Blocking traffic: no VPN connected']);
  assert.equal(model.icon, 'error');
});
