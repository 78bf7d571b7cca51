import type { HelperConnection, HelperError } from '../api/index';
import { connectToHelper } from '../client/socket-client';
import type { CommandIo } from './check-command';

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
