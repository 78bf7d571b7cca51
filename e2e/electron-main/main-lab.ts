import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PosternProcess } from '../../native-helper/cli/testing/postern-process';
import { assertInNamespace } from '../app/app-lab';
import { startLab } from '../lab/lab';
import type { Lab, LabOptions } from '../lab/lab';
import { LAB_GROUP, asUser, assertCheckoutReadable, labUsers, userFolder } from '../lab/lab-users';
import { MainProcess, REPO, ensureMainBuilt } from './main-process';
import type { MainOptions } from './main-process';

/**
 * Test-only: the built Electron main on the double, against everything real underneath: the
 * lab's openvpn server, `postern helper` as root in the lab's client namespace (the tunnel, its
 * routes and its kill switch table live there), and main as the lab member (a normal user in the
 * helper's group, as on a desktop) with a data folder of its own. The socket is a file, so main
 * reaches the helper from the host namespace, as the desktop app would.
 */
export interface MainLab {
  lab: Lab;
  socketPath: string;
  dataDir: string;
  /** The member's folder for profile files (Open with Postern reads them with the member's rights). */
  profileDir: string;
  /** Starts main (dist/electron/main.cjs) as the member; stopped at `stop()` at the latest. */
  startMain(options?: Omit<MainOptions, 'env' | 'runAs'>): Promise<MainProcess>;
  /** Writes a profile file the member owns; returns its path. */
  writeProfile(fileName: string, text: string): string;
  /** Pings the server's tunnel address from the client namespace. */
  ping(count: number): Promise<{ code: number | null; stdout: string }>;
  stop(): Promise<void>;
}

export async function startMainLab(options: LabOptions = {}): Promise<MainLab> {
  ensureMainBuilt();
  const { member } = labUsers();
  assertCheckoutReadable(member, REPO);
  const lab = await startLab({ proto: 'udp', ...options });
  const socketDir = mkdtempSync(join(tmpdir(), 'postern-main-sock-'));
  chmodSync(socketDir, 0o755);
  const socketPath = join(socketDir, 'postern.sock');
  const dataDir = userFolder(member, 'postern-main-data-');
  const profileDir = userFolder(member, 'postern-main-profiles-');
  const mains: MainProcess[] = [];
  const helper = new PosternProcess(lab.clientNs, ['helper', '--socket', socketPath, '--group', LAB_GROUP], { POSTERN_KILLSWITCH_SETTINGS: join(lab.dir, 'killswitch.json') });
  const cleanUp = async (): Promise<void> => {
    for (const main of mains) await main.stop();
    await helper.stop('SIGTERM');
    await lab.exec(lab.clientNs, ['nft', 'delete', 'table', 'inet', 'postern']).catch(() => undefined);
    await lab.stop();
    for (const dir of [socketDir, dataDir, profileDir]) rmSync(dir, { recursive: true, force: true });
  };
  try {
    const deadline = Date.now() + 15_000;
    while (!helper.stderr.join('').includes('listening on') || !existsSync(socketPath)) {
      if (Date.now() > deadline || helper.child.exitCode !== null) throw new Error(`the helper did not start:\n${helper.stderr.join('')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await assertInNamespace(helper, lab.clientNs);
  } catch (error) {
    await cleanUp();
    throw error;
  }
  return {
    lab, socketPath, dataDir, profileDir,
    startMain: async (mainOptions = {}) => {
      const main = new MainProcess({ ...mainOptions, env: { POSTERN_SOCKET: socketPath, POSTERN_DATA_DIR: dataDir }, runAs: (argv, env) => asUser(member, argv, env) });
      mains.push(main);
      await main.loaded;
      return main;
    },
    writeProfile: (fileName, text) => {
      const path = join(profileDir, fileName);
      writeFileSync(path, text, { mode: 0o600 });
      chownSync(path, member.uid, member.gid);
      return path;
    },
    ping: async (count) => {
      const result = await lab.exec(lab.clientNs, ['ping', '-c', String(count), '-i', '0.2', '-W', '2', lab.tunnel.serverIp], { timeoutMs: count * 1000 + 10_000 });
      return { code: result.code, stdout: result.stdout };
    },
    stop: cleanUp,
  };
}
