import type { DnsConfig, DnsServerOption } from '../../core/index';
import type { DnsPlan, ResolvConfDnsPlan, ResolvedDnsPlan } from './network-plan-types';

/** glibc reads at most three nameserver lines (MAXNS). */
const RESOLV_CONF_MAX_SERVERS = 3;

/**
 * Pushed DNS settings → what each backend applies. The `dns` option wins when it names
 * servers; then, like OpenVPN's dns-updown scripts (distro/dns-scripts), resolved takes the
 * first server by priority that is not DoH, and resolv.conf the first that is plain DNS on
 * port 53 without DNSSEC. dhcp-option DNS/DOMAIN/DOMAIN-SEARCH are the fallback.
 */
export function planDns(dns: DnsConfig, tunnelTakesDefault: boolean, warnings: string[]): DnsPlan | undefined {
  if (dns.dnsOption.servers.length > 0) return planFromDnsOption(dns, warnings);
  const servers = [...dns.servers, ...dns.servers6];
  if (servers.length === 0) return undefined;
  const search = unique([...(dns.domain === undefined ? [] : [dns.domain]), ...dns.searchDomains]);
  return {
    source: 'dhcp-option',
    resolved: {
      servers,
      // Routing every name to the tunnel is right only when the tunnel takes the traffic;
      // a split tunnel keeps its domains, or acts as one more default resolver without any.
      domains: tunnelTakesDefault ? [...search, '~.'] : search,
      defaultRoute: tunnelTakesDefault || search.length === 0,
    },
    resolvConf: resolvConfPlan(servers, search, warnings),
  };
}

function planFromDnsOption(dns: DnsConfig, warnings: string[]): DnsPlan {
  const byPriority = [...dns.dnsOption.servers].sort((a, b) => a.priority - b.priority);
  const search = unique(dns.dnsOption.searchDomains);
  const forResolved = byPriority.find((server) => server.transport !== 'DoH' && server.addresses.length > 0);
  const forResolvConf = byPriority.find(isPlainServer);
  if (!forResolved) warnings.push('dns: no pushed server that systemd-resolved can use (DoH only)');
  if (!forResolvConf) warnings.push('dns: no pushed server that resolv.conf can express (plain, port 53, no DNSSEC)');
  return {
    source: 'dns-option',
    ...(forResolved ? { resolved: resolvedFromServer(forResolved, search) } : {}),
    ...(forResolvConf ? { resolvConf: resolvConfPlan(forResolvConf.addresses.map((entry) => entry.address), search, warnings) } : {}),
  };
}

/** As systemd-dns-updown.sh: resolve-domains make the link a routing-only resolver for them. */
function resolvedFromServer(server: DnsServerOption, search: string[]): ResolvedDnsPlan {
  const sni = server.transport === 'DoT' && server.sni !== undefined ? `#${server.sni}` : '';
  const servers = server.addresses.map(({ address, port }) => {
    if (port === undefined) return `${address}${sni}`;
    return `${address.includes(':') ? `[${address}]` : address}:${port}${sni}`;
  });
  const routing = server.resolveDomains.filter((domain) => !search.includes(domain)).map((domain) => `~${domain}`);
  const defaultRoute = server.resolveDomains.length === 0;
  const plan: ResolvedDnsPlan = { servers, domains: defaultRoute ? [...search, '~.'] : [...search, ...routing], defaultRoute };
  if (server.dnssec !== undefined) plan.dnssec = server.dnssec === 'optional' ? 'allow-downgrade' : server.dnssec;
  if (server.transport !== undefined) plan.dnsOverTls = server.transport === 'DoT';
  return plan;
}

function isPlainServer(server: DnsServerOption): boolean {
  return (server.transport === undefined || server.transport === 'plain')
    && (server.dnssec === undefined || server.dnssec === 'no')
    && server.addresses.length > 0
    && server.addresses.every((entry) => entry.port === undefined || entry.port === 53);
}

function resolvConfPlan(servers: string[], search: string[], warnings: string[]): ResolvConfDnsPlan {
  if (servers.length > RESOLV_CONF_MAX_SERVERS) {
    warnings.push(`dns: resolv.conf holds ${RESOLV_CONF_MAX_SERVERS} nameservers; ${servers.slice(RESOLV_CONF_MAX_SERVERS).join(' ')} left out`);
  }
  return { nameservers: servers.slice(0, RESOLV_CONF_MAX_SERVERS), search };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
