import { createInterface } from 'node:readline';
import type { ReadStream } from 'node:tty';
import type { HelperEvent, MethodParams, Prompt, WireError } from '../api/index';
import { parseAnswerLine } from './answer-line';
import type { CommandIo } from './check-command';
import { askOnTty } from './tty-question';

type SinkResult = { ok: true } | { ok: false; error: WireError };

/** Where answers go: the in-process service (foreground connect) or the helper socket. */
export interface PromptSink {
  answer(params: MethodParams<'auth.answer'>): Promise<SinkResult>;
  cancel(promptId: string): Promise<SinkResult>;
}

export type PromptMode =
  | { kind: 'json'; input: NodeJS.ReadableStream }
  | { kind: 'tty'; input: ReadStream }
  | { kind: 'none' };

export interface PromptResponder {
  onEvent(event: HelperEvent): void;
  stop(): void;
}

/** `--json` reads answers from stdin; otherwise a terminal asks; without one, prompts are cancelled with advice. */
export function choosePromptMode(json: boolean, stdin: NodeJS.ReadStream = process.stdin): PromptMode {
  if (json) return { kind: 'json', input: stdin };
  return stdin.isTTY ? { kind: 'tty', input: stdin as ReadStream } : { kind: 'none' };
}

/**
 * Answers the server's questions for `postern connect`. With --json, each stdin line
 * answers a prompt by id (prompt-line.ts prints them); on a terminal it asks field by
 * field, hiding what must not be echoed. Nothing typed is ever printed or logged.
 */
export function startPromptResponder(mode: PromptMode, io: CommandIo, sink: PromptSink): PromptResponder {
  switch (mode.kind) {
    case 'json': return jsonResponder(mode.input, io, sink);
    case 'tty': return ttyResponder(mode.input, io, sink);
    case 'none': return {
      onEvent: (event) => {
        if (event.type !== 'prompt') return;
        io.err(`postern connect: the server asks "${event.prompt.text}", but there is no terminal to ask on; use --json (answers on stdin) or --auth-file.\n`);
        void sink.cancel(event.prompt.id);
      },
      stop: () => {},
    };
  }
}

function jsonResponder(input: NodeJS.ReadableStream, io: CommandIo, sink: PromptSink): PromptResponder {
  const lines = createInterface({ input, crlfDelay: Infinity });
  const report = (code: string, message: string, promptId?: string): void => {
    io.out(`${JSON.stringify({ type: 'error', code, message, ...(promptId === undefined ? {} : { promptId }) })}\n`);
  };
  lines.on('line', (text) => {
    if (text.trim() === '') return;
    const parsed = parseAnswerLine(text);
    if (!parsed.ok) return report('cli.bad_answer', parsed.error);
    const answer = parsed.value;
    const sent = answer.kind === 'cancel' ? sink.cancel(answer.promptId) : sink.answer(answer.params);
    const promptId = answer.kind === 'cancel' ? answer.promptId : answer.params.promptId;
    void sent.then((result) => { if (!result.ok) report(result.error.code, result.error.message, promptId); });
  });
  return { onEvent: () => {}, stop: () => lines.close() };
}

function ttyResponder(input: ReadStream, io: CommandIo, sink: PromptSink): PromptResponder {
  let current: { id: string; abort: AbortController } | undefined;
  const ask = async (prompt: Prompt): Promise<void> => {
    const abort = new AbortController();
    current = { id: prompt.id, abort };
    const answers = await askFields(prompt, (question, hidden) => askOnTty(input, io.out, question, hidden, abort.signal), io);
    if (current?.id === prompt.id) current = undefined;
    if (abort.signal.aborted || answers === 'wait') return;
    const result = answers === undefined ? await sink.cancel(prompt.id) : await sink.answer({ promptId: prompt.id, ...answers });
    if (!result.ok) io.err(`postern connect: ${result.error.message}\n`);
  };
  return {
    onEvent: (event) => {
      if (event.type === 'prompt') {
        current?.abort.abort();
        void ask(event.prompt);
      }
      if (event.type === 'prompt_closed' && current?.id === event.promptId) current.abort.abort();
    },
    stop: () => current?.abort.abort(),
  };
}

type Ask = (question: string, hidden: boolean) => Promise<string | undefined>;
type Fields = Pick<MethodParams<'auth.answer'>, 'username' | 'password' | 'response'>;

/** The questions one prompt needs, in order; undefined when the user gave up, 'wait' for web sign-in. */
async function askFields(prompt: Prompt, ask: Ask, io: CommandIo): Promise<Fields | undefined | 'wait'> {
  if (prompt.kind === 'web_auth') {
    const deadline = prompt.timeoutSeconds === null ? '' : ` (the server waits ${prompt.timeoutSeconds} s)`;
    io.out(`Sign in with your browser: ${prompt.url ?? '(no address given)'}\nWaiting for the sign-in to finish${deadline}… Ctrl-C cancels.\n`);
    return 'wait'; // the server says when it is done; Ctrl-C (SIGINT, not raw mode here) disconnects
  }
  io.out(`${prompt.text}\n`);
  const fields: Fields = {};
  if (prompt.needs.username) {
    const username = await ask(`Username${prompt.username ? ` [${prompt.username}]` : ''}: `, false);
    if (username === undefined) return undefined;
    fields.username = username === '' && prompt.username ? prompt.username : username;
  }
  if (prompt.needs.password) {
    const password = await ask('Password: ', true);
    if (password === undefined) return undefined;
    fields.password = password;
  }
  if (prompt.needs.response) {
    const response = await ask(prompt.kind === 'static_challenge' ? 'Code: ' : 'Answer: ', !prompt.echo);
    if (response === undefined) return undefined;
    fields.response = response;
  }
  return fields;
}
