import { isIPv4, isIPv6 } from 'node:net';
import type { PushedRoute, PushedRouteIpv6, RedirectGateway, Topology, TunnelConfig } from './tunnel-config-types';

/**
 * Handlers for the addressing and routing options of a push
 * (ovpn:options.c add_option; route.c). Each returns null when applied, or
 * the reason the option was unusable.
 */
export type OptionHandler = (params: string[], config: TunnelConfig, line: string) => string | null;

const ROUTE_GATEWAY_KEYWORDS = new Set(['vpn_gateway', 'net_gateway', 'remote_host']);
const REDIRECT_FLAGS = new Set(['def1', 'local', 'autolocal', 'bypass-dhcp', 'bypass-dns', 'block-local', 'ipv6', '!ipv4']);

export const handleIfconfig: OptionHandler = ([local, second], config) => {
  if (!local || !second || !isIPv4(local) || !isIPv4(second)) return 'needs two IPv4 addresses';
  config.ifconfig = { local, netmaskOrPeer: second, topology: config.topology };
  return null;
};

export const handleIfconfigIpv6: OptionHandler = ([addressWithBits, peer], config) => {
  const parsed = parseIpv6Prefix(addressWithBits);
  if (!parsed) return 'needs ADDRESS/BITS';
  if (peer !== undefined && !isIPv6(peer)) return 'bad IPv6 peer';
  config.ifconfigIpv6 = { address: parsed.address, prefixLength: parsed.prefixLength };
  if (peer !== undefined) config.ifconfigIpv6.peer = peer;
  return null;
};

export const handleTopology: OptionHandler = ([value], config) => {
  if (value !== 'net30' && value !== 'p2p' && value !== 'subnet') return 'unknown topology';
  config.topology = value satisfies Topology;
  // ifconfig may come before topology in a push; its meaning follows the final topology.
  if (config.ifconfig) config.ifconfig.topology = value;
  return null;
};

export const handleRoute: OptionHandler = ([network, netmask, gateway, metric], config) => {
  if (!network || !isIPv4(network)) return 'network must be an IPv4 address';
  const route: PushedRoute = { network, netmask: netmask ?? '255.255.255.255' };
  if (!isNetmask(route.netmask)) return 'bad netmask';
  if (gateway !== undefined && gateway !== 'default') {
    if (!isIPv4(gateway) && !ROUTE_GATEWAY_KEYWORDS.has(gateway)) return 'bad gateway';
    route.gateway = gateway;
  }
  if (metric !== undefined) {
    const value = parseNumber(metric, 0, 0xffffffff);
    if (value === null) return 'bad metric';
    route.metric = value;
  }
  config.routes.push(route);
  return null;
};

export const handleRouteIpv6: OptionHandler = ([networkWithBits, gateway, metric], config) => {
  const parsed = parseIpv6Prefix(networkWithBits);
  if (!parsed) return 'needs NETWORK/BITS';
  const route: PushedRouteIpv6 = { network: parsed.address, prefixLength: parsed.prefixLength };
  if (gateway !== undefined && gateway !== 'default') {
    if (!isIPv6(gateway) && !ROUTE_GATEWAY_KEYWORDS.has(gateway)) return 'bad gateway';
    route.gateway = gateway;
  }
  if (metric !== undefined) {
    const value = parseNumber(metric, 0, 0xffffffff);
    if (value === null) return 'bad metric';
    route.metric = value;
  }
  config.routesIpv6.push(route);
  return null;
};

export const handleRouteGateway: OptionHandler = ([gateway], config) => {
  if (!gateway || (gateway !== 'dhcp' && !isIPv4(gateway))) return 'needs an IPv4 address or dhcp';
  config.routeGateway = gateway;
  return null;
};

export const handleRouteMetric: OptionHandler = ([metric], config) => {
  const value = metric === undefined ? null : parseNumber(metric, 0, 0xffffffff);
  if (value === null) return 'bad metric';
  config.routeMetric = value;
  return null;
};

export const handleRedirect = (key: 'redirectGateway' | 'redirectPrivate'): OptionHandler => (params, config) => {
  const unknown = params.filter((flag) => !REDIRECT_FLAGS.has(flag));
  if (unknown.length > 0) return `unknown flag ${unknown.join(' ')}`;
  // Repeated options add flags, as 2.x ORs them into one set.
  const redirect: RedirectGateway = config[key] ?? { flags: new Set() };
  for (const flag of params) redirect.flags.add(flag);
  config[key] = redirect;
  return null;
};

/**
 * Reads the push for the profile's device. On tap the second address of `ifconfig` is a
 * netmask whatever the topology (2.x: "ifconfig LOCAL NETMASK" on tap); one that is not
 * is moved to `invalid`, as an unusable option.
 */
export function readForDevice(config: TunnelConfig, device: 'tun' | 'tap'): void {
  config.device = device;
  const ifconfig = config.ifconfig;
  if (device !== 'tap' || ifconfig === undefined || isNetmask(ifconfig.netmaskOrPeer)) return;
  config.invalid.push({ option: `ifconfig ${ifconfig.local} ${ifconfig.netmaskOrPeer}`, reason: 'needs a netmask on a tap device' });
  delete config.ifconfig;
}

/**
 * True when a tap push gives the device no address at all: the server left addressing to a
 * DHCP server inside the bridge (a bare `server-bridge` pushes only `route-gateway dhcp`),
 * and Postern runs no DHCP client.
 */
export function tapAddressMissing(config: TunnelConfig): boolean {
  return config.device === 'tap' && config.ifconfig === undefined && config.ifconfigIpv6 === undefined;
}

export function parseIpv6Prefix(text: string | undefined): { address: string; prefixLength: number } | null {
  if (!text) return null;
  const slash = text.indexOf('/');
  const address = slash === -1 ? text : text.slice(0, slash);
  const prefixLength = slash === -1 ? 128 : parseNumber(text.slice(slash + 1), 0, 128);
  if (!isIPv6(address) || prefixLength === null) return null;
  return { address, prefixLength };
}

/** Decimal integer in [min, max], or null. */
export function parseNumber(text: string, min: number, max: number): number | null {
  if (!/^-?\d{1,10}$/.test(text)) return null;
  const value = Number(text);
  return value >= min && value <= max ? value : null;
}

function isNetmask(mask: string): boolean {
  if (!isIPv4(mask)) return false;
  const value = mask.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
  const inverted = (~value >>> 0) + 1; // a valid mask's complement + 1 is a power of two (or 2^32)
  return (inverted & (inverted - 1)) === 0 || value === 0;
}
