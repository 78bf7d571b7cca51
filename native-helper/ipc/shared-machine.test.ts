import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { lstatSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printable } from '../api/index';
import type { HelperGroup } from '../client/helper-group';
import type { Caller } from '../service/tunnel-backend';
import { admissionRefusal, mayUseHelper } from './admission';
import type { IpcServerOptions } from './ipc-server';
import { startIpcFixture } from './testing/ipc-fixture';
import type { IpcFixture } from './testing/ipc-fixture';
import { RawClient } from './testing/raw-client';

// Who may use the helper on a machine with several accounts, and how much of it one of
// them may take. Real sockets; other users through setpriv; callers the kernel cannot
// fake here (a member's descriptor reaching an outsider, many uids) through a
// peer-credentials reader the test controls.

const TRY_CONNECT = fileURLToPath(new URL('./testing/try-connect.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const DAEMON: HelperGroup = { name: 'daemon', gid: 1 };
const isRoot = process.getuid?.() === 0;

const startFixture = (options: Partial<IpcServerOptions> = {}): Promise<IpcFixture> => startIpcFixture({ group: DAEMON, ...options }, 'postern.sock');

/** connectToHelper as nobody:nogroup with no other groups, in a child process. */
function tryConnectAsNobody(socketPath: string): Promise<{ ok: boolean; error?: { code: string; message: string } }> {
  return new Promise((resolve, reject) => {
    execFile('setpriv', ['--reuid', 'nobody', '--regid', 'nogroup', '--clear-groups', process.execPath, '--import', 'tsx', TRY_CONNECT, socketPath], { cwd: REPO, timeout: 20_000 }, (error, stdout) => {
      if (error && stdout === '') reject(error);
      else resolve(JSON.parse(stdout) as { ok: boolean; error?: { code: string; message: string } });
    });
  });
}

function caller(uid: number, groups: number[] = [], gid = uid): Caller {
  return { uid, pid: 4242, gid, groups };
}

test('membership: root always; others by primary or supplementary group; nobody without a group', () => {
  assert.equal(mayUseHelper(caller(0), null), true);
  assert.equal(mayUseHelper(caller(1000), null), false);
  assert.equal(mayUseHelper(caller(1000, [27, 1]), DAEMON), true);
  assert.equal(mayUseHelper(caller(1000, [], 1), DAEMON), true);
  assert.equal(mayUseHelper(caller(1000, [27]), DAEMON), false);
});

test('admission: one uid cannot take every slot, and root keeps a reserve of its own', () => {
  const limits = { maxClients: 4, maxClientsPerUid: 2, rootReserve: 2 };
  const member = (uid: number): Caller => caller(uid, [DAEMON.gid]);
  assert.equal(admissionRefusal(member(1000), [member(1000)], DAEMON, limits), undefined);
  assert.equal(admissionRefusal(member(1000), [member(1000), member(1000)], DAEMON, limits)?.code, 'ipc.too_many_clients');
  assert.equal(admissionRefusal(member(1001), [member(1000), member(1000)], DAEMON, limits), undefined, 'another user still gets in');
  const full = [member(1000), member(1000), member(1001), member(1001)];
  assert.equal(admissionRefusal(member(1002), full, DAEMON, limits)?.code, 'ipc.too_many_clients');
  assert.equal(admissionRefusal(caller(0), full, DAEMON, limits), undefined, 'root gets in when users filled theirs');
  assert.equal(admissionRefusal(caller(0), [...full, caller(0), caller(0)], DAEMON, limits)?.code, 'ipc.too_many_clients');
  assert.equal(admissionRefusal(caller(1000), [], DAEMON, limits)?.code, 'ipc.not_in_group');
});

test('a user outside the group is refused by the kernel, and told which group to join and how', { skip: !isRoot && 'needs root for setpriv' }, async () => {
  await using fixture = await startFixture();
  const stat = lstatSync(fixture.socketPath);
  assert.equal(stat.mode & 0o777, 0o660);
  assert.equal(stat.gid, DAEMON.gid);
  const refused = await tryConnectAsNobody(fixture.socketPath);
  assert.equal(refused.ok, false);
  assert.equal(refused.error?.code, 'ipc.not_in_group');
  assert.match(refused.error?.message ?? '', /members of the group 'daemon'/);
  assert.match(refused.error?.message ?? '', /sudo usermod -aG daemon nobody/);
  assert.match(refused.error?.message ?? '', /log out and in again/);
  assert.equal(fixture.server.clientCount, 0);
});

test('without a group the helper serves root only, and a user is told so', { skip: !isRoot && 'needs root for setpriv' }, async () => {
  await using fixture = await startFixture({ group: null });
  assert.equal(lstatSync(fixture.socketPath).mode & 0o777, 0o600);
  assert.ok(fixture.logs.some((line) => /for root only/.test(line)));
  const refused = await tryConnectAsNobody(fixture.socketPath);
  assert.equal(refused.error?.code, 'ipc.not_in_group');
  assert.match(refused.error?.message ?? '', /serves only root/);
  assert.match(refused.error?.message ?? '', /sudo groupadd postern/);
  const root = await RawClient.open(fixture.socketPath);
  assert.equal((await root.hello()).ok, true);
  root.close();
});

test('an outsider that got past the socket file (an inherited descriptor) is refused by the helper too', async () => {
  await using fixture = await startFixture({ peerCredentials: () => caller(1000, [27]) });
  const client = await RawClient.open(fixture.socketPath);
  const refused = await client.waitFor((m) => m.id === null);
  assert.equal((refused.error as { code: string }).code, 'ipc.not_in_group');
  await client.closed;
  assert.equal(fixture.backend.connects.length, 0);
});

test("128 idle connections of one user do not keep root out; that user's own cap refuses the rest", async () => {
  let next = caller(1000, [DAEMON.gid]);
  await using fixture = await startFixture({ peerCredentials: () => next });
  const idle: RawClient[] = [];
  const refusals: string[] = [];
  for (let i = 0; i < 128; i++) {
    const client = await RawClient.open(fixture.socketPath);
    idle.push(client);
    void client.waitFor((m) => m.id === null, 10_000).then((m) => refusals.push((m.error as { code: string }).code), () => {});
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(fixture.server.clientCount, 16, 'one uid holds at most 16 connections');
  assert.equal(refusals.filter((code) => code === 'ipc.too_many_clients').length, 112);
  next = caller(0);
  const startedAt = performance.now();
  const root = await RawClient.open(fixture.socketPath);
  await root.hello();
  const status = await root.request('tunnel.status', {});
  const tookMs = performance.now() - startedAt;
  assert.equal(status.ok, true);
  console.log(`# root's hello + status with 128 idle connections of one user: ${tookMs.toFixed(1)} ms`);
  next = caller(1001, [DAEMON.gid]);
  const neighbour = await RawClient.open(fixture.socketPath);
  assert.equal((await neighbour.hello()).ok, true, 'another member still gets in');
  for (const client of [...idle, root, neighbour]) client.close();
});

test('a connection that says nothing is closed after the idle timeout; a subscriber is not', async () => {
  await using fixture = await startFixture({ limits: { idleTimeoutMs: 150, helloTimeoutMs: 150 } });
  const silent = await RawClient.open(fixture.socketPath);
  const quiet = await RawClient.open(fixture.socketPath);
  await quiet.hello();
  const subscriber = await RawClient.open(fixture.socketPath);
  await subscriber.hello();
  await subscriber.request('events.subscribe', {});
  assert.equal(((await silent.waitFor((m) => m.id === null)).error as { code: string }).code, 'ipc.hello_required');
  assert.equal(((await quiet.waitFor((m) => m.id === null)).error as { code: string }).code, 'ipc.idle');
  await Promise.all([silent.closed, quiet.closed]);
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal((await subscriber.request('tunnel.status', {})).ok, true, 'the subscriber is still served');
  subscriber.close();
});

test('a client that pipelines requests and never reads the replies stops being read; every reply arrives once it reads', async () => {
  await using fixture = await startFixture({ limits: { softBacklogBytes: 64 * 1024 } });
  const client = await RawClient.open(fixture.socketPath);
  await client.hello();
  let statusCalls = 0;
  const status = fixture.backend.status.bind(fixture.backend);
  fixture.backend.status = () => { statusCalls++; return status(); };
  client.socket.pause();
  const requests = 50_000;
  for (let i = 0; i < requests; i++) client.send('tunnel.status', {});
  await new Promise((resolve) => setTimeout(resolve, 500));
  const answeredWhileUnread = statusCalls;
  console.log(`# unread replies: ${answeredWhileUnread} of ${requests} pipelined requests answered while the client did not read`);
  assert.ok(answeredWhileUnread < requests / 4, `the helper stopped reading requests it could not send replies to (${answeredWhileUnread})`);
  client.socket.resume();
  await client.waitFor(() => client.messages.length >= requests + 1, 20_000);
  assert.equal(statusCalls, requests);
  client.close();
});

test('control characters are shown, never obeyed', () => {
  assert.equal(printable('work\n2026-12-03T00:00:00Z info  forged\u001b[31m'), 'work\\u000a2026-12-03T00:00:00Z info  forged\\u001b[31m');
  assert.equal(printable('Zürich VPN\t(büro) ✓'), 'Zürich VPN\t(büro) ✓');
  assert.equal(printable('\u009b2J\u2028'), '\\u009b2J\\u2028');
});
