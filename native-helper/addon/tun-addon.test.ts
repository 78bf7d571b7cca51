import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../e2e/lab/run';
import { addonSkipReason } from './addon-test-prerequisites';
import { loadTunAddon, type PeerCredentials } from './tun-addon';

const skip = addonSkipReason({ root: false });
const NOBODY = 65534;

/** Unix socket server that reports SO_PEERCRED of each accepted connection. */
function credentialsServer(path: string): { server: Server; next: () => Promise<PeerCredentials> } {
  const waiting: ((credentials: PeerCredentials) => void)[] = [];
  const server = createServer((socket: Socket) => {
    // net.Socket keeps its fd on the libuv handle; Node offers no public accessor.
    const fd = (socket as unknown as { _handle: { fd: number } })._handle.fd;
    waiting.shift()?.(loadTunAddon().getPeerCredentials(fd));
    socket.end();
  });
  server.listen(path);
  return { server, next: () => new Promise((resolve) => waiting.push(resolve)) };
}

describe('postern_tun addon', { skip }, () => {
  let dir = '';
  let socketPath = '';
  let peers: ReturnType<typeof credentialsServer>;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'postern-peercred-'));
    socketPath = join(dir, 'helper.sock');
    peers = credentialsServer(socketPath);
    await new Promise((resolve) => peers.server.once('listening', resolve));
  });
  after(() => {
    peers?.server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('SO_PEERCRED/SO_PEERGROUPS of a client in this process is our pid, uid, gid and groups', async () => {
    const credentials = peers.next();
    const client = connect(socketPath);
    const { groups, ...ids } = await credentials;
    assert.deepEqual(ids, { pid: process.pid, uid: process.getuid?.(), gid: process.getgid?.() });
    // Node's getgroups() adds the effective gid to the supplementary list; the kernel's list has it only if it is one.
    const supplementary = (list: readonly number[]): number[] => list.filter((gid) => gid !== process.getegid?.()).sort();
    assert.deepEqual(supplementary(groups), supplementary(process.getgroups?.() ?? []));
    client.destroy();
  });

  test('SO_PEERCRED of a client running as nobody (setpriv) is uid/gid 65534, its pid, and the groups it was given', async (t) => {
    if (process.getuid?.() !== 0) return t.skip('changing uid with setpriv needs root');
    if ((await run('sh', ['-c', 'command -v setpriv'])).code !== 0) return t.skip('setpriv is missing (util-linux)');
    chmodSync(dir, 0o755);
    chmodSync(socketPath, 0o777); // connect() needs write permission on the socket file
    const credentials = peers.next();
    const child = spawn('setpriv', ['--reuid', String(NOBODY), '--regid', String(NOBODY), '--groups', '4,24', process.execPath, '-e',
      `require('node:net').connect(${JSON.stringify(socketPath)}).on('close', () => process.exit(0)).on('error', () => process.exit(2))`],
    { stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    // setpriv execs node in place, so the pid the kernel reports is the child's own.
    assert.deepEqual(await credentials, { pid: child.pid, uid: NOBODY, gid: NOBODY, groups: [4, 24] });
    assert.equal(await exited, 0);
  });

  test('system errors carry Node-style code, errno and syscall', () => {
    const addon = loadTunAddon();
    const file = openSync(process.execPath, 'r');
    try {
      assert.throws(() => addon.getPeerCredentials(file), { code: 'ENOTSOCK', errno: -88, syscall: 'getsockopt' });
    } finally {
      closeSync(file);
    }
    assert.throws(() => addon.close(2 ** 30), { code: 'EBADF', syscall: 'close' });
    assert.throws(() => addon.setMtu('pstnosuchdev0', 1400), { code: 'ENODEV', message: /SIOCSIFMTU 'pstnosuchdev0'/ });
  });

  test('arguments are checked before any syscall', () => {
    const addon = loadTunAddon();
    assert.throws(() => addon.openTun('a-name-of-16-ch'.padEnd(16, 'x')), RangeError);
    assert.throws(() => addon.setMtu('', 1400), RangeError);
    assert.throws(() => addon.setMtu('tun0', 40), RangeError);
    assert.throws(() => addon.setUp('tun0', 'yes' as unknown as boolean), TypeError);
    assert.throws(() => addon.writePacket(0, Buffer.alloc(4), 2, 3), RangeError);
    assert.throws(() => addon.writePackets(0, ['x'] as unknown as Buffer[]), TypeError);
    assert.throws(() => new addon.TunReader(0, () => undefined, { maxBatch: 0, mtu: 1500 }), RangeError);
    assert.throws(() => new addon.TunReader(0, () => undefined, { maxBatch: 64, mtu: 1.5 }), RangeError);
  });
});
