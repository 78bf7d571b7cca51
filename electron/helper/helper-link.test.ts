import assert from 'node:assert/strict';
import { chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FakeHelperServer, eventually, fakeSession } from '../testing/fake-helper-server';
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
  assert.deepEqual(server.requests.map((r) => r.method), ['hello', 'events.subscribe']);
  assert.equal(link.session?.state, 'connected');
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
  server.session = null;
  const restartedAtMs = Date.now();
  await server.start();
  await eventually(() => link.state.state === 'connected', 'reconnected', 4000);
  assert.ok(Date.now() - restartedAtMs <= 2500, `reconnected after ${Date.now() - restartedAtMs} ms`);
  assert.equal(link.session, null);
  assert.deepEqual(server.requests.slice(-2).map((r) => r.method), ['hello', 'events.subscribe']);
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
