// Test-only: random valid FirewallInput values for property tests (unit and lab).
import fc from 'fast-check';
import type { FirewallInput, ServerEndpoint } from './firewall-types';

const ipv4 = fc.ipV4();
const ipv6 = fc.ipV6().filter((address) => !address.includes('.')); // nft prints v4-mapped ones its own way; both are valid input
const address = fc.oneof(ipv4, ipv6);

const server: fc.Arbitrary<ServerEndpoint> = fc.record({
  family: fc.constantFrom(4 as const, 6 as const),
  v4: ipv4,
  v6: ipv6,
  proto: fc.constantFrom('udp' as const, 'tcp' as const),
  port: fc.integer({ min: 1, max: 65_535 }),
}).map(({ family, v4, v6, proto, port }) => ({ address: family === 4 ? v4 : v6, family, proto, port }));

export const firewallInputArbitrary: fc.Arbitrary<FirewallInput> = fc.record({
  mode: fc.constantFrom('off' as const, 'auto' as const, 'always' as const),
  state: fc.constantFrom('no_tunnel' as const, 'connecting' as const, 'connected' as const, 'reconnecting' as const),
  tunnelInterface: fc.option(fc.stringMatching(/^[a-z][a-z0-9_.-]{0,14}$/), { nil: undefined }),
  servers: fc.array(server, { maxLength: 6 }),
  tunnelDns: fc.array(address, { maxLength: 4 }),
  tunnelCarriesDefault: fc.record({ ipv4: fc.boolean(), ipv6: fc.boolean() }),
  allowLan: fc.boolean(),
  dnsLeakProtection: fc.boolean(),
  bootstrapDns: fc.option(fc.array(address, { maxLength: 3 }), { nil: undefined }),
});
