import { printable } from '../api/index';
import type { HelperConnection, LogLine } from '../api/index';
import type { CommandIo } from './check-command';
import { parseCommandArgs } from './command-args';
import { printError, withHelper } from './helper-session';
import { SOCKET_OPTION, resolveSocketPath } from './socket-option';
import { onProcessStopSignal } from './stop-signals';
import type { OnStopSignal } from './stop-signals';

export const LOGS_USAGE = 'usage: postern logs [-n LINES] [--follow] [--json] [--socket PATH]';
const DEFAULT_LINES = 100;
const MAX_LINES = 5000;

/**
 * `postern logs`: the helper's recent log lines for your tunnel (root sees all).
 * --follow keeps printing new lines until Ctrl-C (exit 0) or until the helper goes
 * away (exit 1). --json prints each line as {"type":"log","line":{…}}.
 */
export async function runLogs(args: readonly string[], io: CommandIo, env: NodeJS.ProcessEnv = process.env, onStopSignal: OnStopSignal = onProcessStopSignal): Promise<number> {
  const parsed = parseCommandArgs(args, { booleans: ['--json', '--follow', '-f'], values: [SOCKET_OPTION, '-n'] });
  const count = parsed.ok ? Number(parsed.value.values.get('-n') ?? DEFAULT_LINES) : NaN;
  if (!parsed.ok || parsed.value.positional.length > 0 || !Number.isInteger(count) || count < 1 || count > MAX_LINES) {
    const why = !parsed.ok ? parsed.error : parsed.value.positional.length > 0 ? 'no arguments expected' : `-n takes a number from 1 to ${MAX_LINES}`;
    io.err(`postern logs: ${why}\n${LOGS_USAGE}\n`);
    return 2;
  }
  const { flags, values } = parsed.value;
  const json = flags.has('--json');
  const print = (line: LogLine): void => io.out(json ? `${JSON.stringify({ type: 'log', line })}\n` : formatLogLine(line));
  const report = { command: 'logs', json };
  return withHelper(resolveSocketPath(values, env), io, report, async (connection) => {
    const follow = flags.has('--follow') || flags.has('-f');
    // Subscribe first so no line falls between the history and the live stream.
    // Held back until the history is printed; undefined once lines print as they come.
    let held: LogLine[] | undefined = [];
    connection.onEvent((event) => {
      if (event.type !== 'log') return;
      if (held) held.push(event.line);
      else print(event.line);
    });
    if (follow) {
      const subscribed = await connection.call('events.subscribe', {});
      if (!subscribed.ok) return printError(io, report, subscribed.error);
    }
    const recent = await connection.call('log.recent', { limit: count });
    if (!recent.ok) return printError(io, report, recent.error);
    recent.value.lines.forEach(print);
    if (!follow) return 0;
    const seen = new Set(recent.value.lines.map((line) => JSON.stringify(line)));
    held.filter((line) => !seen.has(JSON.stringify(line))).forEach(print);
    held = undefined;
    return followUntilStopped(connection, io, report, onStopSignal);
  });
}

function followUntilStopped(connection: HelperConnection, io: CommandIo, report: { command: string; json: boolean }, onStopSignal: OnStopSignal): Promise<number> {
  return new Promise((resolve) => {
    let stopClosed = (): void => {};
    const stopSignals = onStopSignal(() => {
      stopClosed();
      resolve(0);
    });
    stopClosed = connection.onClosed((reason) => {
      stopSignals();
      resolve(printError(io, report, reason ?? { code: 'ipc.closed', message: 'The helper closed the connection.' }));
    });
  });
}

export function formatLogLine(line: LogLine): string {
  const time = new Date(line.atMs).toISOString().slice(11, 23);
  return `${time} ${line.level.padEnd(5)} ${printable(line.message)}\n`;
}
