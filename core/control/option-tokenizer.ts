import { err, ok } from '../wire/result';
import type { Result } from '../wire/result';
import { OPTION_PARM_SIZE } from './constants';

export type OptionTokenError =
  | 'control.option_unclosed_quote'
  | 'control.option_bad_backslash'
  | 'control.option_parameter_too_long';

/**
 * Splits one pushed option like a config line (ovpn:options_parse.c parse_line):
 * whitespace separates parameters; "double quotes" group (backslash escapes
 * inside work); 'single quotes' group literally; a backslash outside single
 * quotes escapes only `\`, `"` or whitespace (anything else is an error); a
 * `#` or `;` where a parameter would start ends the line. An empty line gives [].
 */
export function tokenizeOptionLine(line: string): Result<string[], OptionTokenError> {
  const params: string[] = [];
  let current: string | null = null; // null: between parameters
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    let c = line[i] ?? '';
    let escaped = false;
    if (c === '\\' && quote !== "'") {
      const next = line[i + 1];
      if (next === undefined || !(next === '\\' || next === '"' || isSpace(next))) return err('control.option_bad_backslash');
      c = next;
      escaped = true;
      i++;
    }
    if (current === null) {
      if (isSpace(c)) continue; // even an escaped one, as 2.x does
      if (!escaped && (c === '#' || c === ';')) break;
      current = '';
      if (!escaped && (c === '"' || c === "'")) { quote = c; continue; }
    } else if (!escaped && (quote === null ? isSpace(c) : c === quote)) {
      params.push(current);
      current = null;
      quote = null;
      continue;
    }
    current += c;
    if (current.length > OPTION_PARM_SIZE) return err('control.option_parameter_too_long');
  }
  if (quote !== null) return err('control.option_unclosed_quote');
  if (current !== null) params.push(current);
  return ok(params);
}

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
}
