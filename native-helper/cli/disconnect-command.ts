import type { CommandIo } from './check-command';
import { parsePlainHelperArgs, printError, withHelper } from './helper-session';

export const DISCONNECT_USAGE = 'usage: postern disconnect [--json] [--socket PATH]';

/**
 * `postern disconnect`: asks the helper to take the tunnel down and waits until the
 * routes and DNS are restored. Exit 0 when done, 1 when there was nothing to stop, it
 * is another user's tunnel, or the helper cannot be reached.
 */
export async function runDisconnect(args: readonly string[], io: CommandIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const parsed = parsePlainHelperArgs('disconnect', DISCONNECT_USAGE, args, io, env);
  if (typeof parsed === 'number') return parsed;
  const { json, socketPath, report } = parsed;
  return withHelper(socketPath, io, report, async (connection) => {
    const done = await connection.call('tunnel.disconnect', {});
    if (!done.ok) return printError(io, report, done.error);
    io.out(json ? `${JSON.stringify({ type: 'disconnected' })}\n` : 'Disconnected.\n');
    return 0;
  });
}
