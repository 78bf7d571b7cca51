import type { LogLine } from '../../../../electron/api/app-api';

/** The log as plain text, one line each: what Copy and Export hand over. */
export function logText(lines: readonly LogLine[]): string {
  return lines.map((line) => `${new Date(line.atMs).toISOString()} ${line.level.toUpperCase().padEnd(5)} ${line.message}`).join('\n');
}

/** `postern-log-2026-11-22T20-04-11Z.txt`: sortable, and legal on every file system. */
export function logFileName(nowMs: number): string {
  return `postern-log-${new Date(nowMs).toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-')}.txt`;
}
