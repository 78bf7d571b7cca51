import { err, ok } from '../wire/result';
import type { Result } from '../wire/result';

export type ProfilePathError = 'absolute' | 'escapes' | 'empty';

/**
 * A path from a profile → a normalised path relative to the profile's folder, or
 * why it is refused. Only files inside that folder are inlined at import, so the
 * profile cannot pull in ~/.ssh/id_rsa or /etc/shadow (minivpn does the same:
 * mini:pkg/config/vpnoptions.go). Backslashes count as separators, for profiles
 * written on Windows.
 */
export function normalizeProfilePath(raw: string): Result<string, ProfilePathError> {
  const path = raw.replace(/\\/g, '/');
  if (path.length === 0) return err('empty');
  if (path.startsWith('/') || path.startsWith('~') || /^[A-Za-z]:/.test(path)) return err('absolute');
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return err('escapes');
      parts.pop();
      continue;
    }
    parts.push(part);
  }
  if (parts.length === 0) return err('empty');
  return ok(parts.join('/'));
}
