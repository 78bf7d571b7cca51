import { isIPv6 } from 'node:net';
import type { NetworkStep, PlanInput } from './network-plan-types';
import type { PlannedRoutes } from './plan-routes-ipv4';
import { networkOf, prefixContains } from './ip-prefix';
import { routeStep } from './route-step';

/** init.c do_init_route_ipv6_list: what `redirect-gateway ipv6` adds instead of ::/0. */
export const IPV6_REDIRECT_PREFIXES: ReadonlyArray<readonly [string, number]> = [
  ['::', 3], ['2000::', 4], ['3000::', 4], ['fc00::', 7],
];

interface Ipv6Target {
  network: string;
  prefixLength: number;
  steps: NetworkStep[];
}

/**
 * IPv6 routes as 2.6 makes them on a tun: `dev <tun>` without a gateway (add_route_ipv6
 * never sets one on tun), the redirect prefixes when `redirect-gateway ipv6` meets
 * ifconfig-ipv6, and a /128 to the server through the original gateway when one of those
 * routes would swallow it (init_route_ipv6_list, metric 1).
 * `block-ipv6` is done with kernel `unreachable` routes over the same prefixes: local
 * programs get "no route to host" at once, which is what 2.6's ICMPv6 answer achieves.
 * On a tap device every route needs a gateway (add_route_ipv6: the route's own, else the
 * ifconfig-ipv6 peer; none for an explicit metric 0, "on-link"): without one the kernel
 * would look for each destination on the bridge itself. A route with none is skipped.
 */
export function planIpv6Routes(input: PlanInput, warnings: string[]): PlannedRoutes {
  const { config } = input;
  const targets: Ipv6Target[] = [];
  const flags = (config.redirectGateway ?? config.redirectPrivate)?.flags;
  const redirectPath = !config.blockIpv6 && flags?.has('ipv6') === true && config.ifconfigIpv6 !== undefined
    ? tunnelPath6(input, undefined, undefined, warnings, 'redirect-gateway ipv6') : undefined;
  const redirectIpv6 = redirectPath !== undefined;
  if (config.blockIpv6) {
    for (const [network, prefixLength] of IPV6_REDIRECT_PREFIXES) {
      targets.push({ network, prefixLength, steps: [routeStep(`block-ipv6: ${network}/${prefixLength} unreachable`, ['-6', 'route', '%', 'unreachable', `${network}/${prefixLength}`])] });
    }
  } else if (redirectPath !== undefined) {
    for (const [network, prefixLength] of IPV6_REDIRECT_PREFIXES) {
      targets.push({ network, prefixLength, steps: [routeStep(`redirect ${network}/${prefixLength} into the tunnel`, ['-6', 'route', '%', `${network}/${prefixLength}`, ...redirectPath])] });
    }
  }
  for (const route of config.routesIpv6) {
    const network = networkOf(route.network, route.prefixLength);
    if (network === undefined || network.includes('.')) {
      warnings.push(`route-ipv6 ${route.network}/${route.prefixLength}: not an IPv6 prefix; skipped`);
      continue;
    }
    // 2.6 passes a metric only when it is above zero; route-metric applies to IPv6 too.
    const metric = route.metric ?? config.routeMetric;
    const metricWords = metric !== undefined && metric > 0 ? ['metric', String(metric)] : [];
    const path = tunnelPath6(input, route.gateway, route.metric, warnings, `route-ipv6 ${network}/${route.prefixLength}`);
    if (!path) continue;
    targets.push({ network, prefixLength: route.prefixLength, steps: [routeStep(`route-ipv6 ${network}/${route.prefixLength}`, ['-6', 'route', '%', `${network}/${route.prefixLength}`, ...path, ...metricWords])] });
  }
  const steps = [...serverBypass6(input, targets, warnings), ...targets.flatMap((target) => target.steps)];
  return { steps, redirectsDefault: redirectIpv6 || config.blockIpv6 };
}

/** `dev TUN` on tun; `via GATEWAY dev TAP` on tap, or undefined (with a warning) when no gateway is known. */
function tunnelPath6({ config, tunName }: PlanInput, gateway: string | undefined, metric: number | undefined, warnings: string[], label: string): string[] | undefined {
  if (config.device !== 'tap' || metric === 0) return ['dev', tunName];
  const via = gateway !== undefined && isIPv6(gateway) ? gateway : config.ifconfigIpv6?.peer;
  if (via !== undefined) return ['via', via, 'dev', tunName];
  warnings.push(`${label}: a tap device needs an IPv6 gateway (the route's own or ifconfig-ipv6's peer); skipped`);
  return undefined;
}

function serverBypass6(input: PlanInput, targets: Ipv6Target[], warnings: string[]): NetworkStep[] {
  const { serverAddress, serverFamily, originalGateway6: gateway } = input;
  if (serverFamily !== 6) return [];
  if (!targets.some((target) => prefixContains(target.network, target.prefixLength, serverAddress))) return [];
  if (!gateway) {
    warnings.push(`an IPv6 route covers the VPN server ${serverAddress}, but its original gateway is unknown`);
    return [];
  }
  const via = gateway.via ? ['via', gateway.via] : [];
  return [routeStep(`keep the VPN server ${serverAddress} on the original path`,
    ['-6', 'route', '%', `${serverAddress}/128`, ...via, 'dev', gateway.dev, 'metric', '1'])];
}
