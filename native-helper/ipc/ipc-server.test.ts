import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { lstatSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { HELPER_PROTOCOL_VERSION, MAX_FRAME_BYTES, POSTERN_VERSION } from '../api/index';
import type { HelperEvent } from '../api/index';
import { startIpcServer } from './ipc-server';
import type { IpcServerOptions } from './ipc-server';
import { connectToHelper } from '../client/socket-client';
import { MemoryTunnelBackend } from './testing/memory-tunnel-backend';
import { startIpcFixture } from './testing/ipc-fixture';
import type { IpcFixture } from './testing/ipc-fixture';
import { RawClient } from './testing/raw-client';
import { runAsNobody } from './testing/run-as-nobody';

// The tunnel backend is the in-memory stand-in (testing/memory-tunnel-backend.ts): the
// real one has its own lab tests. Everything else is real: a Unix socket in a temp dir,
// callers identified by SO_PEERCRED through the addon, other users via setpriv.

const startFixture = (options: Partial<IpcServerOptions> = {}): Promise<IpcFixture> => startIpcFixture({ group: NOGROUP, ...options });

async function openClient(socketPath: string): Promise<RawClient> {
  const client = await RawClient.open(socketPath);
  const hello = await client.hello();
  assert.equal(hello.ok, true);
  return client;
}

const connectParams = { profile: { name: 'work', text: 'client\nremote vpn.example 1194\n' } };
/** runAsNobody's primary group: nobody is a member of the helper's group through it. */
const NOGROUP = { name: 'nogroup', gid: 65534 };

test('the socket is root:GROUP 0660 in a 0755 folder and is removed on close', async () => {
  const fixture = await startFixture();
  assert.equal(lstatSync(fixture.socketPath).mode & 0o777, 0o660);
  assert.equal(lstatSync(fixture.socketPath).gid, NOGROUP.gid);
  assert.equal(statSync(join(fixture.dir, 'run')).mode & 0o777, 0o755);
  await fixture[Symbol.asyncDispose]();
  assert.throws(() => lstatSync(fixture.socketPath), { code: 'ENOENT' });
});

test('a stale socket file is replaced; a live helper socket is refused', async () => {
  await using fixture = await startFixture();
  const second = await startIpcServer({ socketPath: fixture.socketPath, backend: new MemoryTunnelBackend(), group: null });
  assert.equal(second.ok, false);
  assert.equal(second.ok ? '' : second.error.code, 'ipc.socket_in_use');

  // A socket nobody listens on any more, as a crashed helper leaves it: a process that
  // exits without closing its server leaves the file behind.
  const stalePath = join(fixture.dir, 'run', 'stale.sock');
  execFileSync(process.execPath, ['-e', `require('node:net').createServer().listen(${JSON.stringify(stalePath)}, () => process.exit(0))`]);
  assert.ok(lstatSync(stalePath).isSocket());
  const third = await startIpcServer({ socketPath: stalePath, backend: new MemoryTunnelBackend(), group: null });
  assert.ok(third.ok);
  await third.value.close();
});

test('hello is required before any other request', async () => {
  await using fixture = await startFixture();
  const client = await RawClient.open(fixture.socketPath);
  const refused = await client.request('tunnel.status', {});
  assert.deepEqual(refused.error, { code: 'ipc.hello_required', message: 'The first request must be hello.' });
  const hello = await client.hello();
  assert.equal(hello.ok, true);
  assert.equal((hello.result as { uid: number }).uid, process.getuid?.());
  const status = await client.request('tunnel.status', {});
  assert.deepEqual(status.result, { session: null });
  client.close();
});

test('a client of another major version gets ipc.version_mismatch and is closed', async () => {
  await using fixture = await startFixture();
  const client = await RawClient.open(fixture.socketPath);
  const reply = await client.request('hello', { protocolVersion: { major: 99, minor: 0 }, client: 'postern-desktop', clientVersion: '9.0.0' });
  const error = reply.error as { code: string; message: string };
  assert.equal(error.code, 'ipc.version_mismatch');
  // The refusal names both releases and what to update: here the helper, the older one.
  assert.equal(error.message, `The helper is Postern ${POSTERN_VERSION} (protocol ${HELPER_PROTOCOL_VERSION.major}.x); the Postern app is Postern 9.0.0 (protocol 99.x). `
    + 'Update the helper to Postern 9.0.0 or later (the postern package), then restart it: sudo systemctl restart postern-helper.');
  await client.closed;
});

test('a client older than protocol 1.4 (no clientVersion) is told to update itself to the helper\'s release', async () => {
  await using fixture = await startFixture();
  const client = await RawClient.open(fixture.socketPath);
  const reply = await client.request('hello', { protocolVersion: { major: 0, minor: 9 }, client: 'postern-cli' });
  const error = reply.error as { code: string; message: string };
  assert.equal(error.code, 'ipc.version_mismatch');
  assert.match(error.message, new RegExp(`this postern command is an unknown release \\(protocol 0\\.x\\)\\. Update this postern command to Postern ${POSTERN_VERSION.replaceAll('.', '\\.')}\\.$`));
  await client.closed;
});

test('a frame that is not JSON gets ipc.bad_frame (id null) and the connection keeps working', async () => {
  await using fixture = await startFixture();
  const client = await openClient(fixture.socketPath);
  const junk = new TextEncoder().encode('{"id": 1, not json');
  const frame = new Uint8Array(4 + junk.length);
  new DataView(frame.buffer).setUint32(0, junk.length);
  frame.set(junk, 4);
  client.sendBytes(frame);
  const error = await client.waitFor((m) => m.id === null);
  assert.equal((error.error as { code: string }).code, 'ipc.bad_frame');
  const status = await client.request('tunnel.status', {});
  assert.equal(status.ok, true);
  client.close();
});

test('an oversize frame gets an error and a closed connection; another client keeps working', async () => {
  await using fixture = await startFixture();
  const other = await openClient(fixture.socketPath);
  await other.request('events.subscribe', {});
  const client = await openClient(fixture.socketPath);
  const header = new Uint8Array(4);
  new DataView(header.buffer).setUint32(0, MAX_FRAME_BYTES + 1);
  client.sendBytes(header);
  const error = await client.waitFor((m) => m.id === null);
  assert.equal((error.error as { code: string }).code, 'ipc.frame_too_large');
  await client.closed;

  fixture.backend.emit({ type: 'log', line: { atMs: 1, level: 'info', message: 'still here' } });
  const event = await other.waitFor((m) => m.kind === 'event');
  assert.equal((event.event as { line: { message: string } }).line.message, 'still here');
  assert.equal((await other.request('tunnel.status', {})).ok, true);
  other.close();
});

test('an unknown method gets ipc.unknown_method', async () => {
  await using fixture = await startFixture();
  const client = await openClient(fixture.socketPath);
  const reply = await client.request('tunnel.explode', {});
  assert.equal((reply.error as { code: string }).code, 'ipc.unknown_method');
  client.close();
});

test('bad params get ipc.bad_request naming the field, never the value', async () => {
  await using fixture = await startFixture();
  const client = await openClient(fixture.socketPath);
  const password = `Sup3r-secret-${'x'.repeat(5000)}`;
  const reply = await client.request('tunnel.connect', { ...connectParams, credentials: { username: 'alice', password }, keyPassphrase: 1234 });
  const error = reply.error as { code: string; message: string };
  assert.equal(error.code, 'ipc.bad_request');
  assert.match(error.message, /params\.credentials\.password: too_big/);
  assert.match(error.message, /params\.keyPassphrase: invalid_type \(expected string\)/);
  assert.doesNotMatch(JSON.stringify(client.messages), /Sup3r-secret|1234/);
  assert.equal(fixture.backend.connects.length, 0);
  const envelope = await client.request('x'.repeat(101), {});
  assert.equal((envelope.error as { code: string }).code, 'ipc.bad_request');
  client.close();
});

test('a handler that throws gets internal and the server keeps serving', async () => {
  await using fixture = await startFixture();
  const client = await openClient(fixture.socketPath);
  fixture.backend.throwOn.add('connect');
  const reply = await client.request('tunnel.connect', connectParams);
  assert.deepEqual(reply.error, { code: 'internal', message: 'The helper failed to handle tunnel.connect.' });
  assert.ok(fixture.logs.some((line) => line.includes('connect exploded (test)')));
  fixture.backend.throwOn.add('disconnect');
  assert.equal(((await client.request('tunnel.disconnect', {})).error as { code: string }).code, 'internal');
  const retry = await client.request('tunnel.connect', connectParams);
  assert.equal(retry.ok, true);
  client.close();
});

test('50 clients connect and subscribe at once and all receive the same event', async () => {
  await using fixture = await startFixture();
  const startedAt = performance.now();
  const clients = await Promise.all(Array.from({ length: 50 }, async () => {
    const helper = await connectToHelper(fixture.socketPath, { client: 'many' });
    assert.ok(helper.ok);
    const events: HelperEvent[] = [];
    helper.value.connection.onEvent((event) => events.push(event));
    const subscribed = await helper.value.connection.call('events.subscribe', {});
    assert.ok(subscribed.ok);
    return { helper: helper.value, events };
  }));
  const subscribedMs = performance.now() - startedAt;
  assert.equal(fixture.server.clientCount, 50);
  fixture.backend.emit({ type: 'log', line: { atMs: 1, level: 'info', message: 'hello all' } });
  const deadline = Date.now() + 2000;
  while (clients.some((c) => c.events.length === 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  const deliveredMs = performance.now() - startedAt - subscribedMs;
  for (const { events } of clients) assert.deepEqual(events, [{ type: 'log', line: { atMs: 1, level: 'info', message: 'hello all' } }]);
  console.log(`# 50 clients: connected+hello+subscribed in ${subscribedMs.toFixed(0)} ms, event delivered to all in ${deliveredMs.toFixed(1)} ms`);
  for (const { helper } of clients) helper.close();
});

test('a client that stops reading loses stats and log events, never state events', async () => {
  await using fixture = await startFixture({ limits: { softBacklogBytes: 64 * 1024 } });
  const client = await openClient(fixture.socketPath);
  await client.request('events.subscribe', {});
  assert.ok((await client.request('tunnel.connect', connectParams)).ok);
  client.socket.pause();
  const sessionId = 'session-1';
  const stats = { bytesIn: 1, bytesOut: 1, packetsIn: 1, packetsOut: 1, rateInBps: 0, rateOutBps: 0, keepaliveRttMs: null, drops: {}, connectedForMs: 1 };
  const filler = 'y'.repeat(3000);
  for (let i = 0; i < 2000; i++) {
    fixture.backend.emit({ type: 'stats', sessionId, stats });
    fixture.backend.log(filler);
  }
  fixture.backend.setState('connected');
  client.socket.resume();
  const connected = await client.waitFor((m) => m.kind === 'event' && (m.event as { state?: string }).state === 'connected', 5000);
  assert.ok(connected);
  fixture.backend.log('after');
  const report = await client.waitFor((m) => m.kind === 'event' && /were not sent/.test((m.event as { line?: { message: string } }).line?.message ?? ''), 5000);
  const received = client.messages.filter((m) => (m as { event?: { type: string } }).event?.type === 'stats').length;
  console.log(`# slow reader: ${received} of 2000 stats events delivered; ${(report.event as { line: { message: string } }).line.message}`);
  assert.ok(received < 2000);
  client.close();
});

test('connections beyond the limit get ipc.too_many_clients (root: beyond its reserve)', async () => {
  await using fixture = await startFixture({ admission: { maxClients: 0, rootReserve: 2 } });
  const a = await openClient(fixture.socketPath);
  const b = await openClient(fixture.socketPath);
  const c = await RawClient.open(fixture.socketPath);
  const refused = await c.waitFor((m) => m.id === null);
  assert.equal((refused.error as { code: string }).code, 'ipc.too_many_clients');
  await c.closed;
  for (const client of [a, b]) client.close();
});

test("another uid sees no session, cannot control root's session and gets none of its events; root sees all", async (t) => {
  if (process.getuid?.() !== 0) {
    t.skip('needs root to run a client as nobody');
    return;
  }
  await using fixture = await startFixture();
  const root = await openClient(fixture.socketPath);
  await root.request('events.subscribe', {});
  const started = await root.request('tunnel.connect', connectParams);
  assert.equal(started.ok, true);
  fixture.backend.log('root session line');

  const child = await runAsNobody(fixture.socketPath, 'observe');
  fixture.backend.setState('connected');
  fixture.backend.log('root session connected line');
  fixture.backend.emit({ type: 'prompt', sessionId: 'session-1', prompt: { id: 'p1', kind: 'cr_text', text: 'Code?', echo: true, timeoutSeconds: null, needs: { username: false, password: false, response: true } } });
  fixture.backend.emit({ type: 'log', line: { atMs: 1, level: 'info', message: 'helper-wide line' } });
  const seen = await child.finish();

  assert.equal(seen.uid, 65534);
  assert.deepEqual(seen.subscribe, { ok: true, value: { session: null } });
  assert.deepEqual(seen.status, { ok: true, value: { session: null } });
  assert.equal(seen.disconnect?.error?.code, 'ipc.forbidden');
  assert.equal(seen.answer?.error?.code, 'ipc.forbidden');
  assert.equal(seen.connect?.error?.code, 'tunnel.already_running');
  assert.doesNotMatch(seen.connect?.error?.message ?? '', /work/);
  assert.deepEqual(seen.log, { ok: true, value: { lines: [] } });
  assert.deepEqual(seen.events, []);

  // Root saw its whole session, the helper-wide line included, and can control it.
  await root.waitFor((m) => (m.event as { type?: string } | undefined)?.type === 'prompt');
  await root.waitFor((m) => (m.event as { line?: { message: string } } | undefined)?.line?.message === 'helper-wide line');
  const status = await root.request('tunnel.status', {});
  assert.equal((status.result as { session: { state: string } }).session.state, 'connected');
  const lines = (await root.request('log.recent', {})).result as { lines: Array<{ message: string }> };
  assert.ok(lines.lines.some((line) => line.message === 'root session line'));
  assert.equal((await root.request('tunnel.disconnect', {})).ok, true);
  root.close();
});

test('a non-root owner sees and controls its own session, and root sees it too', async (t) => {
  if (process.getuid?.() !== 0) {
    t.skip('needs root to run a client as nobody');
    return;
  }
  await using fixture = await startFixture();
  const root = await openClient(fixture.socketPath);
  await root.request('events.subscribe', {});
  const child = await runAsNobody(fixture.socketPath, 'own');
  fixture.backend.setState('connected');
  fixture.backend.log('nobody session line');
  const rootStatus = await root.request('tunnel.status', {});
  assert.equal((rootStatus.result as { session: { ownerUid: number } }).session.ownerUid, 65534);
  const seen = await child.finish();

  assert.deepEqual(seen.own, { ok: true, value: { sessionId: 'session-1' } });
  assert.equal((seen.status?.value as { session: { profileName: string } }).session.profileName, 'mine');
  assert.deepEqual((seen.log?.value as { lines: Array<{ message: string }> }).lines.map((l) => l.message), ['nobody session line']);
  assert.equal(seen.connect?.error?.code, 'tunnel.already_running');
  assert.deepEqual(seen.disconnect, { ok: true, value: {} });
  assert.deepEqual(seen.events.map((e) => (e as { state?: string }).state ?? (e as { line: { message: string } }).line.message), ['connected', 'nobody session line', 'disconnecting', 'disconnected']);
  await root.waitFor((m) => (m.event as { line?: { message: string } } | undefined)?.line?.message === 'nobody session line');
  await root.waitFor((m) => (m.event as { state?: string } | undefined)?.state === 'disconnected');
  root.close();
});
