import type { HelperConnection, HelperEvent, MethodParams } from '../api/index';
import type { CommandIo } from './check-command';
import { buildConnectRequest } from './connect-request';
import { createEventPrinter } from './event-printer';
import { printError, withHelper } from './helper-session';
import { startPromptResponder } from './prompt-responder';
import type { PromptMode } from './prompt-responder';
import { onProcessStopSignal } from './stop-signals';
import type { OnStopSignal } from './stop-signals';

export interface ConnectViaHelperOptions {
  socketPath: string;
  /** One JSON object per line (the helper's events as they are), as `postern connect --json`. */
  json: boolean;
  authFile?: string;
  onStopSignal?: OnStopSignal;
  /** How the server's questions are answered (stdin JSON lines, the terminal, or not at all). */
  promptMode?: PromptMode;
}

/**
 * `postern connect PROFILE` through a running helper: imports the profile (every file
 * it names inlined, so the helper reads nothing of the user's), asks the helper to
 * connect, and prints the session's progress until it is connected (exit 0). The
 * tunnel then stays up in the helper; `postern disconnect` ends it. Exit 1 when the
 * tunnel failed or Ctrl-C cancelled it (the helper then takes it down), 2 when the
 * profile cannot be used.
 */
export async function connectViaHelper(profilePath: string, options: ConnectViaHelperOptions, io: CommandIo): Promise<number> {
  const report = { command: 'connect', json: options.json };
  const request = buildConnectRequest(profilePath, options.authFile);
  if (!request.ok) return printError(io, report, request.error) + (request.usage ? 1 : 0);
  return withHelper(options.socketPath, io, report, async (connection) => {
    const print = createEventPrinter(io, options.json);
    const responder = startPromptResponder(options.promptMode ?? { kind: 'none' }, io, {
      answer: (params) => connection.call('auth.answer', params),
      cancel: (promptId) => connection.call('auth.cancel', { promptId }),
    });
    let sessionId: string | undefined;
    const early: HelperEvent[] = [];
    const outcome = new Promise<number>((resolve) => {
      let done = false;
      const finish = (code: number): void => {
        if (done) return;
        done = true;
        resolve(code);
      };
      const onEvent = (event: HelperEvent): void => {
        if (!('sessionId' in event) || event.sessionId !== sessionId) return;
        print(event);
        responder.onEvent(event);
        // Connected: wait (briefly) for the leak self-test the helper runs next, so it is shown too.
        if (event.type === 'state' && event.state === 'connected') setTimeout(() => finish(0), LEAK_CHECK_WAIT_MS).unref();
        if (event.type === 'leak_check') finish(0);
        if (event.type === 'state' && event.state === 'disconnected') finish(1);
      };
      connection.onEvent((event) => (sessionId === undefined ? early.push(event) : onEvent(event)));
      connection.onClosed((reason) => {
        if (!done) finish(printError(io, report, reason ?? { code: 'ipc.closed', message: 'The helper closed the connection.' }));
      });
      void start(connection, request.value).then((started) => {
        if (!started.ok) return finish(printError(io, report, started.error));
        sessionId = started.value;
        early.splice(0).forEach(onEvent);
      });
    });
    const stopSignals = (options.onStopSignal ?? onProcessStopSignal)(() => { void connection.call('tunnel.disconnect', {}); });
    const code = await outcome;
    responder.stop();
    stopSignals();
    return code;
  });
}

/** How long `connect` waits after "connected" for the helper's leak self-test (a 1.1 helper sends none). */
const LEAK_CHECK_WAIT_MS = 5000;

/** Subscribes before connecting, so the first state change cannot be missed. */
async function start(connection: HelperConnection, request: MethodParams<'tunnel.connect'>): Promise<{ ok: true; value: string } | { ok: false; error: { code: string; message: string } }> {
  const subscribed = await connection.call('events.subscribe', {});
  if (!subscribed.ok) return subscribed;
  const started = await connection.call('tunnel.connect', request);
  return started.ok ? { ok: true, value: started.value.sessionId } : started;
}
