import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { err, ok } from '../wire/result';
import type { Result } from '../wire/result';
import { MAX_REFERENCED_FILE_BYTES } from '../config/constants';
import { oversizeProblem } from '../config/decode-text';
import { embedFileReferences, MAX_PROFILE_BYTES, parseProfile } from '../config/index';
import type { FileReadFailure, ParseProfileResult } from '../config/index';

export interface ImportedProfile extends ParseProfileResult {
  /** The profile's file name without .ovpn/.conf: a default display name. */
  name: string;
  /** The profile with every referenced file inlined; undefined when the input was rejected whole. */
  selfContainedText: string | undefined;
}

export interface ImportError {
  code: 'import.unreadable';
  message: string;
}

/**
 * Reads a profile from disk for the CLI (the parser in config/ never does I/O) and inlines
 * the files it refers to, wherever they are: relative names from the profile's folder,
 * absolute ones as written, like openvpn --config. It runs in the CLI's process with the
 * calling user's own rights, so the OS decides what may be read; the helper never opens a
 * path a profile names. Only regular files, and at most a little over the size limits, so
 * a hostile profile cannot make us read /dev/zero or hang on a FIFO.
 */
export function importProfile(path: string): Result<ImportedProfile, ImportError> {
  let folder: string;
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) return err({ code: 'import.unreadable', message: `${path} is not a file.` });
    size = stat.size;
    folder = realpathSync(dirname(path));
  } catch (cause) {
    return err({ code: 'import.unreadable', message: `${path} cannot be read (${(cause as NodeJS.ErrnoException).code ?? 'error'}).` });
  }
  const name = basename(path).replace(/\.(ovpn|conf)$/i, '');
  if (size > MAX_PROFILE_BYTES) {
    return ok({ name, profile: undefined, problems: [oversizeProblem()], omittedProblems: 0, inlinedFiles: [], withheldFiles: [], selfContainedText: undefined });
  }
  const bytes = readBounded(path, MAX_PROFILE_BYTES);
  if (bytes === undefined) return err({ code: 'import.unreadable', message: `${path} cannot be read.` });
  const result = parseProfile(bytes, { readsOutside: true, readFile: (named) => readReferencedFile(resolve(folder, named)) });
  const selfContainedText = result.profile === undefined ? undefined : embedFileReferences(bytes, result.inlinedFiles, result.withheldFiles);
  return ok({ ...result, name, selfContainedText });
}

/** A referenced file's bytes (bounded), or why not; symlinks are followed, as the OS would for the user. */
export function readReferencedFile(path: string): Buffer | { failure: FileReadFailure } {
  let fd: number | undefined;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then refuses it.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    if (!fstatSync(fd).isFile()) return { failure: 'not_a_file' };
    return readUpTo(fd, MAX_REFERENCED_FILE_BYTES);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    return { failure: code === 'EACCES' || code === 'EPERM' ? 'denied' : code === 'EISDIR' || code === 'ENXIO' ? 'not_a_file' : 'missing' };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** At most limit + 1 bytes: enough for the parser to see that a file is too large. */
function readBounded(path: string, limit: number): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    return readUpTo(fd, limit);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function readUpTo(fd: number, limit: number): Buffer {
  const buffer = Buffer.alloc(limit + 1);
  let total = 0;
  for (;;) {
    const n = readSync(fd, buffer, total, buffer.length - total, null);
    if (n === 0 || total + n >= buffer.length) return buffer.subarray(0, total + n);
    total += n;
  }
}
