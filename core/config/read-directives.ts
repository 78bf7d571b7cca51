import { err, ok } from '../wire/result';
import type { Result } from '../wire/result';
import { MAX_DIRECTIVES, MAX_LINE_CHARS } from './constants';
import { ProblemList } from './problem-list';
import { WHOLE_PROFILE, makeProblem } from './problems';
import type { ProfileProblem } from './problems';
import { tokenizeLine } from './tokenize-line';

/** One directive as written: a line of tokens, an inline block, or a <connection> block. */
export interface RawDirective {
  /** The directive name, with a leading `--` removed as 2.x does (bypass_doubledash). */
  name: string;
  args: string[];
  /** 1-based column of each argument, parallel to args. */
  argColumns: number[];
  line: number;
  column: number;
  /** `<name>…</name>`: the lines between the tags, each ending in "\n", CRs removed. */
  inline?: string;
  /** `<connection>…</connection>`: the directives inside. */
  block?: RawDirective[];
}

export interface ReadDirectivesResult {
  directives: RawDirective[];
  /** The list given to readDirectives, with what reading found added. */
  problems: ProblemList;
}

interface Scan {
  lines: string[];
  problems: ProblemList;
  count: number;
}

/**
 * Text → directives (ovpn:options_parse.c read_config_file, check_inline_file):
 * a line holding a single `<tag>` token opens an inline block that runs to the first
 * line starting (after leading spaces) with `</tag>`; `<connection>` blocks are read
 * as directives of their own. Limits reject the whole text, quickly: a line over
 * MAX_LINE_CHARS, or more than MAX_DIRECTIVES directives. Problems go into `problems`,
 * which keeps a bounded number of them (a line of bad quoting each is no limit).
 */
export function readDirectives(text: string, problems = new ProblemList()): Result<ReadDirectivesResult, ProfileProblem> {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const length = lines[i]?.length ?? 0;
    if (length > MAX_LINE_CHARS) {
      return err(makeProblem('config.line_too_long', 'error',
        `Line ${i + 1} is ${length} characters long; lines over ${MAX_LINE_CHARS} characters are rejected.`,
        { line: i + 1, column: 1 }, { hint: 'Check that this is really an .ovpn profile.' }));
    }
  }
  const scan: Scan = { lines, problems, count: 0 };
  const directives = readScope(scan, 0, lines.length, false);
  if (directives === undefined) {
    return err(makeProblem('config.too_many_directives', 'error',
      `The profile has more than ${MAX_DIRECTIVES} directives and is rejected.`, WHOLE_PROFILE,
      { hint: 'Check that this is really an .ovpn profile; real ones have a few dozen directives.' }));
  }
  return ok({ directives, problems: scan.problems });
}

/** Reads lines [from, to); undefined when the directive limit was passed. */
function readScope(scan: Scan, from: number, to: number, inConnection: boolean): RawDirective[] | undefined {
  const out: RawDirective[] = [];
  let i = from;
  while (i < to) {
    const lineNo = i + 1;
    const tokens = tokenizeLine(scan.lines[i] ?? '');
    i++;
    if (!tokens.ok) {
      const { code, message, column } = tokens.error;
      scan.problems.add(makeProblem(code, 'error', `${message} The line is skipped.`, { line: lineNo, column },
        { hint: code === 'config.bad_backslash' ? 'Write a Windows path with forward slashes or doubled backslashes.' : 'Close the quote.' }));
      continue;
    }
    const first = tokens.value[0];
    if (first === undefined) continue;
    if (++scan.count > MAX_DIRECTIVES) return undefined;
    const tag = tokens.value.length === 1 ? tagName(first.text) : undefined;
    if (tag === undefined) {
      out.push({
        name: first.text.startsWith('--') && first.text.length >= 3 ? first.text.slice(2) : first.text,
        args: tokens.value.slice(1).map((t) => t.text),
        argColumns: tokens.value.slice(1).map((t) => t.column),
        line: lineNo,
        column: first.column,
      });
      continue;
    }
    const at = { line: lineNo, column: first.column };
    if (tag.startsWith('/')) {
      scan.problems.add(makeProblem('config.inline_unmatched_end', 'error', `${first.text} closes a block that was never opened.`, at,
        { directive: tag.slice(1), hint: `Remove the line or add <${tag.slice(1)}> before it.` }));
      continue;
    }
    if (tag === 'connection' && inConnection) {
      scan.problems.add(makeProblem('config.nested_connection', 'error', 'A <connection> block cannot contain another one.', at,
        { directive: 'connection', hint: 'Close the first <connection> block before opening the next.' }));
      continue;
    }
    const end = findCloseTag(scan.lines, i, to, `</${tag}>`);
    if (end === undefined) {
      scan.problems.add(makeProblem('config.inline_unclosed', 'error',
        `<${tag}> is never closed with </${tag}>; everything after it was read as its content.`, at,
        { directive: tag, hint: `Add a line </${tag}> after the block's content.` }));
      return out;
    }
    const directive: RawDirective = { name: tag, args: [], argColumns: [], line: lineNo, column: first.column };
    if (tag === 'connection') {
      const block = readScope(scan, i, end, true);
      if (block === undefined) return undefined;
      directive.block = block;
    } else {
      directive.inline = scan.lines.slice(i, end).map((l) => `${l.endsWith('\r') ? l.slice(0, -1) : l}\n`).join('');
    }
    out.push(directive);
    i = end + 1;
  }
  return out;
}

/** `<ca>` → "ca", `</ca>` → "/ca"; undefined when the token is not a tag. */
function tagName(token: string): string | undefined {
  if (token.length < 3 || !token.startsWith('<') || !token.endsWith('>')) return undefined;
  return token.slice(1, -1);
}

function findCloseTag(lines: readonly string[], from: number, to: number, closeTag: string): number | undefined {
  for (let j = from; j < to; j++) {
    if ((lines[j] ?? '').trimStart().startsWith(closeTag)) return j;
  }
  return undefined;
}
