import type { TunnelConfig } from '../../core/index';

/**
 * Which of the machine's original gateways the plan can use. Finding one costs up to
 * three `ip` runs (a third of a connect through the helper), so only these are asked:
 *  - IPv4: redirect-gateway / redirect-private (the server's host route, block-local, a
 *    replaced default) and routes naming net_gateway;
 *  - IPv6: an IPv6 server whose path an IPv6 route could swallow (plan-routes-ipv6's
 *    server bypass).
 */
export function gatewaysNeeded(config: TunnelConfig, serverFamily: 4 | 6): { ipv4: boolean; ipv6: boolean } {
  const redirect = config.redirectGateway ?? config.redirectPrivate;
  const redirects4 = redirect !== undefined && !redirect.flags.has('!ipv4');
  const namesNetGateway = config.routes.some((route) => route.gateway === 'net_gateway' || route.network === 'net_gateway');
  const ipv6RoutesPossible = config.routesIpv6.length > 0 || config.blockIpv6 || redirect?.flags.has('ipv6') === true;
  return { ipv4: redirects4 || namesNetGateway, ipv6: serverFamily === 6 && ipv6RoutesPossible };
}
