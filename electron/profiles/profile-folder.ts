import { closeSync, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute } from 'node:path';

/** The largest profile the window may send (app-api's ProfileFile). */
const MAX_PROFILE_BYTES = 512 * 1024;

/**
 * The folder of a dropped or picked profile, from the path the window's preload reported
 * (Electron's webUtils.getPathForFile). The window is not trusted with it: the folder is
 * granted only when that path is a regular .ovpn/.conf file holding exactly the text the window
 * sent, so a window cannot point the importer at a folder no profile of the user's is in.
 * Anything else (no path, another text, not a file) is a profile without a folder, as a text drop.
 */
export function folderOfProfileFile(path: string | undefined, text: string): string | undefined {
  if (path === undefined || !isAbsolute(path) || !/\.(ovpn|conf)$/i.test(path)) return undefined;
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    return undefined;
  }
  return sameText(real, text) ? dirname(real) : undefined;
}

function sameText(path: string, text: string): boolean {
  const read = readProfileFile(path);
  return read.ok && read.text === text;
}

export type ProfileFileRead =
  | { ok: true; text: string }
  | { ok: false; code: 'profile.unreadable' | 'profile.too_large' };

/**
 * A profile file main opens itself (Open with Postern, a path on the command line): a regular
 * .ovpn or .conf file of at most the size the window may send, read with the user's rights.
 */
export function readProfileFile(path: string): ProfileFileRead {
  if (!isAbsolute(path) || !/\.(ovpn|conf)$/i.test(path)) return { ok: false, code: 'profile.unreadable' };
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { ok: false, code: 'profile.unreadable' };
    if (stat.size > MAX_PROFILE_BYTES) return { ok: false, code: 'profile.too_large' };
    const bytes = Buffer.alloc(stat.size);
    let read = 0;
    while (read < bytes.length) {
      const got = readSync(fd, bytes, read, bytes.length - read, read);
      if (got === 0) break;
      read += got;
    }
    return { ok: true, text: bytes.subarray(0, read).toString('utf8') };
  } catch {
    return { ok: false, code: 'profile.unreadable' };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
