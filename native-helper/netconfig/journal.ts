import { randomBytes } from 'node:crypto';
import { open, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Result } from '../../core/index';
import type { UndoAction } from './network-plan-types';
import { encodeJournalRecord, JOURNAL_VERSION, type JournalHeader, type JournalRecord } from './journal-codec';
import { ensureJournalFolder } from './journal-trust';
import { describeError, netconfigError, type NetconfigError } from './netconfig-error';
import { syncDirectory } from './replace-file';
import { checkUndoAction } from './undo-action-check';

export const DEFAULT_JOURNAL_DIR = '/run/postern/journal';
export const JOURNAL_SUFFIX = '.journal';

/**
 * One tunnel's undo journal: a file of its own in the journal directory (0700, parents
 * 0755), written 0600 and fsync'd after every record, so whatever reached the kernel is on
 * disk first. It takes only records that replay would accept (undo-action-check.ts).
 */
export class Journal {
  private nextId = 1;

  private constructor(readonly path: string, readonly tunName: string) {}

  static async create(dir: string, tunName: string): Promise<Result<Journal, NetconfigError>> {
    try {
      await ensureJournalFolder(dir);
      const name = `${tunName}-${process.pid}-${randomBytes(3).toString('hex')}${JOURNAL_SUFFIX}`;
      const journal = new Journal(join(dir, name), tunName);
      const header: JournalHeader = {
        kind: 'header', version: JOURNAL_VERSION, pid: process.pid,
        pidStartTicks: await processStartTicks(process.pid) ?? '', tunName, createdAtMs: Date.now(),
        netns: await currentNetworkNamespace(),
      };
      await journal.write(header, 'wx');
      await syncDirectory(dir);
      return { ok: true, value: journal };
    } catch (error) {
      return { ok: false, error: netconfigError('netconfig.journal_failed', `cannot create the undo journal in ${dir}: ${describeError(error)}`) };
    }
  }

  /** Records what will take a change back; call BEFORE making the change. Returns the record id. */
  async recordUndo(action: UndoAction): Promise<Result<number, NetconfigError>> {
    // Replay would refuse it, so the change must not happen: the step fails here, visibly, instead.
    const refused = checkUndoAction(action, { journalPath: this.path, tunName: this.tunName });
    if (refused) return { ok: false, error: netconfigError('netconfig.journal_failed', `refusing to journal an undo that replay would refuse: ${refused}`) };
    const id = this.nextId++;
    return this.tryWrite({ kind: 'undo', id, action }, id);
  }

  /** The change recorded as `id` did not happen: nothing to undo. */
  async cancel(id: number): Promise<Result<number, NetconfigError>> {
    return this.tryWrite({ kind: 'cancel', id }, id);
  }

  /** A file beside the journal that is removed with it (the resolv.conf backup). */
  sidecarPath(label: string): string {
    return `${this.path}.${label}`;
  }

  private async tryWrite(record: JournalRecord, id: number): Promise<Result<number, NetconfigError>> {
    try {
      await this.write(record, 'a');
      return { ok: true, value: id };
    } catch (error) {
      return { ok: false, error: netconfigError('netconfig.journal_failed', `cannot write the undo journal ${this.path}: ${describeError(error)}`) };
    }
  }

  private async write(record: JournalRecord, flags: 'a' | 'wx'): Promise<void> {
    const handle = await open(this.path, flags, 0o600);
    try {
      await handle.write(encodeJournalRecord(record));
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
}

/** Field 22 of /proc/<pid>/stat (after the parenthesised name, which may hold spaces). */
export async function processStartTicks(pid: number): Promise<string | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19];
  } catch {
    return undefined;
  }
}

/** `net:[4026531840]` for the namespace this process lives in; undefined where /proc does not say. */
export async function currentNetworkNamespace(): Promise<string | undefined> {
  return readlink('/proc/self/ns/net').catch(() => undefined);
}
