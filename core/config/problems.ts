/**
 * What the parser says about a profile. Every problem has a stable code (the
 * renderer turns codes into plain language), a severity, where it is, and a
 * one-line fix hint when there is an obvious fix. All problems are found and
 * counted; parsing never stops at the first one. A result keeps up to MAX_PROBLEMS
 * of them, errors first (problem-list.ts).
 */
export const PROBLEM_CODES = [
  // The file as a whole
  'config.profile_too_large',
  'config.line_too_long',
  'config.too_many_directives',
  'config.not_utf8',
  // Tokens and blocks
  'config.bad_quoting',
  'config.bad_backslash',
  'config.inline_unclosed',
  'config.inline_unmatched_end',
  'config.inline_not_allowed',
  'config.inline_bad_content',
  'config.nested_connection',
  // Directives
  'config.unknown_directive',
  'config.unknown_directive_ignored',
  'config.bad_arguments',
  'config.bad_value',
  'config.unsupported_value',
  'config.duplicate_directive',
  'config.not_allowed_in_connection',
  'config.connection_without_remote',
  'config.remote_ignored_with_connections',
  'config.option_after_connection',
  // Directive policy (the directive table)
  'config.directive_ignored',
  'config.windows_only_ignored',
  'config.removed_directive',
  'config.script_directive_refused',
  'config.plugin_refused',
  'config.management_refused',
  'config.file_output_refused',
  'config.process_directive_refused',
  'config.include_refused',
  'config.unsupported_directive',
  'config.server_directive',
  'config.push_only_directive',
  // Referenced files
  'config.path_escapes_profile',
  'config.file_not_found',
  'config.file_unreadable',
  'config.secret_file_not_read',
  'config.file_too_large',
  // The profile as a whole
  'config.missing_client',
  'config.no_remote',
  'config.missing_ca',
  'config.missing_client_auth',
  'config.incomplete_client_cert',
  'config.conflicting_tls_wrap',
  'config.insecure_setting',
  'config.compression_deprecated',
  // What dev tap leaves out (no DHCP on the device)
  'config.tap_limits',
] as const;

export type ProblemCode = (typeof PROBLEM_CODES)[number];

export type Severity = 'error' | 'warning' | 'info';

export interface ProfileProblem {
  code: ProblemCode;
  severity: Severity;
  /** One sentence for people; never contains a secret. */
  message: string;
  /** 1-based line in the profile; 0 when the problem concerns the whole profile. */
  line: number;
  /** 1-based column (characters after decoding); 0 with line 0. */
  column: number;
  /** The directive the problem is about, when there is one. */
  directive?: string;
  /** A one-line fix, when there is an obvious one. */
  hint?: string;
}

/** Where in the profile a problem is. */
export interface SourcePosition {
  line: number;
  column: number;
}

export function makeProblem(
  code: ProblemCode,
  severity: Severity,
  message: string,
  at: SourcePosition,
  extra: { directive?: string; hint?: string } = {},
): ProfileProblem {
  const problem: ProfileProblem = { code, severity, message: printable(message), line: at.line, column: at.column };
  if (extra.directive !== undefined) problem.directive = printable(extra.directive);
  if (extra.hint !== undefined) problem.hint = printable(extra.hint);
  return problem;
}

/** Profile text quoted in a message may hold control characters (a binary file): never send those to a terminal. */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '\uFFFD');
}

export const WHOLE_PROFILE: SourcePosition = { line: 0, column: 0 };

/**
 * Orders problems by position (whole-profile ones last), errors first on the same
 * spot, so output is stable whatever order the checks ran in.
 */
export function sortProblems(problems: readonly ProfileProblem[]): ProfileProblem[] {
  const rank: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
  const lineKey = (p: ProfileProblem): number => (p.line === 0 ? Number.MAX_SAFE_INTEGER : p.line);
  return [...problems].sort((a, b) => lineKey(a) - lineKey(b) || a.column - b.column || rank[a.severity] - rank[b.severity]);
}
