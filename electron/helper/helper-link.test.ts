import assert from 'node:assert/strict';
import { chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FakeHelperServer, KILL_SWITCH_DEFAULTS, eventually, fakeSession } from '../testing/fake-helper-server';
import { HOW_TO_START_HELPER, HelperLink } from './helper-link';

async function fixture(t: { after(fn: () => Promise<void> | void): void }) {
  const dir = mkdtempSync(join(tmpdir(), 'postern-link-'));
  const server = new FakeHelperServer(join(dir, 'postern.sock'));
  // Tests run as root, so the socket is root's like the real helper's; as another user, trust our own.
  const link = new HelperLink({ socketPath: server.socketPath, trustOwnUid: process.getuid?.() !== 0 });
  t.after(async () => { link.stop(); await server.stop(); rmSync(dir, { recursive: true, force: true }); });
  return { dir, server, link };
}

test('connects with hello then events.subscribe, and takes the session the helper reports', async (t) => {
  const { server, link } = await fixture(t);
  server.session = fakeSession({ state: 'connected' });
  await server.start();
  let changes = 0;
  link.onChange(() => changes++);
  link.start();
  await eventually(() => link.state.state === 'connected', 'connected');
  assert.deepEqual(link.state, { state: 'connected', helperVersion: '9.9.9-test' });
  assert.deepEqual(server.requests.map((r) => r.method), ['hello', 'events.subscribe', 'killswitch.get']);
  assert.equal(link.session?.state, 'connected');
  assert.deepEqual(link.killSwitch, KILL_SWITCH_DEFAULTS);
  assert.equal(changes, 1);
});

test('no helper: unavailable with how to start it; it connects once the helper appears', async (t) => {
  const { server, link } = await fixture(t);
  link.start();
  await eventually(() => link.state.state === 'unavailable', 'unavailable');
  assert.equal(link.state.state === 'unavailable' && link.state.code, 'ipc.helper_unavailable');
  assert.equal(link.state.state === 'unavailable' && link.state.howToStart, HOW_TO_START_HELPER);
  const refused = await link.call('tunnel.status', {});
  assert.equal(refused.ok ? '' : refused.error.code, 'ipc.helper_unavailable');
  await server.start();
  await eventually(() => link.state.state === 'connected', 'connected after the helper started', 4000);
});

test('a helper restart: unavailable, the lost session marked disconnected, then re-synced (backoff ≤ 2 s)', async (t) => {
  const { server, link } = await fixture(t);
  server.session = fakeSession({ state: 'connected' });
  await server.start();
  link.start();
  await eventually(() => link.state.state === 'connected', 'connected');
  await server.stop();
  await eventually(() => link.state.state === 'unavailable', 'unavailable after the helper died');
  assert.equal(link.session?.state, 'disconnected');
  assert.equal(link.killSwitch, null, 'only a running helper says what the kill switch does');
  server.session = null;
  const restartedAtMs = Date.now();
  await server.start();
  await eventually(() => link.state.state === 'connected', 'reconnected', 4000);
  assert.ok(Date.now() - restartedAtMs <= 2500, `reconnected after ${Date.now() - restartedAtMs} ms`);
  assert.equal(link.session, null);
  assert.deepEqual(server.requests.slice(-3).map((r) => r.method), ['hello', 'events.subscribe', 'killswitch.get']);
});

test('events are forwarded; a state event re-reads the status; stats update the session in place', async (t) => {
  const { server, link } = await fixture(t);
  server.session = fakeSession({ state: 'connecting' });
  await server.start();
  const seen: string[] = [];
  link.onEvent((event) => seen.push(event.type));
  link.start();
  await eventually(() => link.state.state === 'connected', 'connected');
  server.session = fakeSession({ state: 'connected', connectedAtMs: 5 });
  server.push({ type: 'state', sessionId: 's1', profileName: 'Work', state: 'connected', sinceStartMs: 5, previousStateMs: 1 });
  await eventually(() => link.session?.state === 'connected', 'status re-read');
  const stats = { bytesIn: 1, bytesOut: 2, packetsIn: 1, packetsOut: 1, rateInBps: 0, rateOutBps: 0, keepaliveRttMs: null, drops: {}, connectedForMs: 10 };
  server.push({ type: 'stats', sessionId: 's1', stats });
  await eventually(() => link.session?.stats?.bytesOut === 2, 'stats applied');
  assert.deepEqual(seen, ['state', 'stats']);
});

test('a socket not owned by root, or not a socket at all, is refused as ipc.untrusted_socket', async (t) => {
  const { dir, server, link } = await fixture(t);
  await server.start();
  if (process.getuid?.() !== 0) return t.skip('needs root to give the socket to another uid');
  chownSync(server.socketPath, 4242, 4242);
  link.start();
  await eventually(() => link.state.state === 'unavailable', 'refused');
  assert.equal(link.state.state === 'unavailable' && link.state.code, 'ipc.untrusted_socket');
  assert.equal(server.requests.length, 0, 'not a byte was sent to the impostor');
  link.stop();
  const plainFile = join(dir, 'not-a-socket');
  writeFileSync(plainFile, '');
  const other = new HelperLink({ socketPath: plainFile });
  t.after(() => other.stop());
  other.start();
  await eventually(() => other.state.state === 'unavailable', 'refused');
  assert.equal(other.state.state === 'unavailable' && other.state.code, 'ipc.untrusted_socket');
});

