import type { Result } from '../../core/index';
import type { CommandRunner } from './command-runner';
import type { OriginalGateway } from './network-plan-types';
import { networkOf } from './ip-prefix';
import { netconfigError, type NetconfigError } from './netconfig-error';

/**
 * The path to the VPN server before the tunnel exists, from iproute2's JSON:
 *
 *   ip -j route get 198.51.100.7
 *   [{"dst":"198.51.100.7","gateway":"192.0.2.1","dev":"eth0","prefsrc":"192.0.2.2","flags":[],"uid":0,"cache":[]}]
 *   ip -j route show default       [{"dst":"default","gateway":"192.0.2.1","dev":"eth0","protocol":"dhcp","metric":100,"flags":[]}]
 *   ip -j -4 addr show dev eth0    [{…,"addr_info":[{"family":"inet","local":"192.0.2.2","prefixlen":24,…}]}]
 *
 * A "local" answer (`"type":"local"`) means the server is one of our own addresses.
 */
export interface RouteGetAnswer {
  dst: string;
  gateway?: string;
  dev: string;
  prefsrc?: string;
  /** 'local' for our own address; absent for a unicast route. */
  type?: string;
}

export interface DefaultRoute {
  gateway?: string;
  dev: string;
  metric?: number;
  protocol?: string;
}

type ParseError = { code: 'netconfig.gateway_unknown'; message: string };

export function parseRouteGet(json: string): Result<RouteGetAnswer, ParseError> {
  const first = parseArray(json)[0];
  if (!isObject(first) || typeof first['dst'] !== 'string' || typeof first['dev'] !== 'string') {
    return { ok: false, error: { code: 'netconfig.gateway_unknown', message: 'ip route get gave no route with a device' } };
  }
  const answer: RouteGetAnswer = { dst: first['dst'], dev: first['dev'] };
  if (typeof first['gateway'] === 'string') answer.gateway = first['gateway'];
  if (typeof first['prefsrc'] === 'string') answer.prefsrc = first['prefsrc'];
  if (typeof first['type'] === 'string') answer.type = first['type'];
  return { ok: true, value: answer };
}

export function parseDefaultRoutes(json: string): DefaultRoute[] {
  return parseArray(json).flatMap((entry) => {
    if (!isObject(entry) || entry['dst'] !== 'default' || typeof entry['dev'] !== 'string') return [];
    if (entry['type'] !== undefined && entry['type'] !== 'unicast') return [];
    const route: DefaultRoute = { dev: entry['dev'] };
    if (typeof entry['gateway'] === 'string') route.gateway = entry['gateway'];
    if (typeof entry['metric'] === 'number') route.metric = entry['metric'];
    if (typeof entry['protocol'] === 'string') route.protocol = entry['protocol'];
    return [route];
  });
}

/** The subnet of `local` on the interface listed by `ip -j addr show dev X`. */
export function parseInterfaceSubnet(json: string, local: string): { network: string; prefixLength: number } | undefined {
  for (const link of parseArray(json)) {
    const infos = isObject(link) && Array.isArray(link['addr_info']) ? link['addr_info'] as unknown[] : [];
    for (const info of infos) {
      if (!isObject(info) || info['local'] !== local || typeof info['prefixlen'] !== 'number') continue;
      const network = networkOf(local, info['prefixlen']);
      if (network !== undefined) return { network, prefixLength: info['prefixlen'] };
    }
  }
  return undefined;
}

/**
 * How packets reach `address` now, plus the matching default route's metric/protocol and
 * the uplink subnet. undefined (ok) for an address of our own: there is no gateway to keep.
 */
export async function discoverGateway(runIp: CommandRunner, address: string, family: 4 | 6): Promise<Result<OriginalGateway | undefined, NetconfigError>> {
  const familyFlag = family === 6 ? '-6' : '-4';
  const got = await runIp(['-j', familyFlag, 'route', 'get', address]);
  if (!got.ok) return { ok: false, error: netconfigError('netconfig.gateway_unknown', `no route to ${address}: ${got.stderr}`) };
  const parsed = parseRouteGet(got.stdout);
  if (!parsed.ok) return { ok: false, error: netconfigError('netconfig.gateway_unknown', parsed.error.message) };
  const answer = parsed.value;
  if (answer.type === 'local') return { ok: true, value: undefined };
  const gateway: OriginalGateway = { dev: answer.dev, ...(answer.gateway ? { via: answer.gateway } : {}) };
  const defaults = await runIp(['-j', familyFlag, 'route', 'show', 'default']);
  const matching = defaults.ok
    ? parseDefaultRoutes(defaults.stdout).find((route) => route.dev === gateway.dev && route.gateway === gateway.via)
    : undefined;
  if (matching?.metric !== undefined) gateway.metric = matching.metric;
  if (matching?.protocol !== undefined) gateway.protocol = matching.protocol;
  if (family === 4 && answer.prefsrc) {
    const addresses = await runIp(['-j', '-4', 'addr', 'show', 'dev', answer.dev]);
    const subnet = addresses.ok ? parseInterfaceSubnet(addresses.stdout, answer.prefsrc) : undefined;
    if (subnet) gateway.localSubnet = subnet;
  }
  return { ok: true, value: gateway };
}

function parseArray(json: string): unknown[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value : [];
  } catch {
    return [];
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The default route with the lowest metric, as an OriginalGateway (for the family the server does not use). */
export async function discoverDefaultGateway(runIp: CommandRunner, family: 4 | 6): Promise<OriginalGateway | undefined> {
  const listed = await runIp(['-j', family === 6 ? '-6' : '-4', 'route', 'show', 'default']);
  if (!listed.ok) return undefined;
  const best = parseDefaultRoutes(listed.stdout).sort((a, b) => (a.metric ?? 0) - (b.metric ?? 0))[0];
  if (!best) return undefined;
  return {
    dev: best.dev,
    ...(best.gateway !== undefined ? { via: best.gateway } : {}),
    ...(best.metric !== undefined ? { metric: best.metric } : {}),
    ...(best.protocol !== undefined ? { protocol: best.protocol } : {}),
  };
}
