import { readFile } from 'node:fs/promises';
import type { CommandRunner } from '../netconfig/command-runner';
import type { FirewallResult, NftJson } from '../firewall/index';
import { PROBE_ADDRESSES_V4, PROBE_ADDRESSES_V6, type IpRoute, type LeakObservation } from './leak-check';

export interface LeakProbeOptions {
  /** `ip` (the helper: execFileRunner('ip')); tests give a fake. */
  runIp: CommandRunner;
  /** The firewall's read-back of our table. */
  currentTable(): Promise<FirewallResult<NftJson | undefined>>;
  /** The resolv.conf netconfig writes (default /etc/resolv.conf). */
  resolvConfPath?: string;
  readText?: (path: string) => Promise<string>;
}

/** Gathers what checkLeaks needs: `ip -j route`, `ip -j -6 route`, `ip -j route get` per address, our table. */
export async function observeLeaks(options: LeakProbeOptions, dnsServers: readonly string[]): Promise<LeakObservation> {
  const addresses = [...new Set([...PROBE_ADDRESSES_V4, ...PROBE_ADDRESSES_V6, ...dnsServers])];
  const [routes4, routes6, table, nameservers, ...gets] = await Promise.all([
    routeList(options.runIp, ['-j', '-4', 'route', 'show']),
    routeList(options.runIp, ['-j', '-6', 'route', 'show']),
    options.currentTable(),
    readNameservers(options.readText ?? ((path) => readFile(path, 'utf8')), options.resolvConfPath ?? '/etc/resolv.conf'),
    ...addresses.map((address) => routeList(options.runIp, ['-j', 'route', 'get', address])),
  ]);
  const routeTo: Record<string, IpRoute | undefined> = {};
  addresses.forEach((address, index) => { routeTo[address] = gets[index]?.[0]; });
  return { routes4, routes6, routeTo, nameservers, table: table.ok ? table.value : 'unreadable' };
}

async function routeList(runIp: CommandRunner, argv: readonly string[]): Promise<IpRoute[]> {
  const result = await runIp(argv);
  if (!result.ok) return [];
  try {
    const parsed = JSON.parse(result.stdout) as unknown;
    if (!Array.isArray(parsed)) return [];
    return parsed.filter((item): item is IpRoute => typeof item === 'object' && item !== null && typeof (item as { dst?: unknown }).dst === 'string');
  } catch {
    return [];
  }
}

async function readNameservers(readText: (path: string) => Promise<string>, path: string): Promise<string[] | undefined> {
  try {
    const text = await readText(path);
    return text.split('\n').map((line) => /^\s*nameserver\s+(\S+)/.exec(line)?.[1]).filter((server): server is string => server !== undefined);
  } catch {
    return undefined;
  }
}
