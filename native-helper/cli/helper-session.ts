import type { HelperConnection, HelperError } from '../api/index';
import { connectToHelper } from '../client/socket-client';
import type { CommandIo } from './check-command';
import { parseCommandArgs } from './command-args';
import { SOCKET_OPTION, resolveSocketPath } from './socket-option';

export const CLI_CLIENT_NAME = 'postern-cli';

/**
 * Opens a connection to the running helper for one CLI command, runs it, and closes.
 * A helper that cannot be reached is reported (as a JSON error line with --json) and
 * gives exit code 1; the command's own exit code otherwise.
 */
export async function withHelper(
  socketPath: string,
  io: CommandIo,
  report: { command: string; json: boolean },
  run: (connection: HelperConnection) => Promise<number>,
): Promise<number> {
  const helper = await connectToHelper(socketPath, { client: CLI_CLIENT_NAME });
  if (!helper.ok) return printError(io, report, helper.error);
  try {
    return await run(helper.value.connection);
  } finally {
    helper.value.close();
  }
}

/** Prints a helper error the way every client command does; returns exit code 1. */
export function printError(io: CommandIo, report: { command: string; json: boolean }, error: HelperError): number {
  if (report.json) io.out(`${JSON.stringify({ type: 'error', code: error.code, message: error.message })}\n`);
  else io.err(`postern ${report.command}: ${error.message} [${error.code}]\n`);
  return 1;
}

/**
 * The arguments of a helper command that takes only `[--json] [--socket PATH]`
 * (status, disconnect): what it needs to run, or exit code 2 after printing the usage.
 */
export function parsePlainHelperArgs(
  command: string, usage: string, args: readonly string[], io: CommandIo, env: NodeJS.ProcessEnv,
): { json: boolean; socketPath: string; report: { command: string; json: boolean } } | number {
  const parsed = parseCommandArgs(args, { booleans: ['--json'], values: [SOCKET_OPTION] });
  if (!parsed.ok || parsed.value.positional.length > 0) {
    io.err(`postern ${command}: ${parsed.ok ? 'no arguments expected' : parsed.error}\n${usage}\n`);
    return 2;
  }
  const json = parsed.value.flags.has('--json');
  return { json, socketPath: resolveSocketPath(parsed.value.values, env), report: { command, json } };
}
