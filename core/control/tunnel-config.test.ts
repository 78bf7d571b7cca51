import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PushAccumulator } from './push-reply';
import { buildTunnelConfig } from './tunnel-config';
import { tapAddressMissing } from './pushed-network';
import type { BuildTunnelConfigOptions, TunnelConfig } from './tunnel-config';

/** Real messages from openvpn 2.6 (fixtures/capture-push-replies.sh), grouped by server variant. */
function loadFixtures(): Map<string, string[]> {
  const text = readFileSync(join(import.meta.dirname, 'fixtures', 'push-replies.txt'), 'utf8');
  const byVariant = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const tab = line.indexOf('\t');
    const variant = line.slice(0, tab);
    byVariant.set(variant, [...(byVariant.get(variant) ?? []), line.slice(tab + 1)]);
  }
  return byVariant;
}

const fixtures = loadFixtures();

function configFor(variant: string, settings?: BuildTunnelConfigOptions): TunnelConfig {
  const messages = fixtures.get(variant);
  assert.ok(messages, `fixture ${variant} missing`);
  const accumulator = new PushAccumulator();
  let options: string[] | undefined;
  for (const message of messages) {
    const step = accumulator.push(message);
    assert.ok(step.ok);
    if (step.value.done) options = step.value.options;
  }
  assert.ok(options, `${variant}: push never completed`);
  const config = buildTunnelConfig(options, settings);
  assert.ok(config.ok);
  return config.value;
}

/** Fields every 2.6 server pushed to our 2.6.14 client in the lab. */
const common: Partial<TunnelConfig> = {
  pingSeconds: 10, pingRestartSeconds: 60, peerId: 0, keyDerivation: 'tls-ekm',
  protocolFlags: new Set(['cc-exit', 'tls-ekm', 'dyn-tls-crypt']), unknown: [], invalid: [],
};

const expected: Record<string, Partial<TunnelConfig>> = {
  'subnet-ipv6-dns': {
    ...common, topology: 'subnet', cipher: 'AES-256-GCM', tunMtuBytes: 1500, routeGateway: '10.99.0.1',
    ifconfig: { local: '10.99.0.2', netmaskOrPeer: '255.255.255.0', topology: 'subnet' },
    ifconfigIpv6: { address: 'fd00:99::1000', prefixLength: 64, peer: 'fd00:99::1' },
    routes: [
      { network: '192.168.77.0', netmask: '255.255.255.0' },
      { network: '192.168.78.0', netmask: '255.255.255.0', gateway: '10.99.0.1', metric: 5 },
    ],
    routesIpv6: [{ network: 'fd00:77::', prefixLength: 64 }],
    dns: {
      servers: ['10.99.0.53'], servers6: ['fd00:99::53'], domain: 'example.test', searchDomains: ['corp.test'],
      dnsOption: {
        servers: [{ priority: 1, addresses: [{ address: '10.99.0.54' }, { address: 'fd00:99::54' }], resolveDomains: ['corp.test'] }],
        searchDomains: ['corp.test', 'lab.test'],
      },
      blockOutsideDns: false, otherDhcpOptions: [],
    },
    ignored: ['tun-ipv6'],
  },
  'net30': {
    ...common, topology: 'net30', ifconfig: { local: '10.98.0.6', netmaskOrPeer: '10.98.0.5', topology: 'net30' },
    routes: [{ network: '192.168.60.0', netmask: '255.255.255.0' }, { network: '10.98.0.1', netmask: '255.255.255.255' }],
    redirectGateway: { flags: new Set(['def1', 'bypass-dhcp']) },
  },
  'p2p-tun-mtu': {
    ...common, topology: 'p2p', tunMtuBytes: 1400, blockIpv6: true, echo: ['hello from the server'],
    ifconfig: { local: '10.97.0.4', netmaskOrPeer: '10.97.0.1', topology: 'p2p' },
    redirectGateway: { flags: new Set(['def1', 'ipv6']) },
  },
  'compress-stub-v2': { ...common, compression: { framing: 'stub-v2', peerMayCompressWith: 'none', option: 'compress stub-v2' } },
  'compress-lz4-v2': { ...common, compression: { framing: 'lz4-v2', peerMayCompressWith: 'lz4', option: 'compress lz4-v2' } },
  'comp-lzo': { ...common, compression: { framing: 'lzo', peerMayCompressWith: 'lzo', option: 'comp-lzo yes' } },
  'compress-stub': { ...common, compression: { framing: 'stub', peerMayCompressWith: 'none', option: 'compress' } },
  'cbc-fallback': { ...common, cipher: 'AES-256-CBC', redirectPrivate: { flags: new Set(['local']) } },
  'auth-token': { ...common, routeGateway: '10.92.0.1' },
};

