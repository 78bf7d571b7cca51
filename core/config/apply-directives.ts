import { createDirectiveContext } from './directive-context';
import type { ContextEnv } from './directive-context';
import type { DirectiveCall, DirectiveSpec } from './directive-spec';
import { DIRECTIVE_TABLE, closestDirective } from './directive-table';
import { makeProblem } from './problems';
import type { ProblemCode, Severity } from './problems';
import { cloneConnection } from './profile-draft';
import type { ConnectionDraft } from './profile-draft';
import type { RawDirective } from './read-directives';

interface Scope {
  conn: ConnectionDraft;
  inConnection: boolean;
  /** Line where each non-repeatable directive was last seen, for duplicate notes. */
  seen: Map<string, number>;
  /** A <connection> block came before: connection-level defaults now only reach later blocks. */
  afterConnection: boolean;
}

/**
 * Runs every directive through the table, in profile order, as 2.x's add_option
 * does (ovpn:options.c): unknown names, misplaced or malformed directives and the
 * table's policy each become problems; supported ones fill the draft.
 */
export function applyDirectives(env: ContextEnv, directives: readonly RawDirective[]): void {
  const top: Scope = { conn: env.draft.ce, inConnection: false, seen: new Map(), afterConnection: false };
  for (const directive of directives) {
    if (directive.block !== undefined) {
      applyConnectionBlock(env, directive, directive.block);
      top.afterConnection = true;
      continue;
    }
    applyDirective(env, directive, top);
  }
}

// A block starts from a copy of the connection-level settings so far
// (ovpn:options.c add_option "connection") and must name a remote.
function applyConnectionBlock(env: ContextEnv, directive: RawDirective, block: readonly RawDirective[]): void {
  const scope: Scope = { conn: cloneConnection(env.draft.ce), inConnection: true, seen: new Map(), afterConnection: false };
  for (const inner of block) applyDirective(env, inner, scope);
  if (scope.conn.remote === undefined) {
    env.problems.add(makeProblem('config.connection_without_remote', 'error', 'This <connection> block has no remote line, so it names no server.',
      directive, { directive: 'connection', hint: 'Add a line like: remote vpn.example.com 1194 udp' }));
    return;
  }
  env.draft.blocks.push({ conn: scope.conn, line: directive.line });
}

function applyDirective(env: ContextEnv, directive: RawDirective, scope: Scope): void {
  const unwrapped = unwrapSetenvOpt(directive);
  if (unwrapped === undefined) {
    env.problems.add(makeProblem('config.bad_arguments', 'error', 'setenv opt needs a directive after it.', directive,
      { directive: 'setenv', hint: 'Write setenv opt DIRECTIVE [ARGS…].' }));
    return;
  }
  const { call, optional } = unwrapped;
  // Problems point at the directive itself: after `setenv opt`, that is the wrapped name.
  const report = (code: ProblemCode, severity: Severity, message: string, hint?: string, name = call.name): void => {
    env.problems.add(makeProblem(code, severity, message, call, hint === undefined ? { directive: name } : { directive: name, hint }));
  };
  const spec = DIRECTIVE_TABLE.get(call.name);
  if (spec === undefined) {
    reportUnknown(env, call, optional, report);
    return;
  }
  if (call.name === 'connection') {
    report('config.bad_arguments', 'error', 'connection is written as a block, between <connection> and </connection> lines.');
    return;
  }
  if (!checkPlacement(spec, call, scope, report)) return;
  if (spec.category !== 'supported') {
    const verb = spec.category === 'ignored' ? 'is ignored' : spec.category === 'refused' ? 'is refused' : 'is not supported';
    report(spec.code, spec.severity, `${call.name} ${verb}: ${spec.reason}`, spec.hint, call.name);
    return;
  }
  const given = call.args.length + (call.inline === undefined ? 0 : 1);
  if (given < spec.minArgs || given > spec.maxArgs) {
    const expected = spec.minArgs === spec.maxArgs ? `${spec.minArgs}` : `${spec.minArgs} to ${spec.maxArgs}`;
    report('config.bad_arguments', optional ? 'warning' : 'error',
      `${call.name} takes ${expected} argument${spec.maxArgs === 1 ? '' : 's'}, not ${given}; the line is skipped.`,
      given > spec.maxArgs ? 'Put an argument that contains spaces in double quotes.' : undefined, call.name);
    return;
  }
  if (spec.repeatable !== true) {
    const previous = scope.seen.get(call.name);
    if (previous !== undefined) report('config.duplicate_directive', 'info', `${call.name} also appears on line ${previous}; this later one wins.`, undefined, call.name);
    scope.seen.set(call.name, call.line);
  }
  env.draft.present.add(call.name);
  spec.apply(createDirectiveContext(env, call, scope.conn, scope.inConnection));
}

