import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PlanInput } from './network-plan-types';
import { planNetwork } from './plan-network';
import { tunnelConfigFixture } from './tunnel-config-fixture';

const GW4 = { via: '192.0.2.1', dev: 'eth0', localSubnet: { network: '192.0.2.0', prefixLength: 24 } };

function input(overrides: Partial<PlanInput> = {}, config: Parameters<typeof tunnelConfigFixture>[0] = {}): PlanInput {
  return {
    tunName: 'tun7', serverAddress: '198.51.100.7', serverFamily: 4, originalGateway4: GW4, mtuBytes: 1500,
    config: tunnelConfigFixture({
      topology: 'subnet', ifconfig: { local: '10.8.0.2', netmaskOrPeer: '255.255.255.0', topology: 'subnet' }, routeGateway: '10.8.0.1', ...config,
    }),
    ...overrides,
  };
}

const applied = (plan: ReturnType<typeof planNetwork>): string[] => plan.steps.map((step) => step.apply.join(' '));

test('topology subnet: MTU, up, local/prefix; undo takes the address and link back', () => {
  const plan = planNetwork(input());
  assert.deepEqual(applied(plan), [
    'link set dev tun7 mtu 1500', 'link set dev tun7 up', 'addr add 10.8.0.2/24 dev tun7',
  ]);
  assert.deepEqual(plan.steps.map((step) => step.undo?.join(' ') ?? null), [
    null, 'link set dev tun7 down', 'addr del 10.8.0.2/24 dev tun7',
  ]);
  assert.deepEqual(plan.warnings, []);
});

test('a device the helper just created (MTU set, up) needs only its addresses', () => {
  assert.deepEqual(applied(planNetwork(input({ deviceReady: true }))), ['addr add 10.8.0.2/24 dev tun7']);
});

test('originalMtuBytes makes the MTU step undoable', () => {
  const plan = planNetwork(input({ originalMtuBytes: 1400 }));
  assert.deepEqual(plan.steps[0]?.undo, ['link', 'set', 'dev', 'tun7', 'mtu', '1400']);
});

test('net30 and p2p: local peer PEER, and the peer is the route gateway', () => {
  for (const topology of ['net30', 'p2p'] as const) {
    const plan = planNetwork(input({}, {
      topology, ifconfig: { local: '10.8.0.6', netmaskOrPeer: '10.8.0.5', topology }, routeGateway: undefined,
      routes: [{ network: '10.20.0.0', netmask: '255.255.0.0' }],
    }));
    assert.deepEqual(applied(plan).slice(2), [
      'addr add 10.8.0.6 peer 10.8.0.5 dev tun7',
      'route add 10.20.0.0/16 via 10.8.0.5 dev tun7',
    ], topology);
  }
});

test('IPv6 address from ifconfig-ipv6', () => {
  const plan = planNetwork(input({}, { ifconfigIpv6: { address: 'fd00:8::1000', prefixLength: 64, peer: 'fd00:8::1' } }));
  assert.deepEqual(plan.steps[3]?.apply, ['-6', 'addr', 'add', 'fd00:8::1000/64', 'dev', 'tun7']);
  assert.deepEqual(plan.steps[3]?.undo, ['-6', 'addr', 'del', 'fd00:8::1000/64', 'dev', 'tun7']);
});

test('pushed routes: every gateway form, metric, netmask → prefix, host bits cleared', () => {
  const plan = planNetwork(input({}, {
    routeMetric: 7,
    routes: [
      { network: '10.20.0.0', netmask: '255.255.0.0' },
      { network: '10.21.0.0', netmask: '255.255.255.0', gateway: 'vpn_gateway', metric: 3 },
      { network: '10.22.1.9', netmask: '255.255.255.0', gateway: '10.8.0.1' },
      { network: '203.0.113.0', netmask: '255.255.255.0', gateway: 'net_gateway' },
      { network: 'remote_host', netmask: '255.255.255.255', gateway: 'net_gateway' },
      { network: '10.23.0.0', netmask: '255.255.0.0', gateway: '10.99.0.1' },
      { network: '10.24.0.0', netmask: '255.0.255.0' },
      { network: 'intranet.example', netmask: '255.255.255.255' },
    ],
  }));
  assert.deepEqual(applied(plan).slice(3), [
    'route add 10.20.0.0/16 via 10.8.0.1 dev tun7 metric 7',
    'route add 10.21.0.0/24 via 10.8.0.1 dev tun7 metric 3',
    'route add 10.22.1.0/24 via 10.8.0.1 dev tun7 metric 7',
    'route add 203.0.113.0/24 via 192.0.2.1 dev eth0 metric 7',
    'route add 198.51.100.7/32 via 192.0.2.1 dev eth0 metric 7',
    'route add 10.23.0.0/16 via 10.99.0.1 metric 7',
  ]);
  assert.equal(plan.steps[3]?.undo?.join(' '), 'route del 10.20.0.0/16 via 10.8.0.1 dev tun7 metric 7');
  assert.ok(plan.steps.slice(3).every((step) => step.tolerateExisting === true));
  assert.equal(plan.warnings.length, 2, plan.warnings.join('\n'));
});

