import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PosternProcess } from '../../native-helper/cli/testing/postern-process';
import { startLab } from '../lab/lab';
import type { Lab, LabOptions } from '../lab/lab';
import { run } from '../lab/run';
import { LAB_GROUP, asUser, assertCheckoutReadable, labUsers, userFolder } from '../lab/lab-users';
import type { LabUsers } from '../lab/lab-users';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const WEB_MAIN = join(REPO, 'electron/web/web-main.ts');
const URL_PATTERN = /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/;

/**
 * Test-only: everything the desktop app talks to, for real — the lab's openvpn 2.6 server,
 * `postern helper` in the lab's client namespace (so the tunnel, its routes and pings live
 * there), and the app's main-process controller behind the loopback bridge
 * (`npm run start:web`), with a data folder of its own. Only the Electron runtime is absent.
 * The main process runs as a normal user, as the desktop app does: by default a member of
 * the helper's group (`--group postern-lab`); `as: 'outsider'` is someone who is not.
 *
 * The kill switch: each helper keeps its setting in the lab's own folder
 * (`POSTERN_KILLSWITCH_SETTINGS`), never the machine's /var/lib/postern/killswitch.json, and
 * loads its table in the client namespace only (checked when it starts: a helper elsewhere
 * would block this machine). `stop()` removes the table a test left there.
 */
export interface AppLab {
  lab: Lab;
  /** The bridge's URL, token included: what a browser opens. */
  url: string;
  socketPath: string;
  dataDir: string;
  helper: PosternProcess;
  /** Kills the helper (SIGKILL) and starts a new one on the same socket. */
  killHelper(): Promise<void>;
  startHelper(): Promise<void>;
  /** Pings the server's tunnel address from the client namespace. */
  ping(count: number): Promise<{ code: number | null; stdout: string }>;
  /** Pings the server on the link, around any tunnel: what the kill switch refuses while it blocks. */
  pingAroundTunnel(): Promise<{ code: number | null; stdout: string }>;
  /** The kill switch's file of this lab's helpers. */
  killSwitchSettingsPath: string;
  /** `nft list table inet postern` in the client namespace; undefined when there is none. */
  killSwitchTable(): Promise<string | undefined>;
  stop(): Promise<void>;
}

export interface AppLabOptions extends LabOptions {
  /** Whose desktop session the app runs in (default the member). */
  as?: keyof LabUsers;
}

export async function startAppLab(options: AppLabOptions = {}): Promise<AppLab> {
  ensureRendererBuilt();
  const { as = 'member', ...labOptions } = options;
  const user = labUsers()[as];
  assertCheckoutReadable(user, REPO);
  const lab = await startLab({ proto: 'udp', ...labOptions });
  const socketDir = mkdtempSync(join(tmpdir(), 'postern-app-sock-'));
  chmodSync(socketDir, 0o755);
  const dataDir = userFolder(user, 'postern-app-data-');
  const socketPath = join(socketDir, 'postern.sock');
  const killSwitchSettingsPath = join(lab.dir, 'killswitch.json');
  const startHelperProcess = async (): Promise<PosternProcess> => {
    const helper = new PosternProcess(lab.clientNs, ['helper', '--socket', socketPath, '--group', LAB_GROUP], { POSTERN_KILLSWITCH_SETTINGS: killSwitchSettingsPath });
    await waitUntil(() => existsSync(socketPath), 15_000, () => `the helper did not start:\n${helper.stderr.join('')}`);
    await assertInNamespace(helper, lab.clientNs);
    return helper;
  };
  const removeKillSwitchTable = async (): Promise<void> => {
    await lab.exec(lab.clientNs, ['nft', 'delete', 'table', 'inet', 'postern']).catch(() => undefined);
  };
  let web: ChildProcess | undefined;
  let firstHelper: PosternProcess;
  try {
    firstHelper = await startHelperProcess();
  } catch (error) {
    await lab.stop();
    rmSync(socketDir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const appLab: AppLab = {
    lab, url: '', socketPath, dataDir, killSwitchSettingsPath,
    helper: firstHelper,
    killHelper: async () => {
      await appLab.helper.stop('SIGKILL');
      rmSync(socketPath, { force: true });
    },
    startHelper: async () => {
      appLab.helper = await startHelperProcess();
    },
    ping: async (count) => {
      const result = await lab.exec(lab.clientNs, ['ping', '-c', String(count), '-i', '0.2', '-W', '2', lab.tunnel.serverIp], { timeoutMs: count * 1000 + 10_000 });
      return { code: result.code, stdout: result.stdout };
    },
    pingAroundTunnel: async () => {
      const result = await lab.exec(lab.clientNs, ['ping', '-c', '1', '-W', '2', lab.link.serverIp], { timeoutMs: 10_000 });
      return { code: result.code, stdout: `${result.stdout}${result.stderr}` };
    },
    killSwitchTable: async () => {
      const listed = await lab.exec(lab.clientNs, ['nft', 'list', 'table', 'inet', 'postern']);
      return listed.code === 0 ? listed.stdout : undefined;
    },
    stop: async () => {
      web?.kill('SIGTERM');
      await appLab.helper.stop('SIGTERM');
      // The table outlives the helper on purpose (a kill switch that ends with its process is none).
      await removeKillSwitchTable();
      await lab.stop();
      rmSync(socketDir, { recursive: true, force: true });
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  try {
    const [program = 'setpriv', ...args] = asUser(user, [process.execPath, '--import', 'tsx', WEB_MAIN], { POSTERN_SOCKET: socketPath, POSTERN_DATA_DIR: dataDir, POSTERN_NO_BROWSER: '1' });
    web = spawn(program, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    appLab.url = await readUrl(web);
  } catch (error) {
    await appLab.stop();
    throw error;
  }
  return appLab;
}

/** The helper must run in the lab's client namespace: its kill switch would otherwise block this machine. (Also used by e2e/electron-main.) */
export async function assertInNamespace(helper: PosternProcess, namespace: string): Promise<void> {
  const pid = helper.child.pid;
  const identified = pid === undefined ? undefined : await run('ip', ['netns', 'identify', String(pid)]);
  if (identified?.stdout.trim() === namespace) return;
  await helper.stop('SIGKILL');
  throw new Error(`the helper (pid ${pid}) is not in the namespace ${namespace}: ${identified?.stdout.trim() || identified?.stderr.trim() || 'no pid'}`);
}

/** A clean checkout (CI) has no dist/renderer yet: build it once. */
function ensureRendererBuilt(): void {
  if (existsSync(join(REPO, 'dist/renderer/index.html'))) return;
  const built = spawnSync(process.execPath, ['scripts/build.mjs', 'renderer'], { cwd: REPO, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('building the renderer failed');
}

function readUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`start:web printed no URL:\n${output}`)), 20_000);
    const take = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = URL_PATTERN.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    };
    child.stdout?.on('data', take);
    child.stderr?.on('data', take);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`start:web exited with ${code}:\n${output}`)); });
  });
}

async function waitUntil(predicate: () => boolean, timeoutMs: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(describe());
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
