import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chownSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';
import { startLab } from '../../e2e/lab/lab';
import type { Lab } from '../../e2e/lab/lab';
import { LAB_GROUP, asUser, assertCheckoutReadable, labUsers, userFolder } from '../../e2e/lab/lab-users';
import type { LabUser } from '../../e2e/lab/lab-users';
import { labTest } from '../../e2e/lab/lab-test';
import { PosternProcess } from './testing/postern-process';

// The helper on a machine with several accounts, as those people meet it: the helper runs
// as root in the lab's client namespace, the CLI as the lab's accounts (e2e/lab/lab-users.ts).

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const FLOOD_CLIENT = fileURLToPath(new URL('../ipc/testing/flood-client.ts', import.meta.url));

interface SharedLab {
  lab: Lab;
  socketPath: string;
  helper: PosternProcess;
  /** `postern ARGS` as `user` (root when absent), in the client namespace. */
  postern(args: readonly string[], user?: LabUser): PosternProcess;
  /** A profile of the lab's server that `user` can read. */
  profileFor(user: LabUser | undefined, name: string): string;
  startHelper(): Promise<PosternProcess>;
}

async function startSharedLab(t: TestContext): Promise<SharedLab> {
  const users = labUsers();
  assertCheckoutReadable(users.member, REPO);
  const lab = await startLab({ proto: 'udp' });
  const socketDir = userFolder({ name: 'root', uid: 0, gid: 0 }, 'postern-shared-sock-');
  const profiles = new Map<string, string>();
  const socketPath = join(socketDir, 'postern.sock');
  const processes: PosternProcess[] = [];
  const postern = (args: readonly string[], user?: LabUser): PosternProcess => {
    const started = new PosternProcess(lab.clientNs, args, { POSTERN_SOCKET: socketPath }, user && ((argv) => asUser(user, argv, { POSTERN_SOCKET: socketPath })));
    processes.push(started);
    return started;
  };
  const startHelper = async (): Promise<PosternProcess> => {
    const helper = postern(['helper', '--group', LAB_GROUP]);
    // The file exists from bind(); its group and mode come just after, before "listening on".
    await waitUntil(() => existsSync(socketPath) && helper.stderr.join('').includes('listening on'), 15_000, () => helper.stderr.join(''));
    return helper;
  };
  t.after(async () => {
    for (const process of processes.reverse()) await process.stop('SIGTERM');
    await lab.stop();
    rmSync(socketDir, { recursive: true, force: true });
    for (const dir of profiles.values()) rmSync(dir, { recursive: true, force: true });
  });
  return {
    lab, socketPath, postern, startHelper,
    helper: await startHelper(),
    profileFor: (user, name) => {
      const owner = user ?? { name: 'root', uid: 0, gid: 0 };
      let dir = profiles.get(owner.name);
      if (dir === undefined) {
        dir = userFolder(owner, 'postern-shared-profiles-');
        profiles.set(owner.name, dir);
      }
      const path = join(dir, `${name}.ovpn`);
      writeFileSync(path, lab.clientProfile({ remote: 'link' }), { mode: 0o644 });
      return path;
    },
  };
}

labTest('a user outside the group is refused with the group named; a member is served', async (t) => {
  const { outsider, member } = labUsers();
  const shared = await startSharedLab(t);
  const refused = shared.postern(['status'], outsider);
  assert.equal(await refused.exited, 1);
  const said = refused.stderr.join('');
  assert.match(said, /Only members of the group 'postern-lab' may use the Postern helper/);
  assert.match(said, new RegExp(`sudo usermod -aG postern-lab ${outsider.name}`));
  assert.match(said, /\[ipc\.not_in_group\]/);
  const served = shared.postern(['status'], member);
  assert.equal(await served.exited, 0, served.stderr.join(''));
  assert.equal(served.lines[0]?.['text'], 'No tunnel is running.');
});

