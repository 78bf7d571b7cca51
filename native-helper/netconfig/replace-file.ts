import { lstat, open, readlink, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { isMountPoint } from './mount-point';

/**
 * Replacing a file's bytes so that a reader, a SIGKILL or a crash never finds it empty or
 * half-written (resolv.conf while DNS is applied or undone; the journal when it is cut down).
 */

/**
 * The new bytes go to a temp file in the same folder (mode set explicitly, no umask),
 * fsync, rename over the target, fsync the folder: at every instant the name holds the
 * whole old file or the whole new one. `tempPath` must be in the target's folder.
 */
export async function writeFileAtomically(path: string, bytes: Buffer, mode: number, tempPath = defaultTempPath(path)): Promise<void> {
  await rm(tempPath, { force: true }); // a leftover of a killed run; 'wx' below then refuses anything planted meanwhile
  const handle = await open(tempPath, 'wx', mode);
  try {
    await handle.chmod(mode);
    await writeAll(handle, bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(tempPath, path);
  } catch (error) {
    await rm(tempPath, { force: true });
    throw error;
  }
  await syncDirectory(dirname(path));
}

/**
 * For a file that cannot be renamed over (a bind mount: `ip netns exec` mounts
 * /etc/netns/NS/resolv.conf over /etc/resolv.conf, and rename(2) onto a mount point is
 * EBUSY). Never truncates first: the new bytes, padded with newlines to the old length,
 * overwrite the file in one write, fsync, then it is cut to the new length, fsync. A kill
 * between the steps leaves the old file or the new one followed by blank lines, which
 * resolv.conf parsers skip; it is never empty. (A write under one page is not torn by a
 * signal; a power cut can mix pages, as with any in-place write: the journal's restore
 * still puts the original back.)
 */
export async function writeFileInPlace(path: string, bytes: Buffer): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    const { size } = await handle.stat();
    const padded = size > bytes.length ? Buffer.concat([bytes, Buffer.alloc(size - bytes.length, '\n')]) : bytes;
    await writeAll(handle, padded);
    await handle.sync();
    if (size > bytes.length) {
      await handle.truncate(bytes.length);
      await handle.sync();
    }
  } finally {
    await handle.close();
  }
}

/**
 * resolv.conf's way: through symlinks to the file they name, then atomically, or in place
 * where that file is a mount point. A symlink (/etc/resolv.conf → ../run/systemd/resolve/
 * stub-resolv.conf, or resolvconf's) is the system's choice of who manages DNS: it stays,
 * and the file it names gets our bytes and later the original ones back. Replacing the link
 * with a file would outlive us if undo never ran, and the backup holds bytes, not the link.
 * Returns how the bytes were written.
 */
export async function replaceFileContents(path: string, bytes: Buffer, mode: number): Promise<'renamed' | 'in-place'> {
  const target = await followSymlinks(path);
  if (await isMountPoint(target)) {
    await writeFileInPlace(target, bytes);
    return 'in-place';
  }
  try {
    await writeFileAtomically(target, bytes, mode);
    return 'renamed';
  } catch (error) {
    // A mount that /proc/self/mountinfo did not show us (or another namespace's): the same fallback.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EBUSY' && code !== 'EXDEV') throw error;
    await writeFileInPlace(target, bytes);
    return 'in-place';
  }
}

/** The file a chain of symlinks ends at (which may not exist yet); the path itself when it is no link. */
export async function followSymlinks(path: string): Promise<string> {
  let current = resolve(path);
  for (let hops = 0; hops < 40; hops++) { // Linux's MAXSYMLINKS
    const info = await lstat(current).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (!info?.isSymbolicLink()) return current;
    current = resolve(dirname(current), await readlink(current));
  }
  throw new Error(`${path}: too many levels of symbolic links`);
}

/** Makes a rename or a new entry durable too, not only the file's bytes. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** From offset 0, looping on short writes (rare for a regular file, but allowed). */
async function writeAll(handle: FileHandle, bytes: Buffer): Promise<void> {
  for (let offset = 0; offset < bytes.length;) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset, offset);
    offset += bytesWritten;
  }
}

/** Hidden, beside the target, one fixed name: a killed run's leftover is reused, not piled up. */
function defaultTempPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.postern-tmp`);
}
