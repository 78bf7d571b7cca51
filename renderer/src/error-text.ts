import { ERROR_WORDS, FAMILY_WORDS, errorDataText } from '../../electron/api/index';
import type { ErrorData } from '../../electron/api/index';

/**
 * A code in plain words with the next step, from the one table the window and the tray share
 * (electron/api/words.ts). An error whose data says more (the server's cipher and the
 * profile's list) gets the sentence built from it. Codes it does not list one by one (the
 * parser's problem codes, a newer helper's) fall back to their family (`config.bad_quoting`
 * → `config`), and anything unknown shows the message main or the helper sent.
 */
export function errorText(code: string, message: string, data?: ErrorData): string {
  const specific = errorDataText(code, data);
  if (specific !== undefined) return specific;
  if (Object.hasOwn(ERROR_WORDS, code)) return ERROR_WORDS[code as keyof typeof ERROR_WORDS];
  for (let family = parentCode(code); family !== ''; family = parentCode(family)) {
    const text = FAMILY_WORDS[family];
    if (text !== undefined) return text;
  }
  return message;
}

/** `tls.something_new` → `tls` → ''. */
function parentCode(code: string): string {
  const dot = code.lastIndexOf('.');
  return dot > 0 ? code.slice(0, dot) : '';
}
