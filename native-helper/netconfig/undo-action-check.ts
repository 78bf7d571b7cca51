import { basename, dirname, isAbsolute, resolve } from 'node:path';
import type { UndoAction } from './network-plan-types';
import { isIpUndoArgv, isResolvectlUndoArgv } from './undo-argv-shapes';

/** What a journal's records are checked against before any of them runs. */
export interface UndoCheckContext {
  journalPath: string;
  /** The header's tunnel: link, address and resolved undo touch only it. */
  tunName: string;
  /**
   * The one file restore-file may write: the resolv.conf the helper is configured with.
   * Absent only when the journal itself checks a record it is about to write (it does not know the path).
   */
  resolvConfPath?: string;
}

/** Sidecar labels Journal.sidecarPath is called with; the rewrite's temp file is not one. */
const SIDECAR_LABEL = /^[a-z0-9][a-z0-9-]*$/;
export const REWRITE_SIDECAR = 'rewrite';

/**
 * Why the record must not run, or undefined when it is one the helper writes: an `ip` or
 * `resolvectl` argv of a known shape (undo-argv-shapes.ts), or a restore of the configured
 * resolv.conf from a sidecar of this very journal. Everything else is refused, never run.
 */
export function checkUndoAction(action: UndoAction, context: UndoCheckContext): string | undefined {
  const shape = { tunName: context.tunName };
  switch (action.kind) {
    case 'ip':
      return isIpUndoArgv(action.argv, shape) ? undefined : `ip ${printable(action.argv)}: not an undo command the helper writes`;
    case 'resolvectl':
      return isResolvectlUndoArgv(action.argv, shape) ? undefined : `resolvectl ${printable(action.argv)}: not an undo command the helper writes`;
    case 'restore-file':
      return checkRestore(action.path, action.backupPath, context);
  }
}

/** True for `<journal>.<label>`: same folder, the journal's name plus a dot and a plain label. */
export function isSidecarOf(journalPath: string, candidate: string): boolean {
  const journal = resolve(journalPath);
  const file = resolve(candidate);
  const prefix = `${basename(journal)}.`;
  const label = basename(file).slice(prefix.length);
  return dirname(file) === dirname(journal) && basename(file).startsWith(prefix) && SIDECAR_LABEL.test(label) && label !== REWRITE_SIDECAR;
}

function checkRestore(path: string, backupPath: string | null, context: UndoCheckContext): string | undefined {
  const what = `restore ${printable([path])} from ${backupPath === null ? 'nothing' : printable([backupPath])}`;
  if (!isAbsolute(path) || resolve(path) !== path) return `${what}: not a plain absolute path`;
  if (context.resolvConfPath !== undefined && path !== resolve(context.resolvConfPath)) {
    return `${what}: only ${context.resolvConfPath} is ever restored`;
  }
  if (backupPath !== null && !isSidecarOf(context.journalPath, backupPath)) return `${what}: the backup is not a sidecar of this journal`;
  return undefined;
}

/** For the report: JSON keeps odd bytes visible and a line a line. */
function printable(words: readonly string[]): string {
  return words.map((word) => (/^[\w./:@%~#-]+$/.test(word) ? word : JSON.stringify(word))).join(' ');
}
