import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { release, version as kernelBuild } from 'node:os';
import type { HelperCallResult, HelperMethod, MethodParams, MethodResult } from '../../api/index';
import type { Captured, HelperPart, NetworkItem, Versions } from './report';

/** How many of the helper's log lines an archive carries. */
export const DIAGNOSTICS_LOG_LINES = 2000;
const COMMAND_TIMEOUT_MS = 5000;

/** A typed call to the helper: the CLI's one-off connection or the app's HelperLink. */
export type HelperCall = <M extends HelperMethod>(method: M, params: MethodParams<M>) => Promise<HelperCallResult<MethodResult<M>>>;

/** What the helper tells about now: the connection (with its last leak check), the kill switch and its recent log. */
export async function captureHelper(call: HelperCall): Promise<Extract<HelperPart, { reachable: true }>> {
  const [status, killSwitch, log] = await Promise.all([
    call('tunnel.status', {}), call('killswitch.get', {}), call('log.recent', { limit: DIAGNOSTICS_LOG_LINES }),
  ]);
  return { reachable: true, session: status.ok ? status.value.session : null, killSwitch: killSwitch.ok ? killSwitch.value : null, log: log.ok ? log.value.lines : [] };
}

/** This machine's versions beside Postern's (the caller knows its own and the helper's). */
export function systemVersions(postern: string, helper: { version?: string | undefined; protocol?: string | undefined }): Versions {
  return {
    postern, node: process.versions.node, openssl: process.versions.openssl ?? 'unknown',
    kernel: `${release()} ${kernelBuild()}`, distribution: distribution(),
    ...(helper.version === undefined ? {} : { helper: helper.version }), ...(helper.protocol === undefined ? {} : { helperProtocol: helper.protocol }),
  };
}

/** The routes, the resolver and Postern's firewall table as they are now (each may fail on its own: unprivileged, no nft). */
export async function captureNetwork(): Promise<Record<NetworkItem, Captured>> {
  const [routes4, routes6, nft] = await Promise.all([
    run('ip', ['-4', 'route', 'show', 'table', 'all']), run('ip', ['-6', 'route', 'show', 'table', 'all']), run('nft', ['list', 'table', 'inet', 'postern']),
  ]);
  let resolvConf: Captured;
  try {
    resolvConf = { ok: true, text: readFileSync('/etc/resolv.conf', 'utf8') };
  } catch (error) {
    resolvConf = { ok: false, why: (error as NodeJS.ErrnoException).code ?? 'unreadable' };
  }
  return { 'routes-ipv4': routes4, 'routes-ipv6': routes6, 'resolv.conf': resolvConf, 'nftables-postern': nft };
}

function distribution(): string {
  try {
    return /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function run(program: string, args: readonly string[]): Promise<Captured> {
  return new Promise((done) => {
    execFile(program, args, { timeout: COMMAND_TIMEOUT_MS, maxBuffer: 4 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) done({ ok: false, why: `${program} ${args.join(' ')}: ${stderr.trim().split('\n')[0] || error.message}` });
      else done({ ok: true, text: stdout });
    });
  });
}
