import type { AppliedTunnel } from '../api/index';
import type { FirewallInput, TunnelPhase as FirewallPhase } from '../firewall/index';
import type { TunnelPhase } from '../tunnel/tunnel-phase';

/** What the firewall needs to know of one tunnel, derived from its phase: never kept beside it. */
export type TunnelFacts = Pick<FirewallInput, 'state' | 'tunnelInterface' | 'tunnelDns' | 'tunnelCarriesDefault'>;

export const NO_TUNNEL: TunnelFacts = { state: 'no_tunnel', tunnelDns: [], tunnelCarriesDefault: { ipv4: false, ipv6: false } };

/**
 * The firewall's view of a tunnel's phase (the controller's TunnelPhase is the one source):
 *
 * | tunnel phase                          | firewall state | TUN allowed |
 * |---------------------------------------|----------------|-------------|
 * | idle, negotiating, configuring (first)| connecting     | no          |
 * | negotiating, configuring (after up)   | reconnecting   | yes (persist-tun keeps it) |
 * | connected                             | connected      | yes         |
 * | reconnecting                          | reconnecting   | yes         |
 * | disconnecting (any)                   | reconnecting   | yes         |
 * | disconnected, requested by the user   | no_tunnel      | -           |
 * | disconnected by a failure             | reconnecting   | no (gone)   |
 *
 * A tunnel that failed keeps the block in `auto` until the user disconnects or connects again.
 * `tunnel` is the applied tunnel of this session (null before its first connect); `blockIpv6`
 * is the profile's block-ipv6: IPv6 is then never taken as carried, so the IPv6 guard holds.
 */
export function firewallFacts(phase: TunnelPhase, tunnel: AppliedTunnel | null, blockIpv6 = false): TunnelFacts {
  const carried = tunnel?.carriesDefault ?? { ipv4: tunnel?.redirectGateway ?? false, ipv6: false };
  const withTunnel = (state: FirewallPhase): TunnelFacts => (tunnel === null
    ? { ...NO_TUNNEL, state }
    : { state, tunnelInterface: tunnel.tunName, tunnelDns: tunnel.dnsServers, tunnelCarriesDefault: { ipv4: carried.ipv4, ipv6: carried.ipv6 && !blockIpv6 } });
  switch (phase.kind) {
    case 'idle':
      return { ...NO_TUNNEL, state: 'connecting' };
    case 'negotiating':
    case 'configuring':
      return tunnel === null ? { ...NO_TUNNEL, state: 'connecting' } : withTunnel('reconnecting');
    case 'connected':
      return withTunnel('connected');
    case 'reconnecting':
    case 'disconnecting':
      return withTunnel('reconnecting');
    case 'disconnected':
      return phase.requested ? NO_TUNNEL : { ...NO_TUNNEL, state: 'reconnecting' };
  }
}
