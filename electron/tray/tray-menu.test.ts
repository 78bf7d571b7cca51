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
