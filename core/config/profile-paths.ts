import { err, ok } from '../wire/result';
import type { Result } from '../wire/result';

export type ProfilePathError = 'unsupported' | 'empty';

/** Where a file a profile names is, as far as its spelling tells. */
export interface ProfilePath {
  /**
   * Normalised, with `/` separators: relative to the profile's folder (starting with `../`
   * when it leaves it), or absolute.
   */
  path: string;
  /** Absolute, or leaves the folder through `..`. A symlink pointing out is the reader's to find. */
  outside: boolean;
}

/**
 * A path from a profile → where it points, or why it cannot be resolved: `~` (a shell's
 * expansion, never OpenVPN's) and a Windows drive letter name nothing on this machine.
 * Backslashes count as separators, for profiles written on Windows. Whether a file
 * outside the folder is read is the importer's rule, not the parser's (file-kinds.ts).
 */
export function locateProfilePath(raw: string): Result<ProfilePath, ProfilePathError> {
  const path = raw.replace(/\\/g, '/');
  if (path.length === 0) return err('empty');
  if (path.startsWith('~') || /^[A-Za-z]:/.test(path)) return err('unsupported');
  const absolute = path.startsWith('/');
  const parts: string[] = [];
  let up = 0;
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length > 0) parts.pop();
      else if (!absolute) up += 1;
      continue;
    }
    parts.push(part);
  }
  if (parts.length === 0) return err('empty');
  if (absolute) return ok({ path: `/${parts.join('/')}`, outside: true });
  return ok({ path: [...Array<string>(up).fill('..'), ...parts].join('/'), outside: up > 0 });
}
