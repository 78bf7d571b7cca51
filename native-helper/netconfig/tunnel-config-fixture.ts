import type { TunnelConfig } from '../../core/index';

/** Test-only: a TunnelConfig with nothing pushed, plus the overrides a test needs. */
export function tunnelConfigFixture(overrides: Partial<TunnelConfig> = {}): TunnelConfig {
  return {
    topology: 'net30',
    routes: [],
    routesIpv6: [],
    blockIpv6: false,
    dns: {
      servers: [], servers6: [], searchDomains: [], dnsOption: { servers: [], searchDomains: [] },
      blockOutsideDns: false, otherDhcpOptions: [],
    },
    keyDerivation: 'prf',
    protocolFlags: new Set(),
    echo: [],
    unknown: [],
    filtered: [],
    ignored: [],
    invalid: [],
    ...overrides,
  };
}
