import { closeSync, constants, fstatSync, ftruncateSync, openSync, readFileSync, readlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { loadTunAddon } from '../addon/tun-addon';
import { printable } from '../api/index';

/** A lock this process holds until release() or its death (flock: the kernel drops it). */
export interface HeldLock {
  readonly path: string;
  release(): void;
}

export type LockResult = { ok: true; value: HeldLock } | { ok: false; holder: LockHolder | undefined; problem?: string };

/** Who holds a lock, as far as its file and /proc tell. */
export interface LockHolder {
  pid: number;
  /** What that process runs (its command line, spaces between arguments); '' when /proc does not say. */
  command: string;
}

export const RUN_DIR = '/run/postern';

/**
 * Takes an exclusive flock on `path` without waiting, and writes our pid into the file
 * so a refused process can say who is in the way. The file is opened without following
 * a symlink and must belong to us: a lock file planted by another user is refused.
 * The file is never removed: unlinking a lock file others may have open races with them.
 */
export function tryLock(path: string): LockResult {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDWR | constants.O_CREAT | constants.O_NOFOLLOW, 0o644);
  } catch (error) {
    return { ok: false, holder: undefined, problem: `cannot open ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  const me = process.geteuid?.() ?? 0;
  const stat = fstatSync(fd);
  if (stat.uid !== me || (stat.mode & 0o022) !== 0) {
    closeSync(fd);
    return { ok: false, holder: undefined, problem: `${path} belongs to uid ${stat.uid} or is writable by others; remove it` };
  }
  if (!loadTunAddon().tryLockExclusive(fd)) {
    closeSync(fd);
    return { ok: false, holder: lockHolder(path) };
  }
  ftruncateSync(fd, 0);
  writeSync(fd, `${process.pid}\n`, 0);
  let held = true;
  return {
    ok: true,
    value: {
      path,
      release: () => {
        if (!held) return;
        held = false;
        closeSync(fd);
      },
    },
  };
}

/** The pid written by the holder, and its command line, for the refusal message. */
export function lockHolder(path: string): LockHolder | undefined {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((arg) => arg !== '').join(' ');
    return { pid, command };
  } catch {
    return undefined;
  }
}

/**
 * The lock that makes one process at a time the owner of a network namespace's routes and
 * DNS: the helper while it runs a tunnel, or a root `postern connect` running its tunnel
 * in-process. Per namespace, because tunnels in two namespaces never touch each other's
 * routes (the lab runs many at once).
 */
export function networkLockPath(runDir: string = RUN_DIR): string {
  let namespace = 'unknown';
  try {
    namespace = /\[(\d+)\]/.exec(readlinkSync('/proc/self/ns/net'))?.[1] ?? namespace;
  } catch {
    // No /proc: one lock for the whole machine.
  }
  return join(runDir, `network-${namespace}.lock`);
}

/** In plain words, for a refusal: "pid 123 (postern connect work.ovpn)". */
export function describeHolder(holder: LockHolder | undefined): string {
  if (holder === undefined) return 'another process';
  const command = holder.command.length > 120 ? `${holder.command.slice(0, 117)}...` : holder.command;
  return command === '' ? `pid ${holder.pid}` : `pid ${holder.pid} (${printable(command)})`;
}
