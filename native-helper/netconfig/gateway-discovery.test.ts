import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CommandRunner } from './command-runner';
import { discoverDefaultGateway, discoverGateway, parseDefaultRoutes, parseInterfaceSubnet, parseRouteGet } from './gateway-discovery';

// Output captured from iproute2 6.x (`ip -j …`).
const ROUTE_GET = '[{"dst":"198.51.100.7","gateway":"192.0.2.1","dev":"eth0","prefsrc":"192.0.2.2","flags":[],"uid":0,"cache":[]}]';
const ROUTE_GET_ON_LINK = '[{"dst":"192.0.2.9","dev":"eth0","prefsrc":"192.0.2.2","flags":[],"uid":0,"cache":[]}]';
const ROUTE_GET_LOCAL = '[{"type":"local","dst":"127.0.0.1","dev":"lo","prefsrc":"127.0.0.1","flags":[],"uid":0,"cache":["local"]}]';
const ROUTE_GET_6 = '[{"dst":"2001:db8::1","from":"::","gateway":"fd00::1","dev":"eth0","prefsrc":"fd00::2","metric":1024,"flags":[],"pref":"medium"}]';
const DEFAULTS = '[{"dst":"default","gateway":"192.0.2.1","dev":"eth0","protocol":"dhcp","metric":100,"flags":[]},'
  + '{"dst":"default","gateway":"192.0.2.254","dev":"eth1","metric":50,"flags":[]},{"type":"unreachable","dst":"default","dev":"lo","flags":[]}]';
const ADDRESSES = '[{"ifindex":4,"ifname":"eth0","flags":["UP"],"mtu":1500,"addr_info":[{"family":"inet","local":"192.0.2.2","prefixlen":24,"scope":"global"}]}]';

test('parseRouteGet: gateway, on-link, local, IPv6', () => {
  assert.deepEqual(parseRouteGet(ROUTE_GET), { ok: true, value: { dst: '198.51.100.7', gateway: '192.0.2.1', dev: 'eth0', prefsrc: '192.0.2.2' } });
  assert.deepEqual(parseRouteGet(ROUTE_GET_ON_LINK), { ok: true, value: { dst: '192.0.2.9', dev: 'eth0', prefsrc: '192.0.2.2' } });
  const local = parseRouteGet(ROUTE_GET_LOCAL);
  assert.equal(local.ok && local.value.type, 'local');
  const v6 = parseRouteGet(ROUTE_GET_6);
  assert.equal(v6.ok && v6.value.gateway, 'fd00::1');
});

test('parseRouteGet: garbage is an error, never a throw', () => {
  for (const text of ['', 'not json', '[]', '{}', '[{"dst":1}]', '[null]']) {
    assert.equal(parseRouteGet(text).ok, false, text);
  }
});

test('parseDefaultRoutes keeps unicast defaults with metric and protocol', () => {
  assert.deepEqual(parseDefaultRoutes(DEFAULTS), [
    { dev: 'eth0', gateway: '192.0.2.1', metric: 100, protocol: 'dhcp' },
    { dev: 'eth1', gateway: '192.0.2.254', metric: 50 },
  ]);
  assert.deepEqual(parseDefaultRoutes('oops'), []);
});

test('parseInterfaceSubnet finds the prefix of the source address', () => {
  assert.deepEqual(parseInterfaceSubnet(ADDRESSES, '192.0.2.2'), { network: '192.0.2.0', prefixLength: 24 });
  assert.equal(parseInterfaceSubnet(ADDRESSES, '192.0.2.3'), undefined);
});

function fakeIp(answers: Record<string, string>): CommandRunner & { calls: string[] } {
  const calls: string[] = [];
  const run = async (argv: readonly string[]) => {
    const key = argv.join(' ');
    calls.push(key);
    const stdout = answers[key];
    return stdout === undefined ? { ok: false as const, stderr: 'RTNETLINK answers: Network is unreachable', exitCode: 2 } : { ok: true as const, stdout };
  };
  return Object.assign(run, { calls });
}

test('discoverGateway combines route get, the matching default route and the uplink subnet', async () => {
  const runIp = fakeIp({
    '-j -4 route get 198.51.100.7': ROUTE_GET, '-j -4 route show default': DEFAULTS, '-j -4 addr show dev eth0': ADDRESSES,
  });
  assert.deepEqual(await discoverGateway(runIp, '198.51.100.7', 4), {
    ok: true, value: { dev: 'eth0', via: '192.0.2.1', metric: 100, protocol: 'dhcp', localSubnet: { network: '192.0.2.0', prefixLength: 24 } },
  });
  assert.deepEqual(await discoverGateway(fakeIp({ '-j -4 route get 127.0.0.1': ROUTE_GET_LOCAL }), '127.0.0.1', 4), { ok: true, value: undefined });
  const unreachable = await discoverGateway(fakeIp({}), '203.0.113.1', 4);
  assert.equal(!unreachable.ok && unreachable.error.code, 'netconfig.gateway_unknown');
});

test('discoverDefaultGateway takes the lowest metric', async () => {
  assert.deepEqual(await discoverDefaultGateway(fakeIp({ '-j -4 route show default': DEFAULTS }), 4), { dev: 'eth1', via: '192.0.2.254', metric: 50 });
  assert.equal(await discoverDefaultGateway(fakeIp({ '-j -6 route show default': '[]' }), 6), undefined);
});