/**
 * Connection-level directives that still reach earlier blocks when written after
 * them: remote has its own rule, and a profile-wide tls-auth/tls-crypt(-v2) key
 * is given to every block lacking one (ovpn:options.c options_postprocess_mutate_ce).
 */
const APPLY_TO_ALL_BLOCKS = new Set(['remote', 'tls-auth', 'tls-crypt', 'tls-crypt-v2', 'key-direction']);

type Report = (code: ProblemCode, severity: Severity, message: string, hint?: string, name?: string) => void;

function checkPlacement(spec: DirectiveSpec, call: DirectiveCall, scope: Scope, report: Report): boolean {
  // A policy directive is reported for what it is, whatever its form (<secret>, <dh>…).
  if (call.inline !== undefined && spec.inline !== true && spec.category === 'supported') {
    report('config.inline_not_allowed', 'error', `${call.name} cannot be written as an inline <${call.name}> block.`, `Write it as a line: ${call.name} …`, call.name);
    return false;
  }
  if (scope.inConnection && spec.connection !== true) {
    report('config.not_allowed_in_connection', 'error', `${call.name} cannot be used inside a <connection> block.`, 'Move the line outside the block.', call.name);
    return false;
  }
  if (!scope.inConnection && scope.afterConnection && spec.connection === true && !APPLY_TO_ALL_BLOCKS.has(spec.name)) {
    report('config.option_after_connection', 'warning', `${call.name} comes after a <connection> block, so it does not apply to the blocks before it.`,
      'Move it above the first <connection> block.', call.name);
  }
  return true;
}

/** `setenv opt NAME ARGS…` → NAME ARGS…, marked optional (ovpn:options.c add_option). */
function unwrapSetenvOpt(directive: RawDirective): { call: DirectiveCall; optional: boolean } | undefined {
  const call: DirectiveCall = { name: directive.name, args: directive.args, argColumns: directive.argColumns, line: directive.line, column: directive.column };
  if (directive.inline !== undefined) call.inline = directive.inline;
  if (directive.name !== 'setenv' || directive.args[0] !== 'opt') return { call, optional: false };
  const name = directive.args[1];
  if (name === undefined) return undefined;
  return {
    call: { ...call, name, column: directive.argColumns[1] ?? directive.column, args: directive.args.slice(2), argColumns: directive.argColumns.slice(2) },
    optional: true,
  };
}

function reportUnknown(env: ContextEnv, call: DirectiveCall, optional: boolean, report: Report): void {
  if (optional || env.draft.forwardCompatible || env.draft.ignoreUnknown.has(call.name)) {
    const why = optional ? 'setenv opt' : env.draft.forwardCompatible ? 'setenv FORWARD_COMPATIBLE 1' : 'ignore-unknown-option';
    report('config.unknown_directive_ignored', 'warning', `${call.name} is not a directive Postern knows; it is skipped because of ${why}.`, undefined, call.name);
    return;
  }
  const near = closestDirective(call.name);
  report('config.unknown_directive', 'error', `${call.name} is not a directive Postern knows.`,
    near === undefined ? `If the profile works without it, prefix the line with "setenv opt".` : `Did you mean ${near}?`, call.name);
}
