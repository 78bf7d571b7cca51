import { isIPv4 } from 'node:net';
import type { PushedRoute, RedirectGateway } from '../../core/index';
import type { NetworkStep, OriginalGateway, PlanInput } from './network-plan-types';
import { netmaskToPrefixLength, networkOf, prefixContains } from './ip-prefix';
import { routeStep } from './route-step';

export interface PlannedRoutes {
  steps: NetworkStep[];
  redirectsDefault: boolean;
}

/**
 * IPv4 routes as 2.6's route.c makes them: redirect_default_route_to_vpn first (server
 * host route, then def1 halves or the replaced default), then block-local and pushed routes.
 */
export function planIpv4Routes(input: PlanInput, warnings: string[]): PlannedRoutes {
  const vpnGateway = vpnGateway4(input);
  const redirect = planRedirect(input, vpnGateway, warnings);
  const steps = [...redirect.steps];
  for (const route of input.config.routes) {
    const step = pushedRouteStep(input, route, vpnGateway, warnings);
    if (step) steps.push(step);
  }
  return { steps, redirectsDefault: redirect.redirectsDefault };
}

/**
 * do_init_route_list: route-gateway when pushed, else the peer for net30/p2p on tun. A tap
 * device has no peer: only route-gateway names its gateway (`route-gateway dhcp` would
 * learn it from DHCP, which Postern does not run, so routes through it are skipped).
 */
function vpnGateway4({ config }: PlanInput): string | undefined {
  if (config.routeGateway !== undefined && isIPv4(config.routeGateway)) return config.routeGateway;
  const ifconfig = config.ifconfig;
  if (ifconfig && ifconfig.topology !== 'subnet' && config.device !== 'tap') return ifconfig.netmaskOrPeer;
  return undefined;
}

/** The enabled redirect option: `!ipv4` clears RG_ENABLE in options.c, and only redirect-gateway reroutes. */
function activeRedirect({ config }: PlanInput): { flags: Set<string>; reroute: boolean } | undefined {
  const option: RedirectGateway | undefined = config.redirectGateway ?? config.redirectPrivate;
  if (!option || option.flags.has('!ipv4')) return undefined;
  return { flags: option.flags, reroute: config.redirectGateway !== undefined };
}

function planRedirect(input: PlanInput, vpnGateway: string | undefined, warnings: string[]): PlannedRoutes {
  const redirect = activeRedirect(input);
  const none = { steps: [], redirectsDefault: false };
  if (!redirect) return none;
  const { tunName, originalGateway4: gateway } = input;
  if (redirect.reroute && vpnGateway === undefined) {
    warnings.push('redirect-gateway: no VPN gateway (route-gateway or ifconfig peer) was pushed; default route left alone');
    return none;
  }
  if (!gateway && input.serverFamily === 4 && !redirect.flags.has('local')) {
    warnings.push('redirect-gateway: the current default gateway is unknown; default route left alone');
    return none;
  }
  const steps = [...serverBypass(input, redirect.flags), ...blockLocal(input, redirect.flags, vpnGateway)];
  if (!redirect.reroute || vpnGateway === undefined) return { steps, redirectsDefault: false };
  if (redirect.flags.has('def1')) {
    // Two halves beat the original default by prefix length, so it can stay in place.
    steps.push(routeStep('redirect 0.0.0.0/1 into the tunnel', ['route', '%', '0.0.0.0/1', 'via', vpnGateway, 'dev', tunName]));
    steps.push(routeStep('redirect 128.0.0.0/1 into the tunnel', ['route', '%', '128.0.0.0/1', 'via', vpnGateway, 'dev', tunName]));
  } else {
    if (gateway) steps.push(deleteDefault(gateway));
    steps.push(routeStep('default route into the tunnel', ['route', '%', 'default', 'via', vpnGateway, 'dev', tunName]));
  }
  return { steps, redirectsDefault: true };
}

/** The /32 that keeps the tunnel's own packets on the original path, unless the server is local. */
function serverBypass({ serverAddress, serverFamily, originalGateway4: gateway }: PlanInput, flags: Set<string>): NetworkStep[] {
  // 2.6 skips it for an IPv6 server ("remote_host protocol differs") and for `local`; we
  // also skip it for an on-link server, whose connected route is more specific anyway.
  if (serverFamily !== 4 || flags.has('local') || !gateway?.via) return [];
  return [routeStep(`keep the VPN server ${serverAddress} on the original gateway ${gateway.via}`,
    ['route', '%', `${serverAddress}/32`, 'via', gateway.via, 'dev', gateway.dev])];
}

