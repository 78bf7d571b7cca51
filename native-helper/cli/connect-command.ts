import { readFileSync } from 'node:fs';
import { importProfile, isConnectable } from '../../core/index';
import type { MethodParams } from '../api/index';
import { createTunnelService, type TunnelServiceOptions } from '../service/tunnel-service';
import type { CommandIo } from './check-command';
import { createEventPrinter } from './event-printer';
import { parseCommandArgs } from './command-args';

export const CONNECT_USAGE = 'usage: postern connect PROFILE [--json] [--auth-file FILE]';

export interface ConnectDependencies {
  /** Calls back once on Ctrl-C / SIGTERM; returns a function that stops listening. */
  onStopSignal(handler: () => void): () => void;
  service?: TunnelServiceOptions;
  uid?: number;
}

const processSignals: ConnectDependencies['onStopSignal'] = (handler) => {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const signal of signals) process.once(signal, handler);
  return () => { for (const signal of signals) process.off(signal, handler); };
};

/**
 * `postern connect PROFILE`: the tunnel in the foreground, no helper service needed
 * (like `openvpn --config`). Runs until Ctrl-C or SIGTERM, then tears everything down
 * and exits 0; exits 1 when the tunnel stopped on its own (the reason is printed).
 */
export async function runConnect(args: readonly string[], io: CommandIo, deps: ConnectDependencies = { onStopSignal: processSignals }): Promise<number> {
  const parsed = parseCommandArgs(args, { booleans: ['--json'], values: ['--auth-file'] });
  if (!parsed.ok || parsed.value.positional.length !== 1) {
    io.err(`postern connect: ${parsed.ok ? 'expected exactly one PROFILE' : parsed.error}\n${CONNECT_USAGE}\n`);
    return 2;
  }
  const { positional: [path = ''], flags, values } = parsed.value;
  const json = flags.has('--json');
  const fail = (code: string, message: string, exitCode = 1): number => {
    if (json) io.out(`${JSON.stringify({ type: 'error', code, message })}\n`);
    else io.err(`postern connect: ${message}\n`);
    return exitCode;
  };
  const uid = deps.uid ?? process.getuid?.() ?? 0;
  if (uid !== 0) return fail('tunnel.not_root', 'Creating a tunnel needs root: run it with sudo, or use the helper service (sudo npx postern helper).');
  const imported = importProfile(path);
  if (!imported.ok) return fail(imported.error.code, imported.error.message, 2);
  if (!isConnectable(imported.value) || imported.value.selfContainedText === undefined) {
    const errors = imported.value.problems.filter((p) => p.severity === 'error').map((p) => `${path}:${p.line}:${p.column} ${p.message}`);
    return fail('profile.invalid', `The profile cannot be used:\n${errors.join('\n')}`);
  }
  const request: MethodParams<'tunnel.connect'> = { profile: { name: imported.value.name, text: imported.value.selfContainedText } };
  const authFile = values.get('--auth-file');
  if (authFile !== undefined) {
    const credentials = readAuthFile(authFile);
    if (!credentials.ok) return fail('profile.credentials_unreadable', credentials.error);
    request.credentials = credentials.value;
  }
  const service = createTunnelService(deps.service);
  const stopListening = service.onEvent(createEventPrinter(io, json));
  const started = service.connect(request, { uid, pid: process.pid });
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

/** `--auth-file`: username on the first line, password on the second (as openvpn reads it). */
function readAuthFile(path: string): { ok: true; value: { username: string; password: string } } | { ok: false; error: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return { ok: false, error: `Cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'}).` };
  }
  const [username = '', password] = text.split(/\r?\n/);
  if (username === '' || password === undefined) return { ok: false, error: `${path} must hold the username on the first line and the password on the second.` };
  return { ok: true, value: { username, password } };
}
