import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AppliedTunnel, HelperEvent } from '../api/index';
import { decidePolicy, type FirewallInput, type KillSwitchSettings, type NftJson } from '../firewall/index';
import { firewallFacts } from './firewall-phase';
import { KillSwitch, type FirewallPort } from './kill-switch';
import { checkLeaks, type LeakObservation } from './leak-check';
import { resolveServers } from './resolve-servers';

const REASON = { code: 'x', message: 'x' };
const TUNNEL: AppliedTunnel = {
  tunName: 'tun7', mtuBytes: 1500, ipv4: '10.8.0.2', routes: [], dnsServers: ['10.8.0.1'], searchDomains: [], redirectGateway: true,
  server: { host: 'vpn', address: '198.18.0.1', port: 1194, proto: 'udp' }, cipher: 'AES-256-GCM', keyDerivation: 'tls-ekm', tlsVersion: null,
  carriesDefault: { ipv4: true, ipv6: false },
};

/** A firewall that keeps the last input as "the kernel", blocking as decidePolicy says. */
function fakeFirewall(options: { fail?: boolean; leftover?: NftJson } = {}): FirewallPort & { inputs: FirewallInput[]; table: NftJson | undefined } {
  const fake = {
    inputs: [] as FirewallInput[],
    table: options.leftover,
    apply: async (input: FirewallInput) => {
      if (options.fail) return { ok: false as const, error: { code: 'firewall.nft_failed' as const, message: 'nft: not found' } };
      fake.inputs.push(input);
      const policy = decidePolicy(input);
      fake.table = policy.blocking || policy.dnsGuard || policy.ipv6Guard ? { nftables: [{ chain: { name: 'output', policy: policy.blocking ? 'drop' : 'accept' } }] } : undefined;
      return { ok: true as const, value: policy };
    },
    remove: async () => ({ ok: true as const, value: undefined }),
    current: async () => ({ ok: true as const, value: fake.table }),
  };
  return fake;
}

function killSwitch(mode: KillSwitchSettings['mode'], firewall: FirewallPort): { ks: KillSwitch; events: HelperEvent[]; saved: KillSwitchSettings[] } {
  const saved: KillSwitchSettings[] = [];
  let settings: KillSwitchSettings = { mode, allowLan: false, dnsLeakProtection: true };
  const ks = new KillSwitch({
    firewall,
    settings: {
      read: async () => ({ ok: true, value: { settings, source: 'file' } }),
      write: async (next) => { settings = next; saved.push(next); return { ok: true, value: undefined }; },
    },
  });
  const events: HelperEvent[] = [];
  ks.onEvent((event) => events.push(event));
  return { ks, events, saved };
}

test('phases map to firewall states: connecting without the TUN, reconnecting keeps it, a failure keeps blocking', () => {
  assert.equal(firewallFacts({ kind: 'negotiating', step: 'connecting', reason: REASON }, null).state, 'connecting');
  const reconnecting = firewallFacts({ kind: 'reconnecting', reason: REASON, reconnect: { reason: REASON, startedMs: 0 } }, TUNNEL);
  assert.deepEqual([reconnecting.state, reconnecting.tunnelInterface], ['reconnecting', 'tun7']);
  assert.equal(firewallFacts({ kind: 'negotiating', step: 'tls_handshake', reason: REASON }, TUNNEL).state, 'reconnecting');
  const up = firewallFacts({ kind: 'connected', reason: REASON }, TUNNEL);
  assert.deepEqual(up, { state: 'connected', tunnelInterface: 'tun7', tunnelDns: ['10.8.0.1'], tunnelCarriesDefault: { ipv4: true, ipv6: false } });
  assert.equal(firewallFacts({ kind: 'disconnected', reason: REASON, requested: true }, TUNNEL).state, 'no_tunnel');
  const failed = firewallFacts({ kind: 'disconnected', reason: REASON, requested: false }, TUNNEL);
  assert.deepEqual([failed.state, failed.tunnelInterface], ['reconnecting', undefined]);
  assert.equal(firewallFacts({ kind: 'connected', reason: REASON }, { ...TUNNEL, carriesDefault: { ipv4: true, ipv6: true } }, true).tunnelCarriesDefault.ipv6, false, 'block-ipv6');
});

