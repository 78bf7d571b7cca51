import { readdir, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { UndoAction } from './network-plan-types';
import { encodeJournalRecord, type JournalHeader } from './journal-codec';
import { JOURNAL_SUFFIX } from './journal';
import { syncDirectory, writeFileAtomically } from './replace-file';
import { REWRITE_SIDECAR } from './undo-action-check';

/**
 * What happens to a journal after an undo: gone when nothing is owed, else cut down to
 * what is. The journal is the commit point and its sidecars follow it: removing, the
 * journal goes first (a crash then leaves only orphan sidecars, swept at the next start,
 * never a record whose backup is gone); rewriting, the sidecars the new journal no longer
 * names go after the rename.
 */

/** Removes the journal, then every `<journal>.*` sidecar. */
export async function removeJournalFiles(path: string): Promise<void> {
  await rm(path, { force: true });
  await syncDirectory(dirname(path));
  await removeSidecars(path, new Set());
}

/**
 * Replaces the journal atomically (temp 0600 in the same folder, fsync, rename, fsync the
 * folder) by its header, the lines nobody could read (kept verbatim) and the still-owed
 * undo records with their ids; then removes the sidecars none of those records needs.
 */
export async function rewriteJournal(
  path: string,
  header: JournalHeader,
  owed: ReadonlyArray<{ id: number; action: UndoAction }>,
  unreadableLines: readonly string[],
): Promise<void> {
  const text = [
    encodeJournalRecord(header),
    ...unreadableLines.map((line) => `${line}\n`),
    ...owed.map(({ id, action }) => encodeJournalRecord({ kind: 'undo', id, action })),
  ].join('');
  await writeFileAtomically(path, Buffer.from(text), 0o600, `${path}.${REWRITE_SIDECAR}`);
  const needed = new Set(owed.flatMap(({ action }) => (action.kind === 'restore-file' && action.backupPath !== null ? [resolve(action.backupPath)] : [])));
  await removeSidecars(path, needed);
}

/** Sidecars whose journal is gone (a crash between the two removals above). */
export async function sweepOrphanSidecars(dir: string): Promise<void> {
  const names = await readdir(dir);
  const journals = new Set(names.filter((name) => name.endsWith(JOURNAL_SUFFIX)));
  for (const name of names) {
    const owner = name.slice(0, name.indexOf(`${JOURNAL_SUFFIX}.`) + JOURNAL_SUFFIX.length);
    if (name.includes(`${JOURNAL_SUFFIX}.`) && !journals.has(owner)) await rm(join(dir, name), { force: true });
  }
}

async function removeSidecars(path: string, keep: ReadonlySet<string>): Promise<void> {
  const dir = dirname(path);
  const prefix = `${basename(path)}.`;
  for (const name of await readdir(dir)) {
    const sidecar = resolve(dir, name);
    if (name.startsWith(prefix) && !keep.has(sidecar)) await rm(sidecar, { force: true });
  }
}
