import { accessSync, closeSync, constants, fstatSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, resolve, sep } from 'node:path';
import { MAX_REFERENCED_FILE_BYTES } from '../../core/config/index';
import type { FileKind, FileReadFailure, ReadProfileFile } from '../../core/config/index';

/**
 * A file a profile names outside its folder, as the import verdict lists it:
 * - a certificate or key: `found` (read once the user confirms this path), `missing` or `unreadable`;
 * - a secret (password, passphrase): `not_read`, always; the profile asks for it at connect.
 */
export interface OutsideFile {
  directive: string;
  line: number;
  /** Absolute: where the file is, as the user confirms it. */
  path: string;
  kind: FileKind;
  status: 'found' | 'missing' | 'unreadable' | 'not_read';
}

export interface ImportReader {
  readFile: ReadProfileFile;
  /** Filled while the profile is parsed with readFile. */
  outside: OutsideFile[];
}

/**
 * The app's rule for the files a profile names (the CLI's is core's importProfile: read all,
 * with the user's rights). Files inside the profile's folder are read. Outside it (an absolute
 * name, `..` past the folder, a symlink pointing out, or any name when the profile came as
 * text without a folder): a certificate or key is only looked at (exists, readable) and read
 * only when its path is in `confirmed`; a secret is never touched at all.
 */
export function createImportReader(options: { folder?: string; confirmed?: ReadonlySet<string> } = {}): ImportReader {
  const folder = options.folder === undefined ? undefined : realpathOrSelf(options.folder);
  const confirmed = options.confirmed ?? new Set<string>();
  const outside: OutsideFile[] = [];
  const readFile: ReadProfileFile = (path, ref) => {
    if (!isAbsolute(path) && folder === undefined) return { failure: 'no_folder' };
    const full = folder === undefined ? resolve(path) : resolve(folder, path);
    const note = (status: OutsideFile['status']): void => { outside.push({ directive: ref.directive, line: ref.line, path: full, kind: ref.kind, status }); };
    if (ref.outside && ref.kind === 'secret') {
      note('not_read');
      return { failure: 'withheld' };
    }
    let real: string;
    try {
      real = realpathSync(full);
    } catch (cause) {
      if (ref.outside) note(statusOf(cause));
      return { failure: failureOf(cause) };
    }
    const inside = folder !== undefined && !ref.outside && real.startsWith(folder + sep);
    if (inside) return readRegularFile(real);
    if (ref.kind === 'secret') {
      note('not_read');
      return { failure: 'withheld' };
    }
    const status = lookAt(real);
    note(status);
    if (status !== 'found' || !confirmed.has(full)) return { failure: 'withheld' };
    return readRegularFile(real);
  };
  return { readFile, outside };
}

function realpathOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/** Exists, is a regular file, and this process may read it: checked without reading a byte. */
function lookAt(path: string): OutsideFile['status'] {
  try {
    if (!statSync(path).isFile()) return 'unreadable';
    accessSync(path, constants.R_OK);
    return 'found';
  } catch (cause) {
    return statusOf(cause);
  }
}

function statusOf(cause: unknown): 'missing' | 'unreadable' {
  return failureOf(cause) === 'missing' ? 'missing' : 'unreadable';
}

function failureOf(cause: unknown): FileReadFailure {
  const code = (cause as NodeJS.ErrnoException).code;
  return code === 'EACCES' || code === 'EPERM' ? 'denied' : code === 'EISDIR' || code === 'ENXIO' ? 'not_a_file' : 'missing';
}

/** A regular file's bytes, at most one more than the limit (the parser reports the size). */
function readRegularFile(path: string): Buffer | { failure: FileReadFailure } {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    if (!fstatSync(fd).isFile()) return { failure: 'not_a_file' };
    const buffer = Buffer.alloc(MAX_REFERENCED_FILE_BYTES + 1);
    let total = 0;
    for (;;) {
      const n = readSync(fd, buffer, total, buffer.length - total, null);
      if (n === 0 || total + n >= buffer.length) return buffer.subarray(0, total + n);
      total += n;
    }
  } catch (cause) {
    return { failure: failureOf(cause) };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
