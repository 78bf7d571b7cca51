import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './run';
import type { RunOptions, RunResult } from './run';

/**
 * Test-only: a stand-in for "a machine" on which the package test installs, runs and purges
 * Postern, without touching the shared host's /run, processes or network. A box is a
 * private mount and PID namespace inside one of the lab's network namespaces, with:
 * - its own /run (tmpfs): /run/postern, /run/systemd are the box's, never the host's;
 * - the files `hide` names covered by /dev/null (every `node` binary, policy-rc.d);
 * - as PID 1 either a placeholder (a machine where systemd does not run) or a real systemd
 *   that loads units only from a folder of our choosing (SYSTEMD_UNIT_PATH), so nothing of
 *   the host's own services can start, in a cgroup of its own that `stop` removes.
 * The file system is the host's: dpkg's database and the installed files are real.
 */
export interface MachineBox {
  /** PID 1 of the box as the host sees it. */
  readonly pid: number;
  /** Prefix that runs a command inside the box: its mount, PID and network namespaces. */
  readonly enter: readonly string[];
  run(argv: readonly string[], options?: RunOptions): Promise<RunResult>;
  /** Kills the box (everything in it dies with its PID 1) and removes its cgroup. */
  stop(): Promise<void>;
}

export interface MachineBoxOptions {
  /** The lab network namespace the box lives in. */
  netns: string;
  /** A scratch folder on the host (the box's unit folder is staged here). */
  dir: string;
  /** Files covered by /dev/null inside the box. */
  hide: readonly string[];
  /**
   * Boot systemd as PID 1 with these unit files (name → contents) and symlinks (name →
   * target) as its only unit folder; omitted: no systemd.
   */
  systemd?: { target: string; units: Readonly<Record<string, string>>; links: Readonly<Record<string, string>> };
}

const SYSTEMD = '/usr/lib/systemd/systemd';
const GENERATORS = '/usr/lib/systemd/system-generators';

/** Why a systemd box cannot run here, or undefined. */
export function systemdBoxSkipReason(): string | undefined {
  if (!existsSync(SYSTEMD)) return `systemd is not installed (${SYSTEMD})`;
  if (unifiedCgroupMount() === undefined) return 'no cgroup2 hierarchy is mounted (systemd in the box needs one)';
  return undefined;
}

