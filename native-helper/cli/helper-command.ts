import { dirname, join } from 'node:path';
import type { HelperEvent } from '../api/index';
import { DEFAULT_HELPER_GROUP, findHelperGroup } from '../client/helper-group';
import type { HelperGroup } from '../client/helper-group';
import { startIpcServer } from '../ipc/ipc-server';
import type { IpcServerOptions } from '../ipc/ipc-server';
import type { ServerLog } from '../ipc/server-log';
import type { TunnelBackend } from '../service/tunnel-backend';
import { printable } from '../api/index';
import { prepareSharedFolder } from '../ipc/socket-path';
import { describeHolder, tryLock } from '../service/process-lock';
import type { HeldLock } from '../service/process-lock';
import { createSystemTunnelService, describeRecovery } from '../service/system-tunnel-service';
import type { CommandIo } from './check-command';
import { parseCommandArgs } from './command-args';
import { SOCKET_OPTION, resolveSocketPath } from './socket-option';
import { onProcessStopSignal } from './stop-signals';
import type { OnStopSignal } from './stop-signals';

export const HELPER_USAGE = `usage: postern helper [--socket PATH] [--group NAME]   (as root; members of NAME, default '${DEFAULT_HELPER_GROUP}', may use it)`;

export interface HelperDependencies {
  onStopSignal: OnStopSignal;
  createService?: () => TunnelBackend & { shutdown(): Promise<void> };
  uid?: number;
  env?: NodeJS.ProcessEnv;
  /** For tests without the addon; the helper itself always asks the kernel. */
  peerCredentials?: IpcServerOptions['peerCredentials'];
  /** The group lookup (getent); tests may name a group without creating it. */
  findGroup?: (name: string) => Promise<HelperGroup | undefined>;
}

/**
 * `postern helper`: the long-lived service the desktop app and the CLI talk to. Serves
 * the socket until SIGINT/SIGTERM, then takes any tunnel down (routes and DNS
 * restored), closes the socket, removes its file and exits 0. Exit 1 when it cannot
 * start (not root, another helper running, unsafe socket folder).
 */
export async function runHelper(args: readonly string[], io: CommandIo, deps: HelperDependencies = { onStopSignal: onProcessStopSignal }): Promise<number> {
  const parsed = parseCommandArgs(args, { booleans: [], values: [SOCKET_OPTION, GROUP_OPTION] });
  if (!parsed.ok || parsed.value.positional.length > 0) {
    io.err(`postern helper: ${parsed.ok ? 'no arguments expected' : parsed.error}\n${HELPER_USAGE}\n`);
    return 2;
  }
  if ((deps.uid ?? process.getuid?.() ?? 0) !== 0) {
    // Installed, the service runs it; a person typing this by hand may be on either.
    io.err('postern helper: the helper creates tunnels and changes routes, so it runs as root. '
      + 'Installed from the package: sudo systemctl start postern-helper; from a checkout: sudo npx postern helper\n');
    return 1;
  }
  const log = stderrLog(io);
  const socketPath = resolveSocketPath(parsed.value.values, deps.env);
  const running = claimSocketFolder(socketPath);
  if (!running.ok) {
    io.err(`postern helper: ${running.error}\n`);
    return 1;
  }
  const groupName = parsed.value.values.get(GROUP_OPTION) ?? DEFAULT_HELPER_GROUP;
  const group = await (deps.findGroup ?? findHelperGroup)(groupName) ?? null;
  if (group === null) {
    log('warn', `the group '${groupName}' does not exist: serving root only. To let users connect: sudo groupadd ${groupName}; sudo usermod -aG ${groupName} USER; then restart the helper`);
  }
  const service = deps.createService?.() ?? await startSystemService(log);
  const stopLogging = service.onEvent((event) => logEvent(log, event));
  const started = await startIpcServer({ socketPath, backend: service, group, log, ...(deps.peerCredentials ? { peerCredentials: deps.peerCredentials } : {}) });
  if (!started.ok) {
    stopLogging();
    running.value.release();
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
  running.value.release();
  log('info', 'stopped');
  return 0;
}

const GROUP_OPTION = '--group';

/**
 * One helper per socket folder: a second one (another --socket name in the same folder,
 * or the same path while the first is starting) would fight over the journal and the
 * network. The lock lives beside the socket and dies with the helper.
 */
function claimSocketFolder(socketPath: string): { ok: true; value: HeldLock } | { ok: false; error: string } {
  const folder = dirname(socketPath);
  const problem = prepareSharedFolder(folder);
  if (problem !== undefined) return { ok: false, error: `${problem.message} [${problem.code}]` };
  const locked = tryLock(join(folder, 'helper.lock'));
  if (locked.ok) return locked;
  return { ok: false, error: locked.problem ?? `another Postern helper is running with its socket in ${folder}: ${describeHolder(locked.holder)}. Stop it first.` };
}

async function startSystemService(log: ServerLog): Promise<TunnelBackend & { shutdown(): Promise<void> }> {
  const { service, recovered } = await createSystemTunnelService();
  for (const report of recovered) log('warn', describeRecovery(report));
  return service;
}

/** Control characters a profile name or a server's message may carry are shown, never obeyed. */
function stderrLog(io: CommandIo): ServerLog {
  return (level, message) => io.err(`${new Date().toISOString()} ${level.padEnd(5)} ${printable(message)}\n`);
}

/** The service's own log lines go to stderr too (a journal under systemd); debug stays in the ring. */
function logEvent(log: ServerLog, event: HelperEvent): void {
  if (event.type === 'log' && event.line.level !== 'debug') log(event.line.level, `${event.sessionId === undefined ? '' : `[${event.sessionId}] `}${event.line.message}`);
  if (event.type === 'state') log('info', `[${event.sessionId}] ${event.profileName}: ${event.state}${event.error ? ` (${event.error.code})` : ''}`);
}
