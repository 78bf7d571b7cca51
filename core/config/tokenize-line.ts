import { err, ok } from '../wire/result';
import type { Result } from '../wire/result';

export interface Token {
  text: string;
  /** 1-based column where the token starts (its opening quote, if quoted). */
  column: number;
}

export interface TokenizeError {
  code: 'config.bad_quoting' | 'config.bad_backslash';
  message: string;
  column: number;
}

type State = 'between' | 'unquoted' | 'double' | 'single';

/**
 * Splits one profile line into tokens the way OpenVPN 2.x does
 * (ovpn:options_parse.c parse_line):
 *
 * - whitespace separates tokens; `#` or `;` where a token would start ends the line
 *   (also right after a backslash, as in 2.x);
 * - "double quotes" group, and backslash escapes work inside them;
 * - 'single quotes' group literally: no escapes at all;
 * - a backslash outside single quotes may only escape `\`, `"` or whitespace;
 *   anything else is an error (2.x refuses the line);
 * - a closing quote ends the token even without a following space (`"a"b` → a, b);
 *   a quote inside an unquoted token is an ordinary character.
 *
 * Tabs and a trailing CR are whitespace. An empty or comment-only line gives [].
 */
export function tokenizeLine(line: string): Result<Token[], TokenizeError> {
  const tokens: Token[] = [];
  let state: State = 'between';
  // A token is the text collected so far (escapes resolved) plus the raw run
  // line[run, i) not yet copied: slicing runs keeps long tokens cheap.
  let collected = '';
  let run = 0;
  let start = 0;
  let backslash = false;
  for (let i = 0; i < line.length; i++) {
    const c = line.charAt(i);
    if (!backslash && c === '\\' && state !== 'single') {
      backslash = true;
      continue;
    }
    const escaped = backslash;
    backslash = false;
    if (state === 'between' && (isSpace(c) || c === '#' || c === ';')) {
      if (isSpace(c)) continue;
      break;
    }
    if (escaped && !(c === '\\' || c === '"' || isSpace(c))) {
      return err({ code: 'config.bad_backslash', column: i, message: `A backslash may only escape \\, " or a space; here it escapes "${c}".` });
    }
    if (state === 'between') {
      start = escaped ? i : i + 1;
      collected = escaped ? c : '';
      run = escaped || c === '"' || c === "'" ? i + 1 : i;
      state = !escaped && c === '"' ? 'double' : !escaped && c === "'" ? 'single' : 'unquoted';
      continue;
    }
    if (escaped) {
      // The run ends before the backslash; the escaped character is taken as is.
      collected += line.slice(run, i - 1) + c;
      run = i + 1;
      continue;
    }
    const ends = state === 'unquoted' ? isSpace(c) : state === 'double' ? c === '"' : c === "'";
    if (ends) {
      tokens.push({ text: collected + line.slice(run, i), column: start });
      state = 'between';
    }
  }
  if (backslash) return err({ code: 'config.bad_backslash', column: line.length, message: 'The line ends with a lone backslash.' });
  if (state === 'double' || state === 'single') {
    const quote = state === 'double' ? '"' : "'";
    return err({ code: 'config.bad_quoting', column: start, message: `The quote (${quote}) opened here is never closed.` });
  }
  if (state === 'unquoted') tokens.push({ text: collected + line.slice(run), column: start });
  return ok(tokens);
}

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '\f' || c === '\v';
}
