import type { FirewallInput } from './firewall-types';

/** A realistic input for tests: one UDP and one TCP remote, v4 and v6 tunnel DNS. */
export function firewallInput(overrides: Partial<FirewallInput> = {}): FirewallInput {
  return {
    mode: 'auto',
    state: 'connecting',
    tunnelInterface: 'tun0',
    servers: [
      { address: '198.51.100.7', family: 4, proto: 'udp', port: 1194 },
      { address: '2001:db8::7', family: 6, proto: 'tcp', port: 443 },
    ],
    tunnelDns: ['10.8.0.1', 'fd00:8::53'],
    tunnelCarriesDefault: { ipv4: true, ipv6: true },
    allowLan: false,
    dnsLeakProtection: true,
    ...overrides,
  };
}
