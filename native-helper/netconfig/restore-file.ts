import { constants } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { describeError } from './netconfig-error';
import { followSymlinks, replaceFileContents } from './replace-file';

export const RESOLV_CONF_MODE = 0o644;

/**
 * Puts a file back from its backup sidecar (the same crash-safe write that replaced it)
 * and reads it back: only a byte-for-byte match counts as done, so the caller keeps the
 * backup (and the journal record) until then. A null backup: the file did not exist, so it
 * is removed (through a symlink, the file it names: the link was there before us).
 * Returns undefined when done, else a one-line failure.
 */
export async function restoreFile(path: string, backupPath: string | null): Promise<string | undefined> {
  try {
    if (backupPath === null) {
      await rm(await followSymlinks(path), { force: true });
      const left = await readFile(path).then(() => true, (error: NodeJS.ErrnoException) => error.code !== 'ENOENT');
      return left ? `restore ${path}: it is still there after removing it` : undefined;
    }
    // O_NOFOLLOW: the backup is a file of our own folder, never something a link points at.
    const original = await readFile(backupPath, { flag: constants.O_RDONLY | constants.O_NOFOLLOW });
    await replaceFileContents(path, original, RESOLV_CONF_MODE);
    const now = await readFile(path);
    return now.equals(original) ? undefined : `restore ${path}: the file does not read back as the backup (${now.length} bytes, expected ${original.length})`;
  } catch (error) {
    return `restore ${path}: ${describeError(error)}`;
  }
}
