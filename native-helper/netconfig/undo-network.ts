import { open, readdir, readFile, readlink, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { UndoAction } from './network-plan-types';
import type { NetconfigRunners } from './command-runner';
import { systemRunners } from './command-runner';
import { decodeJournal } from './journal-codec';
import { JOURNAL_SUFFIX, currentNetworkNamespace, processStartTicks, type Journal } from './journal';
import { describeError } from './netconfig-error';

export interface UndoReport {
  journalPath: string;
  /** Undo commands that did their job. */
  undone: number;
  /** Undo commands whose target was already gone (the TUN device vanished with its routes). */
  alreadyGone: number;
  /** Everything else that failed, one line each; undo goes on past them. */
  failures: string[];
}

/**
 * Stderr of a command whose target is already in the undone state. When the TUN device
 * disappears, the kernel drops its addresses and routes itself: that is not an error.
 */
const ALREADY_GONE = [
  /cannot find device/i, /no such device/i, // the device is gone
  /no such process/i, // ESRCH: no such route
  /cannot assign requested address/i, // EADDRNOTAVAIL: no such address
  /file exists/i, // putting back something that is already back
];

export function isAlreadyGone(stderr: string): boolean {
  return ALREADY_GONE.some((pattern) => pattern.test(stderr));
}

/**
 * Takes back everything the journal owes, newest first, then removes the journal and its
 * sidecar files. Never throws; failures are listed in the report.
 */
export async function undoNetwork(journal: Journal | string, runners: NetconfigRunners): Promise<UndoReport> {
  const path = typeof journal === 'string' ? journal : journal.path;
  const report: UndoReport = { journalPath: path, undone: 0, alreadyGone: 0, failures: [] };
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    report.failures.push(`cannot read the journal: ${describeError(error)}`);
    return report;
  }
  const decoded = decodeJournal(text);
  if (!decoded.ok) {
    report.failures.push(decoded.error.message);
  } else {
    for (const { action } of [...decoded.value.actions].reverse()) {
      const outcome = await runUndoAction(action, runners);
      if (outcome === 'done') report.undone += 1;
      else if (outcome === 'gone') report.alreadyGone += 1;
      else report.failures.push(outcome);
    }
  }
  await removeJournalFiles(path, report);
  return report;
}

/**
 * At helper start: undo every journal whose writer is no longer alive (crashed, killed).
 * A journal whose pid still runs with the same start time belongs to a live helper; one
 * written in another network namespace is left for a helper running there, unless that
 * namespace is gone (its routes went with it): then the journal is only removed.
 */
export async function rollbackStaleJournals(
  dir: string,
  runners: NetconfigRunners = systemRunners(),
  namespacesInUse: () => Promise<Set<string>> = networkNamespacesInUse,
): Promise<UndoReport[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith(JOURNAL_SUFFIX)).sort();
  } catch {
    return []; // no directory: nothing was ever journaled
  }
  const reports: UndoReport[] = [];
  const netns = await currentNetworkNamespace();
  let liveNamespaces: Set<string> | undefined;
  for (const name of names) {
    const path = join(dir, name);
    const decoded = decodeJournal(await readFile(path, 'utf8').catch(() => ''));
    const header = decoded.ok ? decoded.value.header : undefined;
    if (header && await isOwnerAlive(header.pid, header.pidStartTicks)) continue;
    const written = header?.netns;
    if (written !== undefined && netns !== undefined && written !== netns) {
      liveNamespaces ??= await namespacesInUse();
      if (liveNamespaces.has(written)) continue;
      const report: UndoReport = { journalPath: path, undone: 0, alreadyGone: 0, failures: [] };
      await removeJournalFiles(path, report);
      reports.push(report);
      continue;
    }
    reports.push(await undoNetwork(path, runners));
  }
  return reports;
}

async function isOwnerAlive(pid: number, pidStartTicks: string): Promise<boolean> {
  const ticks = await processStartTicks(pid);
  return ticks !== undefined && ticks === pidStartTicks;
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

/** 'done', 'gone', or a one-line failure. */
async function runUndoAction(action: UndoAction, runners: NetconfigRunners): Promise<string> {
  switch (action.kind) {
    case 'ip':
    case 'resolvectl': {
      const run = action.kind === 'ip' ? runners.runIp : runners.runResolvectl;
      const result = await run(action.argv);
      if (result.ok) return 'done';
      if (isAlreadyGone(result.stderr)) return 'gone';
      return `${action.kind} ${action.argv.join(' ')}: ${result.stderr}`;
    }
    case 'restore-file':
      return restoreFile(action.path, action.backupPath);
  }
}

async function restoreFile(path: string, backupPath: string | null): Promise<string> {
  try {
    if (backupPath === null) {
      await rm(path, { force: true });
      return 'done';
    }
    const original = await readFile(backupPath);
    // In place ('w' truncates the same inode): a bind-mounted or symlinked resolv.conf stays bound.
    const handle = await open(path, 'w');
    try {
      await handle.write(original);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return 'done';
  } catch (error) {
    return `restore ${path}: ${describeError(error)}`;
  }
}

async function removeJournalFiles(path: string, report: UndoReport): Promise<void> {
  const dir = dirname(path);
  const base = basename(path);
  try {
    const names = await readdir(dir);
    // Sidecars first, the journal last: a crash in between leaves a journal that still explains them.
    for (const name of names.filter((entry) => entry.startsWith(`${base}.`))) await rm(join(dir, name), { force: true });
    await rm(path, { force: true });
  } catch (error) {
    report.failures.push(`cannot remove the journal: ${describeError(error)}`);
  }
}