test('routes without any gateway known are skipped with a warning', () => {
  const plan = planNetwork(input({ originalGateway4: undefined }, {
    routeGateway: undefined,
    routes: [{ network: '10.20.0.0', netmask: '255.255.0.0' }, { network: '10.30.0.0', netmask: '255.255.0.0', gateway: 'net_gateway' }],
  }));
  assert.equal(applied(plan).length, 3);
  assert.equal(plan.warnings.length, 2);
});

test('redirect-gateway def1: server /32 via the original gateway, then the two halves', () => {
  const plan = planNetwork(input({}, { redirectGateway: { flags: new Set(['def1']) } }));
  assert.deepEqual(applied(plan).slice(3), [
    'route add 198.51.100.7/32 via 192.0.2.1 dev eth0',
    'route add 0.0.0.0/1 via 10.8.0.1 dev tun7',
    'route add 128.0.0.0/1 via 10.8.0.1 dev tun7',
  ]);
  assert.equal(plan.redirectsDefault4, true);
  assert.equal(plan.redirectsDefault6, false);
});

test('redirect-gateway: no host route for local, for an on-link server, or for an IPv6 server', () => {
  const halves = ['route add 0.0.0.0/1 via 10.8.0.1 dev tun7', 'route add 128.0.0.0/1 via 10.8.0.1 dev tun7'];
  const local = planNetwork(input({}, { redirectGateway: { flags: new Set(['def1', 'local']) } }));
  assert.deepEqual(applied(local).slice(3), halves);
  const onLink = planNetwork(input({ originalGateway4: { dev: 'eth0' } }, { redirectGateway: { flags: new Set(['def1']) } }));
  assert.deepEqual(applied(onLink).slice(3), halves);
  const v6Server = planNetwork(input({ serverAddress: '2001:db8::7', serverFamily: 6 }, { redirectGateway: { flags: new Set(['def1']) } }));
  assert.deepEqual(applied(v6Server).slice(3), halves);
});

test('redirect-gateway without def1 replaces the default route and restores it as it was', () => {
  const plan = planNetwork(input({ originalGateway4: { ...GW4, metric: 100, protocol: 'dhcp' } }, { redirectGateway: { flags: new Set() } }));
  const steps = plan.steps.slice(3);
  assert.deepEqual(steps.map((step) => step.apply.join(' ')), [
    'route add 198.51.100.7/32 via 192.0.2.1 dev eth0',
    'route del default via 192.0.2.1 dev eth0 metric 100',
    'route add default via 10.8.0.1 dev tun7',
  ]);
  assert.equal(steps[1]?.undo?.join(' '), 'route add default via 192.0.2.1 dev eth0 proto dhcp metric 100');
  assert.equal(steps[2]?.undo?.join(' '), 'route del default via 10.8.0.1 dev tun7');
});

test('redirect-gateway without a VPN gateway or an original gateway leaves the default alone', () => {
  const noVpnGateway = planNetwork(input({}, { routeGateway: undefined, redirectGateway: { flags: new Set(['def1']) } }));
  assert.equal(applied(noVpnGateway).length, 3);
  assert.equal(noVpnGateway.redirectsDefault4, false);
  assert.match(noVpnGateway.warnings[0] ?? '', /VPN gateway/);
  const noOriginal = planNetwork(input({ originalGateway4: undefined }, { redirectGateway: { flags: new Set(['def1']) } }));
  assert.equal(applied(noOriginal).length, 3);
  assert.match(noOriginal.warnings[0] ?? '', /default gateway is unknown/);
});

