import type { Result } from '../../core/index';
import type { UndoAction } from './network-plan-types';

/**
 * The undo journal on disk: JSON lines, appended and fsync'd one at a time.
 *
 *   {"kind":"header","version":1,"pid":…,"pidStartTicks":"…","tunName":"…","createdAtMs":…}
 *   {"kind":"undo","id":1,"action":{"kind":"ip","argv":[…]}}    written BEFORE the step runs
 *   {"kind":"cancel","id":1}                                   the step failed: nothing to undo
 *
 * A crash can tear only the last line (no newline yet): it owes nothing, since its step
 * runs only after the whole line is on disk, so decoding drops it and counts it. Any other
 * line that is not a record is damage we cannot read: counted, and kept verbatim.
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
  /** The complete lines among them (not a torn last line): what they owed is unknown, so they are never dropped. */
  unreadableLines: string[];
}

export type JournalDecodeError =
  | { code: 'journal.no_header'; message: string }
  | { code: 'journal.unknown_version'; message: string };

export function encodeJournalRecord(record: JournalRecord): string {
  return `${JSON.stringify(record)}\n`;
}

export function decodeJournal(text: string): Result<JournalContents, JournalDecodeError> {
  const lines = text.split('\n');
  const torn = lines.pop() ?? ''; // after the last newline: '' unless a write was cut short
  const complete = lines.filter((line) => line.trim() !== '');
  const first = complete[0] === undefined ? undefined : parseRecord(complete[0]);
  if (!first || first.kind !== 'header') {
    return { ok: false, error: { code: 'journal.no_header', message: 'the journal does not start with a header record' } };
  }
  if (first.version !== JOURNAL_VERSION) {
    return { ok: false, error: { code: 'journal.unknown_version', message: `journal version ${first.version} is not ${JOURNAL_VERSION}, which this helper writes` } };
  }
  const owed = new Map<number, UndoAction>();
  const unreadableLines: string[] = [];
  for (const line of complete.slice(1)) {
    const record = parseRecord(line);
    if (record === undefined || record.kind === 'header') unreadableLines.push(line);
    else if (record.kind === 'undo') owed.set(record.id, record.action);
    else owed.delete(record.id);
  }
  const actions = [...owed.entries()].map(([id, action]) => ({ id, action }));
  const damagedLines = unreadableLines.length + (torn.trim() === '' ? 0 : 1);
  return { ok: true, value: { header: first, actions, damagedLines, unreadableLines } };
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
