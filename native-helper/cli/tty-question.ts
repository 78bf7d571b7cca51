import type { ReadStream } from 'node:tty';

const ENTER = new Set(['\r', '\n']);
const CTRL_C = '\u0003';
const CTRL_D = '\u0004';
const BACKSPACE = new Set(['\u007f', '\b']);

/**
 * Asks one question on the terminal and resolves with the line typed, or undefined when
 * the user pressed Ctrl-C / Ctrl-D or `signal` aborted (the server closed the prompt).
 * In raw mode so a hidden answer (password, one-time code) is never echoed, not even briefly.
 */
export function askOnTty(input: ReadStream, write: (text: string) => void, question: string, hidden: boolean, signal: AbortSignal): Promise<string | undefined> {
  return new Promise((resolve) => {
    let typed = '';
    const finish = (answer: string | undefined): void => {
      input.off('data', onData);
      signal.removeEventListener('abort', onAbort);
      input.setRawMode(false);
      input.pause();
      write('\n');
      resolve(answer);
    };
    const onAbort = (): void => finish(undefined);
    const onData = (chunk: Buffer): void => {
      for (const char of chunk.toString('utf8')) {
        if (ENTER.has(char)) return finish(typed);
        if (char === CTRL_C || (char === CTRL_D && typed === '')) return finish(undefined);
        if (BACKSPACE.has(char)) {
          if (typed.length > 0 && !hidden) write('\b \b');
          typed = typed.slice(0, -1);
        } else if (char >= ' ') {
          typed += char;
          if (!hidden) write(char);
        }
      }
    };
    if (signal.aborted) return resolve(undefined);
    write(question);
    input.setRawMode(true);
    input.resume();
    input.on('data', onData);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
