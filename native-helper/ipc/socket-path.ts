import { chmodSync, lstatSync, mkdirSync, unlinkSync } from 'node:fs';
import { createConnection } from 'node:net';
import { dirname } from 'node:path';

export { DEFAULT_SOCKET_PATH } from '../client/socket-client';

export interface SocketPathError {
  code: 'ipc.socket_in_use' | 'ipc.socket_path_unsafe';
  message: string;
}

const LIVE_PROBE_TIMEOUT_MS = 1000;

/**
 * Makes `socketPath` ready for listen(): its folder exists (created 0755, as the
 * helper's user, root), is not writable by anyone else (else someone could swap the
 * socket under the desktop app), and no other helper is listening there. A stale
 * socket file left by a crashed helper is removed; any other file is left alone.
 */
export async function prepareSocketPath(socketPath: string): Promise<SocketPathError | undefined> {
  const folderProblem = prepareFolder(dirname(socketPath));
  if (folderProblem !== undefined) return folderProblem;
  let isSocket: boolean;
  try {
    isSocket = lstatSync(socketPath).isSocket();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return unsafe(`${socketPath} cannot be inspected (${(error as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
  if (!isSocket) return unsafe(`${socketPath} exists and is not a socket; remove it or choose another --socket path.`);
  if (await isLive(socketPath)) {
    return { code: 'ipc.socket_in_use', message: `Another Postern helper is already listening at ${socketPath}; stop it first.` };
  }
  unlinkSync(socketPath);
  return undefined;
}

function prepareFolder(folder: string): SocketPathError | undefined {
  try {
    // chmod as well: mkdir's mode passes through the umask, and desktop users must reach the socket.
    if (mkdirSync(folder, { recursive: true, mode: 0o755 }) !== undefined) chmodSync(folder, 0o755);
    const stat = lstatSync(folder);
    if (!stat.isDirectory()) return unsafe(`${folder} is not a directory.`);
    const me = process.geteuid?.() ?? 0;
    if (stat.uid !== me) return unsafe(`${folder} belongs to uid ${stat.uid}, not to the helper (uid ${me}).`);
    // Sticky /tmp-like folders are still unsafe: anyone could pre-create the path.
    if ((stat.mode & 0o022) !== 0) return unsafe(`${folder} is writable by other users (mode ${(stat.mode & 0o777).toString(8)}).`);
    return undefined;
  } catch (error) {
    return unsafe(`${folder} cannot be created (${(error as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
}

/** A connect that succeeds means a helper answers there; refused means a stale file. */
function isLive(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createConnection(socketPath);
    const done = (live: boolean): void => {
      clearTimeout(timer);
      probe.destroy();
      resolve(live);
    };
    // A socket nobody accepts on within the timeout is treated as live: safer than deleting it.
    const timer = setTimeout(() => done(true), LIVE_PROBE_TIMEOUT_MS);
    probe.once('connect', () => done(true));
    probe.once('error', () => done(false));
  });
}

/** Lets every local user reach the socket; the helper decides per caller (SO_PEERCRED). */
export function openSocketToLocalUsers(socketPath: string): void {
  chmodSync(socketPath, 0o666);
}

/** Removes the socket if it is still the one we created (same inode). */
export function removeSocketFile(socketPath: string, inode: number | undefined): void {
  try {
    const stat = lstatSync(socketPath);
    if (stat.isSocket() && (inode === undefined || stat.ino === inode)) unlinkSync(socketPath);
  } catch {
    // Already gone: nothing to undo.
  }
}

function unsafe(message: string): SocketPathError {
  return { code: 'ipc.socket_path_unsafe', message };
}