for (const [variant, want] of Object.entries(expected)) {
  test(`lab PUSH_REPLY "${variant}" → TunnelConfig`, () => {
    const config = configFor(variant);
    for (const [key, value] of Object.entries(want)) {
      assert.deepEqual(config[key as keyof TunnelConfig], value, `${variant}: ${key}`);
    }
  });
}

test('lab auth-token (auth-gen-token) arrives as a Secret', () => {
  const config = configFor('auth-token');
  assert.match(config.authToken?.reveal() ?? '', /^SESS_ID_AT_[A-Za-z0-9+/=]+$/);
  assert.equal(String(config.authToken), '[redacted]');
});

test('lab push-continuation: three messages, 60 routes, then the rest of the reply', () => {
  const config = configFor('continuation');
  assert.equal(fixtures.get('continuation')?.length, 3);
  assert.equal(config.routes.length, 60);
  assert.deepEqual(config.routes[59], { network: '172.20.60.0', netmask: '255.255.255.0' });
  assert.equal(config.ifconfig?.local, '10.90.0.2');
  assert.deepEqual(config.unknown, []);
});

test('route-nopull drops routes and DNS but keeps route-gateway and addresses', () => {
  const config = configFor('subnet-ipv6-dns', { routeNopull: true });
  assert.deepEqual(config.routes, []);
  assert.deepEqual(config.routesIpv6, []);
  assert.deepEqual(config.dns.servers, []);
  assert.deepEqual(config.dns.dnsOption.servers, []);
  assert.equal(config.routeGateway, '10.99.0.1');
  assert.equal(config.ifconfig?.local, '10.99.0.2');
  assert.equal(config.filtered.length, 10);
});

test('pull-filter: first matching filter wins; ignore drops, reject fails the push', () => {
  const options = ['route 10.1.0.0 255.255.0.0', 'route 10.2.0.0 255.255.0.0', 'dhcp-option DNS 10.0.0.1'];
  const ignoring = buildTunnelConfig(options, { pullFilters: [
    { action: 'accept', prefix: 'route 10.1.' }, { action: 'ignore', prefix: 'route ' },
  ] });
  assert.ok(ignoring.ok);
  assert.deepEqual(ignoring.value.routes.map((r) => r.network), ['10.1.0.0']);
  assert.deepEqual(ignoring.value.filtered, ['route 10.2.0.0 255.255.0.0']);
  const rejecting = buildTunnelConfig(options, { pullFilters: [{ action: 'reject', prefix: 'dhcp-option' }] });
  assert.deepEqual(rejecting, { ok: false, error: { code: 'control.pull_filter_rejected', option: 'dhcp-option DNS 10.0.0.1' } });
});

test('unknown, ignored and malformed options are reported, never fatal', () => {
  const result = buildTunnelConfig([
    'frobnicate 1', 'sndbuf 393216', 'route not-an-ip', 'ifconfig 10.0.0.2', 'echo "unterminated',
    'peer-id -1', 'key-derivation tls-ekm', 'auth-token-user Ym9i', 'explicit-exit-notify', 'inactive 300 1000',
    'dhcp-option WINS 10.0.0.9', 'dns server 0 address [fd00::53]:5353 10.0.0.53:53', 'dns server 0 transport DoT',
    'route-ipv6 2001:db8::/32 fd00::1 10', 'compress bogus', 'ping-exit 120', 'block-outside-dns',
  ]);
  assert.ok(result.ok);
  const config = result.value;
  assert.deepEqual(config.unknown, ['frobnicate 1']);
  assert.deepEqual(config.ignored, ['sndbuf 393216']);
  assert.deepEqual(config.invalid.map((i) => i.option), ['route not-an-ip', 'ifconfig 10.0.0.2', 'echo "unterminated', 'compress bogus']);
  assert.equal(config.peerId, 0xffffff);
  assert.equal(config.keyDerivation, 'tls-ekm');
  assert.equal(config.authTokenUser, 'bob');
  assert.equal(config.explicitExitNotifyTries, 1);
  assert.deepEqual(config.inactive, { seconds: 300, minBytes: 1000 });
  assert.deepEqual(config.dns.otherDhcpOptions, [{ type: 'WINS', value: '10.0.0.9' }]);
  assert.deepEqual(config.dns.dnsOption.servers, [{
    priority: 0, addresses: [{ address: 'fd00::53', port: 5353 }, { address: '10.0.0.53', port: 53 }],
    resolveDomains: [], transport: 'DoT',
  }]);
  assert.deepEqual(config.routesIpv6, [{ network: '2001:db8::', prefixLength: 32, gateway: 'fd00::1', metric: 10 }]);
  assert.equal(config.pingExitSeconds, 120);
  assert.equal(config.dns.blockOutsideDns, true);
  assert.equal(config.compression, undefined);
});

