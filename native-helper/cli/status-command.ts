import type { SessionStatus } from '../api/index';
import type { CommandIo } from './check-command';
import { parsePlainHelperArgs, printError, withHelper } from './helper-session';
import { RENEGOTIATION_CAUSE_WORDS } from './cli-words';

export const STATUS_USAGE = 'usage: postern status [--json] [--socket PATH]';

/**
 * `postern status`: what the running helper is doing for you. Exit 0 when the helper
 * answered (with or without a tunnel), 1 when it could not be asked, 2 for bad usage.
 * With --json, one line: the helper's status result ({"session": …}).
 */
export async function runStatus(args: readonly string[], io: CommandIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const parsed = parsePlainHelperArgs('status', STATUS_USAGE, args, io, env);
  if (typeof parsed === 'number') return parsed;
  const { json, socketPath, report } = parsed;
  return withHelper(socketPath, io, report, async (connection) => {
    const status = await connection.call('tunnel.status', {});
    if (!status.ok) return printError(io, report, status.error);
    io.out(json ? `${JSON.stringify(status.value)}\n` : formatStatus(status.value.session, Date.now()));
    return 0;
  });
}

export function formatStatus(session: SessionStatus | null, nowMs: number): string {
  if (session === null) return 'No tunnel is running.\n';
  const lines = [`${session.profileName}: ${session.state.replace(/_/g, ' ')}${session.connectedAtMs === null ? '' : ` for ${formatDuration(nowMs - session.connectedAtMs)}`}`];
  const { tunnel, stats, lastError, prompt } = session;
  if (tunnel !== null) {
    const addresses = [tunnel.ipv4, tunnel.ipv6].filter((a) => a !== undefined).join(', ');
    lines.push(`  Device:  ${tunnel.tunName} ${addresses} (MTU ${tunnel.mtuBytes})`);
    lines.push(`  Server:  ${tunnel.server.host} ${tunnel.server.address}:${tunnel.server.port}/${tunnel.server.proto}, ${tunnel.cipher}`);
    if (tunnel.redirectGateway) lines.push('  Routing: all traffic goes through the VPN');
    if (tunnel.dnsServers.length > 0) lines.push(`  DNS:     ${tunnel.dnsServers.join(', ')}`);
  }
  if (stats !== null) {
    const rtt = stats.keepaliveRttMs === null ? '' : `, round trip ${stats.keepaliveRttMs} ms`;
    lines.push(`  Traffic: in ${formatBytes(stats.bytesIn)} (${formatBytes(stats.rateInBps)}/s), out ${formatBytes(stats.bytesOut)} (${formatBytes(stats.rateOutBps)}/s)${rtt}`);
  }
  if (prompt !== null) lines.push(`  Waiting for an answer: ${prompt.text}`);
  if (session.leakCheck) {
    const failed = session.leakCheck.checks.filter((check) => !check.ok);
    lines.push(`  Leaks:   ${failed.length === 0 ? `none found (${session.leakCheck.checks.length} checks)` : failed.map((check) => `${check.id}: ${check.detail}`).join('; ')}`);
  }
  const story = session.story;
  if (story && story.renegotiationCount > 0) {
    const last = story.renegotiations.at(-1);
    const times = story.renegotiationCount === 1 ? 'once' : `${story.renegotiationCount} times`;
    const detail = last ? `, last ${formatDuration(nowMs - last.atMs)} ago (${RENEGOTIATION_CAUSE_WORDS[last.cause]}; took ${last.tookMs} ms)` : '';
    lines.push(`  Keys:    renewed ${times}${detail}`);
  }
  if (lastError !== null) lines.push(`  Last error: ${lastError.message} [${lastError.code}]`);
  return `${lines.join('\n')}\n`;
}

function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h > 0 ? `${h}h ${m}m` : m > 0 ? `${m}m ${s}s` : `${s}s`;
}

function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
