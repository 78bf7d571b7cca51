import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { basename, resolve } from 'node:path';

/** The same limit as a dropped file (the window refuses larger ones before main sees them). */
export const MAX_OPENED_PROFILE_BYTES = 512 * 1024;

export type OpenedProfile =
  | { ok: true; fileName: string; text: string }
  | { ok: false; fileName: string; code: 'profile.too_large' | 'profile.unreadable'; message: string };

/**
 * The .ovpn files the desktop asks the app to open: "Open with Postern" and a double-click
 * start it (or, through the single-instance lock, the running one) with their paths after the
 * program's own arguments. Flags (Electron's and Chromium's `--…`) are never files.
 */
export function profilePathsIn(argv: readonly string[], cwd: string = process.cwd()): string[] {
  return argv.slice(1).filter((arg) => !arg.startsWith('-') && /\.ovpn$/i.test(arg)).map((arg) => resolve(cwd, arg));
}

/**
 * A file the user opened, read as a drop is (its name and text; the window shows the verdict
 * before anything is saved). Opened without following a FIFO or a device into a hang: only a
 * regular file is read, and no more than the limit.
 */
export function readOpenedProfile(path: string): OpenedProfile {
  const fileName = basename(path);
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const info = fstatSync(fd);
    if (!info.isFile()) return { ok: false, fileName, code: 'profile.unreadable', message: `${fileName} is not a file.` };
    if (info.size > MAX_OPENED_PROFILE_BYTES) return { ok: false, fileName, code: 'profile.too_large', message: `${fileName} is ${info.size} bytes.` };
    const bytes = Buffer.alloc(info.size);
    const read = readSync(fd, bytes, 0, info.size, 0);
    return { ok: true, fileName, text: bytes.subarray(0, read).toString('utf8') };
  } catch (error) {
    return { ok: false, fileName, code: 'profile.unreadable', message: `${fileName}: ${(error as NodeJS.ErrnoException).code ?? String(error)}` };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
