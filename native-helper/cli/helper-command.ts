import type { HelperEvent } from '../api/index';
import { startIpcServer } from '../ipc/ipc-server';
import type { IpcServerOptions } from '../ipc/ipc-server';
import type { ServerLog } from '../ipc/server-log';
import type { TunnelBackend } from '../service/tunnel-backend';
import { createSystemTunnelService, describeRecovery } from '../service/system-tunnel-service';
import type { CommandIo } from './check-command';
import { parseCommandArgs } from './command-args';
import { SOCKET_OPTION, resolveSocketPath } from './socket-option';
import { onProcessStopSignal } from './stop-signals';
import type { OnStopSignal } from './stop-signals';

export const HELPER_USAGE = 'usage: postern helper [--socket PATH]   (as root)';

export interface HelperDependencies {
  onStopSignal: OnStopSignal;
  createService?: () => TunnelBackend & { shutdown(): Promise<void> };
  uid?: number;
  env?: NodeJS.ProcessEnv;
  /** For tests without the addon; the helper itself always asks the kernel. */
  peerCredentials?: IpcServerOptions['peerCredentials'];
}

/**
 * `postern helper`: the long-lived service the desktop app and the CLI talk to. Serves
 * the socket until SIGINT/SIGTERM, then takes any tunnel down (routes and DNS
 * restored), closes the socket, removes its file and exits 0. Exit 1 when it cannot
 * start (not root, another helper running, unsafe socket folder).
 */
export async function runHelper(args: readonly string[], io: CommandIo, deps: HelperDependencies = { onStopSignal: onProcessStopSignal }): Promise<number> {
  const parsed = parseCommandArgs(args, { booleans: [], values: [SOCKET_OPTION] });
  if (!parsed.ok || parsed.value.positional.length > 0) {
    io.err(`postern helper: ${parsed.ok ? 'no arguments expected' : parsed.error}\n${HELPER_USAGE}\n`);
    return 2;
  }
  if ((deps.uid ?? process.getuid?.() ?? 0) !== 0) {
    io.err('postern helper: the helper creates tunnels and changes routes, so it runs as root: sudo npx postern helper\n');
    return 1;
  }
  const log = stderrLog(io);
  const service = deps.createService?.() ?? await startSystemService(log);
  const stopLogging = service.onEvent((event) => logEvent(log, event));
  const socketPath = resolveSocketPath(parsed.value.values, deps.env);
  const started = await startIpcServer({ socketPath, backend: service, log, ...(deps.peerCredentials ? { peerCredentials: deps.peerCredentials } : {}) });
  if (!started.ok) {
    stopLogging();
    io.err(`postern helper: ${started.error.message} [${started.error.code}]\n`);
    return 1;
  }
  await new Promise<void>((resolve) => {
    const stopSignals = deps.onStopSignal(() => {
      stopSignals();
      resolve();
    });
  });
  log('info', 'stopping: taking any tunnel down');
  await service.shutdown();
  await started.value.close();
  stopLogging();
  log('info', 'stopped');
  return 0;
}

async function startSystemService(log: ServerLog): Promise<TunnelBackend & { shutdown(): Promise<void> }> {
  const { service, recovered } = await createSystemTunnelService();
  for (const report of recovered) log('warn', describeRecovery(report));
  return service;
}

function stderrLog(io: CommandIo): ServerLog {
  return (level, message) => io.err(`${new Date().toISOString()} ${level.padEnd(5)} ${message}\n`);
}

/** The service's own log lines go to stderr too (a journal under systemd); debug stays in the ring. */
function logEvent(log: ServerLog, event: HelperEvent): void {
  if (event.type === 'log' && event.line.level !== 'debug') log(event.line.level, `${event.sessionId === undefined ? '' : `[${event.sessionId}] `}${event.line.message}`);
  if (event.type === 'state') log('info', `[${event.sessionId}] ${event.profileName}: ${event.state}${event.error ? ` (${event.error.code})` : ''}`);
}
