import { embedFileReferences, isConnectable, parseProfile, summarizeProfile } from '../../core/config/index';
import type { ParseProfileResult, ProfileSummary } from '../../core/config/index';
import type { ProfileVerdict } from '../api/app-api';

export interface ProfileCheck {
  verdict: ProfileVerdict;
  summary: ProfileSummary | null;
  /** The text to store: every file reference inlined; undefined when not connectable. */
  selfContainedText: string | undefined;
  /** "line N: message" of the first error, for the error the import answers. */
  firstError: string | undefined;
}

/** The display name a file suggests: its name without .ovpn/.conf. */
export function suggestName(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const name = base.replace(/\.(ovpn|conf)$/i, '').trim();
  return name.length > 0 ? name.slice(0, 200) : 'Profile';
}

/**
 * What the parser says about a dropped profile, as the import view shows it: problems and
 * ignored/refused directives with their line numbers. The profile text arrives without
 * its folder, so file references cannot be read (they are reported with their line).
 */
export function checkProfile(fileName: string, text: string): ProfileCheck {
  const parsed = parseProfile(text);
  const summary = parsed.profile === undefined ? null : summarizeProfile(parsed.profile);
  const connectable = isConnectable(parsed);
  const selfContainedText = !connectable ? undefined
    : parsed.inlinedFiles.length === 0 ? text : embedFileReferences(text, parsed.inlinedFiles);
  return { verdict: toVerdict(fileName, parsed, summary, connectable), summary, selfContainedText, firstError: firstError(parsed) };
}

function toVerdict(fileName: string, parsed: ParseProfileResult, summary: ProfileSummary | null, connectable: boolean): ProfileVerdict {
  return {
    fileName,
    suggestedName: suggestName(fileName),
    connectable,
    problems: parsed.problems.map((problem) => ({
      line: problem.line,
      column: problem.column,
      code: problem.code,
      severity: problem.severity,
      message: problem.message,
      ...(problem.hint === undefined ? {} : { hint: problem.hint }),
    })),
    omittedProblems: parsed.omittedProblems,
    summary: summary === null ? null : {
      remotes: summary.remotes,
      asks: summary.asks,
      serverCheck: summary.serverCheck,
      controlChannel: summary.controlChannel,
      dataCiphers: summary.dataCiphers,
      routing: summary.routing,
      ignored: summary.ignored,
      refused: summary.refused,
    },
  };
}

function firstError(parsed: ParseProfileResult): string | undefined {
  const problem = parsed.problems.find((p) => p.severity === 'error');
  if (problem === undefined) return parsed.profile === undefined ? 'the profile could not be read.' : undefined;
  return problem.line > 0 ? `line ${problem.line}: ${problem.message}` : problem.message;
}