test('auto: blocks from connecting, lifts on a deliberate disconnect, keeps blocking after a failure until lift()', async () => {
  const firewall = fakeFirewall();
  const { ks, events } = killSwitch('auto', firewall);
  await ks.start();
  assert.equal(ks.state.blocking, false);
  assert.deepEqual(await ks.tunnelStarting([{ address: '198.18.0.1', family: 4, proto: 'udp', port: 1194 }]), { ok: true, value: undefined });
  assert.equal(ks.state.blocking, true);
  assert.deepEqual(firewall.inputs.at(-1)?.servers, [{ address: '198.18.0.1', family: 4, proto: 'udp', port: 1194 }]);
  await ks.tunnelChanged(firewallFacts({ kind: 'disconnected', reason: REASON, requested: false }, TUNNEL));
  assert.equal(ks.state.blocking, true, 'a failed tunnel keeps blocking');
  assert.equal(await ks.lift(), true);
  assert.equal(ks.state.blocking, false);
  assert.equal(firewall.table, undefined);
  assert.deepEqual(events.filter((e) => e.type === 'killswitch').map((e) => e.type === 'killswitch' && e.blocking), [false, true, false]);
});

test('fails closed: with the mode on, a firewall that cannot load stops the connect; with off it only warns', async () => {
  const on = killSwitch('auto', fakeFirewall({ fail: true }));
  await on.ks.start();
  const refused = await on.ks.tunnelStarting([]);
  assert.equal(refused.ok ? '' : refused.error.code, 'killswitch.failed');
  const off = killSwitch('off', fakeFirewall({ fail: true }));
  await off.ks.start();
  assert.equal((await off.ks.tunnelStarting([])).ok, true);
});

test('helper start: always blocks at once; auto keeps a table a dead helper left; off removes it', async () => {
  const always = killSwitch('always', fakeFirewall());
  await always.ks.start();
  assert.equal(always.ks.state.blocking, true);
  const leftover = { nftables: [{ chain: { name: 'output', policy: 'drop' } }] };
  const auto = killSwitch('auto', fakeFirewall({ leftover }));
  await auto.ks.start();
  assert.equal(auto.ks.state.blocking, true);
  assert.equal(await auto.ks.lift(), true);
  assert.equal(auto.ks.state.blocking, false);
  const offFirewall = fakeFirewall({ leftover });
  const off = killSwitch('off', offFirewall);
  await off.ks.start();
  assert.equal(offFirewall.table, undefined);
});

test('set: saves and applies; off with no tunnel forgets a leftover block', async () => {
  const firewall = fakeFirewall();
  const { ks, saved } = killSwitch('auto', firewall);
  await ks.start();
  await ks.tunnelStarting([]);
  await ks.tunnelChanged(firewallFacts({ kind: 'disconnected', reason: REASON, requested: false }, null));
  const result = await ks.set({ allowLan: true }, false);
  assert.deepEqual(result, { ok: true, value: { mode: 'auto', allowLan: true, dnsLeakProtection: true, blocking: true } });
  await ks.set({ mode: 'off' }, false);
  await ks.set({ mode: 'auto' }, false);
  assert.equal(ks.state.blocking, false);
  assert.equal(saved.length, 3);
});

test('servers: every remote resolved with its proto and port; an HTTP proxy stands in for its remotes', async () => {
  const resolver = async (host: string) => (host === 'vpn.example' ? [{ address: '192.0.2.7', family: 4 as const }, { address: '2001:db8::7', family: 6 as const }] : []);
  const servers = await resolveServers({ remotes: [{ host: 'vpn.example', port: 443, proto: 'tcp' }, { host: '198.51.100.1', port: 1194, proto: 'udp' }] }, resolver);
  assert.deepEqual(servers.ok && servers.value, [
    { address: '192.0.2.7', family: 4, proto: 'tcp', port: 443 }, { address: '2001:db8::7', family: 6, proto: 'tcp', port: 443 },
    { address: '198.51.100.1', family: 4, proto: 'udp', port: 1194 },
  ]);
  const proxied = await resolveServers({ remotes: [{ host: 'vpn.example', port: 1194, proto: 'tcp' }], httpProxy: { host: '10.0.0.3', port: 3128 } }, resolver);
  assert.deepEqual(proxied.ok && proxied.value, [{ address: '10.0.0.3', family: 4, proto: 'tcp', port: 3128 }]);
  const none = await resolveServers({ remotes: [{ host: 'nowhere.example', port: 1, proto: 'udp' }] }, async () => { throw new Error('ENOTFOUND'); });
  assert.equal(none.ok ? '' : none.error.code, 'killswitch.failed');
});

