import { closeSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';
import { err, ok } from '../wire/result';
import type { Result } from '../wire/result';
import { MAX_REFERENCED_FILE_BYTES } from '../config/constants';
import { oversizeProblem } from '../config/decode-text';
import { embedFileReferences, MAX_PROFILE_BYTES, parseProfile, type ParseProfileResult } from '../config/index';

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
 * Reads a profile from disk (the parser in config/ never does I/O) and inlines the files it refers to. Only regular
 * files inside the profile's folder are read (after resolving symlinks), and at
 * most a little over the size limits, so a hostile profile cannot make us read
 * /dev/zero, a FIFO, or a file elsewhere through a link.
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
    return ok({ name, profile: undefined, problems: [oversizeProblem()], omittedProblems: 0, inlinedFiles: [], selfContainedText: undefined });
  }
  const bytes = readBounded(path, MAX_PROFILE_BYTES);
  if (bytes === undefined) return err({ code: 'import.unreadable', message: `${path} cannot be read.` });
  const result = parseProfile(bytes, { readFile: (relative) => readInside(folder, relative) });
  const selfContainedText = result.profile === undefined ? undefined : embedFileReferences(bytes, result.inlinedFiles);
  return ok({ ...result, name, selfContainedText });
}

function readInside(folder: string, relative: string): Buffer | undefined {
  try {
    const real = realpathSync(join(folder, relative));
    if (!real.startsWith(folder + sep) || !statSync(real).isFile()) return undefined;
    return readBounded(real, MAX_REFERENCED_FILE_BYTES);
  } catch {
    return undefined;
  }
}

/** At most limit + 1 bytes: enough for the parser to see that a file is too large. */
function readBounded(path: string, limit: number): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buffer = Buffer.alloc(limit + 1);
    let total = 0;
    for (;;) {
      const n = readSync(fd, buffer, total, buffer.length - total, null);
      if (n === 0 || total + n >= buffer.length) return buffer.subarray(0, total + n);
      total += n;
    }
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