test('redirect-private: only the server host route', () => {
  const plan = planNetwork(input({}, { redirectPrivate: { flags: new Set(['def1']) } }));
  assert.deepEqual(applied(plan).slice(3), ['route add 198.51.100.7/32 via 192.0.2.1 dev eth0']);
  assert.equal(plan.redirectsDefault4, false);
});

test('block-local: the gateway host route, then the uplink subnet in two halves into the tunnel', () => {
  const plan = planNetwork(input({}, { redirectGateway: { flags: new Set(['def1', 'block-local']) } }));
  assert.deepEqual(applied(plan).slice(3), [
    'route add 198.51.100.7/32 via 192.0.2.1 dev eth0',
    'route add 192.0.2.1/32 via 192.0.2.1 dev eth0',
    'route add 192.0.2.0/25 via 10.8.0.1 dev tun7',
    'route add 192.0.2.128/25 via 10.8.0.1 dev tun7',
    'route add 0.0.0.0/1 via 10.8.0.1 dev tun7',
    'route add 128.0.0.0/1 via 10.8.0.1 dev tun7',
  ]);
});

test('redirect-gateway ipv6 !ipv4: the 2.6 IPv6 prefixes into the tunnel, IPv4 untouched', () => {
  const plan = planNetwork(input({}, {
    ifconfigIpv6: { address: 'fd00:8::1000', prefixLength: 64 },
    redirectGateway: { flags: new Set(['def1', 'ipv6', '!ipv4']) },
    routesIpv6: [{ network: 'fd00:99::5', prefixLength: 64, metric: 5 }],
  }));
  assert.deepEqual(applied(plan).slice(4), [
    '-6 route add ::/3 dev tun7', '-6 route add 2000::/4 dev tun7', '-6 route add 3000::/4 dev tun7', '-6 route add fc00::/7 dev tun7',
    '-6 route add fd00:99::/64 dev tun7 metric 5',
  ]);
  assert.equal(plan.redirectsDefault4, false);
  assert.equal(plan.redirectsDefault6, true);
});

test('redirect-gateway ipv6 without ifconfig-ipv6 adds nothing (2.6 needs ifconfig_ipv6_local)', () => {
  const plan = planNetwork(input({}, { redirectGateway: { flags: new Set(['ipv6', '!ipv4']) } }));
  assert.equal(applied(plan).length, 3);
});

test('an IPv6 server inside a tunnelled prefix gets a /128 through its original path, metric 1', () => {
  const plan = planNetwork(input({
    serverAddress: '2001:db8::7', serverFamily: 6, originalGateway6: { via: 'fe80::1', dev: 'eth0' },
  }, { ifconfigIpv6: { address: 'fd00:8::1000', prefixLength: 64 }, redirectGateway: { flags: new Set(['ipv6', '!ipv4']) } }));
  assert.equal(applied(plan)[4], '-6 route add 2001:db8::7/128 via fe80::1 dev eth0 metric 1');
  const outside = planNetwork(input({ serverAddress: 'fd00:7::7', serverFamily: 6, originalGateway6: { dev: 'eth0' } }, {
    routesIpv6: [{ network: '2001:db8::', prefixLength: 32 }],
  }));
  assert.deepEqual(applied(outside).slice(3), ['-6 route add 2001:db8::/32 dev tun7']);
});

test('block-ipv6: unreachable routes over the redirect prefixes', () => {
  const plan = planNetwork(input({}, { blockIpv6: true }));
  assert.deepEqual(applied(plan).slice(3), [
    '-6 route add unreachable ::/3', '-6 route add unreachable 2000::/4', '-6 route add unreachable 3000::/4', '-6 route add unreachable fc00::/7',
  ]);
  assert.equal(plan.steps[3]?.undo?.join(' '), '-6 route del unreachable ::/3');
});

test('DNS is planned with the routes: ~. when the tunnel takes the default route', () => {
  const dns = { ...tunnelConfigFixture().dns, servers: ['10.8.0.53'], domain: 'corp.example' };
  const split = planNetwork(input({}, { dns }));
  assert.deepEqual(split.dns?.resolved, { servers: ['10.8.0.53'], domains: ['corp.example'], defaultRoute: false });
  const full = planNetwork(input({}, { dns, redirectGateway: { flags: new Set(['def1']) } }));
  assert.deepEqual(full.dns?.resolved, { servers: ['10.8.0.53'], domains: ['corp.example', '~.'], defaultRoute: true });
});