const GOOD: LeakObservation = {
  routes4: [{ dst: 'default', gateway: '192.168.1.1', dev: 'eth0' }, { dst: '0.0.0.0/1', gateway: '10.8.0.1', dev: 'tun7' }, { dst: '128.0.0.0/1', gateway: '10.8.0.1', dev: 'tun7' },
    { dst: '198.18.0.1', gateway: '192.168.1.1', dev: 'eth0' }, { dst: '192.168.1.0/24', dev: 'eth0', scope: 'link' }],
  routes6: [{ dst: 'fe80::/64', dev: 'eth0' }],
  routeTo: Object.fromEntries(['1.1.1.1', '9.9.9.9', '100.100.100.100', '208.67.222.222', '10.8.0.1'].map((a) => [a, { dst: a, dev: 'tun7' }])),
  nameservers: ['10.8.0.1'],
  table: { nftables: [{ chain: { name: 'output', policy: 'drop' } }, { rule: { chain: 'output', expr: [{ match: { right: 'tun7' } }] } }] },
};

test('leak self-test: passes on a good setup', () => {
  const checks = checkLeaks(GOOD, { tunnel: TUNNEL, killSwitch: { mode: 'auto', dnsLeakProtection: true } });
  assert.deepEqual(checks.filter((c) => !c.ok), []);
  assert.deepEqual(checks.map((c) => c.id), ['default_route_v4', 'default_route_v6', 'dns_servers', 'dns_routes', 'ipv6', 'killswitch_rules']);
});

test('leak self-test: fails naming the check', () => {
  const expected = { tunnel: TUNNEL, killSwitch: { mode: 'auto' as const, dnsLeakProtection: true } };
  const failing = (observed: LeakObservation): string[] => checkLeaks(observed, expected).filter((c) => !c.ok).map((c) => c.id);
  const byHand = { ...GOOD, routes4: [...GOOD.routes4, { dst: '0.0.0.0/2', gateway: '192.168.1.1', dev: 'eth0' }], routeTo: { ...GOOD.routeTo, '1.1.1.1': { dst: '1.1.1.1', dev: 'eth0' } } };
  assert.deepEqual(failing(byHand), ['default_route_v4']);
  assert.deepEqual(failing({ ...GOOD, nameservers: ['192.168.1.1'] }), ['dns_servers']);
  assert.deepEqual(failing({ ...GOOD, routeTo: { ...GOOD.routeTo, '10.8.0.1': { dst: '10.8.0.1', dev: 'eth0' } } }), ['dns_routes']);
  assert.deepEqual(failing({ ...GOOD, table: undefined, routes6: [{ dst: 'default', gateway: 'fe80::1', dev: 'eth0' }] }), ['ipv6', 'killswitch_rules']);
});

test("a SOCKS5 relay is let through once named, replaces an earlier attempt's, and is forgotten with the tunnel", async () => {
  const firewall = fakeFirewall();
  const { ks } = killSwitch('always', firewall);
  await ks.start();
  const proxy = { address: '198.18.0.9', family: 4 as const, proto: 'tcp' as const, port: 1080 };
  assert.equal((await ks.allowRelay({ ...proxy, proto: 'udp', port: 40000 })).ok, false, 'no relay without a starting tunnel');
  assert.ok((await ks.tunnelStarting([proxy])).ok);
  assert.ok((await ks.allowRelay({ ...proxy, proto: 'udp', port: 40000 })).ok);
  assert.deepEqual(firewall.inputs.at(-1)?.servers, [proxy, { ...proxy, proto: 'udp', port: 40000 }]);
  assert.ok((await ks.allowRelay({ ...proxy, proto: 'udp', port: 40002 })).ok);
  assert.deepEqual(firewall.inputs.at(-1)?.servers, [proxy, { ...proxy, proto: 'udp', port: 40002 }], 'the new attempt\'s relay replaces the old one');
  await ks.tunnelChanged({ state: 'no_tunnel', tunnelDns: [], tunnelCarriesDefault: { ipv4: false, ipv6: false } });
  assert.deepEqual(firewall.inputs.at(-1)?.servers, []);
});
