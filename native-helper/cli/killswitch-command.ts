import type { KillSwitchState, MethodParams } from '../api/index';
import type { CommandIo } from './check-command';
import { parseCommandArgs } from './command-args';
import { printError, withHelper } from './helper-session';
import { SOCKET_OPTION, resolveSocketPath } from './socket-option';

export const KILLSWITCH_USAGE = 'usage: postern killswitch [off|auto|always] [--allow-lan|--no-allow-lan] [--dns-leak-protection|--no-dns-leak-protection] [--json] [--socket PATH]';

const MODES = new Set(['off', 'auto', 'always']);

/**
 * `postern killswitch`: prints the machine's kill switch (mode, allow-LAN, DNS leak
 * protection, whether it blocks now); with a mode or a flag, changes it through the helper
 * (root and members of the helper's group may). Exit 0 done, 1 refused or no helper, 2 usage.
 */
export async function runKillSwitch(args: readonly string[], io: CommandIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const flags = ['--json', '--allow-lan', '--no-allow-lan', '--dns-leak-protection', '--no-dns-leak-protection'];
  const parsed = parseCommandArgs(args, { booleans: flags, values: [SOCKET_OPTION] });
  const mode = parsed.ok ? parsed.value.positional[0] : undefined;
  const problem = !parsed.ok ? parsed.error
    : parsed.value.positional.length > 1 ? 'expected at most one mode'
      : mode !== undefined && !MODES.has(mode) ? `unknown mode ${mode} (off, auto or always)`
        : parsed.value.flags.has('--allow-lan') && parsed.value.flags.has('--no-allow-lan') ? '--allow-lan and --no-allow-lan together'
          : undefined;
  if (!parsed.ok || problem !== undefined) {
    io.err(`postern killswitch: ${problem}\n${KILLSWITCH_USAGE}\n`);
    return 2;
  }
  const { flags: given, values } = parsed.value;
  const json = given.has('--json');
  const report = { command: 'killswitch', json };
  const change: MethodParams<'killswitch.set'> = {
    ...(mode === undefined ? {} : { mode: mode as 'off' | 'auto' | 'always' }),
    ...(given.has('--allow-lan') ? { allowLan: true } : given.has('--no-allow-lan') ? { allowLan: false } : {}),
    ...(given.has('--dns-leak-protection') ? { dnsLeakProtection: true } : given.has('--no-dns-leak-protection') ? { dnsLeakProtection: false } : {}),
  };
  return withHelper(resolveSocketPath(values, env), io, report, async (connection) => {
    const result = Object.keys(change).length === 0 ? await connection.call('killswitch.get', {}) : await connection.call('killswitch.set', change);
    if (!result.ok) return printError(io, report, result.error);
    io.out(json ? `${JSON.stringify({ type: 'killswitch', ...result.value })}\n` : formatKillSwitch(result.value));
    return 0;
  });
}

export function formatKillSwitch(state: KillSwitchState): string {
  const mode = { off: 'off', auto: 'auto (blocks from connecting until you disconnect)', always: 'always (blocks whenever no tunnel is up)' }[state.mode];
  return [
    `Kill switch: ${mode}`,
    `  Now:          ${state.blocking ? 'blocking everything outside the tunnel' : 'not blocking'}`,
    `  Allow LAN:    ${state.allowLan ? 'yes' : 'no'}`,
    `  DNS leak protection: ${state.dnsLeakProtection ? 'on' : 'off'}`,
  ].join('\n') + '\n';
}
