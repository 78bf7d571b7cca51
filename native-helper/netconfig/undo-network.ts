import { lstat, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { UndoAction } from './network-plan-types';
import type { NetconfigRunners } from './command-runner';
import { DEFAULT_RESOLV_CONF_PATH } from './dns-backend';
import { decodeJournal, type JournalHeader } from './journal-codec';
import { removeJournalFiles, rewriteJournal } from './journal-files';
import { checkJournalFile, checkJournalFolder } from './journal-trust';
import type { Journal } from './journal';
import { describeError } from './netconfig-error';
import { restoreFile } from './restore-file';
import { checkUndoAction } from './undo-action-check';

export interface UndoReport {
  journalPath: string;
  /** Undo commands that did their job. */
  undone: number;
  /** Undo commands whose target was already gone (the TUN device vanished with its routes). */
  alreadyGone: number;
  /** Everything else that failed, one line each; undo goes on past them. */
  failures: string[];
  /**
   * Never run: a record that is no undo step the helper writes, or a journal (or its folder)
   * that someone other than the helper could have written. Left in place for a human.
   */
  refused: string[];
  /** Undo steps that failed and stay in the journal: the next start (rollbackStaleJournals) tries them again. */
  owed: number;
  /** The journal is still on disk: steps owed, records refused, or a journal we cannot read or trust. */
  kept: boolean;
}

export interface UndoOptions {
  /** The resolv.conf the helper writes: the one file a journal may restore. Default /etc/resolv.conf. */
  resolvConfPath?: string;
}

export function emptyUndoReport(journalPath: string): UndoReport {
  return { journalPath, undone: 0, alreadyGone: 0, failures: [], refused: [], owed: 0, kept: false };
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
 * Takes back everything the journal owes, newest first. When every step is done (or its
 * target already gone) the journal and its sidecars are removed; otherwise the journal is
 * cut down to the steps still owed, which the next start retries. A journal we cannot
 * trust or read is kept as it is and nothing of it runs. Never throws.
 */
export async function undoNetwork(journal: Journal | string, runners: NetconfigRunners, options: UndoOptions = {}): Promise<UndoReport> {
  const path = typeof journal === 'string' ? journal : journal.path;
  const report = emptyUndoReport(path);
  let text: string;
  try {
    const refused = await checkJournalFolder(dirname(path)) ?? await checkJournalFile(path);
    if (refused) {
      report.refused.push(refused);
      report.kept = true;
      return report;
    }
    text = await readFile(path, 'utf8');
  } catch (error) {
    report.failures.push(`cannot read the journal: ${describeError(error)}`);
    report.kept = await exists(path);
    return report;
  }
  // Not one complete line: Journal.create was cut short before its header (written with its
  // newline in one write) reached the disk, so no step can have run. Nothing is owed.
  if (!text.includes('\n')) {
    await settle(path, undefined, [], [], report);
    return report;
  }
  const decoded = decodeJournal(text);
  if (!decoded.ok) {
    report.failures.push(`${decoded.error.message}: kept as it is, nothing replayed`);
    report.kept = true;
    return report;
  }
  const { header, actions, unreadableLines } = decoded.value;
  if (unreadableLines.length > 0) report.failures.push(`${unreadableLines.length} line(s) of the journal cannot be read: kept in it`);
  const context = { journalPath: path, tunName: header.tunName, resolvConfPath: options.resolvConfPath ?? DEFAULT_RESOLV_CONF_PATH };
  const stillOwed: Array<{ id: number; action: UndoAction }> = [];
  for (const entry of [...actions].reverse()) {
    const refusal = checkUndoAction(entry.action, context);
    if (refusal) {
      report.refused.push(`record ${entry.id}: ${refusal}`);
      stillOwed.unshift(entry);
      continue;
    }
    const outcome = await runUndoAction(entry.action, runners);
    if (outcome === 'done') report.undone += 1;
    else if (outcome === 'gone') report.alreadyGone += 1;
    else {
      report.failures.push(outcome);
      report.owed += 1;
      stillOwed.unshift(entry);
    }
  }
  await settle(path, header, stillOwed, unreadableLines, report);
  return report;
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
      return await restoreFile(action.path, action.backupPath) ?? 'done';
  }
}

/** Nothing owed and nothing unreadable: remove. Else rewrite to what is still owed. */
async function settle(
  path: string,
  header: JournalHeader | undefined,
  stillOwed: ReadonlyArray<{ id: number; action: UndoAction }>,
  unreadableLines: readonly string[],
  report: UndoReport,
): Promise<void> {
  const keep = header !== undefined && (stillOwed.length > 0 || unreadableLines.length > 0);
  try {
    if (keep) await rewriteJournal(path, header, stillOwed, unreadableLines);
    else await removeJournalFiles(path);
  } catch (error) {
    report.failures.push(`cannot ${keep ? 'rewrite' : 'remove'} the journal: ${describeError(error)}`);
  }
  report.kept = keep || await exists(path);
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(() => true, () => false);
}
