import { embedFileReferences, isConnectable, parseProfile, summarizeProfile } from '../../core/config/index';
import type { ParseProfileResult, ProfileSummary } from '../../core/config/index';
import { VERDICT_MAX_PROBLEMS } from '../api/app-api';
import type { ProfileVerdict } from '../api/app-api';
import { createImportReader } from './import-files';
import type { OutsideFile } from './import-files';

export interface ProfileCheck {
  verdict: ProfileVerdict;
  summary: ProfileSummary | null;
  /** The text to store: every file reference inlined; undefined when not connectable. */
  selfContainedText: string | undefined;
  /** "line N: message" of the first error, for the error the import answers. */
  firstError: string | undefined;
  /** Paths of the certificates and keys outside the folder: what an import must carry as confirmed. */
  outsideCertificates: string[];
}

export interface CheckOptions {
  /** The profile's folder, when the window knows where the file is; without it the profile is text only. */
  folder?: string;
  /** Certificates and keys outside the folder the user confirmed (absolute paths): only these are read. */
  confirmed?: ReadonlySet<string>;
}

/** The display name a file suggests: its name without .ovpn/.conf. */
export function suggestName(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const name = base.replace(/\.(ovpn|conf)$/i, '').trim();
  return name.length > 0 ? name.slice(0, 200) : 'Profile';
}

/**
 * What the parser says about a dropped profile, as the import view shows it: problems and
 * ignored/refused directives with their line numbers, and the files it names outside its
 * folder (import-files.ts has the rule). Dropped as text, a profile has no folder: a relative
 * file name cannot be read (reported with its line), an absolute one is outside.
 */
export function checkProfile(fileName: string, text: string, options: CheckOptions = {}): ProfileCheck {
  const reader = createImportReader(options);
  const parsed = parseProfile(text, { readsOutside: true, readFile: reader.readFile });
  const summary = parsed.profile === undefined ? null : summarizeProfile(parsed.profile);
  // A certificate outside that is missing or unreadable is an error on its line, as one inside would be.
  const hasError = new Set(parsed.problems.filter((p) => p.severity === 'error').map((p) => p.line));
  const lookedAt = reader.outside.filter((f) => f.kind === 'certificate' && f.status !== 'found' && !hasError.has(f.line)).map((f) => ({
    line: f.line, column: 1, code: f.status === 'missing' ? 'config.file_not_found' : 'config.file_unreadable', severity: 'error',
    message: `${f.directive}: the file "${f.path}" ${f.status === 'missing' ? 'does not exist' : 'cannot be read'}.`,
  }));
  const connectable = isConnectable(parsed) && lookedAt.length === 0;
  const withheld = parsed.withheldFiles;
  const selfContainedText = !connectable ? undefined
    : parsed.inlinedFiles.length + withheld.length === 0 ? text : embedFileReferences(text, parsed.inlinedFiles, withheld);
  const outsideCertificates = reader.outside.filter((f) => f.kind === 'certificate').map((f) => f.path);
  return {
    verdict: toVerdict(fileName, parsed, summary, connectable, reader.outside, lookedAt),
    summary, selfContainedText, firstError: lookedAt[0] ? `line ${lookedAt[0].line}: ${lookedAt[0].message}` : firstError(parsed), outsideCertificates,
  };
}

type ExtraProblem = { line: number; column: number; code: string; severity: string; message: string };

function toVerdict(fileName: string, parsed: ParseProfileResult, summary: ProfileSummary | null, connectable: boolean,
  outside: readonly OutsideFile[], extra: readonly ExtraProblem[]): ProfileVerdict {
  const problems = [...extra, ...parsed.problems.map((problem) => ({
    line: problem.line,
    column: problem.column,
    code: problem.code,
    severity: problem.severity,
    message: problem.message,
    ...(problem.hint === undefined ? {} : { hint: problem.hint }),
  }))].sort((a, b) => rank(a.severity) - rank(b.severity) || a.line - b.line).slice(0, VERDICT_MAX_PROBLEMS);
  return {
    fileName,
    suggestedName: suggestName(fileName),
    connectable,
    problems,
    omittedProblems: parsed.omittedProblems + Math.max(0, extra.length + parsed.problems.length - VERDICT_MAX_PROBLEMS),
    outsideFiles: outside.map(({ directive, line, path, kind, status }) => ({ directive, line, path, kind, status })),
    summary: summary === null ? null : {
      remotes: summary.remotes,
      asks: summary.asks,
      serverCheck: summary.serverCheck,
      controlChannel: summary.controlChannel,
      dataCiphers: summary.dataCiphers,
      routing: summary.routing,
      device: summary.device,
      ignored: summary.ignored,
      refused: summary.refused,
      cautions: summary.cautions,
    },
  };
}

function rank(severity: string): number {
  return severity === 'error' ? 0 : severity === 'warning' ? 1 : 2;
}

function firstError(parsed: ParseProfileResult): string | undefined {
  const problem = parsed.problems.find((p) => p.severity === 'error');
  if (problem === undefined) return parsed.profile === undefined ? 'the profile could not be read.' : undefined;
  return problem.line > 0 ? `line ${problem.line}: ${problem.message}` : problem.message;
}
