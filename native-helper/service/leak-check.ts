import { isIPv4 } from 'node:net';
import type { AppliedTunnel, KillSwitchState, LeakCheckItem } from '../api/index';
import type { NftJson } from '../firewall/index';

/** One route as `ip -j route` prints it (the fields the checks read). */
export interface IpRoute {
  dst: string;
  dev?: string;
  gateway?: string;
  scope?: string;
}

/** What the machine looked like right after a connect or reconnect (leak-probe.ts gathers it). */
export interface LeakObservation {
  routes4: IpRoute[];
  routes6: IpRoute[];
  /** `ip route get ADDRESS` for the DNS servers and the probe addresses; undefined when there is no route. */
  routeTo: Record<string, IpRoute | undefined>;
  /** The nameservers of the resolv.conf the helper configures; undefined when it cannot be read. */
  nameservers: string[] | undefined;
  /** Our table as the firewall reads it back; 'unreadable' when nft failed. */
  table: NftJson | undefined | 'unreadable';
}

export interface LeakExpectation {
  tunnel: AppliedTunnel;
  killSwitch: Pick<KillSwitchState, 'mode' | 'dnsLeakProtection'>;
}

/** Public addresses spread over the space: with redirect-gateway, each must route through the tunnel. */
export const PROBE_ADDRESSES_V4 = ['1.1.1.1', '9.9.9.9', '100.100.100.100', '208.67.222.222'] as const;
export const PROBE_ADDRESSES_V6 = ['2606:4700:4700::1111', '2a00:1450:4001::1'] as const;

/** A route outside the tunnel this short (besides `default`, which redirect-gateway overrides) takes public traffic. */
const WIDE_PREFIX_V4 = 8;
const WIDE_PREFIX_V6 = 8;

/**
 * The leak self-test, pure: the default route(s) go through the tunnel when it carries them;
 * the DNS servers in use are the tunnel's and route through it; IPv6 is tunnelled or blocked;
 * the kill switch's rules are in place when it is on. Each check names what it found wrong.
 */
export function checkLeaks(observed: LeakObservation, expected: LeakExpectation): LeakCheckItem[] {
  const { tunnel } = expected;
  const carries = tunnel.carriesDefault ?? { ipv4: tunnel.redirectGateway, ipv6: false };
  return [
    defaultRoute('default_route_v4', carries.ipv4, observed.routes4, PROBE_ADDRESSES_V4, observed, tunnel.tunName, WIDE_PREFIX_V4),
    defaultRoute('default_route_v6', carries.ipv6, observed.routes6, PROBE_ADDRESSES_V6, observed, tunnel.tunName, WIDE_PREFIX_V6),
    dnsServers(observed, tunnel, carries.ipv4 || carries.ipv6),
    dnsRoutes(observed, tunnel),
    ipv6(observed, carries, expected.killSwitch.mode !== 'off'),
    killSwitchRules(observed, tunnel.tunName, expected.killSwitch.mode),
  ];
}

function defaultRoute(id: 'default_route_v4' | 'default_route_v6', carried: boolean, routes: IpRoute[], probes: readonly string[], observed: LeakObservation, tun: string, widePrefix: number): LeakCheckItem {
  if (!carried) return { id, ok: true, detail: 'the tunnel does not carry this default route (split tunnel)' };
  const wideOutside = routes.filter((route) => route.dev !== tun && route.dst !== 'default' && route.scope !== 'link' && prefixLength(route.dst) < widePrefix);
  if (wideOutside.length > 0) return { id, ok: false, detail: `routes outside the tunnel take public traffic: ${wideOutside.map(describe).join('; ')}` };
  const astray = probes.filter((address) => observed.routeTo[address]?.dev !== tun);
  if (astray.length > 0) {
    return { id, ok: false, detail: astray.map((address) => `${address} goes ${observed.routeTo[address] ? `via ${describe(observed.routeTo[address])}` : 'nowhere'}, not ${tun}`).join('; ') };
  }
  return { id, ok: true, detail: `public addresses route through ${tun}` };
}

