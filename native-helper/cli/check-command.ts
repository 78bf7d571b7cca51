import { importProfile, isConnectable, summarizeProfile } from '../../core/index';
import type { ImportedProfile, ProfileProblem, ProfileSummary } from '../../core/index';
import { cautionLine } from './cli-words';

/** Where a command writes; the real process streams, or buffers in tests. */
export interface CommandIo {
  out(text: string): void;
  err(text: string): void;
}

export const CHECK_USAGE = 'usage: postern check PROFILE [--json]';

/**
 * `postern check PROFILE [--json]`: parse a profile as an import would, print
 * what Postern will do with it, and its problems: the parser keeps up to 200
 * (errors before warnings) and counts the rest, printed as "… and N more problems"
 * (`omittedProblems` in JSON). Exit 0 when it can be connected with, 1 when not,
 * 2 for a usage error or an unreadable file.
 */
export function runCheck(args: readonly string[], io: CommandIo): number {
  const flags = args.filter((a) => a.startsWith('-') && a !== '-');
  const paths = args.filter((a) => !flags.includes(a));
  const unknown = flags.filter((f) => f !== '--json');
  if (unknown.length > 0 || paths.length !== 1) {
    const why = unknown.length > 0 ? `unknown option ${unknown[0] ?? ''}` : paths.length === 0 ? 'missing PROFILE' : 'only one PROFILE at a time';
    io.err(`postern check: ${why}\n${CHECK_USAGE}\n`);
    return 2;
  }
  const path = paths[0] ?? '';
  const imported = importProfile(path);
  if (!imported.ok) {
    io.err(`postern check: ${imported.error.message}\n`);
    return 2;
  }
  const result = imported.value;
  const connectable = isConnectable(result);
  const summary = result.profile === undefined ? undefined : summarizeProfile(result.profile);
  if (flags.includes('--json')) {
    const report = { file: path, name: result.name, connectable, summary: summary ?? null, problems: result.problems, omittedProblems: result.omittedProblems };
    io.out(`${JSON.stringify(report)}\n`);
  } else {
    io.out(formatReport(path, result, connectable, summary));
  }
  return connectable ? 0 : 1;
}

function formatReport(path: string, result: ImportedProfile, connectable: boolean, summary: ProfileSummary | undefined): string {
  const lines: string[] = [`Profile ${result.name} (${path}): ${connectable ? 'can connect' : 'cannot connect'}`];
  if (summary !== undefined) lines.push(...formatSummary(summary));
  if (result.problems.length > 0) {
    lines.push('', 'Problems:');
    for (const problem of result.problems) lines.push(formatProblem(path, problem));
    if (result.omittedProblems > 0) lines.push(omittedLine(result.omittedProblems));
  }
  return `${lines.join('\n')}\n`;
}

function formatSummary(s: ProfileSummary): string[] {
  const list = (items: readonly string[]): string => (items.length === 0 ? 'none' : items.join(', '));
  const lines = [
    `  Servers:         ${s.remotes.length === 0 ? 'none' : s.remotes[0] ?? ''}`,
    ...s.remotes.slice(1).map((r) => `                   ${r}`),
    `  Protocol:        ${list(s.protocols)}${s.remoteRandom ? ' (servers tried in random order)' : ''}`,
    `  Device:          ${s.device}`,
    `  Log in with:     ${list(s.clientAuth)}`,
    `  Will ask for:    ${list(s.asks)}`,
    `  Server checked:  ${list(s.serverCheck)}`,
    `  Control channel: ${s.controlChannel}`,
    `  Data ciphers:    ${list(s.dataCiphers)}${s.dataCiphersFallback === undefined ? '' : ` (fallback ${s.dataCiphersFallback})`}`,
    `  Compression:     ${s.compression}`,
  ];
  if (s.routing.length > 0) lines.push(`  Routing:         ${s.routing.join('; ')}`);
  // The reasons are in the problem list below; here only what and where.
  const where = (notes: ProfileSummary['ignored']): string => notes.map((n) => `${n.directive} (line ${n.line})`).join(', ');
  if (s.ignored.length > 0) lines.push(`  Ignored:         ${where(s.ignored)}`);
  if (s.refused.length > 0) lines.push(`  Refused:         ${where(s.refused)} (never run or opened)`);
  for (const caution of s.cautions) lines.push(`  Caution:         ${cautionLine(caution)}`);
  return lines;
}

/** The last line of a capped problem list. */
function omittedLine(count: number): string {
  return `… and ${count} more problem${count === 1 ? '' : 's'} not shown`;
}

/** `file:line:column code [severity] message (hint)`; no position for whole-profile problems. */
export function formatProblem(path: string, problem: ProfileProblem): string {
  const where = problem.line === 0 ? path : `${path}:${problem.line}:${problem.column}`;
  const hint = problem.hint === undefined ? '' : ` (${problem.hint})`;
  return `${where} ${problem.code} [${problem.severity}] ${problem.message}${hint}`;
}
