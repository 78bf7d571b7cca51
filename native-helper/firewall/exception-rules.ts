import type { ServerEndpoint } from './firewall-types';
import { isV4 } from './firewall-types';

/**
 * The rule lines of each exception, in nft syntax for an `inet` table. Every address and
 * name reaching here has passed firewallInputSchema (digits, hex, ':' and '.' only;
 * interface names from a strict pattern), so nothing in them can be nft syntax.
 */

/** Named counters: the ones on refusals let a test (or a leak self-test) count blocked packets. */
export const COUNTERS = [
  'blocked_out', 'blocked_in', 'blocked_forward', 'dns_leak', 'ipv6_leak',
  'server_out', 'tunnel_out', 'lan_out',
] as const;
export type CounterName = (typeof COUNTERS)[number];

const count = (name: CounterName): string => `counter name "${name}"`;

/**
 * The local network with allow-LAN: RFC 1918, IPv4 link-local, and the multicast and
 * broadcast a LAN uses (224.0.0.0/24 local control, 239/8 admin-scoped: mDNS, SSDP;
 * 255.255.255.255); IPv6 link-local fe80::/10, ULA fc00::/7 and multicast of scopes 1-5.
 * The same lists as Mullvad's allowed_nets.rs.
 */
export const LAN_IPV4 = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '224.0.0.0/24', '239.0.0.0/8', '255.255.255.255'];
export const LAN_IPV6 = ['fe80::/10', 'fc00::/7', 'ff01::/16', 'ff02::/16', 'ff03::/16', 'ff04::/16', 'ff05::/16'];

export function lanSets(): string[] {
  return [
    `set lan_v4 { type ipv4_addr; flags interval; elements = { ${LAN_IPV4.join(', ')} } }`,
    `set lan_v6 { type ipv6_addr; flags interval; elements = { ${LAN_IPV6.join(', ')} } }`,
  ];
}

export const loopbackOut = (): string[] => ['oif "lo" accept'];
export const loopbackIn = (): string[] => ['iif "lo" accept'];

/**
 * DHCP and what the kernel needs to keep its IPv6 addresses. Unrestricted by uid: the
 * DHCP client may be dhclient (root), systemd-networkd (its own user) or NetworkManager.
 * - DHCPv4: client 68 → server 67 (broadcast to discover, unicast to renew).
 * - DHCPv6: from link-local 546 to All_DHCP_Relay_Agents_and_Servers / All_DHCP_Servers 547.
 * - NDP (RFC 4861): RS, NS, NA out; RA, NS, NA, redirect in. Hop limit 255 proves the packet
 *   never crossed a router, so these can never carry traffic off the link.
 * - MLD (RFC 3810, 2710): listener reports and done out, queries in, hop limit 1. Without
 *   them a snooping switch stops sending us the solicited-node multicast that DAD and
 *   neighbour solicitation use, and the address goes with it.
 */
export function linkServicesOut(): string[] {
  return [
    'meta nfproto ipv4 udp sport 68 udp dport 67 accept',
    'ip6 saddr fe80::/10 ip6 daddr { ff02::1:2, ff05::1:3 } udp sport 546 udp dport 547 accept',
    'ip6 hoplimit 255 icmpv6 type { nd-router-solicit, nd-neighbor-solicit, nd-neighbor-advert } accept',
    'ip6 hoplimit 1 icmpv6 type { mld-listener-report, mld-listener-done, mld2-listener-report } accept',
  ];
}

export function linkServicesIn(): string[] {
  return [
    'meta nfproto ipv4 udp sport 67 udp dport 68 accept',
    'ip6 saddr fe80::/10 udp sport 547 udp dport 546 accept',
    'ip6 hoplimit 255 icmpv6 type { nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert, nd-redirect } accept',
    'ip6 hoplimit 1 icmpv6 type mld-listener-query accept',
  ];
}

const daddr = (address: string): string => (isV4(address) ? `ip daddr ${address}` : `ip6 daddr ${address}`);
const saddr = (address: string): string => (isV4(address) ? `ip saddr ${address}` : `ip6 saddr ${address}`);

/**
 * The helper's own packets to its servers: a socket owned by root (`meta skuid 0`: the uid
 * that created the socket, so it holds for the Node dgram socket and the addon's alike)
 * to exactly the resolved address, protocol and port. Replies come back only on the
 * connection those packets opened.
 */
export function serversOut(servers: readonly ServerEndpoint[]): string[] {
  return unique(servers.map((s) => `meta skuid 0 ${daddr(s.address)} ${s.proto} dport ${s.port} ${count('server_out')} accept`));
}

export function serversIn(servers: readonly ServerEndpoint[]): string[] {
  return unique(servers.map((s) => `${saddr(s.address)} ${s.proto} sport ${s.port} ct state established accept`));
}

/** Plain DNS (53) from root to the system's upstream resolvers, while resolving may be needed. */
export function bootstrapDnsOut(resolvers: readonly string[]): string[] {
  return unique(resolvers.map((r) => `meta skuid 0 ${daddr(r)} meta l4proto { tcp, udp } th dport 53 accept`));
}

export function bootstrapDnsIn(resolvers: readonly string[]): string[] {
  return unique(resolvers.map((r) => `${saddr(r)} meta l4proto { tcp, udp } th sport 53 ct state established accept`));
}

const DNS = 'meta l4proto { tcp, udp } th dport { 53, 853 }';

/**
 * DNS leak protection: DNS and DNS-over-TLS only through the tunnel, only to its servers;
 * every other DNS packet is refused, whatever interface it would take. Placed before the
 * tunnel and LAN exceptions so neither can let a stray query through.
 */
export function dnsGuard(tunnel: string, tunnelDns: readonly string[]): string[] {
  const v4 = tunnelDns.filter(isV4);
  const v6 = tunnelDns.filter((a) => !isV4(a));
  return [
    ...(v4.length > 0 ? [`${DNS} oifname "${tunnel}" ip daddr { ${v4.join(', ')} } accept`] : []),
    ...(v6.length > 0 ? [`${DNS} oifname "${tunnel}" ip6 daddr { ${v6.join(', ')} } accept`] : []),
    `${DNS} ${count('dns_leak')} reject`,
  ];
}

export const tunnelOut = (tunnel: string): string[] => [`oifname "${tunnel}" ${count('tunnel_out')} accept`];
export const tunnelIn = (tunnel: string): string[] => [`iifname "${tunnel}" accept`];

export function lanOut(): string[] {
  return [`ip daddr @lan_v4 ${count('lan_out')} accept`, `ip6 daddr @lan_v6 ${count('lan_out')} accept`];
}

export function lanIn(): string[] {
  return ['ip saddr @lan_v4 accept', 'ip6 saddr @lan_v6 accept'];
}

/** ICMP errors about connections we allowed (path MTU for the tunnel's own packets, mostly). */
export const relatedIcmpIn = (): string[] => ['meta l4proto { icmp, ipv6-icmp } ct state related accept'];

/**
 * The refusal at the end of a chain. Reject, not drop, on the way out: programs learn at
 * once (connection refused / host unreachable) instead of hanging, and fall back from IPv6
 * to IPv4 immediately.
 */
export function refuse(counter: CounterName, only?: 'ipv6'): string[] {
  const match = only === 'ipv6' ? 'meta nfproto ipv6 ' : '';
  return [
    `${match}meta l4proto tcp ${count(counter)} reject with tcp reset`,
    `${match}${count(counter)} reject with icmpx type admin-prohibited`,
  ];
}

function unique(lines: string[]): string[] {
  return [...new Set(lines)];
}