labTest("128 idle connections from one member do not stop root's postern status, nor another member's", async (t) => {
  const { member, neighbour } = labUsers();
  const shared = await startSharedLab(t);
  const flood = startFlood(member, shared.socketPath, 'idle', 128);
  t.after(() => flood.stop());
  const placed = await flood.ready;
  assert.equal(placed.refusals['ipc.too_many_clients'], 112, 'the member holds 16 connections; the other 112 are refused');
  const startedAt = performance.now();
  const status = shared.postern(['status', '--json']);
  assert.equal(await status.exited, 0, status.stderr.join(''));
  const rootMs = performance.now() - startedAt;
  const other = shared.postern(['status', '--json'], neighbour);
  assert.equal(await other.exited, 0, other.stderr.join(''));
  console.log(`# root's postern status (process start to exit) with 128 idle connections of one member: ${rootMs.toFixed(0)} ms`);
});

labTest('a member that pipelines requests and never reads cannot grow the helper without bound', async (t) => {
  const { member } = labUsers();
  const shared = await startSharedLab(t);
  const helperPid = shared.helper.child.pid ?? 0;
  const REQUESTS = 300_000;
  // Two floods in a row. Each burst of work lets V8 grow its young generation towards its
  // default maximum (a burst of legitimate requests does the same; measured: with
  // --max-semi-space-size=1 the same floods move RSS by under 7 MB). What matters: the helper
  // stops reading a client it cannot answer (ipc/shared-machine.test.ts counts the requests),
  // so memory plateaus; unbounded replies added hundreds of MB per flood.
  const start = rssKb(helperPid);
  const peaks: number[] = [];
  for (const round of [1, 2]) {
    const before = rssKb(helperPid);
    const flood = startFlood(member, shared.socketPath, 'unread', REQUESTS);
    t.after(() => flood.stop());
    await flood.ready;
    let peak = before;
    for (let i = 0; i < 12; i++) {
      await new Promise((resolve) => setTimeout(resolve, 150));
      peak = Math.max(peak, rssKb(helperPid));
    }
    const status = shared.postern(['status', '--json']);
    assert.equal(await status.exited, 0, 'root is still served');
    flood.stop();
    peaks.push(peak);
    console.log(`# helper RSS under unread flood ${round} of ${REQUESTS} status requests: ${(before / 1024).toFixed(1)} MB before, ${(peak / 1024).toFixed(1)} MB at peak`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  const highest = Math.max(...peaks);
  assert.ok(highest - start < 40 * 1024, `the floods grew the helper by ${((highest - start) / 1024).toFixed(1)} MB: ${peaks.map((kb) => (kb / 1024).toFixed(1)).join(' → ')}`);
});

labTest('a member\'s postern connect reads an absolute `ca /…` with the member\'s own rights and connects; a file the member cannot read is an error on its line', { timeout: 120_000 }, async (t) => {
  const { member } = labUsers();
  const shared = await startSharedLab(t);
  // The CA lives in a folder of the member's own, readable by the member only: only a CLI
  // running as the member can have read it, and the helper (root) is sent its content.
  const caDir = userFolder(member, 'postern-outside-ca-');
  t.after(() => rmSync(caDir, { recursive: true, force: true }));
  const caPath = join(caDir, 'ca.crt');
  const withCa = (path: string): string => shared.lab.clientProfile({ remote: 'link' }).replace(/<ca>\n[\s\S]*?<\/ca>/, `ca ${path}`);
  writeFileSync(caPath, /<ca>\n([\s\S]*?)<\/ca>/.exec(shared.lab.clientProfile())?.[1] ?? '', { mode: 0o600 });
  chownSync(caPath, member.uid, member.gid);
  const profile = shared.profileFor(member, 'absolute-ca');
  writeFileSync(profile, withCa(caPath));
  assert.match(readFileSync(profile, 'utf8'), /^ca \/tmp\/postern-outside-ca-.*\/ca\.crt$/m);

  const connect = shared.postern(['connect', profile, '--json'], member);
  assert.equal(await connect.exited, 0, `the member connects with an absolute ca:\n${connect.stderr.join('')}`);
  const status = shared.postern(['status', '--json'], member);
  assert.equal(await status.exited, 0, status.stderr.join(''));
  assert.match(status.lines.map((l) => JSON.stringify(l)).join('\n'), /"connected"/);
  const disconnect = shared.postern(['disconnect'], member);
  assert.equal(await disconnect.exited, 0, disconnect.stderr.join(''));

  // Root's own file, 0600: the OS refuses the member, and the CLI says which line.
  const rootsCa = join(caDir, 'roots-ca.crt');
  writeFileSync(rootsCa, 'not for the member\n', { mode: 0o600 });
  writeFileSync(profile, withCa(rootsCa));
  const refused = shared.postern(['check', profile], member);
  assert.equal(await refused.exited, 1);
  const said = refused.lines.map((l) => String(l['text'] ?? JSON.stringify(l))).join('\n') + refused.stderr.join('');
  assert.match(said, new RegExp(`:8:4 config\\.file_unreadable \\[error\\] ca: the file "${rootsCa.replace(/[.]/g, '\\.')}" cannot be read: permission denied`));
});

labTest("root's connect while the helper holds a tunnel does not configure a second one; the helper refuses while a root connect holds the network", { timeout: 120_000 }, async (t) => {
  const { member } = labUsers();
  const shared = await startSharedLab(t);
  const { lab } = shared;
  const mine = shared.postern(['connect', shared.profileFor(member, 'mine'), '--json'], member);
  assert.equal(await mine.exited, 0, `the member connects through the helper:\n${mine.stderr.join('')}`);

  const rootConnect = shared.postern(['connect', shared.profileFor(undefined, 'root')]);
  assert.equal(await rootConnect.exited, 1);
  const said = rootConnect.stderr.join('');
  assert.match(said, /a Postern helper is running on this machine, so it holds the tunnel/);
  assert.match(said, /tunnel\.already_running/);
  assert.equal(await tunDevices(lab), 1, 'one tunnel device: the root connect configured nothing');

  const second = shared.postern(['helper', '--group', LAB_GROUP, '--socket', join(shared.socketPath, '..', 'second.sock')]);
  assert.equal(await second.exited, 1);
  assert.match(second.stderr.join(''), /another Postern helper is running with its socket in .*: pid \d+/);

  const disconnect = shared.postern(['disconnect'], member);
  assert.equal(await disconnect.exited, 0, disconnect.stderr.join(''));
  assert.equal(await shared.helper.stop('SIGTERM'), 0);

  // No helper now: root's connect runs its tunnel in-process and owns the network.
  const inProcess = shared.postern(['connect', shared.profileFor(undefined, 'root'), '--json']);
  await inProcess.waitForState('connected');
  await shared.startHelper();
  const refused = shared.postern(['connect', shared.profileFor(member, 'mine'), '--json'], member);
  assert.equal(await refused.exited, 1);
  const error = await refused.waitForLine((line) => line['type'] === 'error');
  assert.equal(error['code'], 'tunnel.network_busy');
  assert.match(String(error['message']), new RegExp(`pid ${inProcess.child.pid ?? 0} \\(.*connect`));
  assert.equal(await tunDevices(lab), 1);
  assert.equal(await inProcess.stop('SIGTERM'), 0);
});

function startFlood(user: LabUser, socketPath: string, mode: 'idle' | 'unread', count: number): { ready: Promise<{ connections: number; refusals: Record<string, number> }>; stop(): void } {
  const [program = 'setpriv', ...args] = asUser(user, [process.execPath, '--import', 'tsx', FLOOD_CLIENT, socketPath, mode, String(count)]);
  const child = spawn(program, args, { cwd: REPO, stdio: ['pipe', 'pipe', 'inherit'] });
  const ready = new Promise<{ connections: number; refusals: Record<string, number> }>((resolve, reject) => {
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      output += text;
      if (output.includes('\n')) resolve(JSON.parse(output.slice(0, output.indexOf('\n'))) as { connections: number; refusals: Record<string, number> });
    });
    child.once('exit', (code) => reject(new Error(`the flood client exited (${code}) before it was in place: ${output}`)));
  });
  return { ready, stop: () => { child.stdin.end(); child.kill('SIGKILL'); } };
}

function rssKb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0);
}

async function tunDevices(lab: Lab): Promise<number> {
  const links = await lab.exec(lab.clientNs, ['ip', '-o', 'link', 'show', 'type', 'tun']);
  return links.stdout.split('\n').filter((line) => line.trim() !== '').length;
}

async function waitUntil(predicate: () => boolean, timeoutMs: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
