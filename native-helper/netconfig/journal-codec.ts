import type { Result } from '../../core/index';
import type { UndoAction } from './network-plan-types';

/**
 * The undo journal on disk: JSON lines, appended and fsync'd one at a time.
 *
 *   {"kind":"header","version":1,"pid":…,"pidStartTicks":"…","tunName":"…","createdAtMs":…}
 *   {"kind":"undo","id":1,"action":{"kind":"ip","argv":[…]}}    written BEFORE the step runs
 *   {"kind":"cancel","id":1}                                   the step failed: nothing to undo
 *
 * A crash can tear only the last line; decoding drops a torn last line and counts it.
 */
export const JOURNAL_VERSION = 1;

export interface JournalHeader {
  kind: 'header';
  version: number;
  pid: number;
  /** /proc/<pid>/stat starttime: tells a live owner from a later process with the same pid. */
  pidStartTicks: string;
  tunName: string;
  createdAtMs: number;
  /**
   * The writer's network namespace (`net:[inode]`): its routes exist only there, so only a
   * helper in the same namespace may replay them. Absent in journals of older helpers.
   */
  netns?: string;
}

export type JournalRecord = JournalHeader | { kind: 'undo'; id: number; action: UndoAction } | { kind: 'cancel'; id: number };

export interface JournalContents {
  header: JournalHeader;
  /** Undo actions still owed, in the order they were recorded (undo runs them backwards). */
  actions: Array<{ id: number; action: UndoAction }>;
  /** Lines that were not records (a torn last line after a crash, or damage). */
  damagedLines: number;
}

export type JournalDecodeError = { code: 'journal.no_header'; message: string };

export function encodeJournalRecord(record: JournalRecord): string {
  return `${JSON.stringify(record)}\n`;
}

export function decodeJournal(text: string): Result<JournalContents, JournalDecodeError> {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const records = lines.map(parseRecord);
  const first = records[0];
  if (!first || first.kind !== 'header') {
    return { ok: false, error: { code: 'journal.no_header', message: 'the journal does not start with a header record' } };
  }
  const owed = new Map<number, UndoAction>();
  let damagedLines = 0;
  for (const record of records.slice(1)) {
    if (record === undefined || record.kind === 'header') damagedLines += 1;
    else if (record.kind === 'undo') owed.set(record.id, record.action);
    else owed.delete(record.id);
  }
  const actions = [...owed.entries()].map(([id, action]) => ({ id, action }));
  return { ok: true, value: { header: first, actions, damagedLines } };
}

function parseRecord(line: string): JournalRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isObject(value)) return undefined;
  switch (value['kind']) {
    case 'header':
      return typeof value['pid'] === 'number' && typeof value['pidStartTicks'] === 'string' && typeof value['tunName'] === 'string'
        && typeof value['version'] === 'number' && typeof value['createdAtMs'] === 'number'
        ? value as unknown as JournalHeader : undefined;
    case 'undo': {
      const action = parseAction(value['action']);
      return typeof value['id'] === 'number' && action ? { kind: 'undo', id: value['id'], action } : undefined;
    }
    case 'cancel':
      return typeof value['id'] === 'number' ? { kind: 'cancel', id: value['id'] } : undefined;
    default:
      return undefined;
  }
}

function parseAction(value: unknown): UndoAction | undefined {
  if (!isObject(value)) return undefined;
  const { kind } = value;
  if ((kind === 'ip' || kind === 'resolvectl') && isStringArray(value['argv'])) return { kind, argv: value['argv'] };
  if (kind === 'restore-file' && typeof value['path'] === 'string'
    && (value['backupPath'] === null || typeof value['backupPath'] === 'string')) {
    return { kind, path: value['path'], backupPath: value['backupPath'] };
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
