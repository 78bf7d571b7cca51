import type { KillSwitchState, MethodParams } from '../api/index';
import type { CommandIo } from './check-command';
import { parseCommandArgs } from './command-args';
import { printError, withHelper } from './helper-session';
import { SOCKET_OPTION, resolveSocketPath } from './socket-option';

export const KILLSWITCH_USAGE = 'usage: postern killswitch [off|auto|always] [--allow-lan|--no-allow-lan] [--json] [--socket PATH]';

const MODES = ['off', 'auto', 'always'] as const;

/**
 * `postern killswitch`: shows the machine-wide kill switch, or changes it (mode, allow-LAN),
 * through the helper. Exit 0 when the helper answered, 1 when it could not, 2 for bad usage.
 */
export async function runKillSwitch(args: readonly string[], io: CommandIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const parsed = parseCommandArgs(args, { booleans: ['--json', '--allow-lan', '--no-allow-lan'], values: [SOCKET_OPTION] });
  const mode = parsed.ok ? parsed.value.positional[0] : undefined;
  if (!parsed.ok || parsed.value.positional.length > 1 || (mode !== undefined && !(MODES as readonly string[]).includes(mode))
    || (parsed.value.flags.has('--allow-lan') && parsed.value.flags.has('--no-allow-lan'))) {
    io.err(`postern killswitch: ${parsed.ok ? 'expected off, auto or always, and at most one of --allow-lan/--no-allow-lan' : parsed.error}\n${KILLSWITCH_USAGE}\n`);
    return 2;
  }
  const { flags, values } = parsed.value;
  const json = flags.has('--json');
  const report = { command: 'killswitch', json };
  const change: MethodParams<'killswitch.set'> = {
    ...(mode === undefined ? {} : { mode: mode as (typeof MODES)[number] }),
    ...(flags.has('--allow-lan') ? { allowLan: true } : flags.has('--no-allow-lan') ? { allowLan: false } : {}),
  };
  return withHelper(resolveSocketPath(values, env), io, report, async (connection) => {
    const answer = Object.keys(change).length === 0 ? await connection.call('killswitch.get', {}) : await connection.call('killswitch.set', change);
    if (!answer.ok) return printError(io, report, answer.error);
    io.out(json ? `${JSON.stringify(answer.value)}\n` : describe(answer.value));
    return 0;
  });
}

function describe(state: KillSwitchState): string {
  const what: Record<KillSwitchState['mode'], string> = {
    off: 'off: traffic may leave outside the VPN when no tunnel is up',
    auto: 'auto: from connect until you disconnect, nothing leaves except through the tunnel',
    always: 'always: nothing leaves except through a tunnel, connected or not',
  };
  const lan = state.allowLan ? 'the local network is allowed' : 'the local network is blocked too';
  return `Kill switch ${what[state.mode]}${state.mode === 'off' ? '' : `; ${lan}`}.\n${state.blocking ? 'Blocking traffic now: no VPN is connected.' : 'Not blocking now.'}\n`;
}
