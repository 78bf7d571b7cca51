import { chmodSync, chownSync, lstatSync, mkdirSync, unlinkSync } from 'node:fs';
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
  const folderProblem = prepareSharedFolder(dirname(socketPath));
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

/**
 * A folder of the helper's that other users must be able to enter (the socket's, /run/postern):
 * created 0755 if missing, refused if someone else owns it or can write to it.
 */
export function prepareSharedFolder(folder: string): SocketPathError | undefined {
  try {
    mkdirSync(folder, { recursive: true, mode: 0o755 });
    const stat = lstatSync(folder);
    if (!stat.isDirectory()) return unsafe(`${folder} is not a directory.`);
    const me = process.geteuid?.() ?? 0;
    if (stat.uid !== me) return unsafe(`${folder} belongs to uid ${stat.uid}, not to the helper (uid ${me}).`);
    // Sticky /tmp-like folders are still unsafe: anyone could pre-create the path.
    if ((stat.mode & 0o022) !== 0) return unsafe(`${folder} is writable by other users (mode ${(stat.mode & 0o777).toString(8)}).`);
    // Ours and not writable by others, but maybe closed to them (mkdir's mode passes through the
    // umask; an older root `postern connect` made /run/postern 0700): desktop users must reach the socket.
    if ((stat.mode & 0o777) !== 0o755) chmodSync(folder, 0o755);
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

/**
 * root:GROUP 0660, so only root and the group's members can connect() at all; with no
 * group, 0600 (root only). The helper checks each caller again (admission.ts).
 */
export function openSocketToGroup(socketPath: string, gid: number | undefined): void {
  if (gid === undefined) {
    chmodSync(socketPath, 0o600);
    return;
  }
  chownSync(socketPath, process.geteuid?.() ?? 0, gid);
  chmodSync(socketPath, 0o660);
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
