import { choiceArg, intArg, isIpv4, isIpv6 } from '../directive-args';
import type { DirectiveContext, DirectiveSpec, SupportedSpec } from '../directive-spec';
import type { RouteSpec, Route6Spec } from '../profile-types';

/**
 * What the client does with routes and DNS (protocol.md §9;
 * ovpn-doc:man-sections/vpn-network-options.rst). In a client profile these
 * add to, or filter, what the server pushes.
 */

function spec(name: string, minArgs: number, maxArgs: number, apply: (ctx: DirectiveContext) => void, repeatable = false): SupportedSpec {
  return { name, category: 'supported', family: 'routing', minArgs, maxArgs, apply, repeatable };
}

const REDIRECT_FLAGS = new Set(['def1', 'local', 'autolocal', 'bypass-dhcp', 'bypass-dns', 'block-local', 'ipv6', '!ipv4']);

function redirectFlags(ctx: DirectiveContext): string[] | undefined {
  const bad = ctx.call.args.findIndex((flag) => !REDIRECT_FLAGS.has(flag));
  if (bad >= 0) {
    ctx.report('config.bad_value', 'error', `${ctx.call.name}: unknown flag "${ctx.call.args[bad] ?? ''}".`,
      { argIndex: bad, hint: 'Flags are def1, local, autolocal, bypass-dhcp, bypass-dns, block-local, ipv6, !ipv4.' });
    return undefined;
  }
  return [...ctx.call.args];
}

const ROUTE_KEYWORDS = new Set(['vpn_gateway', 'net_gateway', 'remote_host']);

// route NETWORK [NETMASK] [GATEWAY] [METRIC]; "default" keeps a position's default.
function applyRoute(ctx: DirectiveContext): void {
  const [network, netmask, gateway, metric] = ctx.call.args;
  if (network === undefined) return;
  const route: RouteSpec = { network };
  if (netmask !== undefined && netmask !== 'default') {
    if (!isIpv4(netmask)) return void ctx.report('config.bad_value', 'error', `route: "${netmask}" is not a netmask.`, { argIndex: 1 });
    route.netmask = netmask;
  }
  if (gateway !== undefined && gateway !== 'default') {
    if (!isIpv4(gateway) && !ROUTE_KEYWORDS.has(gateway)) {
      return void ctx.report('config.bad_value', 'error', `route: "${gateway}" is not a gateway (an IPv4 address, vpn_gateway, net_gateway or remote_host).`, { argIndex: 2 });
    }
    route.gateway = gateway;
  }
  if (metric !== undefined && metric !== 'default') {
    const value = intArg(ctx, 3, 0, 0x7fffffff, 'a metric');
    if (value === undefined) return;
    route.metric = value;
  }
  ctx.draft.routing.routes.push(route);
}

// route-ipv6 NETWORK/BITS [GATEWAY] [METRIC].
function applyRouteIpv6(ctx: DirectiveContext): void {
  const [network, gateway, metric] = ctx.call.args;
  if (network === undefined) return;
  const [address, bits] = network.split('/');
  if (address === undefined || !isIpv6(address) || (bits !== undefined && !/^\d+$/.test(bits)) || Number(bits ?? 128) > 128) {
    return void ctx.report('config.bad_value', 'error', `route-ipv6: "${network}" is not an IPv6 network (ADDRESS/BITS).`, { argIndex: 0 });
  }
  const route: Route6Spec = { network };
  if (gateway !== undefined && gateway !== 'default') route.gateway = gateway;
  if (metric !== undefined && metric !== 'default') {
    const value = intArg(ctx, 2, 0, 0x7fffffff, 'a metric');
    if (value === undefined) return;
    route.metric = value;
  }
  ctx.draft.routing.routesIpv6.push(route);
}

const DHCP_OPTION_TYPES = new Set(['DOMAIN', 'ADAPTER_DOMAIN_SUFFIX', 'DOMAIN-SEARCH', 'DNS', 'DNS6', 'WINS', 'NBS', 'NBT',
  'NTP', 'NBDD', 'DISABLE-NBT', 'PROXY_HTTP', 'PROXY_AUTO_CONFIG_URL']);

export const ROUTING_DIRECTIVES: readonly DirectiveSpec[] = [
  spec('route-nopull', 0, 0, (ctx) => { ctx.draft.routing.routeNopull = true; }),
  spec('pull-filter', 2, 2, (ctx) => {
    const action = choiceArg(ctx, 0, ['accept', 'ignore', 'reject'] as const);
    const prefix = ctx.call.args[1];
    if (action !== undefined && prefix !== undefined) ctx.draft.routing.pullFilters.push({ action, prefix });
  }, true),
  spec('redirect-gateway', 0, 8, (ctx) => {
    const flags = redirectFlags(ctx);
    if (flags !== undefined) ctx.draft.routing.redirectGateway = { flags };
  }),
  spec('redirect-private', 0, 8, (ctx) => {
    const flags = redirectFlags(ctx);
    if (flags !== undefined) ctx.draft.routing.redirectPrivate = { flags };
  }),
  spec('route', 1, 4, applyRoute, true),
  spec('route-ipv6', 1, 3, applyRouteIpv6, true),
  spec('route-metric', 1, 1, (ctx) => {
    const metric = intArg(ctx, 0, 0, 0x7fffffff, 'a metric');
    if (metric !== undefined) ctx.draft.routing.routeMetric = metric;
  }),
  spec('dhcp-option', 1, 2, (ctx) => {
    const [type, value] = ctx.call.args;
    if (type === undefined) return;
    if (!DHCP_OPTION_TYPES.has(type)) {
      ctx.report('config.bad_value', 'warning', `dhcp-option: "${type}" is not a known option type; it is passed on unchanged.`, { argIndex: 0 });
    }
    ctx.draft.routing.dhcpOptions.push(value === undefined ? { type } : { type, value });
  }, true),
  spec('dns', 1, 16, (ctx) => { ctx.draft.routing.dns.push([...ctx.call.args]); }, true),
  spec('block-ipv6', 0, 0, (ctx) => { ctx.draft.routing.blockIpv6 = true; }),
];