/** route.c add_block_local_routes: the uplink's subnet, split in two halves, into the tunnel. */
function blockLocal(input: PlanInput, flags: Set<string>, vpnGateway: string | undefined): NetworkStep[] {
  const gateway = input.originalGateway4;
  const subnet = gateway?.localSubnet;
  if (!flags.has('block-local') || vpnGateway === undefined || !gateway?.via || !subnet) return [];
  if (subnet.prefixLength >= 32 || prefixContains(subnet.network, subnet.prefixLength, input.serverAddress)) return [];
  const half = subnet.prefixLength + 1;
  const upper = networkOf(addToIpv4(subnet.network, 2 ** (32 - half)), half) ?? subnet.network;
  return [
    routeStep(`keep the local gateway ${gateway.via} reachable`, ['route', '%', `${gateway.via}/32`, 'via', gateway.via, 'dev', gateway.dev]),
    routeStep(`block-local: ${subnet.network}/${half} into the tunnel`, ['route', '%', `${subnet.network}/${half}`, 'via', vpnGateway, 'dev', input.tunName]),
    routeStep(`block-local: ${upper}/${half} into the tunnel`, ['route', '%', `${upper}/${half}`, 'via', vpnGateway, 'dev', input.tunName]),
  ];
}

function deleteDefault(gateway: OriginalGateway): NetworkStep {
  const path = [...(gateway.via ? ['via', gateway.via] : []), 'dev', gateway.dev];
  const metric = gateway.metric === undefined ? [] : ['metric', String(gateway.metric)];
  const protocol = gateway.protocol === undefined ? [] : ['proto', gateway.protocol];
  return {
    description: `remove the original default route (${gateway.via ?? 'on-link'} dev ${gateway.dev}); put back on undo`,
    apply: ['route', 'del', 'default', ...path, ...metric],
    undo: ['route', 'add', 'default', ...path, ...protocol, ...metric],
  };
}

function pushedRouteStep(input: PlanInput, route: PushedRoute, vpnGateway: string | undefined, warnings: string[]): NetworkStep | undefined {
  const label = `route ${route.network} ${route.netmask}${route.gateway ? ` ${route.gateway}` : ''}`;
  const target = specialAddress(input, route.network, vpnGateway);
  const prefixLength = netmaskToPrefixLength(route.netmask);
  const network = target === undefined || prefixLength === undefined ? undefined : networkOf(target, prefixLength);
  if (network === undefined || prefixLength === undefined) {
    warnings.push(`${label}: not an IPv4 network and netmask; skipped`);
    return undefined;
  }
  const path = routePath(input, route.gateway, vpnGateway);
  if (!path) {
    warnings.push(`${label}: its gateway is unknown; skipped`);
    return undefined;
  }
  const metric = route.metric ?? input.config.routeMetric;
  const metricWords = metric === undefined ? [] : ['metric', String(metric)];
  return routeStep(label, ['route', '%', `${network}/${prefixLength}`, ...path, ...metricWords]);
}

/** route.c get_special_addr: vpn_gateway, net_gateway and remote_host stand for addresses. */
function specialAddress(input: PlanInput, word: string, vpnGateway: string | undefined): string | undefined {
  switch (word) {
    case 'vpn_gateway': return vpnGateway;
    case 'net_gateway': return input.originalGateway4?.via;
    case 'remote_host': return input.serverFamily === 4 ? input.serverAddress : undefined;
    default: return isIPv4(word) ? word : undefined;
  }
}

function routePath(input: PlanInput, gatewayWord: string | undefined, vpnGateway: string | undefined): string[] | undefined {
  if (gatewayWord === undefined || gatewayWord === 'vpn_gateway') {
    return vpnGateway === undefined ? undefined : ['via', vpnGateway, 'dev', input.tunName];
  }
  if (gatewayWord === 'net_gateway') {
    const original = input.originalGateway4;
    if (!original) return undefined;
    return [...(original.via ? ['via', original.via] : []), 'dev', original.dev];
  }
  const address = specialAddress(input, gatewayWord, vpnGateway);
  if (address === undefined) return undefined;
  return address === vpnGateway ? ['via', address, 'dev', input.tunName] : ['via', address];
}

function addToIpv4(address: string, amount: number): string {
  const value = address.split('.').reduce((acc, part) => acc * 256 + Number(part), 0) + amount;
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}