test('the kill switch: read after subscribing, kept current by its events; a helper without one reads as null', async (t) => {
  const { server, link } = await fixture(t);
  await server.start();
  let changes = 0;
  link.onChange(() => changes++);
  link.start();
  await eventually(() => link.state.state === 'connected', 'connected');
  server.setKillSwitch({ mode: 'always', allowLan: true, dnsLeakProtection: true, blocking: true });
  await eventually(() => link.killSwitch?.blocking === true, 'the event applied');
  assert.deepEqual(link.killSwitch, { mode: 'always', allowLan: true, dnsLeakProtection: true, blocking: true }, 'the event\'s type is not part of the state');
  assert.equal(changes, 2, 'a kill switch event is a change (a new snapshot)');

  const { server: old, link: oldLink } = await fixture(t);
  old.killSwitch = null;
  await old.start();
  oldLink.start();
  await eventually(() => oldLink.state.state === 'connected', 'connected to a helper without a kill switch');
  assert.equal(oldLink.killSwitch, null);
});

const leak = (atMs: number, ok = true) => ({ ok, atMs, checks: [{ id: 'default_route_v4' as const, ok, detail: ok ? 'public addresses route through tun0' : '0.0.0.0/2 via 10.1.1.1 dev veth0' }] });

test('the leak check shown is the current connection\'s: applied from its event, gone while reconnecting, the stale one not taken back', async (t) => {
  const { server, link } = await fixture(t);
  server.session = fakeSession({ state: 'connected', connectedAtMs: 5, leakCheck: leak(1_000) });
  await server.start();
  link.start();
  await eventually(() => link.state.state === 'connected', 'connected');
  // A function, not the property path: assertions would narrow the path for the rest of the test.
  const leakCheck = () => link.session?.leakCheck;
  assert.equal(leakCheck()?.atMs, 1_000, 'the check of the connection up now is taken');

  // Reconnecting: the helper still reports the old check in its status until a new one is done.
  server.session = fakeSession({ state: 'reconnecting', connectedAtMs: 5, leakCheck: leak(1_000) });
  server.push({ type: 'state', sessionId: 's1', profileName: 'Work', state: 'reconnecting', sinceStartMs: 9, previousStateMs: 4 });
  await eventually(() => link.session?.state === 'reconnecting', 'status re-read');
  assert.equal(leakCheck(), null);
  server.session = fakeSession({ state: 'connected', connectedAtMs: 5, leakCheck: leak(1_000) });
  server.push({ type: 'state', sessionId: 's1', profileName: 'Work', state: 'connected', sinceStartMs: 12, previousStateMs: 3 });
  await eventually(() => link.session?.state === 'connected', 'status re-read');
  assert.equal(leakCheck(), null, 'the earlier connection\'s check is not this one\'s: still checking');

  server.session = fakeSession({ state: 'connected', connectedAtMs: 5, leakCheck: leak(2_000, false) });
  let changes = 0;
  link.onChange(() => changes++);
  server.push({ type: 'leak_check', sessionId: 's1', ...leak(2_000, false) });
  await eventually(() => leakCheck()?.atMs === 2_000, 'the new check applied');
  assert.equal(leakCheck()?.ok, false);
  assert.equal(changes, 1, 'a leak check is a change (a new snapshot)');
  server.push({ type: 'leak_check', sessionId: 'another', ...leak(3_000) });
  server.push({ type: 'state', sessionId: 's1', profileName: 'Work', state: 'connected', sinceStartMs: 12, previousStateMs: 3 });
  await eventually(() => changes >= 3, 'status re-read');
  assert.equal(leakCheck()?.atMs, 2_000, 'another session\'s check is not this one\'s');
});

test('a helper that goes away while its kill switch blocks: unavailable says the block stays; the next helper says what is so', async (t) => {
  const { server, link } = await fixture(t);
  server.killSwitch = { ...KILL_SWITCH_DEFAULTS, mode: 'auto', blocking: true };
  await server.start();
  link.start();
  await eventually(() => link.state.state === 'connected', 'connected');
  await server.stop();
  await eventually(() => link.state.state === 'unavailable', 'unavailable');
  assert.equal(link.state.state === 'unavailable' && link.state.killSwitchLeftBlocking, true);
  assert.equal(link.killSwitch, null);
  // The first retry finds no socket (ipc.helper_unavailable after ipc.closed); later ones change nothing.
  await eventually(() => link.state.state === 'unavailable' && link.state.code === 'ipc.helper_unavailable', 'a failed retry', 2000);
  let changes = 0;
  link.onChange(() => changes++);
  await new Promise((resolve) => setTimeout(resolve, 800));
  assert.equal(changes, 0, 'failed retries change nothing (the block is still remembered)');
  assert.equal(link.state.state === 'unavailable' && link.state.killSwitchLeftBlocking, true);
  server.killSwitch = { ...KILL_SWITCH_DEFAULTS, mode: 'auto', blocking: false };
  await server.start();
  await eventually(() => link.state.state === 'connected', 'reconnected', 4000);
  assert.deepEqual(link.killSwitch, { ...KILL_SWITCH_DEFAULTS, mode: 'auto', blocking: false });

  const { server: calm, link: calmLink } = await fixture(t);
  await calm.start();
  calmLink.start();
  await eventually(() => calmLink.state.state === 'connected', 'connected');
  await calm.stop();
  await eventually(() => calmLink.state.state === 'unavailable', 'unavailable');
  assert.equal(calmLink.state.state === 'unavailable' && calmLink.state.killSwitchLeftBlocking, undefined, 'not blocking: nothing to say');
});