function dnsServers(observed: LeakObservation, tunnel: AppliedTunnel, carriesDefault: boolean): LeakCheckItem {
  const id = 'dns_servers';
  if (!carriesDefault) return { id, ok: true, detail: 'split tunnel: the system resolvers stay in use' };
  if (tunnel.dnsServers.length === 0) return { id, ok: false, detail: 'the tunnel carries the default route but set no DNS server: queries go to the local network\'s resolvers' };
  const foreign = (observed.nameservers ?? []).filter((server) => !isLoopback(server) && !tunnel.dnsServers.includes(server));
  if (foreign.length > 0) return { id, ok: false, detail: `resolv.conf names resolvers that are not the tunnel's: ${foreign.join(', ')}` };
  return { id, ok: true, detail: `in use: ${tunnel.dnsServers.join(', ')}` };
}

function dnsRoutes(observed: LeakObservation, tunnel: AppliedTunnel): LeakCheckItem {
  const id = 'dns_routes';
  const astray = tunnel.dnsServers.filter((server) => observed.routeTo[server]?.dev !== tunnel.tunName);
  if (astray.length > 0) return { id, ok: false, detail: astray.map((server) => `${server} routes ${observed.routeTo[server] ? `via ${describe(observed.routeTo[server])}` : 'nowhere'}`).join('; ') };
  return { id, ok: true, detail: tunnel.dnsServers.length === 0 ? 'no tunnel DNS server' : `through ${tunnel.tunName}` };
}

function ipv6(observed: LeakObservation, carries: { ipv4: boolean; ipv6: boolean }, killSwitchOn: boolean): LeakCheckItem {
  const id = 'ipv6';
  if (carries.ipv6) return { id, ok: true, detail: 'IPv6 goes through the tunnel' };
  if (!carries.ipv4) return { id, ok: true, detail: 'split tunnel: IPv6 is not redirected' };
  const rules = tableText(observed.table);
  if (rules !== undefined && (rules.includes('"ipv6_leak"') || (killSwitchOn && outputPolicy(observed.table) === 'drop'))) {
    return { id, ok: true, detail: 'IPv6 outside the tunnel is refused by the firewall' };
  }
  const v6Out = observed.routes6.filter((route) => route.dst === 'default' || prefixLength(route.dst) < WIDE_PREFIX_V6);
  if (v6Out.length === 0) return { id, ok: true, detail: 'no IPv6 route to the internet' };
  return { id, ok: false, detail: `IPv6 leaves outside the tunnel (${v6Out.map(describe).join('; ')}) and no rule refuses it` };
}

function killSwitchRules(observed: LeakObservation, tun: string, mode: KillSwitchState['mode']): LeakCheckItem {
  const id = 'killswitch_rules';
  if (mode === 'off') return { id, ok: true, detail: 'the kill switch is off' };
  if (observed.table === 'unreadable') return { id, ok: false, detail: 'nft could not list table inet postern' };
  if (observed.table === undefined) return { id, ok: false, detail: `the kill switch is ${mode} but table inet postern is missing` };
  if (outputPolicy(observed.table) !== 'drop') return { id, ok: false, detail: 'the output chain does not block' };
  if (!(tableText(observed.table) ?? '').includes(`"${tun}"`)) return { id, ok: false, detail: `no rule lets ${tun} through` };
  return { id, ok: true, detail: `blocking everything but ${tun} and the servers` };
}

function outputPolicy(table: LeakObservation['table']): string | undefined {
  if (table === undefined || table === 'unreadable') return undefined;
  for (const item of table.nftables) {
    const chain = item['chain'] as { name?: unknown; policy?: unknown } | undefined;
    if (chain?.name === 'output') return typeof chain.policy === 'string' ? chain.policy : undefined;
  }
  return undefined;
}

function tableText(table: LeakObservation['table']): string | undefined {
  return table === undefined || table === 'unreadable' ? undefined : JSON.stringify(table);
}

function prefixLength(dst: string): number {
  if (dst === 'default') return 0;
  const slash = dst.indexOf('/');
  if (slash < 0) return isIPv4(dst) ? 32 : 128;
  return Number(dst.slice(slash + 1));
}

function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1';
}

function describe(route: IpRoute | undefined): string {
  if (route === undefined) return 'none';
  return [route.dst, route.gateway && `via ${route.gateway}`, route.dev && `dev ${route.dev}`].filter(Boolean).join(' ');
}
