import { readdir, readFile, readlink, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { NetconfigRunners } from './command-runner';
import { systemRunners } from './command-runner';
import { decodeJournal, type JournalHeader } from './journal-codec';
import { removeJournalFiles, sweepOrphanSidecars } from './journal-files';
import { checkJournalFile, checkJournalFolder } from './journal-trust';
import { JOURNAL_SUFFIX, currentNetworkNamespace, processStartTicks } from './journal';
import { describeError } from './netconfig-error';
import { emptyUndoReport, undoNetwork, type UndoOptions, type UndoReport } from './undo-network';

export interface RollbackOptions extends UndoOptions {
  /** Namespaces some process lives in; tests stand in for /proc. */
  namespacesInUse?: () => Promise<Set<string>>;
  /** Whether the journal's writer still runs; tests stand in for a dead one. */
  isOwnerAlive?: (header: JournalHeader) => Promise<boolean>;
}

/**
 * At helper start: undo every journal whose writer is no longer alive (crashed, killed, or
 * an earlier undo that left steps owed). A journal whose pid still runs with the same
 * start time belongs to a live helper; one written in another network namespace is left
 * for a helper running there, unless that namespace is gone (its routes went with it):
 * then the journal is only removed. A folder or file others could have written is refused
 * (reported, kept, never replayed).
 */
export async function rollbackStaleJournals(
  dir: string,
  runners: NetconfigRunners = systemRunners(),
  options: RollbackOptions = {},
): Promise<UndoReport[]> {
  const { namespacesInUse = networkNamespacesInUse, isOwnerAlive = isWriterAlive, ...undoOptions } = options;
  let refused: string | undefined;
  try {
    refused = await checkJournalFolder(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []; // no folder: nothing was ever journaled
    refused = `journal folder ${dir} cannot be examined: ${describeError(error)}`;
  }
  if (refused) return [{ ...emptyUndoReport(dir), refused: [refused], kept: true }];
  const names = (await readdir(dir)).filter((name) => name.endsWith(JOURNAL_SUFFIX)).sort();
  const reports: UndoReport[] = [];
  const netns = await currentNetworkNamespace();
  let liveNamespaces: Set<string> | undefined;
  for (const name of names) {
    const path = join(dir, name);
    // Nothing in an untrusted file may steer what happens next, so it is not even decoded.
    let untrusted: string | undefined;
    try {
      untrusted = await checkJournalFile(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue; // its live writer just finished with it
      untrusted = `journal ${path} cannot be examined: ${describeError(error)}`;
    }
    if (untrusted) {
      reports.push({ ...emptyUndoReport(path), refused: [untrusted], kept: true });
      continue;
    }
    const decoded = decodeJournal(await readFile(path, 'utf8').catch(() => ''));
    const header = decoded.ok ? decoded.value.header : undefined;
    if (header && await isOwnerAlive(header)) continue;
    const written = header?.netns;
    if (written !== undefined && netns !== undefined && written !== netns) {
      liveNamespaces ??= await namespacesInUse();
      if (liveNamespaces.has(written)) continue;
      const report = emptyUndoReport(path);
      await removeJournalFiles(path).catch((error: unknown) => {
        report.failures.push(`cannot remove the journal: ${describeError(error)}`);
        report.kept = true;
      });
      reports.push(report);
      continue;
    }
    reports.push(await undoNetwork(path, runners, undoOptions));
  }
  await sweepOrphanSidecars(dir).catch(() => undefined); // tidying only; the next start tries again
  return reports;
}

async function isWriterAlive(header: JournalHeader): Promise<boolean> {
  const ticks = await processStartTicks(header.pid);
  return ticks !== undefined && ticks === header.pidStartTicks;
}

/** Every network namespace some process lives in or `ip netns` keeps (bind mounts in /run/netns). */
export async function networkNamespacesInUse(): Promise<Set<string>> {
  const found = new Set<string>();
  const pids = (await readdir('/proc').catch(() => [] as string[])).filter((entry) => /^\d+$/.test(entry));
  for (const pid of pids) {
    const link = await readlink(`/proc/${pid}/ns/net`).catch(() => undefined);
    if (link) found.add(link);
  }
  for (const name of await readdir('/run/netns').catch(() => [] as string[])) {
    const inode = await stat(join('/run/netns', name)).then((info) => info.ino, () => undefined);
    if (inode !== undefined) found.add(`net:[${inode}]`);
  }
  return found;
}
