import type { FirewallInput } from './firewall-types';

/**
 * What the table has to do for one input, before any rule is written:
 * - `blocking`: the kill switch; everything but the exceptions and the tunnel is refused,
 *   out, in and forwarded. `always`, or `auto` from connecting until a deliberate disconnect.
 * - `dnsGuard`: DNS (udp/tcp 53, 853) only to the tunnel's DNS servers through the tunnel,
 *   when the tunnel is up, carries a default route and pushed DNS servers, and the setting is on.
 * - `ipv6Guard`: the tunnel carries the IPv4 default but no IPv6 one, so IPv6 outside it is
 *   refused (OpenVPN's block-ipv6). Only matters without `blocking`, which refuses it anyway.
 * With none of the three, there is no table at all.
 */
export interface FirewallPolicy {
  blocking: boolean;
  dnsGuard: boolean;
  ipv6Guard: boolean;
  /** True while resolving remotes may be needed: root may reach `bootstrapDns` on port 53. */
  bootstrapDns: boolean;
}

export function decidePolicy(input: FirewallInput): FirewallPolicy {
  const blocking = input.mode === 'always' || (input.mode === 'auto' && input.state !== 'no_tunnel');
  const tunnelUp = input.state === 'connected' && input.tunnelInterface !== undefined;
  const carriesDefault = input.tunnelCarriesDefault.ipv4 || input.tunnelCarriesDefault.ipv6;
  return {
    blocking,
    dnsGuard: tunnelUp && input.dnsLeakProtection && carriesDefault && input.tunnelDns.length > 0,
    ipv6Guard: tunnelUp && input.tunnelCarriesDefault.ipv4 && !input.tunnelCarriesDefault.ipv6,
    bootstrapDns: blocking && (input.state === 'connecting' || input.state === 'reconnecting')
      && (input.bootstrapDns?.length ?? 0) > 0,
  };
}

export function needsTable(policy: FirewallPolicy): boolean {
  return policy.blocking || policy.dnsGuard || policy.ipv6Guard;
}
