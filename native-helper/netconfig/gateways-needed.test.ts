import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TunnelConfig } from '../../core/index';
import { gatewaysNeeded } from './gateways-needed';
import type { PlanInput } from './network-plan-types';
import { planNetwork } from './plan-network';
import { tunnelConfigFixture } from './tunnel-config-fixture';

const GW4 = { via: '192.0.2.1', dev: 'eth0', localSubnet: { network: '192.0.2.0', prefixLength: 24 } };
const GW6 = { via: 'fe80::1', dev: 'eth0' };
const SERVERS = [{ serverAddress: '198.51.100.7', serverFamily: 4 as const }, { serverAddress: '2001:db8::7', serverFamily: 6 as const }];

const redirect = (...flags: string[]): { flags: Set<string> } => ({ flags: new Set(flags) });

/** Every shape of pushed config that could touch the original gateways, and some that do not. */
const CONFIGS: Record<string, Partial<TunnelConfig>> = {
  'nothing pushed but an address': {},
  'plain routes': { routes: [{ network: '10.20.0.0', netmask: '255.255.0.0' }] },
  'a route via net_gateway': { routes: [{ network: '203.0.113.0', netmask: '255.255.255.0', gateway: 'net_gateway' }] },
  'net_gateway as the network': { routes: [{ network: 'net_gateway', netmask: '255.255.255.255' }] },
  'remote_host via net_gateway': { routes: [{ network: 'remote_host', netmask: '255.255.255.255', gateway: 'net_gateway' }] },
  'redirect-gateway def1': { redirectGateway: redirect('def1') },
  'redirect-gateway (replace the default)': { redirectGateway: redirect() },
  'redirect-gateway def1 block-local': { redirectGateway: redirect('def1', 'block-local') },
  'redirect-gateway !ipv4 ipv6': { redirectGateway: redirect('!ipv4', 'ipv6'), ifconfigIpv6: { address: 'fd00::2', prefixLength: 64 } },
  'redirect-gateway def1 ipv6': { redirectGateway: redirect('def1', 'ipv6'), ifconfigIpv6: { address: 'fd00::2', prefixLength: 64 } },
  'redirect-private def1': { redirectPrivate: redirect('def1') },
  'block-ipv6': { blockIpv6: true },
  'an IPv6 route over the server': { routesIpv6: [{ network: '2001:db8::', prefixLength: 32 }] },
  'an IPv6 route elsewhere': { routesIpv6: [{ network: 'fd00:1::', prefixLength: 48 }] },
};

function plan(serverIndex: number, config: Partial<TunnelConfig>, gateways: Pick<PlanInput, 'originalGateway4' | 'originalGateway6'>): ReturnType<typeof planNetwork> {
  return planNetwork({
    tunName: 'tun7', mtuBytes: 1500, ...SERVERS[serverIndex]!, ...gateways,
    config: tunnelConfigFixture({ topology: 'subnet', ifconfig: { local: '10.8.0.2', netmaskOrPeer: '255.255.255.0', topology: 'subnet' }, routeGateway: '10.8.0.1', ...config }),
  });
}

test('asking only for the gateways gatewaysNeeded names gives the same plan as asking for both, for every config and server family', () => {
  for (const [serverIndex, server] of SERVERS.entries()) {
    for (const [name, config] of Object.entries(CONFIGS)) {
      const needed = gatewaysNeeded(tunnelConfigFixture(config), server.serverFamily);
      const full = plan(serverIndex, config, { originalGateway4: GW4, originalGateway6: GW6 });
      const trimmed = plan(serverIndex, config, { ...(needed.ipv4 ? { originalGateway4: GW4 } : {}), ...(needed.ipv6 ? { originalGateway6: GW6 } : {}) });
      assert.deepEqual(trimmed, full, `${name}, IPv${server.serverFamily} server`);
    }
  }
});

test('a plain tunnel (no redirect, no net_gateway) asks for no gateway at all', () => {
  assert.deepEqual(gatewaysNeeded(tunnelConfigFixture(CONFIGS['plain routes']), 4), { ipv4: false, ipv6: false });
  assert.deepEqual(gatewaysNeeded(tunnelConfigFixture({ redirectGateway: redirect('def1') }), 4), { ipv4: true, ipv6: false });
  assert.deepEqual(gatewaysNeeded(tunnelConfigFixture({ routesIpv6: [{ network: '2001:db8::', prefixLength: 32 }] }), 6), { ipv4: false, ipv6: true });
});
