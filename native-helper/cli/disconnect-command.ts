import type { CommandIo } from './check-command';
import { parseCommandArgs } from './command-args';
import { printError, withHelper } from './helper-session';
import { SOCKET_OPTION, resolveSocketPath } from './socket-option';

export const DISCONNECT_USAGE = 'usage: postern disconnect [--json] [--socket PATH]';

/**
 * `postern disconnect`: asks the helper to take the tunnel down and waits until the
 * routes and DNS are restored. Exit 0 when done, 1 when there was nothing to stop, it
 * is another user's tunnel, or the helper cannot be reached.
 */
export async function runDisconnect(args: readonly string[], io: CommandIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const parsed = parseCommandArgs(args, { booleans: ['--json'], values: [SOCKET_OPTION] });
  if (!parsed.ok || parsed.value.positional.length > 0) {
    io.err(`postern disconnect: ${parsed.ok ? 'no arguments expected' : parsed.error}\n${DISCONNECT_USAGE}\n`);
    return 2;
  }
  const json = parsed.value.flags.has('--json');
  const report = { command: 'disconnect', json };
  return withHelper(resolveSocketPath(parsed.value.values, env), io, report, async (connection) => {
    const done = await connection.call('tunnel.disconnect', {});
    if (!done.ok) return printError(io, report, done.error);
    io.out(json ? `${JSON.stringify({ type: 'disconnected' })}\n` : 'Disconnected.\n');
    return 0;
  });
}