test('without tls-ekm pushed, keys come from the PRF; topology defaults to net30', () => {
  const result = buildTunnelConfig(['ifconfig 10.8.0.6 10.8.0.5', 'protocol-flags cc-exit']);
  assert.ok(result.ok);
  assert.equal(result.value.keyDerivation, 'prf');
  assert.equal(result.value.topology, 'net30');
  assert.equal(result.value.ifconfig?.topology, 'net30');
});

test('quoted and escaped parameters are tokenised like a config line', () => {
  const result = buildTunnelConfig(['echo "two words" \'single\\quote\' back\\ slash', 'dhcp-option DOMAIN "corp example"']);
  assert.ok(result.ok);
  assert.deepEqual(result.value.echo, ['two words single\\quote back slash']);
  assert.equal(result.value.dns.domain, 'corp example');
});

test('tap: ifconfig LOCAL NETMASK and route-gateway as routed TAP (server NET MASK) and server-bridge push them; topology has no say', () => {
  // What 2.6's `server 10.8.0.0 255.255.255.0` on dev tap pushes (helper.c: no topology for tap).
  const pushed = ['route-gateway 10.8.0.1', 'ping 10', 'ping-restart 60', 'ifconfig 10.8.0.2 255.255.255.0', 'peer-id 0', 'cipher AES-256-GCM'];
  const built = buildTunnelConfig(pushed, { device: 'tap' });
  assert.ok(built.ok);
  assert.equal(built.value.device, 'tap');
  assert.deepEqual(built.value.ifconfig, { local: '10.8.0.2', netmaskOrPeer: '255.255.255.0', topology: 'net30' });
  assert.equal(built.value.routeGateway, '10.8.0.1');
  assert.deepEqual(built.value.invalid, []);
  assert.equal(tapAddressMissing(built.value), false);
  // The same push read for tun is what it always was.
  const forTun = buildTunnelConfig(pushed);
  assert.ok(forTun.ok);
  assert.equal(forTun.value.device, 'tun');
});

test('tap: a peer-form ifconfig is unusable (no netmask), and a push with no address at all is what DHCP-in-the-bridge servers send', () => {
  const peerForm = buildTunnelConfig(['ifconfig 10.8.0.6 10.8.0.5', 'route-gateway 10.8.0.5'], { device: 'tap' });
  assert.ok(peerForm.ok);
  assert.equal(peerForm.value.ifconfig, undefined);
  assert.deepEqual(peerForm.value.invalid, [{ option: 'ifconfig 10.8.0.6 10.8.0.5', reason: 'needs a netmask on a tap device' }]);
  assert.equal(tapAddressMissing(peerForm.value), true);
  // A bare server-bridge pushes only route-gateway dhcp.
  const dhcp = buildTunnelConfig(['route-gateway dhcp', 'ping 10', 'ping-restart 60', 'peer-id 0'], { device: 'tap' });
  assert.ok(dhcp.ok);
  assert.equal(dhcp.value.routeGateway, 'dhcp');
  assert.equal(tapAddressMissing(dhcp.value), true);
  // An IPv6 address alone is an address; and tun never asks.
  const v6 = buildTunnelConfig(['ifconfig-ipv6 fd00::1000/64 fd00::1'], { device: 'tap' });
  assert.ok(v6.ok && !tapAddressMissing(v6.value));
  const tun = buildTunnelConfig(['route-gateway dhcp']);
  assert.ok(tun.ok && !tapAddressMissing(tun.value));
});
