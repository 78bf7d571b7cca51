import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OriginalGateway, PlanInput } from './network-plan-types';
import { planNetwork } from './plan-network';
import { tunnelConfigFixture } from './tunnel-config-fixture';
import { IP_UNDO_SHAPE_COUNT, ipUndoShapeIndex, isDeviceName, isIpUndoArgv, isResolvectlUndoArgv } from './undo-argv-shapes';

const TUN = { tunName: 'tun7' };
const GW4: OriginalGateway = { via: '192.0.2.1', dev: 'eth0', metric: 100, protocol: 'dhcp', localSubnet: { network: '192.0.2.0', prefixLength: 24 } };

function input(overrides: Partial<PlanInput>, config: Parameters<typeof tunnelConfigFixture>[0]): PlanInput {
  return {
    tunName: 'tun7', serverAddress: '198.51.100.7', serverFamily: 4, originalGateway4: GW4, mtuBytes: 1500, originalMtuBytes: 1400,
    config: tunnelConfigFixture({ topology: 'subnet', ifconfig: { local: '10.8.0.2', netmaskOrPeer: '255.255.255.0', topology: 'subnet' }, routeGateway: '10.8.0.1', ...config }),
    ...overrides,
  };
}

/** Every form of undo the planner makes: each kind of address, route and redirect, with and without metrics. */
const PLANS: PlanInput[] = [
  input({}, {
    routeMetric: 7,
    ifconfigIpv6: { address: 'fd00:8::1000', prefixLength: 64 },
    routes: [
      { network: '10.20.0.0', netmask: '255.255.0.0' },
      { network: '10.22.1.9', netmask: '255.255.255.0', gateway: '10.8.0.1', metric: 3 },
      { network: '203.0.113.0', netmask: '255.255.255.0', gateway: 'net_gateway' },
      { network: 'remote_host', netmask: '255.255.255.255', gateway: 'net_gateway' },
      { network: '10.23.0.0', netmask: '255.255.0.0', gateway: '10.99.0.1' },
    ],
    routesIpv6: [{ network: 'fd00:99::', prefixLength: 48, metric: 5 }, { network: 'fd00:98::', prefixLength: 48 }],
    redirectGateway: { flags: new Set(['def1', 'block-local', 'ipv6']) },
  }),
  input({}, { redirectGateway: { flags: new Set() } }),
  input({ originalGateway4: { dev: 'eth0' } }, { redirectGateway: { flags: new Set() }, routes: [{ network: '10.40.0.0', netmask: '255.255.0.0', gateway: 'net_gateway' }] }),
  input({ originalGateway4: { via: '192.0.2.1', dev: 'eth0' } }, { redirectGateway: { flags: new Set() } }),
  ...(['net30', 'p2p'] as const).map((topology) => input({}, {
    topology, ifconfig: { local: '10.8.0.6', netmaskOrPeer: '10.8.0.5', topology }, routeGateway: undefined,
    routes: [{ network: '10.20.0.0', netmask: '255.255.0.0' }],
  })),
  input({}, { blockIpv6: true }),
  input({ serverAddress: '2001:db8::7', serverFamily: 6, originalGateway6: { via: 'fe80::1', dev: 'eth0' } },
    { ifconfigIpv6: { address: 'fd00:8::1000', prefixLength: 64 }, redirectGateway: { flags: new Set(['ipv6', '!ipv4']) } }),
  input({ serverAddress: '2001:db8::7', serverFamily: 6, originalGateway6: { dev: 'eth0' } },
    { ifconfigIpv6: { address: 'fd00:8::1000', prefixLength: 64 }, routesIpv6: [{ network: '2001:db8::', prefixLength: 32 }] }),
];

test('every undo the planner writes fits a shape, and every shape is one the planner writes', () => {
  const used = new Set<number>();
  for (const plan of PLANS.map(planNetwork)) {
    for (const step of plan.steps) {
      if (!step.undo) continue;
      const index = ipUndoShapeIndex(step.undo, TUN);
      assert.notEqual(index, undefined, `refused: ip ${step.undo.join(' ')}`);
      used.add(index ?? -1);
    }
  }
  // A shape no plan uses would let a journal run more than the helper ever writes.
  assert.equal(used.size, IP_UNDO_SHAPE_COUNT);
  assert.ok(isResolvectlUndoArgv(['revert', 'tun7'], TUN));
});

test('forged or foreign commands are refused', () => {
  for (const argv of [
    ['route', 'add', 'default', 'via', '1.2.3.4'], // adds a route with no device: never an undo
    ['link', 'set', 'eth0', 'down'],
    ['link', 'set', 'dev', 'eth0', 'down'], // link undo touches only the journal's tunnel
    ['link', 'del', 'tun7'],
    ['-batch', '/etc/shadow'],
    ['-force', '-batch', '/etc/shadow'],
    ['route', 'del', '10.0.0.0/8'], // no gateway and no device: the planner never writes it
    ['route', 'flush', 'table', 'main'],
    ['route', 'del', '10.0.0.0/33', 'dev', 'tun7'],
    ['route', 'del', '10.0.0.0/8', 'via', 'fe80::1', 'dev', 'tun7'],
    ['route', 'del', '10.0.0.0/08', 'dev', 'tun7'],
    ['route', 'del', '10.0.0.0/8', 'dev', 'tun7', 'metric', '-1'],
    ['route', 'del', '10.0.0.0/8', 'dev', 'tun7', 'table', '5'],
    ['route', 'del', '10.0.0.0/8', 'dev', 'a/b'],
    ['route', 'del', '10.0.0.0/8', 'dev', 'much-too-long-name'],
    ['route', 'add', 'default', 'dev', 'eth0', 'proto', '-x'],
    ['-6', 'route', 'del', 'fd00::/64', 'via', 'fe80::1%eth0', 'dev', 'eth0'],
    ['-6', 'route', 'del', '10.0.0.0/8', 'dev', 'tun7'],
    ['addr', 'del', '10.8.0.2/24', 'dev', 'tun7', 'label', 'x'],
    ['addr', 'flush', 'dev', 'eth0'],
    ['link', 'set', 'dev', 'tun7', 'mtu', '9999999'],
    [],
  ]) assert.equal(isIpUndoArgv(argv, TUN), false, `accepted: ip ${argv.join(' ')}`);
  for (const argv of [['revert', 'eth0'], ['dns', 'tun7', '1.1.1.1'], ['revert'], ['revert', 'tun7', 'x']]) {
    assert.equal(isResolvectlUndoArgv(argv, TUN), false, `accepted: resolvectl ${argv.join(' ')}`);
  }
});

test('device names as Linux takes them', () => {
  for (const name of ['eth0', 'enp0s31f6', 'wlp3s0', 'br-1a2b3c4d5e6f', 'veth.1', 'tun_7', '123456789012345']) assert.ok(isDeviceName(name), name);
  for (const name of ['', '.', '..', '-x', 'a b', 'a/b', 'a:b', '1234567890123456', 'a\nb', 'é'.repeat(8)]) assert.equal(isDeviceName(name), false, JSON.stringify(name));
});
