import { createSystemTunnelService, describeRecovery } from '../service/system-tunnel-service';
import type { SystemTunnelService } from '../service/system-tunnel-service';
import type { CommandIo } from './check-command';
import { buildConnectRequest } from './connect-request';
import { connectViaHelper } from './connect-via-helper';
import { createEventPrinter } from './event-printer';
import { helperServesThisNetwork } from './helper-probe';
import { parseCommandArgs } from './command-args';
import { choosePromptMode, startPromptResponder } from './prompt-responder';
import type { PromptMode } from './prompt-responder';
import { SOCKET_OPTION, resolveSocketPath } from './socket-option';
import { onProcessStopSignal } from './stop-signals';
import type { OnStopSignal } from './stop-signals';

export const CONNECT_USAGE = 'usage: postern connect PROFILE [--json] [--auth-file FILE] [--helper] [--socket PATH]';

export interface ConnectDependencies {
  onStopSignal: OnStopSignal;
  /** Default: the real TUN device, routes and DNS (tests pass an in-memory one). */
  createService?: () => Promise<SystemTunnelService>;
  uid?: number;
  env?: NodeJS.ProcessEnv;
  /** Default: stdin answers with --json, else the terminal when there is one. */
  promptMode?: PromptMode;
  /** Is a helper holding this network namespace at the socket path? (helper-probe.ts) */
  helperRunning?: (socketPath: string) => Promise<boolean>;
}

/**
 * `postern connect PROFILE`. As root, the tunnel runs in this process, in the foreground
 * (like `openvpn --config`): until Ctrl-C or SIGTERM, then everything is taken down and
 * the exit code is 0; 1 when the tunnel stopped on its own (the reason is printed).
 * As another user, or with --helper / --socket, the running helper service holds the
 * tunnel instead and this command returns once it is connected. As root too when a
 * helper already runs for this network: two owners of one routing table leak.
 */
export async function runConnect(args: readonly string[], io: CommandIo, deps: ConnectDependencies = { onStopSignal: onProcessStopSignal }): Promise<number> {
  const parsed = parseCommandArgs(args, { booleans: ['--json', '--helper'], values: ['--auth-file', SOCKET_OPTION] });
  if (!parsed.ok || parsed.value.positional.length !== 1) {
    io.err(`postern connect: ${parsed.ok ? 'expected exactly one PROFILE' : parsed.error}\n${CONNECT_USAGE}\n`);
    return 2;
  }
  const { positional: [path = ''], flags, values } = parsed.value;
  const json = flags.has('--json');
  const authFile = values.get('--auth-file');
  const uid = deps.uid ?? process.getuid?.() ?? 0;
  const socketPath = resolveSocketPath(values, deps.env);
  let viaHelper = uid !== 0 || flags.has('--helper') || values.has(SOCKET_OPTION);
  if (!viaHelper && await (deps.helperRunning ?? helperServesThisNetwork)(socketPath)) {
    viaHelper = true;
    if (!json) io.err('postern connect: a Postern helper is running on this machine, so it holds the tunnel; `postern disconnect` ends it.\n');
  }
  if (viaHelper) {
    const promptMode = deps.promptMode ?? choosePromptMode(json);
    return connectViaHelper(path, { socketPath, json, promptMode, onStopSignal: deps.onStopSignal, ...(authFile === undefined ? {} : { authFile }) }, io);
  }
  const fail = (code: string, message: string, exitCode = 1): number => {
    if (json) io.out(`${JSON.stringify({ type: 'error', code, message })}\n`);
    else io.err(`postern connect: ${message}\n`);
    return exitCode;
  };
  const request = buildConnectRequest(path, authFile);
  if (!request.ok) return fail(request.error.code, request.error.message, request.usage ? 2 : 1);
  const { service, recovered } = await (deps.createService ?? createSystemTunnelService)();
  const print = createEventPrinter(io, json);
  for (const report of recovered) print({ type: 'log', line: { atMs: Date.now(), level: 'warn', message: describeRecovery(report) } });
  const responder = startPromptResponder(deps.promptMode ?? choosePromptMode(json), io, {
    answer: async (params) => service.answerPrompt(params),
    cancel: async (promptId) => service.cancelPrompt({ promptId }),
  });
  const stopPrinting = service.onEvent(print);
  const stopResponding = service.onEvent(responder.onEvent);
  const stopListening = (): void => {
    stopPrinting();
    stopResponding();
    responder.stop();
  };
  const started = service.connect(request.value, { uid, pid: process.pid });
  if (!started.ok) {
    stopListening();
    return fail(started.error.code, started.error.message);
  }
  const stopSignals = deps.onStopSignal(() => { void service.disconnect(); });
  const end = await service.whenEnded();
  stopSignals();
  stopListening();
  if (!end || end.requested) return 0;
  return fail(end.code, end.message);
}
