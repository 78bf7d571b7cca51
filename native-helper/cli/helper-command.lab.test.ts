import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab } from '../../e2e/lab/lab';
import { LAB_GROUP, asUser, labUsers } from '../../e2e/lab/lab-users';
import { labTest } from '../../e2e/lab/lab-test';
import { run } from '../../e2e/lab/run';
import { MAX_FRAME_BYTES } from '../api/index';
import { connectToHelper } from '../client/socket-client';
import { RawClient } from '../ipc/testing/raw-client';
import { runAsNobody } from '../ipc/testing/run-as-nobody';
import { PosternProcess } from './testing/postern-process';

// `postern helper` as a service, with a real tunnel to the lab's openvpn 2.6 server: the
// helper runs in the client namespace, its socket is a path in /tmp (Unix sockets are
// not bound to a network namespace), and the clients are the real CLI and raw frames.

labTest('the helper keeps a real session passing pings while other clients send garbage, 50 subscribe at once and another member is kept out', { timeout: 90_000 }, async (t) => {
  const { neighbour } = labUsers();
  const lab = await startLab({ proto: 'udp' });
  const socketDir = mkdtempSync(join(tmpdir(), 'postern-helper-'));
  await chmod(socketDir, 0o755); // the neighbour must reach the socket to be refused by the helper, not by the folder
  const socketPath = join(socketDir, 'postern.sock');
  const processes: PosternProcess[] = [];
  const postern = (args: readonly string[]): PosternProcess => {
    const started = new PosternProcess(lab.clientNs, [...args, '--socket', socketPath]);
    processes.push(started);
    return started;
  };
  t.after(async () => {
    for (const process of processes) await process.stop('SIGKILL');
    await lab.stop();
    rmSync(socketDir, { recursive: true, force: true });
  });
  const profilePath = join(lab.dir, 'client.ovpn');
  writeFileSync(profilePath, lab.clientProfile({ remote: 'link' }), { mode: 0o600 });

  const helper = postern(['helper', '--group', LAB_GROUP]);
  // The socket file exists from bind(); its group and mode are set just after, before "listening on".
  await waitUntil(() => existsSync(socketPath) && helper.stderr.join('').includes('listening on'), 15_000, () => helper.stderr.join(''));
  assert.equal(statSync(socketPath).mode & 0o777, 0o660);

  const connect = postern(['connect', profilePath, '--helper', '--json']);
  assert.equal(await connect.exited, 0, `connect through the helper exits 0 once connected:\n${connect.stderr.join('')}`);
  await connect.waitForState('connected');

  // Pings run for 5 s while everything below happens; none may be lost.
  const pings = lab.exec(lab.clientNs, ['ping', '-c', '25', '-i', '0.2', '-W', '2', lab.tunnel.serverIp], { timeoutMs: 20_000 });

  const rude = await RawClient.open(socketPath);
  await rude.hello();
  rude.sendBytes(frameOf(new TextEncoder().encode('{"id": 1, not json')));
  assert.equal(errorCode(await rude.waitFor((m) => m.id === null)), 'ipc.bad_frame');
  assert.equal(errorCode(await rude.request('tunnel.explode', {})), 'ipc.unknown_method');
  assert.equal(errorCode(await rude.request('log.recent', { limit: 'all' })), 'ipc.bad_request');
  const oversize = await RawClient.open(socketPath);
  const header = new Uint8Array(4);
  new DataView(header.buffer).setUint32(0, MAX_FRAME_BYTES + 1);
  oversize.sendBytes(header);
  assert.equal(errorCode(await oversize.waitFor((m) => m.id === null)), 'ipc.frame_too_large');
  await oversize.closed;

  const watchers = await Promise.all(Array.from({ length: 50 }, (_, i) => connectToHelper(socketPath, { client: `watcher-${i}` })));
  const subscribed = await Promise.all(watchers.map(async (watcher) => {
    assert.ok(watcher.ok, watcher.ok ? '' : watcher.error.message);
    const statsSeen = new Promise<void>((resolve) => watcher.value.connection.onEvent((event) => { if (event.type === 'stats') resolve(); }));
    const answer = await watcher.value.connection.call('events.subscribe', {});
    return { answer, statsSeen, connection: watcher.value.connection };
  }));
  for (const { answer } of subscribed) assert.equal(answer.ok && answer.value.session?.state, 'connected');
  await Promise.all(subscribed.map(({ statsSeen }) => statsSeen));
  for (const { connection } of subscribed) connection.close();

  const other = await runAsNobody(socketPath, 'observe', (argv) => asUser(neighbour, argv));
  const seen = await other.finish();
  assert.equal(seen.uid, neighbour.uid);
  assert.deepEqual(seen.status, { ok: true, value: { session: null } }, 'another uid does not see root\'s session');
  assert.equal(seen.disconnect?.error?.code, 'ipc.forbidden');
  assert.deepEqual(seen.events, []);

  const pinged = await pings;
  assert.match(pinged.stdout, / 0% packet loss/, `the session kept passing packets:\n${pinged.stdout}`);
  assert.equal(errorCode(await rude.request('tunnel.status', {})), undefined, 'the rude client is still served');
  rude.close();

  const status = postern(['status', '--json']);
  assert.equal(await status.exited, 0);
  const disconnect = postern(['disconnect', '--json']);
  assert.equal(await disconnect.exited, 0, disconnect.stderr.join(''));
  assert.equal(await helper.stop('SIGTERM'), 0, `the helper exits 0 on SIGTERM:\n${helper.stderr.join('')}`);
  assert.equal(existsSync(socketPath), false, 'the socket file is removed');
  const routes = (await run('ip', ['-n', lab.clientNs, 'route'])).stdout;
  assert.doesNotMatch(routes, /tun/, routes);
});

function frameOf(payload: Uint8Array): Uint8Array {
  const frame = new Uint8Array(4 + payload.length);
  new DataView(frame.buffer).setUint32(0, payload.length);
  frame.set(payload, 4);
  return frame;
}

function errorCode(message: Record<string, unknown>): string | undefined {
  return (message.error as { code?: string } | undefined)?.code;
}

async function waitUntil(predicate: () => boolean, timeoutMs: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