export async function startMachineBox(options: MachineBoxOptions): Promise<MachineBox> {
  mkdirSync(options.dir, { recursive: true });
  const cgroup = options.systemd ? createBoxCgroup(options.dir) : undefined;
  const script = boxScript(options);
  writeFileSync(join(options.dir, 'box.sh'), script);
  // sh moves itself into the box's cgroup (before `ip netns exec` remounts /sys) and execs ip,
  // which execs unshare: the spawned pid ends up unshare's, and PID 1 of the box is its child.
  const moveToCgroup = cgroup === undefined ? '' : `echo $$ > ${cgroup}/cgroup.procs && `;
  const unshare = `unshare --pid --fork --kill-child --mount --mount-proc --uts --ipc${cgroup === undefined ? '' : ' --cgroup'} --propagation private sh ${join(options.dir, 'box.sh')}`;
  const child = spawn('sh', ['-c', `${moveToCgroup}exec ip netns exec ${options.netns} ${unshare}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  const stderr: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  let pid = 0;
  const stop = async (): Promise<void> => {
    for (const target of [pid, child.pid ?? 0]) {
      try {
        if (target > 0) process.kill(target, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await waitFor(() => pid === 0 || !existsSync(`/proc/${pid}`), 10_000, 'the box to end');
    if (cgroup !== undefined) await removeCgroupTree(cgroup);
  };
  try {
    pid = await boxPid(child.pid ?? 0, () => stderr.join(''));
    const enter = ['nsenter', '-t', String(pid), '-m', '-p', '-n', '--'];
    const box: MachineBox = { pid, enter, run: (argv, runOptions) => run(enter[0] ?? 'nsenter', [...enter.slice(1), ...argv], runOptions), stop };
    if (options.systemd) await waitForSystemd(box, () => stderr.join(''));
    return box;
  } catch (error) {
    await stop();
    throw error;
  }
}

function boxScript(options: MachineBoxOptions): string {
  const lines = [
    'set -e',
    'mount --make-rprivate /',
    'mount -t tmpfs -o mode=0755 tmpfs /run',
    ...options.hide.filter((path) => existsSync(path)).map((path) => `mount --bind /dev/null ${shellQuote(path)}`),
  ];
  if (!options.systemd) return `${[...lines, 'exec sleep infinity'].join('\n')}\n`;
  const units = join(options.dir, 'units');
  mkdirSync(units, { recursive: true });
  for (const [name, text] of Object.entries(options.systemd.units)) {
    mkdirSync(join(units, name, '..'), { recursive: true });
    writeFileSync(join(units, name), text);
  }
  for (const [name, target] of Object.entries(options.systemd.links)) {
    mkdirSync(join(units, name, '..'), { recursive: true });
    symlinkSync(target, join(units, name));
  }
  const empty = join(options.dir, 'empty');
  mkdirSync(empty, { recursive: true });
  return `${[
    ...lines,
    // No generators: they would make units from the host's fstab and friends.
    ...(existsSync(GENERATORS) ? [`mount --bind ${empty} ${GENERATORS}`] : []),
    'mkdir -p /run/box && cp -a ' + shellQuote(units) + ' /run/box/units',
    // cgroup v2 only, in the cgroup namespace rooted at the box's own cgroup.
    'export SYSTEMD_PROC_CMDLINE=systemd.unified_cgroup_hierarchy=1',
    'export SYSTEMD_UNIT_PATH=/run/box/units',
    `exec ${SYSTEMD} --system --unit=${options.systemd.target}`,
  ].join('\n')}\n`;
}

async function boxPid(unsharePid: number, stderr: () => string): Promise<number> {
  let pid = 0;
  await waitFor(() => {
    try {
      pid = Number(readFileSync(`/proc/${unsharePid}/task/${unsharePid}/children`, 'utf8').trim().split(/\s+/)[0] || 0);
      const program = pid > 0 ? readFileSync(`/proc/${pid}/comm`, 'utf8').trim() : '';
      // The child is PID 1 of the box; its mounts are in place once it runs sleep or systemd.
      return program === 'sleep' || program === 'systemd';
    } catch {
      return false;
    }
  }, 10_000, 'the box to start', stderr);
  return pid;
}

async function waitForSystemd(box: MachineBox, stderr: () => string): Promise<void> {
  let state = '';
  await waitFor(async () => {
    state = (await box.run(['systemctl', 'is-system-running'], { timeoutMs: 5000 })).stdout.trim();
    return state === 'running' || state === 'degraded';
  }, 30_000, 'systemd in the box to finish starting', () => `state ${state}; ${stderr()}`);
}

/** The host's cgroup2 mount point and our own cgroup in it. */
function unifiedCgroupMount(): { mount: string; path: string } | undefined {
  const mountinfo = readFileSync('/proc/self/mountinfo', 'utf8').split('\n');
  const line = mountinfo.find((entry) => entry.split(' - ')[1]?.startsWith('cgroup2 '));
  if (!line) return undefined;
  const fields = line.split(' ');
  const [root = '/', mount = ''] = [fields[3], fields[4]];
  const own = readFileSync('/proc/self/cgroup', 'utf8').split('\n').find((entry) => entry.startsWith('0::'))?.slice(3) ?? '/';
  return { mount, path: own.startsWith(root) ? own.slice(root.length) : own };
}

function createBoxCgroup(dir: string): string {
  const unified = unifiedCgroupMount();
  if (!unified) throw new Error('no cgroup2 hierarchy is mounted');
  const cgroup = join(unified.mount, unified.path, `postern-box-${process.pid}-${dir.split('/').at(-1) ?? 'x'}`);
  mkdirSync(cgroup, { recursive: true });
  return cgroup;
}

/** cgroups go away with rmdir, leaves first, once nothing runs in them. */
async function removeCgroupTree(cgroup: string): Promise<void> {
  const remove = (path: string): void => {
    for (const entry of readdirSync(path, { withFileTypes: true })) if (entry.isDirectory()) remove(join(path, entry.name));
    rmdirSync(path);
  };
  await waitFor(() => {
    try {
      if (existsSync(cgroup)) remove(cgroup);
      return true;
    } catch {
      return false;
    }
  }, 10_000, `the box's cgroup ${cgroup} to empty`);
}

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string, detail: () => string = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${detail() ? `: ${detail()}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}