test('tap: ifconfig LOCAL NETMASK is local/prefix whatever the topology, routes and redirect-gateway go via route-gateway', () => {
  const plan = planNetwork(input({ tunName: 'tap0' }, {
    device: 'tap', topology: 'net30', ifconfig: { local: '10.8.0.100', netmaskOrPeer: '255.255.255.0', topology: 'net30' }, routeGateway: '10.8.0.4',
    routes: [{ network: '10.20.0.0', netmask: '255.255.0.0' }], redirectGateway: { flags: new Set(['def1']) },
  }));
  assert.deepEqual(applied(plan).slice(2), [
    'addr add 10.8.0.100/24 dev tap0',
    'route add 198.51.100.7/32 via 192.0.2.1 dev eth0',
    'route add 0.0.0.0/1 via 10.8.0.4 dev tap0', 'route add 128.0.0.0/1 via 10.8.0.4 dev tap0',
    'route add 10.20.0.0/16 via 10.8.0.4 dev tap0',
  ]);
  assert.deepEqual(plan.warnings, []);
});

test('tap: no peer stands in for route-gateway (nor does route-gateway dhcp): routes through it are skipped with a warning', () => {
  for (const routeGateway of [undefined, 'dhcp']) {
    const plan = planNetwork(input({ tunName: 'tap0' }, {
      device: 'tap', topology: 'net30', ifconfig: { local: '10.8.0.6', netmaskOrPeer: '255.255.255.252', topology: 'net30' }, routeGateway,
      routes: [{ network: '10.20.0.0', netmask: '255.255.0.0' }],
    }));
    assert.deepEqual(applied(plan).slice(2), ['addr add 10.8.0.6/30 dev tap0'], String(routeGateway));
    assert.deepEqual(plan.warnings, ['route 10.20.0.0 255.255.0.0: its gateway is unknown; skipped']);
  }
});

test('tap: IPv6 routes need a gateway (the route\'s own, else ifconfig-ipv6\'s peer; metric 0 is on-link), else skipped', () => {
  const routesIpv6 = [
    { network: 'fd00:77::', prefixLength: 64 },
    { network: 'fd00:78::', prefixLength: 64, gateway: 'fd00:8::9' },
    { network: 'fd00:79::', prefixLength: 64, metric: 0 },
  ];
  const withPeer = planNetwork(input({ tunName: 'tap0' }, {
    device: 'tap', ifconfigIpv6: { address: 'fd00:8::1000', prefixLength: 64, peer: 'fd00:8::1' }, routesIpv6,
    redirectGateway: { flags: new Set(['def1', 'ipv6', '!ipv4']) },
  }));
  assert.deepEqual(applied(withPeer).slice(4), [
    '-6 route add ::/3 via fd00:8::1 dev tap0', '-6 route add 2000::/4 via fd00:8::1 dev tap0',
    '-6 route add 3000::/4 via fd00:8::1 dev tap0', '-6 route add fc00::/7 via fd00:8::1 dev tap0',
    '-6 route add fd00:77::/64 via fd00:8::1 dev tap0', '-6 route add fd00:78::/64 via fd00:8::9 dev tap0', '-6 route add fd00:79::/64 dev tap0',
  ]);
  assert.equal(withPeer.redirectsDefault6, true);
  // The server assigned the address: no duplicate address detection on tap (the undo is a plain del).
  const v6Address = withPeer.steps.find((step) => step.description.startsWith('IPv6 address'));
  assert.deepEqual([v6Address?.apply.join(' '), v6Address?.undo?.join(' ')], ['-6 addr add fd00:8::1000/64 dev tap0 nodad', '-6 addr del fd00:8::1000/64 dev tap0']);
  const noPeer = planNetwork(input({ tunName: 'tap0' }, {
    device: 'tap', ifconfigIpv6: { address: 'fd00:8::1000', prefixLength: 64 }, routesIpv6: routesIpv6.slice(0, 1),
    redirectGateway: { flags: new Set(['def1', 'ipv6', '!ipv4']) },
  }));
  assert.deepEqual(applied(noPeer).slice(4), []);
  assert.equal(noPeer.redirectsDefault6, false, 'nothing redirected, nothing claimed');
  assert.equal(noPeer.warnings.length, 2);
});
