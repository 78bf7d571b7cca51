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
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.size > MAX_PROFILE_BYTES) return false;
    const bytes = Buffer.alloc(stat.size);
    let read = 0;
    while (read < bytes.length) {
      const got = readSync(fd, bytes, read, bytes.length - read, read);
      if (got === 0) break;
      read += got;
    }
    return bytes.subarray(0, read).toString('utf8') === text;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
