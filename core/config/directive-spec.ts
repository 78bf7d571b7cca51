import type { ConnectionDraft, ProfileDraft } from './profile-draft';
import type { ProblemCode, Severity } from './problems';
import type { RawDirective } from './read-directives';

/**
 * What Postern does with a directive:
 * - supported: turned into typed Profile fields;
 * - ignored: has no effect here, and the user is told why;
 * - refused: would run code, load code, or write/read files outside the profile;
 *   never executed, reported as a warning or an error;
 * - unsupported: a feature Postern lacks, or a server-side or push-only option.
 */
export type DirectiveCategory = 'supported' | 'ignored' | 'refused' | 'unsupported';

export const DIRECTIVE_CATEGORIES: readonly DirectiveCategory[] = ['supported', 'ignored', 'refused', 'unsupported'];

/** The module a directive's handler lives in. */
export type DirectiveFamily =
  | 'general' | 'remote' | 'tls' | 'crypto' | 'compression' | 'auth' | 'routing' | 'timers'
  | 'ignored' | 'refused' | 'unsupported';

/** One directive occurrence, as the handler sees it: a directive as read, without a <connection> body. */
export type DirectiveCall = Omit<RawDirective, 'block'>;

export interface DirectiveContext {
  readonly call: DirectiveCall;
  readonly draft: ProfileDraft;
  /** Connection-level settings: the current <connection> block's, or the profile's defaults. */
  readonly conn: ConnectionDraft;
  readonly inConnection: boolean;
  /** Reports a problem at the directive, or at argument `argIndex`. */
  report(code: ProblemCode, severity: Severity, message: string, options?: { argIndex?: number; hint?: string }): void;
  /**
   * The inline block's text, or the text of the file named by argument `argIndex`,
   * read through the importer's readFile; undefined (with a problem reported) when
   * it cannot be had.
   */
  fileText(argIndex: number): string | undefined;
  /** The same for a binary file (pkcs12), as base64. */
  fileBase64(argIndex: number): string | undefined;
}

interface SpecBase {
  name: string;
  family: DirectiveFamily;
  /** May appear inside a <connection> block (ovpn-doc:man-sections/connection-profiles.rst). */
  connection?: boolean;
  /** May be written as an inline block (ovpn-doc:man-sections/inline-files.rst). */
  inline?: boolean;
}

export interface SupportedSpec extends SpecBase {
  category: 'supported';
  /** Arguments after the name; an inline block counts as the first one. */
  minArgs: number;
  maxArgs: number;
  /** Repeating it adds (remote, route…); otherwise the later one wins, with a note. */
  repeatable?: boolean;
  apply(ctx: DirectiveContext): void;
}

export interface PolicySpec extends SpecBase {
  category: 'ignored' | 'refused' | 'unsupported';
  severity: Severity;
  code: ProblemCode;
  /** Why, in one sentence a user understands. */
  reason: string;
  hint?: string;
}

export type DirectiveSpec = SupportedSpec | PolicySpec;

/** Shorthand for the policy tables: `policy('verb', 'info', 'config.directive_ignored', 'why')`. */
export function policy(
  category: PolicySpec['category'],
  family: DirectiveFamily,
  name: string,
  severity: Severity,
  code: ProblemCode,
  reason: string,
  extra: { hint?: string; connection?: boolean; inline?: boolean } = {},
): PolicySpec {
  return { name, category, family, severity, code, reason, ...extra };
}
