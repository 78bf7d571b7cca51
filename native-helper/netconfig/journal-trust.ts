import { chmod, lstat, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Journals are replayed as root, so only ones nobody else could have written count: the
 * folder and each file must be owned by the helper's euid (root in production), be what
 * they claim (a directory, a regular file: no symlinks) and be writable by no group or
 * other user. Anything else is refused: reported, never replayed, never deleted.
 */

/** Why the folder is not trusted, or undefined. A missing folder is the caller's business (ENOENT). */
export async function checkJournalFolder(dir: string): Promise<string | undefined> {
  const info = await lstat(dir);
  if (!info.isDirectory()) return `journal folder ${dir} is not a directory`;
  return ownershipProblem(`journal folder ${dir}`, info.uid, info.mode);
}

/** Why the journal file is not trusted, or undefined; throws when it cannot be examined (ENOENT: gone). */
export async function checkJournalFile(path: string): Promise<string | undefined> {
  const info = await lstat(path);
  if (!info.isFile()) return `journal ${path} is not a regular file`;
  return ownershipProblem(`journal ${path}`, info.uid, info.mode);
}

/**
 * Creates the journal folder 0700 and any missing parent 0755, each explicitly (mkdir -p
 * with 0700 would lock desktop users out of /run/postern and its socket; a umask would
 * narrow 0755 too). An existing folder is left as it is, but must pass checkJournalFolder.
 */
export async function ensureJournalFolder(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let parent = dirname(dir); !(await exists(parent)); parent = dirname(parent)) missing.unshift(parent);
  for (const parent of missing) await makeDirectory(parent, 0o755);
  await makeDirectory(dir, 0o700);
  const refused = await checkJournalFolder(dir);
  if (refused) throw new Error(`refusing to journal: ${refused}`);
}

function ownershipProblem(what: string, uid: number, mode: number): string | undefined {
  const euid = process.geteuid?.() ?? uid;
  if (uid !== euid) return `${what} is owned by uid ${uid}, not ${euid}`;
  if ((mode & 0o022) !== 0) return `${what} is writable by group or others (mode ${(mode & 0o777).toString(8)})`;
  return undefined;
}

/** mkdir + chmod only when this call made it; someone else's new folder keeps its mode. */
async function makeDirectory(path: string, mode: number): Promise<void> {
  try {
    await mkdir(path, { mode });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return;
    throw error;
  }
  await chmod(path, mode);
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(() => true, (error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return false;
    throw error;
  });
}
